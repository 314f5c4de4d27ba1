"""Where a live run's training happens: one protocol (``base``), one file per back end (``thread``: in the
job's own thread; ``child``: in a child process), and the registry that picks one by name (``registry``).

A new back end (a cluster, say) is a new file here and one ``register_backend`` line; the live run itself
does not change.
"""
