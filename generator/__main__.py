"""``python -m generator`` runs the ``connect-codegen`` command line."""

from .cli import entry

entry()
