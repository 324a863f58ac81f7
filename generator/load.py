"""Stage 1: read an OpenAPI document (YAML or JSON) into plain Python data.

YAML is read with PyYAML's C loader, tuned so that scalars mean what they would mean in JSON
(YAML 1.2 core schema): ``2024-01-01`` and ``25:00`` stay strings, ``yes``/``no``/``on``/``off``
stay strings, a bare ``=`` is a string, and non-string mapping keys such as ``200:`` become
strings. Line numbers are not kept in the data; :func:`locate` finds the line of a JSON pointer on
demand (only when a diagnostic is printed).

A document is input from outside, so loading is bounded: files larger than
:data:`MAX_FILE_BYTES`, nesting deeper than :data:`MAX_DEPTH` (checked on the YAML event stream
before anything recursive runs: PyYAML's C composer would overflow the C stack), YAML alias bombs
and recursive aliases, integers too long to convert, unpaired surrogates and YAML tags with no JSON
meaning (``!!binary``, ``!!set``, ``!!timestamp``...) are refused with one ERROR each.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import DiagnosticSink, GenerationError
from .json_positions import JsonPositions

#: Largest number of nodes a document may expand to once YAML aliases are followed.
MAX_EXPANDED_NODES = 1_000_000
#: YAML aliases may add this many nodes to any document...
ALIAS_EXTRA_NODES = 4_000
#: ...or, in a larger document, grow it to this many times its own number of nodes (so an alias
#: can never make a small file cost more than a file of proportionate size).
ALIAS_GROWTH = 2
#: Deepest nesting of mappings and sequences a document may have (real OpenAPI documents stay
#: near 15; deeper ones would overflow the YAML composer's C stack or Python's recursion limit).
MAX_DEPTH = 100
#: Largest document file read (bytes).
MAX_FILE_BYTES = 64 * 1024 * 1024

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
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {len(text):,} digits is too large", node.start_mark
        ) from None


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
# Only JSON's kinds of value: an explicit tag for anything else is an error ("could not determine
# a constructor"), not bytes, sets or datetimes that later stages do not expect.
for _tag in ("binary", "timestamp", "set", "omap", "pairs"):
    JsonLikeLoader.yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)


@dataclass
class Document:
    """A loaded document: ``path`` on disk, ``uri`` (``file://`` form) and its ``data``."""

    path: Path
    uri: str
    data: Any
    raw: bytes = b""


def _expanded_size(root: yaml.Node) -> tuple[int, int, bool]:
    """``(expanded, own, recursive)``: the nodes a composed YAML tree expands to once aliases are
    followed (memoized, saturating just above :data:`MAX_EXPANDED_NODES`), its own distinct nodes,
    and whether an alias refers to one of its own ancestors (a recursive structure)."""
    sizes: dict[int, int] = {}
    recursive = False
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
        # a child still in progress here is an ancestor: the alias makes a cycle
        recursive = recursive or any(sizes.get(id(c)) == -1 for c in children)
        total = 1 + sum(max(sizes.get(id(c), 1), 1) for c in children)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
    return sizes[id(root)], len(sizes), recursive


def alias_limit(own_nodes: int) -> int:
    """How many nodes a document of ``own_nodes`` distinct nodes may expand to through aliases."""
    return min(MAX_EXPANDED_NODES, max(own_nodes + ALIAS_EXTRA_NODES, ALIAS_GROWTH * own_nodes))


_OPEN_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _too_deep(text: str) -> yaml.Mark | None:
    """The mark of the first collection nested deeper than :data:`MAX_DEPTH`, or None.

    Reads the event stream only (libyaml's parser is not recursive), so it is safe on any input.
    Raises ``yaml.YAMLError`` for syntax errors met on the way.
    """
    loader = JsonLikeLoader(text)
    try:
        depth = 0
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return None
            if isinstance(event, _OPEN_EVENTS):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
    finally:
        loader.dispose()


_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Something that may be a YAML anchor (``&name`` where a node's properties can start: at the start
#: of a line or after whitespace or a flow indicator). Prose such as "R&D" or "a & b" is not one;
#: a false match only costs the alias-expansion check.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:])&[^\s\[\]{},]", re.MULTILINE)


#: An escape in JSON or YAML text that can spell a UTF-16 surrogate (``\ud800``, ``\U0000DC00``):
#: text without one (and without a surrogate of its own, which decoded UTF-8 never has) cannot
#: load into one.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def _check_data(data: Any, source: str, sink: DiagnosticSink, surrogates: bool = True) -> None:
    """Refuse loaded data nested deeper than :data:`MAX_DEPTH` (aliases can nest a shallow text
    deeply) or holding unpaired UTF-16 surrogates (JSON's ``"\\ud800"``: not text, and no file
    can be written with it; looked for only when ``surrogates``, i.e. the text has an escape that
    can spell one). Iterative; raises :class:`GenerationError` after one ERROR."""
    from .diagnostics import PointerChain, chain_pointer

    if not isinstance(data, (dict, list)):  # a bare scalar (or an empty file)
        if isinstance(data, str) and _SURROGATE.search(data):
            _surrogate_error(data, "", source, sink)
        return
    stack: list[tuple[Any, int, PointerChain]] = [(data, 0, ())]
    while stack:
        node, depth, chain = stack.pop()
        if depth > MAX_DEPTH:
            message = f"the document is nested more than {MAX_DEPTH} levels deep; refusing to load it"
            sink.error(message, chain_pointer(chain), source=source)
            raise GenerationError("too deep")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if surrogates and isinstance(key, str) and _SURROGATE.search(key):
                _surrogate_error(key, chain_pointer(chain), source, sink)
            if isinstance(value, (dict, list)):
                stack.append((value, depth + 1, (chain, key)))
            elif surrogates and isinstance(value, str) and _SURROGATE.search(value):
                _surrogate_error(value, chain_pointer((chain, key)), source, sink)


def _surrogate_error(text: str, ptr: str, source: str, sink: DiagnosticSink) -> None:
    m = _SURROGATE.search(text)
    code = f"U+{ord(m.group()):04X}" if m else "a surrogate"
    sink.error(f"the document holds an unpaired UTF-16 surrogate ({code}), which is not text", ptr, source=source)
    raise GenerationError("surrogate")


def parse_text(text: str, source: str, sink: DiagnosticSink) -> Any:
    """Parse YAML or JSON ``text``; on failure add one ERROR with the line and raise.

    Raises :class:`GenerationError` for syntax errors, alias bombs and over-deep nesting.
    """
    data = _parse(text, source, sink)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None or _SURROGATE.search(text) is not None
    _check_data(data, source, sink, surrogates=surrogates)
    return data


def _too_deep_error(source: str, sink: DiagnosticSink, line: int = 0, col: int = 0) -> GenerationError:
    message = f"the document is nested more than {MAX_DEPTH} levels deep; refusing to load it"
    sink.items.append(_syntax_diag(message, source, line, col))
    return GenerationError("too deep")


def _parse(text: str, source: str, sink: DiagnosticSink) -> Any:
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") or stripped.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass  # fall back to YAML, which reports a line and column too
            except RecursionError:
                mark = _too_deep(text)
                line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
                raise _too_deep_error(source, sink, line, col) from None
            except ValueError as exc:  # e.g. an integer with more digits than Python converts
                sink.items.append(_syntax_diag(f"cannot read the document: {_short(exc)}", source, 0, 0))
                raise GenerationError(str(exc)) from None
        mark = _too_deep(text)
        if mark is not None:
            raise _too_deep_error(source, sink, mark.line + 1, mark.column + 1)
        loader = JsonLikeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _ANCHOR.search(text):  # no anchor, no alias: nothing can expand
                expanded, own, recursive = _expanded_size(node)
                if recursive:
                    sink.error("a YAML alias refers to a node that contains it (a recursive structure); refusing to load it", source=source)
                    raise GenerationError("recursive alias")
                limit = alias_limit(own)
                if expanded > limit:
                    sink.error(
                        f"document expands to more than {limit:,} nodes through YAML aliases (its own "
                        f"{own:,} nodes and at most {ALIAS_EXTRA_NODES:,} more, or {ALIAS_GROWTH}x; never "
                        f"more than {MAX_EXPANDED_NODES:,}): an alias bomb? refusing to load it",
                        source=source,
                    )
                    raise GenerationError("alias bomb")
            data = loader.construct_document(node)
            _remember_nodes(source, text, node)
            return data
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        kind = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
        sink.items.append(_syntax_diag(f"{kind}: {problem}", source, line, col))
        raise GenerationError(problem) from None
    except yaml.YAMLError as exc:  # e.g. ReaderError for control characters
        line, col = _reader_position(exc, text)
        cleaned = printable(text)
        if isinstance(exc, yaml.reader.ReaderError) and cleaned != text:
            # JSON allows these characters in strings and real documents carry them (mojibake in
            # descriptions); YAML does not. Keep the document, replace them visibly, and say so.
            count = sum(1 for _ in _UNPRINTABLE.finditer(text))
            sink.items.append(
                _syntax_diag(
                    f"{count} character(s) that YAML does not allow (control characters such as "
                    f"{_short(exc).split(':')[0].split()[-1]}) replaced by U+FFFD",
                    source,
                    line,
                    col,
                    warning=True,
                )
            )
            return _parse(cleaned, source, sink)
        sink.items.append(_syntax_diag(f"cannot read the document: {_short(exc)}", source, line, col))
        raise GenerationError(str(exc)) from None
    except RecursionError:
        raise _too_deep_error(source, sink) from None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def _reader_position(exc: Exception, text: str) -> tuple[int, int]:
    pos = getattr(exc, "position", None)
    if not isinstance(pos, int):
        return 0, 0
    before = text[:pos]
    return before.count("\n") + 1, pos - (before.rfind("\n") + 1) + 1


def _syntax_diag(message: str, source: str, line: int, col: int, *, warning: bool = False) -> Any:
    from .diagnostics import Diagnostic, Level

    return Diagnostic(Level.WARNING if warning else Level.ERROR, message, "", source, line, col)


#: Characters outside YAML's printable set (YAML 1.2, 5.1): C0 controls but tab/LF/CR, DEL, C1
#: controls but NEL, lone surrogates, U+FFFE/U+FFFF.
_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(text: str) -> str:
    """``text`` with every character YAML does not allow replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def load_document(path: Path, sink: DiagnosticSink) -> Document:
    """Read and parse the file at ``path``.

    Raises :class:`GenerationError` (after adding one ERROR diagnostic) when the file is missing,
    unreadable, not UTF-8, or not valid YAML/JSON.
    """
    source = str(path)
    try:
        with path.open("rb") as fh:  # bounded: a device or FIFO never ends
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        sink.error("file not found", source=source)
        raise GenerationError("missing") from None
    except OSError as exc:
        sink.error(f"cannot read the file: {exc.strerror or exc}", source=source)
        raise GenerationError("unreadable") from None
    except ValueError as exc:  # e.g. a NUL character in the path
        sink.error(f"cannot read the file: {exc}", source=source)
        raise GenerationError("bad path") from None
    if len(raw) > MAX_FILE_BYTES:
        sink.error(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; refusing to load it", source=source)
        raise GenerationError("too large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        sink.items.append(_syntax_diag("the file is not valid UTF-8", source, line, 0))
        raise GenerationError("not utf-8") from None
    data = parse_text(text, source, sink)
    return Document(path=path, uri=path.resolve().as_uri(), data=data, raw=raw)


#: The YAML node trees of the last documents parsed, by source: (the text, its node tree). Their
#: marks locate diagnostics without parsing the document a second time.
_PARSED_NODES: dict[str, tuple[str, yaml.Node]] = {}
_KEEP_NODES = 8


def _remember_nodes(source: str, text: str, node: yaml.Node) -> None:
    _PARSED_NODES.pop(source, None)
    _PARSED_NODES[source] = (text, node)
    while len(_PARSED_NODES) > _KEEP_NODES:
        del _PARSED_NODES[next(iter(_PARSED_NODES))]


def _source_text(source: str) -> str | None:
    """The text of ``source`` as it is now (read again only when its size or modification time
    changed), for locating diagnostics, or None."""
    try:
        st = os.stat(source)
    except (OSError, ValueError):
        return None
    return _read_text(source, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _read_text(source: str, mtime_ns: int, size: int) -> str | None:
    try:
        with open(source, "rb") as fh:  # bounded: a device or FIFO never ends
            return fh.read(MAX_FILE_BYTES + 1).decode("utf-8-sig")
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=8)
def _json_positions(text: str) -> JsonPositions | None:
    """A lazy position index when ``text`` holds a JSON object (cheaper than composing it)."""
    return JsonPositions(text) if text.lstrip().startswith("{") else None


def _composed(source: str, text: str) -> yaml.Node | None:
    """The node tree of ``text`` (the contents of ``source``): the one its parse composed when that
    parse was of this very text (control characters replaced one for one, so the marks agree),
    else composed now."""
    parsed = _PARSED_NODES.get(source)
    if parsed is not None and (parsed[0] == text or parsed[0] == printable(text)):
        return parsed[1]
    return _compose(text)


@lru_cache(maxsize=8)
def _compose(text: str) -> yaml.Node | None:
    try:
        if len(text) > MAX_FILE_BYTES or _too_deep(text) is not None:
            return None  # never hand the C composer a document it cannot survive
        return yaml.compose(printable(text), Loader=JsonLikeLoader)
    except (ValueError, yaml.YAMLError, RecursionError):
        return None


def locate(source: str, pointer: str) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of the node at ``pointer`` in the file ``source``.

    Walks as deep as the pointer exists; returns ``(0, 0)`` when the file cannot be read.
    """
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    text = _source_text(source)
    if text is None:
        return 0, 0
    positions = _json_positions(text)
    if positions is not None:
        try:
            return positions.line_col(tokens)
        except (ValueError, IndexError):
            pass  # not JSON after all where the walk went: compose it as YAML
    node = _composed(source, text)
    if node is None:
        return 0, 0
    for token in tokens:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == token:
                    nxt = value
                    break
        elif isinstance(node, yaml.SequenceNode) and token.isascii() and token.isdigit():
            idx = int(token)
            if idx < len(node.value):
                nxt = node.value[idx]
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1, node.start_mark.column + 1
