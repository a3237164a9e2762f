"""``python -m kg`` runs the command line."""

import sys

from kg.cli.main import main

if __name__ == "__main__":  # kg serve's worker processes import this module again (spawn): do not rerun
    sys.exit(main())
