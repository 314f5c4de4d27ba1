"""The checkpoints room: the safetensors + JSON store read as hostile input, zip download and upload, and the
classroom's own and shared folders.
"""
