"""The only orchestrator: load -> overlay -> validate -> normalize -> render -> format -> write,
and the two side doors that answer a run, or part of it, without going that way.

:func:`generate` is one run of ``connect-codegen generate`` (``--check`` included) and
:func:`validate` one of ``connect-codegen validate``: the command line parses its arguments into
:class:`Options`, calls one of them and prints the :class:`Result`. :func:`generate_files` runs
every stage up to formatting and returns the files in memory; :func:`run` adds writing. Stages
report problems to the :class:`DiagnosticSink`; nothing here prints.

The side doors, both taken by :func:`generate` before any stage is imported:

- validation forked early (:func:`generator.background.start_validation_early`): the validator's
  child process starts before anything else, so that its own imports (half a second) overlap all
  of this process's work; :func:`build` hands it the document it loads;
- an unchanged run is answered from its record (:mod:`generator.uptodate`): the same document,
  options and generator with an intact output need none of the stages.

The stages are imported inside the functions that run them, so importing this module costs
nothing: the validator's process must be forked before black, Jinja2 and the IR builder are
imported (see benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .diagnostics import DiagnosticSink, GenerationError, Level
from .options import Options, Result, Summary
from .paths import default_cache_dir

if TYPE_CHECKING:
    from .background import PendingValidation
    from .ir.model import Api


def generate(opts: Options, *, check: bool = False) -> Result:
    """Generate and write the project ``opts`` asks for, as ``connect-codegen generate`` does
    (:func:`run`), and record the run when it succeeds (:func:`generator.uptodate.remember`).

    With ``check`` nothing is written and nothing recorded: the project is generated in memory
    (:func:`generate_files`) and ``Result.stale_report`` says how ``Result.project_dir`` differs
    from it ("" when it is up to date; :func:`generator.emit.write.check_report`).

    A run answered from its record has ``Result.reused`` set (and no ``files``). Problems of the
    input are diagnostics in ``Result.sink``; exceptions are generator bugs.
    """
    cache_dir = _cache_dir(opts)
    try:
        digest = inputs_sha256(opts.spec.read_bytes(), [p.read_bytes() for p in opts.overlays])
    except OSError:
        digest = None  # load reports why the document (or an overlay) cannot be read
    early = None
    if digest is not None:
        # side door: validation forked early. The validator's child process starts first, so its
        # imports overlap all of this process's work (with cached findings it only reads them).
        if opts.validate and not opts.strict:
            from .background import start_validation_early

            early = start_validation_early(opts.spec, digest, cache_dir, opts.overlays)
        # side door: an unchanged run is answered from its record. An unchanged document,
        # generator and output need none of the stages (not even their imports).
        from .uptodate import reuse

        reused = reuse(opts, digest, cache_dir)
        if reused is not None:
            if early is not None:
                early.cancel()
            return reused
    if check:
        # load -> overlay -> validate -> normalize -> render -> format, and what writing would
        # change
        result = generate_files(opts, early)
        if result.ok and result.project_dir is not None:
            from .emit.write import check_report

            result.stale_report = check_report(result.files, result.project_dir)
        return result
    # load -> overlay -> validate -> normalize -> render -> format -> write
    result = run(opts, early)
    # the diagnostics that will be shown are located before they are recorded: a run answered from
    # the record shows them as they were recorded
    if opts.shown_from is not None:
        result.sink.resolved(opts.shown_from)
    from .uptodate import remember

    remember(opts, cache_dir, result)
    return result


def validate(opts: Options) -> Result:
    """Check ``opts.spec`` as ``connect-codegen validate`` does: load -> overlay -> validate ->
    normalize (which finds what only following the document shows, e.g. a ``$ref`` to nothing),
    waiting for the validator's findings; nothing is written. Diagnostics in ``Result.sink``."""
    sink = _sink(opts)
    result = Result(sink=sink)
    try:
        build(opts, sink, result.timings)
    except GenerationError:
        pass
    finally:
        collect_validation(sink, result.timings)
    return result


def run(opts: Options, early: PendingValidation | None = None) -> Result:
    """Generate and write the project to ``opts.output / <project-name>`` (``early``: see
    :func:`build`). Always runs every stage: answering an unchanged run from its record
    (:mod:`generator.uptodate`) is :func:`generate`'s side door."""
    return _stages(opts, early, write=True)


def generate_files(opts: Options, early: PendingValidation | None = None) -> Result:
    """Run every stage but writing; ``Result.files`` holds the project in memory (``early``: see
    :func:`build`)."""
    return _stages(opts, early, write=False)


