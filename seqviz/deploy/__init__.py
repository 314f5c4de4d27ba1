"""Serving seqviz to a lecture hall: several app replicas behind one address.

- ``nginx``: renders ``deploy/nginx/seqviz.conf`` (nginx in front of N ``streamlit run app.py`` replicas,
  sticky by cookie so each browser session keeps its replica) for given replica addresses and listen
  address, and a self-contained ``nginx.conf`` to run that nginx without root (the browser test does).

Nothing here is imported by the app: replicas share state only through the checkpoint folders on disk
(``seqviz.checkpoints.classroom``), whose saves are safe across processes
(``seqviz.checkpoints.folder_lock``).
"""
