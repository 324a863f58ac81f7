"""Stage 2: check the document against the OpenAPI specification (openapi-spec-validator).

Structural problems that make generation impossible (not an object, not OpenAPI 3.x) are
ERRORs. Everything the validator reports is a WARNING with the JSON pointer of the offending
node: the generator still produces a client from a slightly invalid document (``--strict`` turns
warnings into failure).
"""

from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from .diagnostics import DiagnosticSink, GenerationError, join_pointer

#: At most this many validator findings are reported (the rest are counted).
MAX_REPORTED = 50


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


def validate(data: dict[str, Any], version: str, sink: DiagnosticSink) -> int:
    """Run openapi-spec-validator over ``data``; each finding becomes a WARNING with a pointer.

    Returns the number of findings. Never raises for invalid input.
    """
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    cls = OpenAPIV30SpecValidator if version == "3.0" else OpenAPIV31SpecValidator
    count = 0
    locator = _Locator(data)
    try:
        for err in cls(data).iter_errors():
            count += 1
            if count > MAX_REPORTED:
                continue
            pointer = locator.pointer_of(err)
            message = " ".join(str(getattr(err, "message", err)).split())
            if len(message) > 240:
                message = message[:237] + "..."
            sink.warning(f"invalid OpenAPI: {message}", pointer)
    except RecursionError:
        sink.warning("the validator gave up: the document is nested too deeply")
    except Exception as exc:  # the validator itself fails on some broken documents
        first = " ".join(str(exc).split())[:200]
        sink.warning(f"the validator could not finish: {type(exc).__name__}: {first}")
    if count > MAX_REPORTED:
        sink.warning(f"{count - MAX_REPORTED} more validator findings not shown")
    return count


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
