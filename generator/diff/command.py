"""The ``connect-codegen diff OLD NEW`` subcommand (its arguments are declared in ``generator.cli``).

Exit codes: 0 the comparison ran (whatever it found); 1 a document cannot be loaded (the diagnostic
goes to stderr), or ``--fail-on`` matched (``breaking``: any breaking change; ``any``: any change);
2 usage errors (reported by argparse).
"""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import DiagnosticSink, GenerationError, Level
from ..load import locate
from .documents import diff_files
from .render import render


def run(args: argparse.Namespace) -> int:
    """Compare ``args.old`` with ``args.new`` (each with ``args.overlays`` applied), print the
    report to stdout; return the exit code."""
    sink = DiagnosticSink(locate=locate)
    try:
        report = diff_files(
            args.old,
            args.new,
            sink,
            allow_outside_refs=bool(getattr(args, "allow_outside_refs", False)),
            overlays=tuple(getattr(args, "overlays", ()) or ()),
        )
    except GenerationError:
        report = None
    for d in sink.resolved():
        if d.level >= Level.WARNING:
            print(d.render(), file=sys.stderr)
    if report is None:
        return 1
    sys.stdout.write(render(report, args.format))
    fail_on = getattr(args, "fail_on", "none")
    if fail_on == "breaking" and report.breaking:
        print(
            f"connect-codegen diff: {len(report.breaking)} breaking change(s) (--fail-on breaking)",
            file=sys.stderr,
        )
        return 1
    if fail_on == "any" and report.changes:
        print(
            f"connect-codegen diff: {len(report.changes)} change(s) (--fail-on any)",
            file=sys.stderr,
        )
        return 1
    return 0
