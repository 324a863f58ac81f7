"""``$ref`` resolution across the root document, relative files, ``$id`` and ``$anchor``.

Every location in the input is a :class:`Loc`: the URI of the file it is in, the JSON pointer
inside that file, and the base URI that relative references there are resolved against (changed
by an enclosing ``$id``). :class:`Resolver` turns a ``$ref`` written at a location into the
location and contents it points to. Files are loaded once, on first use; ``http(s)`` references
are refused unless allowed, and so are files outside the root document's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from .diagnostics import DiagnosticSink, GenerationError, PointerChain, chain_pointer, join_pointer
from .paths import uri_path
from .load import load_document

#: How many ``$ref`` hops a chain of references may take before it is reported as a cycle.
MAX_REF_HOPS = 64


@dataclass(frozen=True)
class Loc:
    """A place in the input: file ``uri``, JSON ``pointer`` in it, and the ``base`` URI there."""

    uri: str
    pointer: str
    base: str

    def child(self, *tokens: str | int) -> "Loc":
        """The location of a child node (tokens are escaped)."""
        return Loc(self.uri, join_pointer(self.pointer, *tokens), self.base)

    @property
    def key(self) -> str:
        """A canonical identity: ``uri#pointer``."""
        return f"{self.uri}#{self.pointer}"


class RefError(Exception):
    """A ``$ref`` that cannot be resolved; ``str()`` says why."""


