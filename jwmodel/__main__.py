"""``python -m jwmodel``: the ``jwmodel`` command."""

import sys

from jwmodel.cli import main

if __name__ == "__main__":
    sys.exit(main())
