"""Stage 5: format generated Python with black's in-process API (pinned mode).

Generated code is written in black's layout wherever a line fits (the templates' contract; tests
check that the committed clients and the corpus subset's are black fixpoints), so a piece is not
given to black whole: only the statements black would change are formatted (:func:`format_piece`,
:mod:`.statements`, :mod:`.layout`), which gives black's output for the whole piece.

Nothing is formatted twice: a file whose unformatted render is the same as last time is taken
from the previous output (render hashes are in its manifest, so a fresh clone of a committed
``output/`` is warm), then from a content-addressed cache in the user cache folder; only what is
left is formatted (in worker processes with ``--jobs`` or for very large output).
"""

from __future__ import annotations

import gc
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from ..paths import write_cache_file
from .statements import format_statements, plan

if TYPE_CHECKING:
    import black

#: The mode every generated file is formatted with (output must not depend on the machine, so no
#: configuration is read from disk). black itself is imported only when something has to be
#: formatted: a run that reuses every file never loads it.
LINE_LENGTH = 100
#: The oldest Python the generated code runs on (its ``requires-python``, black's target).
PYTHON = (3, 11)
_TARGET = f"PY{PYTHON[0]}{PYTHON[1]}"
_MODE_TEXT = f"line_length={LINE_LENGTH} target_versions={_TARGET.lower()}"


@cache
def _black() -> tuple["black.Mode", Callable[..., str]]:
    """black's mode and its one-pass formatting function (imported on first use).

    ``black.format_str`` formats twice whenever its input was not formatted yet (a second pass
    for the rare optional-trailing-comma/optional-parentheses interplay); that second pass was half
    of every cold run and changed nothing on any document we measured (Connect, Embedded, Stripe,
    GitHub, the corpus subset). One pass is used when the pinned black offers it; the tests check
    that the committed clients and the corpus subset's clients are black-clean (a fixpoint).
    """
    import black

    mode = black.Mode(target_versions={black.TargetVersion[_TARGET]}, line_length=LINE_LENGTH)
    once: Any = getattr(black, "_format_str_once", None)
    return mode, once if once is not None else black.format_str


def mode() -> "black.Mode":
    """The black mode of every generated file."""
    return _black()[0]


@cache
def _key_salt() -> bytes:
    """What render hashes depend on besides the source: black's version and our mode (read from
    the one-line module black's distribution installs beside it, without importing black, or
    ``importlib.metadata``: each takes longer than formatting one changed piece)."""
    try:
        from _black_version import version  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - another black layout
        from importlib import metadata

        version = metadata.version("black")
    return f"black {version} {_MODE_TEXT} one-pass statements-2".encode()


#: Below this many lines to format, they are formatted in this process unless ``jobs`` asks for
#: more than one. Most of what is formatted now only goes through :mod:`.statements` (black gets a
#: few statements), so worker processes save little: on GitHub REST (108k lines) two workers took
#: 1.3 s off a 7.5 s cold run but added 60 MB of peak memory (their private pages).
PARALLEL_MIN_LINES = 400_000


class FormatError(Exception):
    """black could not parse a rendered file: a generator or template bug; names the file."""


def format_python(source: str, path: str) -> str:
    """Return ``source`` formatted by black. Raises :class:`FormatError` naming ``path``.

    The cyclic garbage collector is paused while black runs and the youngest generation collected
    after it: black's syntax tree (parent links: cycles) is alive until the call returns, so the
    collector's passes over it during formatting free nothing (about a sixth of black's samples
    under perf on GitHub REST's models; everything allocated meanwhile is in the youngest
    generation, which the one collection afterwards frees)."""
    mode, format_str = _black()
    paused = gc.isenabled()
    gc.disable()
    try:
        return str(format_str(source, mode=mode))
    except Exception as exc:
        raise FormatError(f"{path}: generated code does not parse ({exc})".splitlines()[0]) from None
    finally:
        if paused:
            gc.enable()
            gc.collect(0)


#: Large files are formatted in pieces of about this many lines (split before top-level classes,
#: and inside a class body where a template marked it with :data:`PIECE_BREAK`).
PIECE_LINES = 600
#: A line of its own that a template puts between two methods of a class: a piece may end there
#: (the line itself is dropped). Spec text cannot produce it: every control character that
#: reaches generated code is escaped (:mod:`generator.render.text`).
PIECE_BREAK = "\x1f\n"
#: What a piece cut from a class body is wrapped in to be formatted on its own.
_BODY_WRAP = "class _:\n"


