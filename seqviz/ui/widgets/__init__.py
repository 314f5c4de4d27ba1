"""Each page's widgets: ``seqviz/ui/widgets/<page>.py`` beside ``seqviz/explain/<page>.py`` (its numbers),
``seqviz/viz/<page>.py`` (its figures) and ``seqviz/ui/labels/<page>.py`` (its labels).
"""