def _shown(value: object) -> str:
    """``value`` as text for a message, with anything not printable escaped (no raw control
    characters or terminal escape sequences from a spec reach the user's terminal)."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def walk_pointer(data: Any, pointer: str) -> Any:
    """Return the node at RFC 6901 ``pointer`` (already percent-decoded) inside ``data``.

    Raises :class:`RefError` naming the first token that does not exist.
    """
    node = data
    if pointer == "":
        return node
    for raw in pointer.split("/")[1:]:
        token = _unescape(raw)
        if isinstance(node, dict):
            if token not in node:
                raise RefError(f"no '{_shown(token)}' in the target document")
            node = node[token]
        elif isinstance(node, list):
            # ASCII digits only: "²".isdigit() is true but int() refuses it
            if not (token.isascii() and token.isdigit()) or len(token) > 18 or int(token) >= len(node):
                raise RefError(f"index '{_shown(token[:40])}' is out of range")
            node = node[int(token)]
        else:
            raise RefError(f"cannot descend into a {type(node).__name__} at '{_shown(token)}'")
    return node


class Resolver:
    """Resolves ``$ref`` strings; loads referenced files lazily and indexes ``$id``/``$anchor``.

    ``allow_remote`` permits ``http(s)`` references (off by default: no network);
    ``allow_outside`` permits ``file`` references outside the root document's folder.
    """

    def __init__(
        self,
        root_uri: str,
        root_data: Any,
        sink: DiagnosticSink,
        *,
        allow_remote: bool = False,
        allow_outside: bool = False,
    ) -> None:
        self.root_uri = root_uri
        self.sink = sink
        self.allow_remote = allow_remote
        self.allow_outside = allow_outside
        self.root_dir = Path(uri_path(urlparse(root_uri).path)).parent
        self.docs: dict[str, Any] = {root_uri: root_data}
        self._ids: dict[str, tuple[str, str]] = {}
        self._anchors: dict[tuple[str, str], tuple[str, str]] = {}
        #: Resolved references by (base, $ref): a reference resolves the same wherever it is
        #: written under the same base, and chains of refs are followed again and again.
        self._lookups: dict[tuple[str, str], tuple[Loc, Any]] = {}
        self._index(root_uri, root_data)

    def root(self) -> Loc:
        """The location of the root document."""
        return Loc(self.root_uri, "", self.root_uri)

    def contents(self, loc: Loc) -> Any:
        """The data at ``loc``."""
        return walk_pointer(self.docs[loc.uri], loc.pointer)

    def _index(self, uri: str, data: Any) -> None:
        stack: list[tuple[Any, PointerChain, str]] = [(data, (), uri)]
        while stack:
            node, chain, base = stack.pop()
            if isinstance(node, dict):
                sid = node.get("$id")
                if isinstance(sid, str) and chain:
                    try:
                        base = urldefrag(urljoin(base, sid))[0]
                    except ValueError:  # a malformed $id (e.g. "http://[x"): keep the base
                        pass
                    else:
                        self._ids.setdefault(base, (uri, chain_pointer(chain)))
                anchor = node.get("$anchor")
                if isinstance(anchor, str):
                    ptr = chain_pointer(chain)
                    self._anchors.setdefault((base, anchor), (uri, ptr))
                    self._anchors.setdefault((uri, anchor), (uri, ptr))
                for k, v in node.items():
                    if isinstance(v, (dict, list)) and k not in ("example", "examples", "const"):
                        stack.append((v, (chain, k), base))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    if isinstance(v, (dict, list)):
                        stack.append((v, (chain, i), base))

    def _load(self, uri: str, at: "Loc | None" = None) -> Any:
        if uri in self.docs:
            return self.docs[uri]
        parsed = urlparse(uri)
        if parsed.scheme in ("http", "https"):
            if not self.allow_remote:
                raise RefError(
                    f"remote reference to {_shown(uri)} refused (no network by default; "
                    "pass --allow-remote-refs to allow it)"
                )
            raise RefError(f"remote reference to {_shown(uri)}: fetching remote documents is not supported")
        if parsed.scheme != "file":
            raise RefError(f"unsupported reference scheme '{_shown(parsed.scheme)}:'")
        if parsed.netloc not in ("", "localhost"):
            # "//host/x.json" resolves to file://host/x.json: another machine, never a local file
            raise RefError(
                f"reference to {_shown(uri)} names the host '{_shown(parsed.netloc)}'; only local files can be "
                "referenced (remote documents are not fetched)"
            )
        path = Path(uri_path(parsed.path))
        try:
            resolved = path.resolve()
            inside = resolved.is_relative_to(self.root_dir.resolve())
            is_file = path.is_file()
        except (OSError, ValueError) as exc:  # e.g. a NUL character, a path too long
            raise RefError(f"reference to {_shown(uri)} is not a usable file path ({exc})") from None
        refused = RefError(
            f"reference to {_shown(path)} leaves the spec's folder {_shown(self.root_dir)} "
            "(only other OpenAPI documents are followed there; pass --allow-outside-refs to allow it)"
        )
        if not inside and not self.allow_outside:
            if not is_file:
                raise refused
            # A sibling OpenAPI document (``../common.yaml`` with shared components) is
            # followed; any other file outside the spec's folder is never read into the client.
            quiet = DiagnosticSink()
            try:
                doc = load_document(path, quiet)
            except GenerationError:
                raise refused from None
            if not (isinstance(doc.data, dict) and isinstance(doc.data.get("openapi"), (str, int, float))):
                raise refused
            self.sink.warning(
                f"reference to {_shown(path)} leaves the spec's folder {_shown(self.root_dir)}; "
                "followed because it is an OpenAPI document",
                at.pointer if at else "",
                source="" if at is None or at.uri == self.root_uri else at.uri,
            )
            self.sink.extend(quiet.items)
        else:
            if not is_file:
                raise RefError(f"referenced file {_shown(path)} does not exist")
            try:
                doc = load_document(path, self.sink)
            except GenerationError:
                raise RefError(f"referenced file {_shown(path)} cannot be parsed") from None
        self.docs[uri] = doc.data
        self._index(uri, doc.data)
        return doc.data

    def lookup(self, ref: str, at: Loc) -> tuple[Loc, Any]:
        """Resolve ``ref`` written at ``at``; return the target location and contents.

        Raises :class:`RefError` when the target does not exist or may not be loaded.
        """
        if not isinstance(ref, str):
            raise RefError(f"$ref must be a string, not {type(ref).__name__}")
        hit = self._lookups.get((at.base, ref))
        if hit is not None:
            return hit
        try:
            absolute = urljoin(at.base, ref) if ref else at.base
            res, fragment = urldefrag(absolute)
            fragment = unquote(fragment)
            urlparse(res)  # raises for a malformed authority such as "http://[x"
        except ValueError as exc:
            raise RefError(f"malformed reference ({exc})") from None
        if res in self._ids:
            uri, ptr0 = self._ids[res]
            base = res
        else:
            uri, ptr0, base = res, "", res
            self._load(res, at)
        if fragment and not fragment.startswith("/"):
            found = self._anchors.get((res, fragment)) or self._anchors.get((uri, fragment))
            if found is None:
                raise RefError(f"no $anchor '{_shown(fragment)}' in {_shown(res)}")
            uri, ptr = found
        else:
            ptr = ptr0 + fragment
        data = self.docs[uri]
        contents = walk_pointer(data, ptr)
        result = (Loc(uri, ptr, base), contents)
        self._lookups[(at.base, ref)] = result
        return result

    def follow(self, schema: Any, at: Loc) -> tuple[Loc, Any]:
        """Follow a chain of pure ``$ref`` objects from ``schema`` at ``at`` to a real node.

        Raises :class:`RefError` for a cycle of references or a target that does not exist.
        """
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            if at.key in seen or len(seen) > MAX_REF_HOPS:
                raise RefError("$ref cycle: the reference chain points back to itself")
            seen.add(at.key)
            at, schema = self.lookup(schema["$ref"], at)
        return at, schema


def describe_uri(uri: str, root_uri: str) -> str:
    """A short display form of a file URI (relative to the root document's folder when inside it)."""
    try:
        path = Path(uri_path(urlparse(uri).path))
        root = Path(uri_path(urlparse(root_uri).path)).parent
        return str(path.relative_to(root)) if uri != root_uri else path.name
    except ValueError:
        return uri
