"""Stage 2: check the document against the OpenAPI specification (openapi-spec-validator).

Structural problems that make generation impossible (not an object, not OpenAPI 3.x) are
ERRORs. Everything the validator reports is a WARNING with the JSON pointer of the offending
node: the generator still produces a client from a slightly invalid document (``--strict`` turns
warnings into failure).

The validator never reads anything but the document it is given: its ``$ref`` retrieval (which
would fetch ``http(s)``/``ftp`` URLs and open any local file) is replaced by one that refuses, so a
spec cannot make validation touch the network or the file system. ``$ref`` s to other documents
are resolved, within the rules, by :mod:`generator.refs`.

Its time is bounded too: on some inputs (``allOf`` members that ``$ref`` the same schema twice,
level after level) the validator's work doubles with every level of a tiny document. It gets
:data:`VALIDATE_BASE_SECONDS` plus :data:`VALIDATE_SECONDS_PER_NODE` per node of the document of
CPU time (far more than any real document needs, and independent of the machine's load), then
stops with a WARNING.

The validator is the library's own (:func:`library_validator_class`). :mod:`generator.validate_speed`
makes it find the same things faster; this module meets it only through
:func:`generator.validate_speed.accelerated` (in :func:`validate`) and
:func:`generator.validate_speed.import_speedups` (in :func:`import_validator`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections import deque
from functools import cache
from typing import Any, Iterator

from . import validate_speed
from .diagnostics import DiagnosticSink, GenerationError, join_pointer

#: At most this many validator findings are reported (the rest are counted).
MAX_REPORTED = 50
#: The validator's CPU-time budget: this many seconds...
VALIDATE_BASE_SECONDS = 5.0
#: ...plus this many per node (mapping, sequence, key or scalar) of the document. The Connect API
#: document (~7,000 nodes) validates in about 5 s of CPU and would get 40 s.
VALIDATE_SECONDS_PER_NODE = 0.005


class ValidationTimeout(BaseException):
    """The validator ran out of time (a BaseException: library code must not swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`ValidationTimeout` in this block after ``seconds`` of CPU time of this process
    (``ITIMER_VIRTUAL``/SIGVTALRM; only in the main thread, and only when no other such timer is
    running: otherwise no limit)."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_VIRTUAL)[0] == 0
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise ValidationTimeout()

    previous = signal.signal(signal.SIGVTALRM, expire)
    # repeating: an exception raised where Python ignores it (a __del__ or weakref callback run by
    # the garbage collector) would otherwise leave the validator without a limit
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds, 0.25)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


class RetrievalRefused(Exception):
    """The validator tried to retrieve another document (``str()`` is its URI)."""


def _refuse_retrieval(uri: str) -> Any:
    raise RetrievalRefused(uri)


class _NoRetrieval(dict):  # type: ignore[type-arg]
    """Resolver handlers for every URI scheme (``in`` is always true), each refusing to retrieve.

    jsonschema-path falls back to ``urlopen`` (or ``requests``) for a scheme it has no handler
    for, so a plain empty mapping would still reach the network.
    """

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> Any:
        return _refuse_retrieval

    def get(self, scheme: str, default: Any = None) -> Any:
        return _refuse_retrieval


_NO_RETRIEVAL = _NoRetrieval()


def _shown(text: str) -> str:
    """``text`` with anything not printable escaped (no raw control characters or terminal escape
    sequences from a spec reach the user's terminal)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _refused_uri(exc: BaseException) -> str | None:
    """The URI of a :class:`RetrievalRefused` in ``exc``'s chain of causes, or None."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, RetrievalRefused):
            return str(cur)
        cur = cur.__cause__ or cur.__context__
    return None