def split_pieces(source: str, target: int = PIECE_LINES) -> list[tuple[str, bool]]:
    """Split ``source`` into pieces of about ``target`` lines, each ``(text, is_body)``: before a
    top-level ``class`` statement (after two blank lines), or at a :data:`PIECE_BREAK` line inside
    a class body (then the piece is that body's rest, wrapped in ``class _:``). Every
    ``PIECE_BREAK`` line is dropped. black formats top-level classes independently, and the
    methods of a class too (one blank line between them), so formatting the pieces and joining them
    (:func:`join_pieces`) gives black's output for the whole file without the markers (tests check
    this): in parallel, and a changed method re-formats its piece, not its whole class."""
    pieces: list[tuple[str, bool]] = []
    current: list[str] = []
    is_body = False
    for line in source.splitlines(keepends=True):
        if line == PIECE_BREAK or line == PIECE_BREAK[:-1]:
            if len(current) >= target:
                pieces.append(("".join(current), is_body))
                current, is_body = [_BODY_WRAP], True
            continue
        if (
            len(current) >= target
            and line.startswith("class ")
            and len(current) >= 2
            and current[-1].strip() == ""
            and current[-2].strip() == ""
        ):
            pieces.append(("".join(current), is_body))
            current, is_body = [], False
        if is_body and len(current) == 1 and not line.strip():
            continue  # the blank line before the first method of a body piece
        current.append(line)
    pieces.append(("".join(current), is_body))
    return pieces


def join_pieces(pieces: list[tuple[str, bool]]) -> str:
    """Join formatted pieces: two blank lines before a top-level class (as black puts them), one
    blank line before the rest of a class body (unwrapped). Raises :class:`FormatError` if a
    body piece lost its wrapper or a :data:`PIECE_BREAK` is left."""
    out: list[str] = []
    for text, is_body in pieces:
        if not out:
            out.append(text)
        elif is_body:
            if not text.startswith(_BODY_WRAP):
                raise FormatError("a piece of a class body was not formatted as one")
            out.append("\n" + text[len(_BODY_WRAP) :])
        else:
            out.append("\n\n" + text)
    joined = "".join(out)
    if PIECE_BREAK[0] in joined:
        raise FormatError("a piece break was left in the formatted text")
    return joined


def render_hash(source: str) -> str:
    """The key of an unformatted render: sha256 over black's version, mode and the source."""
    return hashlib.sha256(_key_salt() + b"\0" + source.encode("utf-8")).hexdigest()


class FormatCache:
    """Formatted files by render hash, one file each under ``<dir>/black/``; safe to delete."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory / "black"

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / key[2:]

    def get(self, key: str) -> str | None:
        """The cached formatted text for ``key``, or None."""
        try:
            return self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, text: str) -> None:
        """Store ``text`` under ``key`` (atomically; failures are ignored: it is only a cache)."""
        write_cache_file(self._path(key), text)


def format_piece(source: str, path: str) -> str:
    """Return ``source`` (a file or a piece of one) as black formats it, formatting only what
    black would change (:mod:`.statements`): the long statements and docstrings, laid out by
    :mod:`.layout` or, for shapes it does not cover, by black on those statements alone. A piece
    with a long line inside a multi-line construct goes to black whole. Raises
    :class:`FormatError` naming ``path``."""
    lines = source.split("\n")
    found = plan(lines, LINE_LENGTH)
    if found is None:
        return format_python(source, path)
    mode, format_str = _black()
    try:
        out = format_statements(lines, found, lambda text: str(format_str(text, mode=mode)))
    except ValueError:
        return format_python(source, path)
    except Exception as exc:  # black could not parse a statement: a generator or template bug
        raise FormatError(f"{path}: generated code does not parse ({exc})".splitlines()[0]) from None
    return "\n".join(out).rstrip("\n") + "\n"


def _format_batch(items: list[tuple[str, str]]) -> list[tuple[str, str | None, str | None]]:
    out: list[tuple[str, str | None, str | None]] = []
    for key, source in items:
        path = key.split("#", 1)[0]
        try:
            out.append((key, format_piece(source, path), None))
        except FormatError as exc:
            out.append((key, None, str(exc)))
    return out


def compiles(path: str, text: str) -> bool:
    """True when Python compiles ``text`` (the check :func:`generator.emit.write.write_tree` makes
    before writing a ``.py`` file; run in the formatting workers, in parallel)."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


#: Pieces are sent to formatting workers in chunks of about this many lines: small enough that
#: the workers stay evenly loaded and a finished file's compile check runs among the chunks left.
CHUNK_LINES = 1500


