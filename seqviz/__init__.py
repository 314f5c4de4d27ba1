"""seqviz: watch recurrent sequence models think.

The library half of the app. Nothing here imports streamlit (except ``seqviz.ui``), so the CLI, the tests
and a notebook run exactly the code the pages show.
"""

__version__ = "0.1.0"