def check_version(data: Any, sink: DiagnosticSink) -> str:
    """Return the OpenAPI version ``"3.0"`` or ``"3.1"`` of ``data``.

    Raises :class:`GenerationError` (after one ERROR) when it is not an OpenAPI 3.x document.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        sink.error(f"not an OpenAPI document: the top level is {kind}, not an object")
        raise GenerationError("not a mapping")
    version = data.get("openapi")
    if version is None:
        if "swagger" in data:
            sink.error(
                f"Swagger/OpenAPI {data.get('swagger')} documents are not supported; convert it "
                "to OpenAPI 3.x first",
                "/swagger",
            )
        else:
            sink.error("not an OpenAPI document: the 'openapi' version field is missing")
        raise GenerationError("no version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        sink.warning(
            f"'openapi: {version}' is written as a number; read as the string '{version}'",
            "/openapi",
        )
        version = str(version)
        data["openapi"] = version + (".0" if version.count(".") == 1 else "")
    if not isinstance(version, str) or not version.startswith("3."):
        sink.error(f"unsupported OpenAPI version {version!r}: expected 3.0.x or 3.1.x", "/openapi")
        raise GenerationError("bad version")
    if version.startswith("3.0"):
        return "3.0"
    if not version.startswith("3.1"):
        sink.warning(f"OpenAPI {version} is newer than 3.1; reading it as 3.1", "/openapi")
    return "3.1"


@cache
def library_validator_class(version: str) -> type:
    """openapi-spec-validator's own validator class for ``version`` (``"3.0"`` or ``"3.1"``) as
    this module uses it (call it with the document, then ``.iter_errors()``):

    - ``$ref`` retrieval refused (:data:`_NO_RETRIEVAL`);
    - the document is checked against the OpenAPI meta-schema with the Python ``jsonschema``
      engine whatever is installed (the library would pick jsonschema-rs when present, whose
      findings differ: other messages, other pointers, another regex dialect).
    """
    from jsonschema.validators import validator_for
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    base = OpenAPIV30SpecValidator if version == "3.0" else OpenAPIV31SpecValidator
    meta = dict(schema_v30 if version == "3.0" else schema_v31)
    attrs = {"resolver_handlers": _NO_RETRIEVAL, "schema_validator": validator_for(meta)(meta)}
    return type(base.__name__, (base,), attrs)


def validate(
    data: dict[str, Any], version: str, sink: DiagnosticSink, valid_schemas: set[str] | None = None
) -> int:
    """Run openapi-spec-validator over ``data``; each finding becomes a WARNING with a pointer.

    ``valid_schemas`` holds keys of Schema Objects and document units known to pass their check
    (from earlier runs): those are not checked again; the keys of those that pass here are added
    to it (see :func:`generator.validate_speed.accelerated`, which also counts the document's
    nodes for the time budget). Returns the number of findings. Never raises for invalid input.
    """
    counter = [0]
    locator = _Locator(data)
    with validate_speed.accelerated(library_validator_class(version), data, valid_schemas) as run:
        budget = VALIDATE_BASE_SECONDS + VALIDATE_SECONDS_PER_NODE * run.nodes
        try:
            with _time_limit(budget):
                _collect(run.validator_class(data).iter_errors(), locator, sink, counter)
        except ValidationTimeout:
            sink.warning(
                f"the validator was stopped after {budget:.0f} s (its time budget for a document of this "
                "size); findings so far are shown"
            )
        except RecursionError:
            sink.warning("the validator gave up: the document is nested too deeply")
        except Exception as exc:  # the validator itself fails on some broken documents
            refused = _refused_uri(exc)
            if refused is not None:
                sink.warning(
                    f"the validator stopped at a $ref to another document ({_shown(refused[:200])}): it never "
                    "retrieves documents; the generator resolves such references itself"
                )
            else:
                first = _shown(" ".join(str(exc).split())[:200])
                sink.warning(f"the validator could not finish: {type(exc).__name__}: {first}")
    count = counter[0]
    if count > MAX_REPORTED:
        sink.warning(f"{count - MAX_REPORTED} more validator findings not shown")
    return count


def import_validator() -> None:
    """Import openapi-spec-validator and jsonschema (about half a second), and what the speed-ups
    use, e.g. in a process that is to validate a document it does not have yet."""
    import jsonschema.validators  # noqa: F401
    import openapi_spec_validator  # noqa: F401

    validate_speed.import_speedups()


def _collect(errors: Iterator[Any], locator: "_Locator", sink: DiagnosticSink, counter: list[int]) -> None:
    for err in errors:
        counter[0] += 1
        if counter[0] > MAX_REPORTED:
            continue
        pointer = locator.pointer_of(err)
        message = _shown(" ".join(str(getattr(err, "message", err)).split()))
        if len(message) > 240:
            message = message[:237] + "..."
        sink.warning(f"invalid OpenAPI: {message}", pointer)


class _Locator:
    """Finds the absolute JSON pointer of a validator error (whose path may be relative)."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self._index: dict[int, str] | None = None
        self._order: list[tuple[str, Any]] = []

    def _build(self) -> dict[int, str]:
        if self._index is None:
            self._index = {}
            stack: list[tuple[Any, str]] = [(self.data, "")]
            while stack:
                node, ptr = stack.pop()
                if id(node) in self._index:
                    continue
                self._index[id(node)] = ptr
                self._order.append((ptr, node))
                items: Iterator[tuple[Any, Any]] = (
                    iter(node.items()) if isinstance(node, dict) else iter(enumerate(node))
                )
                for k, v in items:
                    if isinstance(v, (dict, list)):
                        stack.append((v, join_pointer(ptr, k)))
            self._order.sort(key=lambda pn: pn[0])
        return self._index

    def pointer_of(self, err: Any) -> str:
        path = list(getattr(err, "path", deque()) or [])
        instance = getattr(err, "instance", None)
        node = self.data
        try:
            for token in path:
                node = node[token]
            if node is instance or (node == instance and not isinstance(instance, (dict, list))):
                return join_pointer("", *path)
        except (KeyError, IndexError, TypeError):
            pass
        index = self._build()
        if isinstance(instance, (dict, list)) and id(instance) in index:
            return index[id(instance)]
        # a scalar at a path relative to some schema: find a node where that path leads to it
        parent_path, last = path[:-1], path[-1] if path else None
        for ptr, cand in self._order:
            try:
                node = cand
                for token in parent_path:
                    node = node[token]
                if last is not None and node[last] == instance:
                    return join_pointer(ptr, *path)
            except (KeyError, IndexError, TypeError):
                continue
        return join_pointer("", *path)
