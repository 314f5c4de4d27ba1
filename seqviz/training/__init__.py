"""The training room: the trainer, batches, evaluation, whole train/evaluate jobs, and the live runs the Train
page watches (the server's job queue and the run's back ends).
"""
