"""``python -m seqviz`` entry point."""

import sys

from seqviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