def _stages(opts: Options, early: PendingValidation | None, *, write: bool) -> Result:
    """The route itself: load -> overlay -> validate -> normalize -> render -> format -> write (with
    ``write``). Raises nothing for a problem of the input: it is in ``Result.sink``."""
    sink = _sink(opts)
    result = Result(sink=sink)
    try:
        # load -> overlay -> validate (started; its findings join at the end) -> normalize
        api = build(opts, sink, result.timings, early)
        result.api = api
        if opts.strict and any(d.level >= Level.WARNING for d in sink.items):
            sink.error("warnings are errors with --strict; nothing was written")
            return result
        # render -> format
        result.files = render_files(api, opts, sink, result.timings, result.render_hashes, result.compiled)
        result.project_dir = opts.output / api.project
    except GenerationError:
        pass
    except RecursionError:
        sink.error("the document is nested too deeply (or recursive in a way that cannot be followed)")
    finally:
        collect_validation(sink, result.timings)
    if write and result.ok and result.project_dir is not None and result.files:
        # write
        _write(result, result.project_dir)
    return result


#: Bump when applying the same overlays to the same document can give another document (the
#: digest of a run's inputs keys the cached validation findings).
OVERLAY_SEMANTICS = 1


def inputs_sha256(spec: bytes, overlays: Sequence[bytes] = ()) -> str:
    """The digest of a run's document: the sha256 of the spec's bytes, or, with overlays, a sha256
    over it and each overlay's sha256 in order (the document validated and generated is a function
    of these)."""
    digest = hashlib.sha256(spec).hexdigest()
    if not overlays:
        return digest
    h = hashlib.sha256(f"overlaid document {OVERLAY_SEMANTICS}\0{digest}".encode())
    for raw in overlays:
        h.update(f"\0{hashlib.sha256(raw).hexdigest()}".encode())
    return h.hexdigest()


def source_name(opts: Options) -> str:
    """The document as the generated files' banner names it: its file name, and its overlays'."""
    if not opts.overlays:
        return opts.spec.name
    word = "overlay" if len(opts.overlays) == 1 else "overlays"
    return f"{opts.spec.name} with the {word} {', '.join(p.name for p in opts.overlays)}"


def _cache_dir(opts: Options) -> Path | None:
    """The cache folder a run of ``opts`` uses (None: no cache)."""
    return default_cache_dir() if opts.use_cache else None


def _sink(opts: Options) -> DiagnosticSink:
    """A run's diagnostics: located in the document when shown, the first ones while the validator
    still runs (``opts.shown_from``)."""
    from .load import locate

    return DiagnosticSink(locate=locate, default_source=str(opts.spec), shown_from=opts.shown_from)


def _names(api_title: str, opts: Options) -> tuple[str, str]:
    from .normalize.api import default_names

    project, package = default_names(api_title)
    if opts.package_name:
        package = opts.package_name
        if not opts.project_name:
            project = package.replace("_", "-")
    if opts.project_name:
        project = opts.project_name
    return project, package


def build(
    opts: Options, sink: DiagnosticSink, timings: dict[str, float], early: PendingValidation | None = None
) -> Api:
    """Load ``opts.spec``, apply ``opts.overlays`` (:mod:`generator.overlay`), check, validate
    and normalize the result into the IR.

    ``early`` is a validation started before the document was loaded here
    (:func:`generator.background.start_validation_early`); it is used when it validates the bytes
    loaded here (and not with ``--strict``), else stopped. Raises :class:`GenerationError` when an
    ERROR stops the run (diagnostics in ``sink``).
    """
    from .background import start_validation
    from .load import load_document
    from .normalize.api import build_api
    from .refs import Resolver
    from .validate import check_version

    t0 = time.perf_counter()
    overlay_bytes: list[bytes] = []
    try:
        doc = load_document(opts.spec, sink)
        timings["load"] = time.perf_counter() - t0
        if opts.overlays:
            # overlay: the document validated and generated is the spec with its overlays applied
            from .overlay import overlay_document

            t0 = time.perf_counter()
            overlay_bytes = [o.raw for o in overlay_document(doc, opts.overlays, sink)]
            timings["overlay"] = time.perf_counter() - t0
        version = check_version(doc.data, sink)
    except GenerationError:
        if early is not None:
            early.cancel()
        raise
    digest = inputs_sha256(doc.raw, overlay_bytes)
    if opts.validate:
        t0 = time.perf_counter()
        if early is not None and not opts.strict and early.document_sha256 == digest:
            pending = early
            early.provide(doc.data, version)
        else:
            if early is not None:
                early.cancel()
            pending = start_validation(
                doc.data,
                digest,
                version,
                str(opts.spec),
                _cache_dir(opts),
                background=not opts.strict,
            )
        timings["validate_start"] = time.perf_counter() - t0
    elif early is not None:
        early.cancel()
    t0 = time.perf_counter()
    resolver = Resolver(
        doc.uri,
        doc.data,
        sink,
        allow_remote=opts.allow_remote_refs,
        allow_outside=opts.allow_outside_refs,
    )
    info = doc.data.get("info") if isinstance(doc.data.get("info"), dict) else {}
    project, package = _names(str(info.get("title") or opts.spec.stem), opts)
    api = build_api(
        doc.data,
        resolver,
        sink,
        version=version,
        package=package,
        project=project,
        class_names=opts.class_names,
        pagination=opts.pagination,
    )
    if opts.version:
        api.package_version = opts.version
    api.idempotency_header = opts.idempotency_header
    api.spec_source = opts.spec.name
    api.document_count = len(resolver.docs)
    api.document_sha256 = digest
    timings["normalize"] = time.perf_counter() - t0
    if opts.validate and (opts.strict or sink.has_errors()):
        finish_validation(pending, sink, timings)
    elif opts.validate:
        sink.pending = pending
    if sink.has_errors():
        raise GenerationError("errors in the spec")
    return api


