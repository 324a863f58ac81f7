"""``python -m generator`` runs the ``connect-codegen`` command line."""

import sys

from .cli import main

sys.exit(main())