def _chunks(items: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Consecutive runs of ``items`` of about :data:`CHUNK_LINES` lines each."""
    chunks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    lines = 0
    for item in items:
        current.append(item)
        lines += item[1].count("\n")
        if lines >= CHUNK_LINES:
            chunks.append(current)
            current, lines = [], 0
    if current:
        chunks.append(current)
    return chunks


class Formatted(NamedTuple):
    """What :func:`format_all` returns."""

    #: ``{path: formatted text}`` for every source.
    files: dict[str, str]
    #: ``{path: render hash}``.
    hashes: dict[str, str]
    #: How many files or pieces black formatted (the rest came from the previous output or cache).
    count: int
    #: Paths whose formatted text the workers compiled without error (empty without workers).
    compiled: frozenset[str]


def _format_in_workers(
    todo: list[tuple[str, str]],
    workers: int,
    pieces_of: dict[str, list[tuple[str, bool]]],
    done: dict[str, str],
) -> tuple[list[tuple[str, str | None, str | None]], set[str]]:
    """Format ``todo`` in ``workers`` forked processes; returns the results and the paths the
    workers compiled. Chunks are handed out as workers free up (at most two queued ahead), the
    largest files first, and a file is joined (into ``done``) and compiled as soon as its last
    piece is back."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    results: list[tuple[str, str | None, str | None]] = []
    compiled: set[str] = set()
    waiting: dict[str, set[str]] = {}
    for key, _ in todo:
        waiting.setdefault(key.split("#", 1)[0], set()).add(key)
    failed: set[str] = set()
    queue = _chunks(sorted(todo, key=lambda it: (-len(pieces_of[it[0].split("#", 1)[0]]), it[0])))
    queue.reverse()  # popped from the end
    ctx = multiprocessing.get_context("fork")
    # the forked workers' garbage collector leaves this process's objects alone, so their memory
    # pages stay shared instead of being copied into each worker (not when the host program froze
    # objects itself: unfreezing would undo that)
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            running: dict[Future[Any], str | None] = {}
            while queue or running:
                while queue and len(running) < workers + 2:
                    running[pool.submit(_format_batch, queue.pop())] = None
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    compiled_path = running.pop(future)
                    if compiled_path is not None:
                        if future.result():
                            compiled.add(compiled_path)
                        continue
                    for key, text, error in future.result():
                        results.append((key, text, error))
                        path = key.split("#", 1)[0]
                        if text is None:
                            failed.add(path)
                        else:
                            done[key] = text
                        waiting[path].discard(key)
                        if not waiting[path] and path not in failed:
                            try:
                                done[path] = join_pieces([(done[k], body) for k, body in pieces_of[path]])
                            except FormatError:
                                continue  # joined again (and raised) by format_all
                            running[pool.submit(compiles, path, done[path])] = path
    finally:
        if freeze:
            gc.unfreeze()
    return results, compiled


def format_all(
    sources: dict[str, str],
    *,
    previous: dict[str, tuple[str, bytes]] | None = None,
    cache: FormatCache | None = None,
    jobs: int | None = None,
) -> Formatted:
    """Format every source (generated code: lines that fit are in black's layout already, see
    :func:`format_piece`); see :class:`Formatted` for what is returned.

    ``previous`` maps a path to ``(render hash, formatted bytes)`` from the last output.
    Raises :class:`FormatError` for the first file black cannot parse.
    """
    previous = previous or {}
    hashes = {p: render_hash(s) for p, s in sources.items()}
    done: dict[str, str] = {}
    todo: list[tuple[str, str]] = []
    pieces_of: dict[str, list[tuple[str, bool]]] = {}
    for path, source in sources.items():
        prev = previous.get(path)
        if prev is not None and prev[0] == hashes[path]:
            done[path] = prev[1].decode("utf-8")
            continue
        pieces = split_pieces(source)
        pieces_of[path] = [(f"{path}#{i}", is_body) for i, (_, is_body) in enumerate(pieces)]
        for (key, _), (piece, _) in zip(pieces_of[path], pieces):
            piece_hash = hashes[path] if len(pieces) == 1 else render_hash(piece)
            hashes.setdefault(key, piece_hash)
            cached = cache.get(piece_hash) if cache else None
            if cached is not None:
                done[key] = cached
            else:
                todo.append((key, piece))
    lines = sum(s.count("\n") for _, s in todo)
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    compiled: set[str] = set()
    if todo:
        _black()  # imported once here, so forked workers inherit it
    if workers > 1 and (lines >= PARALLEL_MIN_LINES or (jobs or 0) > 1):
        results, compiled = _format_in_workers(todo, workers, pieces_of, done)
    else:
        results = _format_batch(todo)
    for key, text, error in sorted(results, key=lambda r: r[0]):
        if error is not None or text is None:
            raise FormatError(error or key)
        done[key] = text
        if cache:
            cache.put(hashes[key], text)
    for path, keys in pieces_of.items():
        if path not in done:  # (not joined by the workers already)
            done[path] = join_pieces([(done[k], is_body) for k, is_body in keys])
    file_hashes = {p: hashes[p] for p in sources}
    return Formatted({p: done[p] for p in sources}, file_hashes, len(todo), frozenset(compiled))
