"""Command line: ``connect-codegen generate|validate`` (also ``python -m generator``).

Exit codes: 0 success; 1 the spec has errors (or warnings with ``--strict``); 2 usage errors.
Diagnostics go to stderr, one per line: ``SEVERITY file:line:col #pointer: message``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn, Sequence

from . import pipeline
from .diagnostics import Level
from .options import Options, Result

# No stage is imported here: the orchestrator (generator.pipeline) forks the validator's child
# process before it imports any (so that the child's own imports, half a second, overlap this
# process's work), and answers an unchanged run without them.

DEFAULT_SPEC = Path("specs/connect-api-v1.yaml")
DEFAULT_OUTPUT = Path("output")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="connect-codegen", description="Generate a typed Python client from an OpenAPI 3.x document.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="generate a client project")
    g.add_argument(
        "spec",
        nargs="?",
        type=Path,
        help="OpenAPI document (default: every client in pyproject.toml [tool.connect-codegen], "
        f"else {DEFAULT_SPEC})",
    )
    g.add_argument("-o", "--output", type=Path, default=None, help="parent folder; the project lands in OUTPUT/<project-name>/ (default output/)")
    g.add_argument("--only", action="append", metavar="NAME", help="with configured clients: generate only NAME (repeatable)")
    g.add_argument("--config", type=Path, default=Path("pyproject.toml"), help="the pyproject.toml holding [tool.connect-codegen]")
    g.add_argument("--check", action="store_true", help="write nothing; exit 1 and show what would change when the output is stale")
    g.add_argument("--package-name", help="Python package name (default: from the spec title)")
    g.add_argument("--project-name", help="distribution/folder name (default: from the spec title)")
    g.add_argument("--strict", action="store_true", help="treat warnings as errors")
    g.add_argument("--allow-remote-refs", action="store_true", help="allow http(s) $refs")
    g.add_argument("--allow-outside-refs", action="store_true", help="allow file $refs outside the spec's folder")
    g.add_argument("--templates", help="folder of templates overriding the built-in ones")
    _overlay_argument(g, "after a configured client's own overlays")
    g.add_argument("--no-cache", action="store_true", help="format everything again (ignore the format cache and previous output)")
    g.add_argument("-j", "--jobs", type=int, default=None, help="formatting processes (default: this one; all cores for output over 400,000 lines)")
    g.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    g.add_argument("-v", "--verbose", action="store_true", help="print info diagnostics and stage timings")
    v = sub.add_parser("validate", help="check a document and print diagnostics; writes nothing")
    v.add_argument("spec", type=Path)
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("-v", "--verbose", action="store_true", help="print info diagnostics too")
    _overlay_argument(v, "")
    d = sub.add_parser("diff", help="compare two versions of a spec as the user of the client feels them")
    d.add_argument("old", type=Path, help="the older OpenAPI document")
    d.add_argument("new", type=Path, help="the newer OpenAPI document")
    d.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="report format (default text)")
    d.add_argument("--fail-on", choices=("breaking", "any", "none"), default="none", help="exit 1 when there is a breaking change / any change")
    d.add_argument("--allow-outside-refs", action="store_true", help="allow file $refs outside each spec's folder")
    _overlay_argument(d, "to both documents")
    return p


def _overlay_argument(p: argparse.ArgumentParser, where: str) -> None:
    """``--overlay FILE`` (repeatable): OpenAPI Overlays applied in order before validation."""
    p.add_argument(
        "--overlay",
        dest="overlays",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="an OpenAPI Overlay (1.0.x) applied to the document before it is validated; repeatable, applied "
        f"in order{' ' + where if where else ''}",
    )


def _shown_from(verbose: bool, quiet: bool) -> Level:
    return Level.INFO if verbose else (Level.ERROR if quiet else Level.WARNING)


def _print(result: Result, verbose: bool, quiet: bool) -> None:
    for d in result.sink.resolved(_shown_from(verbose, quiet)):
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
            import traceback

            traceback.print_exc()
        spec = getattr(args, "spec", "")
        msg = " ".join(str(exc).split())[:300]
        print(f"ERROR {spec}: internal error ({type(exc).__name__}: {msg}); nothing was written. "
              "Set CONNECT_CODEGEN_DEBUG=1 for details and please report it.", file=sys.stderr)
        return 1


def entry() -> NoReturn:
    """The ``connect-codegen`` command (and ``python -m generator``): :func:`main`, then an
    immediate exit.

    Everything the run does is finished by then (files replaced atomically, the validator's and
    black's processes joined), so the interpreter's own shutdown, which tears down every module
    and object one by one (a fifth of a small run), is skipped: streams are flushed, any child
    process still running is stopped, and the process ends with ``main``'s exit code.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        if "multiprocessing" in sys.modules:
            import multiprocessing

            for child in multiprocessing.active_children():
                child.kill()
                child.join()
        os._exit(code)


def _main(args: argparse.Namespace) -> int:
    if args.command == "diff":
        from .diff.command import run as run_diff

        return run_diff(args)
    if args.command == "validate":
        shown = _shown_from(args.verbose, False)
        result = pipeline.validate(
            Options(spec=args.spec, strict=args.strict, shown_from=shown, overlays=tuple(args.overlays))
        )
        _print(result, args.verbose, False)
        worst = result.sink.worst
        if worst is not None and (worst >= Level.ERROR or (args.strict and worst >= Level.WARNING)):
            return 1
        return 0
    runs = _generate_options(args)
    if isinstance(runs, int):
        return runs
    code = 0
    for name, opts in runs:
        code = max(code, _generate_one(name, opts, args))
    return code


def _generate_options(args: argparse.Namespace) -> list[tuple[str, Options]] | int:
    """The runs asked for: one for an explicit SPEC, else one per configured client."""
    common = dict(
        strict=args.strict,
        allow_remote_refs=args.allow_remote_refs,
        allow_outside_refs=args.allow_outside_refs,
        template_dir=args.templates,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        shown_from=_shown_from(args.verbose, args.quiet),
    )
    if args.spec is not None:
        if args.only:
            print("ERROR: --only selects configured clients; it cannot be combined with SPEC", file=sys.stderr)
            return 2
        return [
            (
                str(args.spec),
                Options(
                    spec=args.spec,
                    output=args.output or DEFAULT_OUTPUT,
                    package_name=args.package_name,
                    project_name=args.project_name,
                    overlays=tuple(args.overlays),
                    **common,
                ),
            )
        ]
    from .config import ConfigError, load_config

    try:
        clients = load_config(args.config)
    except ConfigError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 2
    if not clients:
        return [(str(DEFAULT_SPEC), Options(spec=DEFAULT_SPEC, output=args.output or DEFAULT_OUTPUT, package_name=args.package_name, project_name=args.project_name, overlays=tuple(args.overlays), **common))]
    if args.only:
        unknown = [n for n in args.only if n not in {c.name for c in clients}]
        if unknown:
            names = ", ".join(c.name for c in clients)
            print(f"ERROR: no configured client named {', '.join(unknown)} (configured: {names})", file=sys.stderr)
            return 2
        clients = [c for c in clients if c.name in args.only]
    out = []
    for c in clients:
        opts = Options(
            spec=c.spec,
            output=args.output or c.output,
            package_name=args.package_name or c.package_name,
            project_name=args.project_name or c.project_name,
            class_names=c.class_names,
            pagination=c.pagination,
            version=c.version,
            idempotency_header=c.idempotency_header,
            overlays=c.overlays + tuple(args.overlays),
            **{**common, "strict": args.strict or c.strict, "template_dir": args.templates or c.templates},
        )
        out.append((c.name, opts))
    return out


def _generate_one(name: str, opts: Options, args: argparse.Namespace) -> int:
    start = time.perf_counter()
    result = pipeline.generate(opts, check=args.check)
    _print(result, args.verbose, args.quiet)
    if not result.ok or (args.check and result.project_dir is None):
        return 1
    if args.check:
        if result.stale_report:
            print(result.stale_report, file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"{result.project_dir}: up to date ({time.perf_counter() - start:.2f} s)", file=sys.stderr)
        return 0
    if not args.quiet and result.summary is not None and result.report is not None:
        r, s = result.report, result.summary
        how = " (up to date: already generated from this document, options and generator)" if result.reused else ""
        print(
            f"{s.project}: {s.operations} operations, {s.models} models; "
            f"{s.files} files ({len(r.written)} written, {len(r.unchanged)} unchanged, "
            f"{len(r.removed)} removed) in {time.perf_counter() - start:.2f} s -> {result.project_dir}{how}",
            file=sys.stderr,
        )
        if args.verbose:
            print("timings: " + ", ".join(_timing(k, v) for k, v in result.timings.items()), file=sys.stderr)
    return 0


def _timing(name: str, value: float) -> str:
    """One ``-v`` timing entry: seconds, except for the count of files black formatted."""
    return f"{name} {int(value)}" if name == "formatted_files" else f"{name} {value:.3f} s"
