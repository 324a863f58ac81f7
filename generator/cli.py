"""Command line: ``connect-codegen generate|validate`` (also ``python -m generator``).

Exit codes: 0 success; 1 the spec has errors (or warnings with ``--strict``); 2 usage errors.
Diagnostics go to stderr, one per line: ``SEVERITY file:line:col #pointer: message``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Sequence

from .diagnostics import Level
from .pipeline import Options, Result, generate_files, run

DEFAULT_SPEC = Path("specs/connect-api-v1.yaml")
DEFAULT_OUTPUT = Path("output")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="connect-codegen", description="Generate a typed Python client from an OpenAPI 3.x document.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="generate a client project")
    g.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, help=f"OpenAPI document (default {DEFAULT_SPEC})")
    g.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="parent folder; the project lands in OUTPUT/<project-name>/")
    g.add_argument("--package-name", help="Python package name (default: from the spec title)")
    g.add_argument("--project-name", help="distribution/folder name (default: from the spec title)")
    g.add_argument("--strict", action="store_true", help="treat warnings as errors")
    g.add_argument("--allow-remote-refs", action="store_true", help="allow http(s) $refs")
    g.add_argument("--allow-outside-refs", action="store_true", help="allow file $refs outside the spec's folder")
    g.add_argument("--templates", help="folder of templates overriding the built-in ones")
    g.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    g.add_argument("-v", "--verbose", action="store_true", help="print info diagnostics and stage timings")
    v = sub.add_parser("validate", help="check a document and print diagnostics; writes nothing")
    v.add_argument("spec", type=Path)
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("-v", "--verbose", action="store_true", help="print info diagnostics too")
    return p


def _print(result: Result, verbose: bool, quiet: bool) -> None:
    floor = Level.INFO if verbose else (Level.ERROR if quiet else Level.WARNING)
    for d in result.sink.resolved():
        if d.level >= floor:
            print(d.render(), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    try:
        return _main(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a generator bug must still not look like a crash to users
        if os.environ.get("CONNECT_CODEGEN_DEBUG"):
            traceback.print_exc()
        spec = getattr(args, "spec", "")
        msg = " ".join(str(exc).split())[:300]
        print(f"ERROR {spec}: internal error ({type(exc).__name__}: {msg}); nothing was written. "
              "Set CONNECT_CODEGEN_DEBUG=1 for details and please report it.", file=sys.stderr)
        return 1


def _main(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.command == "validate":
        opts = Options(spec=args.spec, strict=args.strict)
        from .pipeline import build
        from .diagnostics import DiagnosticSink, GenerationError
        from .load import locate

        sink = DiagnosticSink(locate=locate, default_source=str(args.spec))
        result = Result(sink=sink)
        try:
            build(opts, sink, result.timings)
        except GenerationError:
            pass
        _print(result, args.verbose, False)
        worst = sink.worst
        if worst is not None and (worst >= Level.ERROR or (args.strict and worst >= Level.WARNING)):
            return 1
        return 0
    opts = Options(
        spec=args.spec,
        output=args.output,
        package_name=args.package_name,
        project_name=args.project_name,
        strict=args.strict,
        allow_remote_refs=args.allow_remote_refs,
        allow_outside_refs=args.allow_outside_refs,
        template_dir=args.templates,
    )
    result = run(opts)
    _print(result, args.verbose, args.quiet)
    if not result.ok:
        return 1
    if not args.quiet and result.api is not None and result.report is not None:
        r = result.report
        n_ops = sum(len(res.operations) for res in result.api.resources)
        print(
            f"{result.api.project}: {n_ops} operations, {len(result.api.definitions)} models; "
            f"{len(result.files) + 1} files ({len(r.written)} written, {len(r.unchanged)} unchanged, "
            f"{len(r.removed)} removed) in {time.perf_counter() - start:.2f} s -> {result.project_dir}",
            file=sys.stderr,
        )
        if args.verbose:
            print("timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in result.timings.items()), file=sys.stderr)
    return 0
