"""``connect-codegen diff OLD NEW``: what changed between two versions of a spec, for the user of the
generated client (breaking or not, with JSON pointers), and the semantic-version bump it calls for.

:func:`diff_files` loads and compares two documents; :mod:`.render` prints a report as text, JSON
or Markdown; :mod:`.command` is the CLI subcommand. The classification rules are in :mod:`.compare`.
"""

from .compare import compare_documents, diff_files, load_spec
from .model import ADDITIVE_KINDS, Change, DiffReport

__all__ = ["ADDITIVE_KINDS", "Change", "DiffReport", "compare_documents", "diff_files", "load_spec"]
