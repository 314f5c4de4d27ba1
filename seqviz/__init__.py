"""seqviz: watch recurrent sequence models think.

The library half of the app. Nothing here imports streamlit (except ``seqviz.ui``), so the CLI, the tests
and a notebook run exactly the code the pages show.
"""

from pathlib import Path

__version__ = "0.1.0"

# The folder that holds the package, the shipped ``checkpoints/`` and ``app.py``: paths are built from it,
# never from a module's own depth in the package (modules move between rooms).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