def finish_validation(pending: PendingValidation, sink: DiagnosticSink, timings: dict[str, float]) -> None:
    """Wait for ``pending`` and add its findings to ``sink``. The diagnostics that will be shown
    (``sink.shown_from``) are located in the document first, while the validator may still run
    (on GitHub REST's 12 MB document that is most of a second)."""
    if sink.shown_from is not None:
        t0 = time.perf_counter()
        sink.resolved(sink.shown_from)
        timings["locate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sink.extend(pending.wait())
    timings["validate_wait"] = time.perf_counter() - t0


def collect_validation(sink: DiagnosticSink, timings: dict[str, float]) -> None:
    """Add the findings of a background validation started for ``sink`` (if any)."""
    pending, sink.pending = sink.pending, None
    if pending is not None:
        finish_validation(pending, sink, timings)


def render_files(
    api: Api,
    opts: Options,
    sink: DiagnosticSink,
    timings: dict[str, float],
    render_hashes: dict[str, str],
    compiled: set[str],
) -> dict[str, bytes]:
    """Plan, render and format every file of the project; fills ``render_hashes`` and
    ``compiled`` (the files the formatting workers already compiled: not compiled again when
    written).

    Raises :class:`GenerationError`.
    """
    from .emit.format import FormatCache, FormatError, format_all
    from .emit.write import previous_renders
    from .render.env import render
    from .render.examples import EXAMPLE_CACHE
    from .render.plan import plan

    t0 = time.perf_counter()
    cache_dir = _cache_dir(opts)
    rendered: dict[str, str] = {}
    verbatim: set[str] = set()
    token = EXAMPLE_CACHE.set(FormatCache(cache_dir) if cache_dir else None)
    try:
        planned = plan(api, source_name(opts))
    finally:
        EXAMPLE_CACHE.reset(token)
    for fp in planned:
        if fp.text is not None:
            rendered[fp.path] = fp.text
            verbatim.add(fp.path)  # runtime files are kept black-clean by their own test
        else:
            rendered[fp.path] = render(
                fp.template or "", fp.context, opts.template_dir, str(cache_dir) if cache_dir else None
            )
    timings["render"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    to_format = {p: t for p, t in rendered.items() if p.endswith(".py") and p not in verbatim}
    previous = previous_renders(opts.output / api.project) if opts.use_cache else {}
    try:
        formatted = format_all(
            to_format,
            previous=previous,
            cache=FormatCache(cache_dir) if cache_dir else None,
            jobs=opts.jobs,
        )
    except FormatError as exc:
        sink.error(f"internal: {exc}")
        raise GenerationError(str(exc)) from None
    rendered.update(formatted.files)
    render_hashes.update(formatted.hashes)
    compiled.update(formatted.compiled)
    timings["format"] = time.perf_counter() - t0
    timings["formatted_files"] = formatted.count
    return {p: t.encode("utf-8") for p, t in rendered.items()}


def _write(result: Result, project_dir: Path) -> None:
    """Write ``result.files`` into ``project_dir`` (``result.report``; a failure is an ERROR in
    ``result.sink``) and sum the run up (``result.summary``)."""
    from .emit.write import write_tree

    t0 = time.perf_counter()
    try:
        result.report = write_tree(
            result.files,
            project_dir,
            {"spec_version": result.api.version if result.api else "", "renders": dict(sorted(result.render_hashes.items()))},
            compiled=result.compiled,
        )
    except (OSError, ValueError) as exc:
        result.sink.error(f"cannot write {project_dir}: {exc}")
    result.timings["write"] = time.perf_counter() - t0
    if result.report is not None and result.api is not None:
        api = result.api
        result.summary = Summary(
            api.project,
            sum(len(res.operations) for res in api.resources),
            len(api.definitions),
            len(result.files) + 1,
        )
