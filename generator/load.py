"""Stage 1: read an OpenAPI document (YAML or JSON) into plain Python data.

YAML is read with PyYAML's C loader, tuned so that scalars mean what they would mean in JSON
(YAML 1.2 core schema): ``2024-01-01`` and ``25:00`` stay strings, ``yes``/``no``/``on``/``off``
stay strings, a bare ``=`` is a string, and non-string mapping keys such as ``200:`` become
strings. Line numbers are not kept in the data; :func:`locate` finds the line of a JSON pointer on
demand (only when a diagnostic is printed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import DiagnosticSink, GenerationError

#: Largest number of nodes a document may expand to once YAML aliases are followed.
MAX_EXPANDED_NODES = 5_000_000

_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
)
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class JsonLikeLoader(yaml.CSafeLoader):
    """A C-accelerated safe loader with YAML 1.2 core-schema scalars and string keys."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; non-string keys (``200:``, ``true:``) become their JSON text."""
        mapping = super().construct_mapping(node, deep=deep)
        if all(type(k) is str for k in mapping):
            return mapping
        return {_key_text(k): v for k, v in mapping.items()}


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith("nan"):
        return float("nan")
    return float(text)


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", _BOOL_RE, list("tTfF")),
    ("tag:yaml.org,2002:int", _INT_RE, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT_RE, list("-+0123456789.")),
    ("tag:yaml.org,2002:null", _NULL_RE, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
):
    JsonLikeLoader.add_implicit_resolver(_tag, _regexp, _first)
JsonLikeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
JsonLikeLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclass
class Document:
    """A loaded document: ``path`` on disk, ``uri`` (``file://`` form) and its ``data``."""

    path: Path
    uri: str
    data: Any
    raw: bytes = b""


def _expanded_size(root: yaml.Node) -> int:
    """Count the nodes a composed YAML tree expands to once aliases are followed (memoized)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            sizes[key] = -1  # in progress (cycles count once)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(max(sizes.get(id(c), 1), 1) for c in children)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
    return sizes[id(root)]


def parse_text(text: str, source: str, sink: DiagnosticSink) -> Any:
    """Parse YAML or JSON ``text``; on failure add one ERROR with the line and raise.

    Raises :class:`GenerationError` for syntax errors, alias bombs and over-deep nesting.
    """
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") or stripped.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass  # fall back to YAML, which reports a line and column too
        loader = JsonLikeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if "*" in text and _expanded_size(node) > MAX_EXPANDED_NODES:
                sink.error(
                    f"document expands to more than {MAX_EXPANDED_NODES:,} nodes through YAML "
                    "aliases (an alias bomb?); refusing to load it",
                    source=source,
                )
                raise GenerationError("alias bomb")
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        sink.items.append(_syntax_diag(f"YAML syntax error: {problem}", source, line, col))
        raise GenerationError(problem) from None
    except yaml.YAMLError as exc:  # e.g. ReaderError for control characters
        line, col = _reader_position(exc, text)
        sink.items.append(_syntax_diag(f"cannot read the document: {_short(exc)}", source, line, col))
        raise GenerationError(str(exc)) from None
    except RecursionError:
        sink.error("document is nested too deeply to load", source=source)
        raise GenerationError("too deep") from None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def _reader_position(exc: Exception, text: str) -> tuple[int, int]:
    pos = getattr(exc, "position", None)
    if not isinstance(pos, int):
        return 0, 0
    before = text[:pos]
    return before.count("\n") + 1, pos - (before.rfind("\n") + 1) + 1


def _syntax_diag(message: str, source: str, line: int, col: int) -> Any:
    from .diagnostics import Diagnostic, Level

    return Diagnostic(Level.ERROR, message, "", source, line, col)


def load_document(path: Path, sink: DiagnosticSink) -> Document:
    """Read and parse the file at ``path``.

    Raises :class:`GenerationError` (after adding one ERROR diagnostic) when the file is missing,
    unreadable, not UTF-8, or not valid YAML/JSON.
    """
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        sink.error("file not found", source=source)
        raise GenerationError("missing") from None
    except OSError as exc:
        sink.error(f"cannot read the file: {exc.strerror or exc}", source=source)
        raise GenerationError("unreadable") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        sink.items.append(_syntax_diag("the file is not valid UTF-8", source, line, 0))
        raise GenerationError("not utf-8") from None
    data = parse_text(text, source, sink)
    return Document(path=path, uri=path.resolve().as_uri(), data=data, raw=raw)


@lru_cache(maxsize=8)
def _composed(source: str) -> yaml.Node | None:
    text = Path(source).read_text(encoding="utf-8-sig")
    return yaml.compose(text, Loader=JsonLikeLoader)


def locate(source: str, pointer: str) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of the node at ``pointer`` in the file ``source``.

    Walks as deep as the pointer exists; returns ``(0, 0)`` when the file cannot be read.
    """
    node = _composed(source)
    if node is None:
        return 0, 0
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for token in tokens:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == token:
                    nxt = value
                    break
        elif isinstance(node, yaml.SequenceNode) and token.isdigit():
            idx = int(token)
            if idx < len(node.value):
                nxt = node.value[idx]
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1, node.start_mark.column + 1
