"""The export room: every file and line seqviz writes for people to keep or read elsewhere, one module per
format (``json_export``: the CLI's ``--json`` lines and the pages' JSON downloads; ``csv_export``: the pages'
CSV downloads). Results stay plain data in their own rooms; only here are they turned into text, so a field
name or a number format is decided in one place.
"""
