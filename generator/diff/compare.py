"""Compare two versions of an OpenAPI document as the user of the generated client feels them.

The comparison walks what the generator turns into Python: operations (methods on resources),
their parameters (keyword arguments), request bodies (``body=``), responses (return types), and
component schemas (model classes, enums and aliases in ``models``). Prose (descriptions,
summaries, titles, examples) and ``x-*`` extensions are ignored: they only change docstrings.
``$ref`` s are resolved (with :mod:`generator.refs`) so that moving an inline schema into
``components`` without changing it, or the reverse, is not reported as a change.

Who sends what
--------------
Whether a schema change breaks callers depends on which way the data flows:

- *request* data (parameters, request bodies, and every component schema reachable from them) is
  built by the caller and sent; the client must accept everything callers used to send;
- *response* data (response bodies and what they reach) is parsed by the client and read by the
  caller; the caller must be able to rely on everything it used to get.

A component schema reachable from both is judged both ways (a change is breaking when it breaks
either way). A component schema no operation reaches is judged both ways too: users import the
model classes and build or read them whatever the operations do. ``readOnly`` properties count as
response-only and ``writeOnly`` properties as request-only.

Classification rules (``B`` breaking, ``-`` non-breaking)
---------------------------------------------------------
Operations (identified by ``operationId``, else by method and path; an operation whose
``operationId`` changed at the same method and path is a rename):

- added ``-``; removed ``B``; renamed ``B`` (the Python method name changes; ``-`` when the
  snake_case name stays the same); moved to another resource (its first tag changed, so
  ``client.<resource>`` changes) ``B``; method or path changed ``-`` (the client hides the URL);
  newly deprecated ``-``.

Parameters (identified by location and name; header names case-insensitively):

- added: required ``B``, optional ``-``; removed ``B`` (callers passing it get a ``TypeError``);
  optional -> required ``B``; required -> optional ``-``; moved to another location with the
  same name ``-`` (the keyword argument is unchanged); retyped: see types (request rules).

Request bodies: added required ``B``, added optional ``-``; removed ``B``; optional -> required
``B``, required -> optional ``-``; media type added ``-``; removed ``B`` when no media type of its
kind (JSON, multipart, form, binary, text) is left, else ``-`` (the client sends one body per kind
and callers never name the media type).

Responses (a method returns the union of its success (2XX) bodies; error responses raise):

- success response removed: ``B`` when its body type is no longer among the success bodies (the
  return type loses it), else ``-`` (e.g. a bodiless 204); success response added: ``B`` when it
  brings a body type the method did not return before and it already returned a typed body (the
  return type becomes a union), else ``-`` (a method that returned ``None`` may start returning
  data); error responses added or removed ``-``;
- media type of a success response removed or added ``B`` when it changes what the client parses
  (JSON is preferred, then multipart, form, binary, text), else ``-``.

Component schemas (users import the classes even when no operation uses them):

- removed ``B``; renamed (removed and added with identical contents) ``B``; added ``-``;
  extracted (an inline schema moved into ``components`` under the very class name the generator
  already gave it) ``-`` and inlined (the reverse) ``-``.

Schemas (properties of models, items of lists, values of maps, union variants):

- property added: required in request data ``B``, otherwise ``-``; property removed ``B``
  (the attribute and the keyword argument of the model disappear);
- optional -> required: ``B`` in request data (callers must now set it), ``-`` in response data
  (the field just stops being ``None``); required -> optional: ``B`` in response data (the field
  may now be ``None``), ``-`` in request data;
- type narrowed (fewer values, e.g. ``string | null`` -> ``string``, ``number`` -> ``integer``,
  a plain string gaining an enum): ``B`` in request data, ``-`` in response data; type widened:
  ``B`` in response data, ``-`` in request data; type changed incompatibly ``B``; a ``format``
  change that changes the Python type (``date-time`` is ``datetime``, ``uuid`` is ``UUID``...)
  ``B``; an enum dropped altogether (the field stops being typed with the enum class) ``B``;
- enum value added ``-`` both ways: callers may send it, and the generated enums are open
  (an unknown value received parses into a pseudo-member instead of failing);
- enum value removed: ``B`` in request data (callers that send it now fail). In response-only
  data the value can no longer arrive, which is harmless on the wire, but the generated enum class
  loses its member (``Category.BUSINESS_OPERATIONS``) and code that names it raises
  ``AttributeError``; so a removal is ``B`` whenever the enum is a generated class (string or
  integer values), and ``-`` only for a ``Literal`` (``const`` or mixed values) in response data;
- the model class of a field changes (a ``$ref`` to another component, or an inline model
  replaced by a component with another class name): ``B`` in request data (an instance of the old
  class is not accepted), else ``B`` only when the new schema is incompatible;
- union variant added: ``-`` in request data, in response data ``-`` when the union has a
  discriminator (unknown variants parse into ``UnknownVariant``) else ``B``; variant removed:
  ``B`` in request data, ``-`` in response data;
- discriminator property changed ``B``; mapping entry added ``-``; removed ``B`` in request data,
  ``-`` in response data; mapping entry pointing at another schema ``B``.

Not compared: servers, security schemes, response headers, links, callbacks and webhooks.

A change to a component schema is reported once, at the component (and a property inherited
through ``allOf`` once, at the component that declares it, naming the components that inherit it).
Class and method names are computed with the generator's naming rules; collision suffixes and
``class-names`` overrides from the configuration are not known here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from ..normalize.operations import media_kind
from ..diagnostics import DiagnosticSink, GenerationError
from ..ir.names import pascal, py_ident, py_name, snake, upper_snake
from ..load import Document, load_document
from ..refs import Loc, RefError, Resolver
from .model import Change, DiffReport

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REQUEST = "request"
RESPONSE = "response"
BOTH = frozenset({REQUEST, RESPONSE})
#: The order in which the generator picks the media type of a response it parses.
_KIND_ORDER = {"json": 0, "multipart": 1, "form": 2, "binary": 3, "text": 4}
#: Keywords that document a schema without changing what it accepts.
_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
        "nullable",
        "summary",
        "$comment",
        "externalDocs",
        "xml",
        "discriminator",
    }
)
_PROSE = frozenset(
    {"description", "summary", "title", "example", "examples", "$comment", "externalDocs"}
)
#: Keywords whose object value is keyed by names, not keywords.
_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: Keywords whose value is data, kept verbatim.
_LITERALS = frozenset({"enum", "const", "default", "required", "mapping"})
#: Formats that change the Python type of a field (mirrors the generator's type mapping).
_PY_FORMATS = {
    "string": {
        "date-time": "datetime.datetime",
        "date": "datetime.date",
        "time": "datetime.time",
        "uuid": "uuid.UUID",
        "binary": "bytes",
    },
    "number": {"decimal": "decimal.Decimal"},
}
_PY_BASE = {"string": "str", "number": "float"}
_COMPONENT_RE = re.compile(r"^/components/schemas/([^/]+)$")


# --- one document -----------------------------------------------------------------------------


class _Side:
    """One loaded document with its resolver; ``label`` is ``old`` or ``new``."""

    def __init__(
        self, doc: Document, label: str, sink: DiagnosticSink, allow_outside: bool
    ) -> None:
        self.doc = doc
        self.label = label
        self.sink = sink
        self.source = str(doc.path)
        self.data: dict[str, Any] = doc.data
        self.resolver = Resolver(
            doc.uri, doc.data, sink, allow_remote=False, allow_outside=allow_outside
        )
        self.root = self.resolver.root()
        comps = _dict(self.data.get("components"))
        schemas = _dict(comps.get("schemas"))
        self.schemas: dict[str, Any] = {str(k): v for k, v in schemas.items()}
        self._warned: set[str] = set()
        self._hops: dict[tuple[str, str], tuple[Loc, Any] | None] = {}

    def ptr(self, loc: Loc) -> str:
        """How ``loc`` is written in a change: the pointer, or ``uri#pointer`` in another file."""
        return loc.pointer if loc.uri == self.doc.uri else loc.key

    def component(self, loc: Loc) -> str | None:
        """The name of the component schema at ``loc`` (None when it is not one)."""
        if loc.uri != self.doc.uri:
            return None
        m = _COMPONENT_RE.match(loc.pointer)
        return m.group(1).replace("~1", "/").replace("~0", "~") if m else None

    def lookup(self, ref: Any, at: Loc) -> tuple[Loc, Any] | None:
        """One ``$ref`` hop, or None (with one warning per reference) when it cannot be resolved."""
        key = (str(ref), at.base)
        if key in self._hops:
            return self._hops[key]
        try:
            hop: tuple[Loc, Any] | None = self.resolver.lookup(ref, at)
        except (RefError, GenerationError, RecursionError) as exc:
            self._warn(f"unresolvable $ref '{ref}': {exc}; not compared", at.child("$ref"))
            hop = None
        self._hops[key] = hop
        return hop

    def follow(self, obj: Any, loc: Loc) -> tuple[Loc, Any]:
        """Follow a chain of ``$ref`` objects (path items, parameters, bodies, responses)."""
        seen: set[str] = set()
        while isinstance(obj, dict) and isinstance(obj.get("$ref"), str):
            if loc.key in seen or len(seen) > 64:
                self._warn("$ref cycle; not compared", loc)
                return loc, None
            seen.add(loc.key)
            hop = self.lookup(obj["$ref"], loc)
            if hop is None:
                return loc, None
            loc, obj = hop
        return loc, obj

    def _warn(self, message: str, loc: Loc) -> None:
        key = f"{loc.key} {message}"
        if key not in self._warned:
            self._warned.add(key)
            self.sink.warning(
                message, loc.pointer, source=self.source if loc.uri == self.doc.uri else loc.uri
            )


# --- operations -------------------------------------------------------------------------------


@dataclass
class _Op:
    op_id: str
    method: str
    path: str
    loc: Loc
    data: dict[str, Any]
    shared: list[Any]
    shared_loc: Loc

    @property
    def key(self) -> str:
        return self.op_id or f"{self.method.upper()} {self.path}"

    @property
    def name_source(self) -> str:
        """The operationId, or the generator's stand-in built from the method and path."""
        if self.op_id:
            return self.op_id
        words = [("by_" + s[1:-1]) if s.startswith("{") else s for s in self.path.split("/") if s]
        return self.method + "_" + "_".join(words)

    @property
    def py_name(self) -> str:
        return py_ident(snake(self.name_source) or self.method, prefix="op")

    @property
    def label(self) -> str:
        """The prefix of inline class names (``<Operation>Body``...)."""
        return pascal(self.name_source) or pascal(self.method)

    @property
    def tag(self) -> str:
        tags = self.data.get("tags")
        if isinstance(tags, list) and tags and isinstance(tags[0], str):
            return tags[0]
        segs = [s for s in self.path.split("/") if s and not s.startswith("{")]
        return segs[0] if segs else "default"

    @property
    def attr(self) -> str:
        return py_ident(snake(self.tag) or "default", prefix="group")

    @property
    def call(self) -> str:
        return f"client.{self.attr}.{self.py_name}()"

    @property
    def route(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _operations(side: _Side) -> list[_Op]:
    paths = side.data.get("paths")
    if not isinstance(paths, dict):
        return []
    out = []
    for path, item in paths.items():
        ploc, item = side.follow(item, side.root.child("paths", str(path)))
        if not isinstance(item, dict):
            continue
        shared = _list(item.get("parameters"))
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                op_id = str(op["operationId"]) if isinstance(op.get("operationId"), str) else ""
                out.append(
                    _Op(
                        op_id,
                        method,
                        str(path),
                        ploc.child(method),
                        op,
                        shared,
                        ploc.child("parameters"),
                    )
                )
    return out


def _match(old: list[_Op], new: list[_Op]) -> tuple[list[tuple[_Op, _Op]], list[_Op], list[_Op]]:
    """Pairs of the same operation (by operationId, then by method and path), removed, added."""
    pairs: list[tuple[_Op, _Op]] = []
    new_by_id = {op.op_id: op for op in new if op.op_id}
    taken: set[int] = set()
    rest: list[_Op] = []
    for o in old:
        n = new_by_id.get(o.op_id) if o.op_id else None
        if n is not None and id(n) not in taken:
            taken.add(id(n))
            pairs.append((o, n))
        else:
            rest.append(o)
    new_by_route = {(op.method, op.path): op for op in new if id(op) not in taken}
    removed = []
    for o in rest:
        n = new_by_route.get((o.method, o.path))
        if (
            n is not None
            and id(n) not in taken
            and not (n.op_id and any(x.op_id == n.op_id for x in old))
        ):
            taken.add(id(n))
            pairs.append((o, n))
        else:
            removed.append(o)
    added = [n for n in new if id(n) not in taken]
    return pairs, removed, added


# --- schema helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    """Where a schema comparison is: ``label`` for messages, ``hint`` the class name the generator
    gives an inline model there, ``dirs`` the directions the data flows."""

    subject: str
    label: str
    hint: str
    dirs: frozenset[str]
    root_kind: str | None = None
    depth: int = 0
    component: str = ""  # set at the top of a component schema (its properties are inherited)

    def child(self, label: str, hint: str, dirs: frozenset[str] | None = None) -> "_Ctx":
        return replace(
            self,
            label=label,
            hint=hint,
            dirs=dirs or self.dirs,
            root_kind=None,
            depth=self.depth + 1,
            component="",
        )

    @property
    def request(self) -> bool:
        return REQUEST in self.dirs

    @property
    def response(self) -> bool:
        return RESPONSE in self.dirs

    @property
    def note(self) -> str:
        if self.dirs == frozenset({REQUEST}):
            return "only sent in requests"
        if self.dirs == frozenset({RESPONSE}):
            return "only received in responses"
        return "sent and received"


@dataclass
class _View:
    """A schema with wrappers peeled off: ``ref`` is the component it came from (if any),
    ``nullable`` whether a wrapper added ``null``."""

    loc: Loc
    schema: Any
    ref: str | None = None
    nullable: bool = False


@dataclass
class _ObjView:
    """An object schema with ``allOf`` merged: each property with its location, schema and the
    outermost component it was inherited from (``""`` when declared inline)."""

    props: dict[str, tuple[Loc, Any, str]] = field(default_factory=dict)
    required: dict[str, set[str]] = field(default_factory=dict)
    includes: set[str] = field(default_factory=set)


def _dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def _structural(schema: dict[str, Any]) -> set[str]:
    return {k for k in schema if k not in _ANNOTATIONS and not str(k).startswith("x-")}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _covers(big: frozenset[str] | None, small: frozenset[str] | None) -> bool:
    if big is None:
        return True
    if small is None:
        return False
    return all(t in big or (t == "integer" and "number" in big) for t in small)


def _show_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    order = sorted(t for t in types if t != "null") + (["null"] if "null" in types else [])
    return " | ".join(order) or "nothing"


def _enum_values(schema: Any) -> list[Any] | None:
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    if isinstance(enum, list):
        return [v for v in enum if v is not None]
    return None


def _enum_is_class(values: list[Any], schema: dict[str, Any]) -> bool:
    """Does the generator make an enum class (rather than a ``Literal``) of these values?"""
    if "const" in schema or not values:
        return False
    return all(isinstance(v, str) for v in values) or all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    )


def _same_value(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _contains(values: list[Any], v: Any) -> bool:
    return any(_same_value(v, x) for x in values)


def _show(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def facts(node: Any, names: bool = False) -> Any:
    """``node`` without prose, examples and ``x-*`` extensions (names in name maps are kept)."""
    if isinstance(node, list):
        return [facts(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        k = str(k)
        if names:
            out[k] = facts(v)
        elif k.startswith("x-") or k in _PROSE:
            continue
        elif k in _LITERALS:
            out[k] = v
        else:
            out[k] = facts(v, names=k in _NAME_MAPS and isinstance(v, dict))
    return out


def _fingerprint(schema: Any) -> str:
    return json.dumps(facts(schema), sort_keys=True, default=str)


def _class_name(name: str) -> str:
    return py_ident(pascal(name), prefix="Model")


# --- the comparison ---------------------------------------------------------------------------


class Comparer:
    """Compares two loaded documents; :meth:`run` returns the changes in report order."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self._seen: set[tuple[str, str, frozenset[str]]] = set()
        self.extracted: set[str] = set()  # new components that were inline models of that name
        self.inlined: set[str] = set()  # old components that became inline models of that name
        self.usage: dict[str, set[str]] = {}
        for side in (old, new):
            for name, dirs in _usage(side).items():
                self.usage.setdefault(name, set()).update(dirs)
        self.inheritors = _inheritors(new)

    # -- reporting ----------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        breaking: bool,
        message: str,
        ctx_or_subject: _Ctx | str,
        old: Loc | None = None,
        new: Loc | None = None,
    ) -> None:
        subject = ctx_or_subject.subject if isinstance(ctx_or_subject, _Ctx) else ctx_or_subject
        self.changes.append(
            Change(
                kind=kind,
                breaking=bool(breaking),
                message=message,
                subject=subject,
                old=self.old.ptr(old) if old is not None else None,
                new=self.new.ptr(new) if new is not None else None,
            )
        )

    # -- top level ----------------------------------------------------------------------------

    def run(self) -> list[Change]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        pairs, removed, added = _match(old_ops, new_ops)
        removed_ids = {id(o) for o in removed}
        pair_of = {id(o): n for o, n in pairs}
        for o in old_ops:
            if id(o) in removed_ids:
                self.add(
                    "operation.removed",
                    True,
                    f"{o.call}: operation {o.key} removed ({o.route})",
                    f"operation {o.key}",
                    old=o.loc,
                )
            elif id(o) in pair_of:
                self._operation(o, pair_of[id(o)])
        for n in added:
            self.add(
                "operation.added",
                False,
                f"{n.call}: operation {n.key} added ({n.route})",
                f"operation {n.key}",
                new=n.loc,
            )
        schema_changes_at = len(self.changes)
        for name, schema in self.old.schemas.items():
            if name in self.new.schemas:
                self._component(name)
        lifecycle = self._component_lifecycle()
        self.changes[schema_changes_at:schema_changes_at] = lifecycle
        return self.changes

    def _component(self, name: str) -> None:
        oloc = self.old.root.child("components", "schemas", name)
        nloc = self.new.root.child("components", "schemas", name)
        dirs = frozenset(self.usage.get(name) or BOTH)
        cls = _class_name(name)
        ctx = _Ctx(subject=f"schema {name}", label=cls, hint=cls, dirs=dirs, component=name)
        self.schema(oloc, self.old.schemas[name], nloc, self.new.schemas[name], ctx)

    def _component_lifecycle(self) -> list[Change]:
        saved, self.changes = self.changes, []
        removed = [n for n in self.old.schemas if n not in self.new.schemas]
        added = [n for n in self.new.schemas if n not in self.old.schemas]
        by_print: dict[str, list[str]] = {}
        for n in added:  # only models and enums: two plain aliases alike say nothing of a rename
            if n not in self.extracted and _what(self.new.schemas[n]) != "type alias":
                by_print.setdefault(_fingerprint(self.new.schemas[n]), []).append(n)
        renamed: dict[str, str] = {}
        for r in removed:
            if r in self.inlined or _what(self.old.schemas[r]) == "type alias":
                continue
            cands = by_print.get(_fingerprint(self.old.schemas[r]))
            if cands:
                renamed[r] = cands.pop(0)
        renamed_to = set(renamed.values())
        for r in removed:
            oloc = self.old.root.child("components", "schemas", r)
            if r in renamed:
                a = renamed[r]
                same_class = _class_name(r) == _class_name(a)
                self.add(
                    "schema.renamed",
                    not same_class,
                    (
                        f"schema {r}: renamed to {a} (model class {_class_name(r)} is now {_class_name(a)})"
                        if not same_class
                        else f"schema {r}: renamed to {a} (the model class keeps its name)"
                    ),
                    f"schema {r}",
                    old=oloc,
                    new=self.new.root.child("components", "schemas", a),
                )
            elif r in self.inlined:
                self.add(
                    "schema.inlined",
                    False,
                    f"schema {r}: moved inline where it is used; the generated class {_class_name(r)} keeps its name",
                    f"schema {r}",
                    old=oloc,
                )
            else:
                self.add(
                    "schema.removed",
                    True,
                    f"schema {r}: removed ({_what(self.old.schemas[r])} {_class_name(r)} is no longer generated; importing it fails)",
                    f"schema {r}",
                    old=oloc,
                )
        for a in added:
            if a in renamed_to:
                continue
            nloc = self.new.root.child("components", "schemas", a)
            if a in self.extracted:
                self.add(
                    "schema.extracted",
                    False,
                    f"schema {a}: now a component; the class {_class_name(a)} was already generated from an inline schema",
                    f"schema {a}",
                    new=nloc,
                )
            else:
                self.add(
                    "schema.added",
                    False,
                    f"schema {a}: added (new {_what(self.new.schemas[a])} {_class_name(a)})",
                    f"schema {a}",
                    new=nloc,
                )
        lifecycle, self.changes = self.changes, saved
        return lifecycle

    # -- operations ---------------------------------------------------------------------------

    def _operation(self, o: _Op, n: _Op) -> None:
        subject = f"operation {n.key}"
        if o.op_id != n.op_id and o.op_id and n.op_id:
            same = o.py_name == n.py_name
            self.add(
                "operation.renamed",
                not same,
                f"{o.call}: operationId {o.op_id} renamed to {n.op_id}"
                + (
                    " (the Python method name is unchanged)"
                    if same
                    else f"; the method is now {n.call}"
                ),
                subject,
                old=o.loc,
                new=n.loc,
            )
        elif o.py_name != n.py_name:
            self.add(
                "operation.renamed",
                True,
                f"{o.call}: the method is now {n.call} ({o.key} -> {n.key})",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if o.attr != n.attr:
            self.add(
                "operation.moved",
                True,
                f"{o.call}: moved to {n.call} (its first tag changed from '{o.tag}' to '{n.tag}')",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if o.route != n.route:
            self.add(
                "operation.path-changed",
                False,
                f"{n.call}: now calls {n.route} (was {o.route}); the client hides the URL",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if n.data.get("deprecated") is True and o.data.get("deprecated") is not True:
            self.add(
                "operation.deprecated",
                False,
                f"{n.call}: operation {n.key} is now deprecated",
                subject,
                old=o.loc,
                new=n.loc,
            )
        self._parameters(o, n, subject)
        self._request_body(o, n, subject)
        self._responses(o, n, subject)

    def _params(self, side: _Side, op: _Op) -> dict[tuple[str, str], tuple[Loc, dict[str, Any]]]:
        merged: dict[tuple[str, str], tuple[Loc, dict[str, Any]]] = {}
        own = _list(op.data.get("parameters"))
        for base, plist in ((op.shared_loc, op.shared), (op.loc.child("parameters"), own)):
            for i, p in enumerate(plist):
                ploc, p = side.follow(p, base.child(i))
                if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                    continue
                where = p.get("in")
                if where not in ("path", "query", "header", "cookie"):
                    continue
                name = p["name"]
                if where == "header":
                    if name.lower() in ("accept", "content-type", "authorization"):
                        continue  # the client sets these itself
                    name = name.lower()
                merged[(where, name)] = (ploc, p)
        return merged

    @staticmethod
    def _param_schema(ploc: Loc, p: dict[str, Any]) -> tuple[Loc, Any]:
        if "schema" in p:
            return ploc.child("schema"), p["schema"]
        content = p.get("content")
        if isinstance(content, dict) and content:
            mt, media = next(iter(content.items()))
            if isinstance(media, dict):
                return ploc.child("content", mt, "schema"), media.get("schema", {})
        return ploc, {"type": "string"}

    def _parameters(self, o: _Op, n: _Op, subject: str) -> None:
        op_ = self._params(self.old, o)
        np_ = self._params(self.new, n)
        removed = [k for k in op_ if k not in np_]
        added = [k for k in np_ if k not in op_]
        moved: list[tuple[tuple[str, str], tuple[str, str]]] = []
        for rk in list(removed):
            match = next(
                (
                    ak
                    for ak in added
                    if ak[1].lower() == rk[1].lower() and snake(ak[1]) == snake(rk[1])
                ),
                None,
            )
            if match is not None:
                moved.append((rk, match))
                removed.remove(rk)
                added.remove(match)
        for rk in removed:
            loc, p = op_[rk]
            self.add(
                "parameter.removed",
                True,
                f"{n.call}: {rk[0]} parameter '{p['name']}' removed{_arg(p['name'])}",
                subject,
                old=loc,
            )
        for ak in added:
            loc, p = np_[ak]
            req = bool(p.get("required")) or ak[0] == "path"
            self.add(
                "parameter.added",
                req,
                f"{n.call}: {'required' if req else 'optional'} {ak[0]} parameter '{p['name']}' added{_arg(p['name'])}",
                subject,
                new=loc,
            )
        common = [(k, k) for k in op_ if k in np_] + moved
        for ok, nk in common:
            oloc, opar = op_[ok]
            nloc, npar = np_[nk]
            name = npar["name"]
            if ok != nk:
                self.add(
                    "parameter.location-changed",
                    False,
                    f"{n.call}: parameter '{name}' moved from {ok[0]} to {nk[0]} (the keyword argument is unchanged)",
                    subject,
                    old=oloc,
                    new=nloc,
                )
            oreq = bool(opar.get("required")) or ok[0] == "path"
            nreq = bool(npar.get("required")) or nk[0] == "path"
            if oreq != nreq:
                self.add(
                    "parameter.required-changed",
                    nreq,
                    f"{n.call}: {nk[0]} parameter '{name}' is now {'required' if nreq else 'optional'}",
                    subject,
                    old=oloc,
                    new=nloc,
                )
            osl, osch = self._param_schema(oloc, opar)
            nsl, nsch = self._param_schema(nloc, npar)
            ctx = _Ctx(
                subject=subject,
                label=f"{n.call} parameter '{name}'",
                hint=f"{n.label}{pascal(name)}",
                dirs=frozenset({REQUEST}),
                root_kind="parameter.retyped",
            )
            self.schema(osl, osch, nsl, nsch, ctx)

    def _body(self, side: _Side, op: _Op) -> tuple[Loc, dict[str, Any]] | None:
        rb = op.data.get("requestBody")
        if rb is None:
            return None
        loc, rb = side.follow(rb, op.loc.child("requestBody"))
        if not isinstance(rb, dict):
            return None
        return loc, rb

    def _request_body(self, o: _Op, n: _Op, subject: str) -> None:
        ob, nb = self._body(self.old, o), self._body(self.new, n)
        if ob is None and nb is None:
            return
        if ob is None:
            assert nb is not None
            req = nb[1].get("required") is True
            self.add(
                "request-body.added",
                req,
                f"{n.call}: {'required' if req else 'optional'} request body added (body=)",
                subject,
                new=nb[0],
            )
            return
        if nb is None:
            self.add(
                "request-body.removed",
                True,
                f"{n.call}: request body removed (body= is no longer accepted)",
                subject,
                old=ob[0],
            )
            return
        (oloc, orb), (nloc, nrb) = ob, nb
        oreq, nreq = orb.get("required") is True, nrb.get("required") is True
        if oreq != nreq:
            self.add(
                "request-body.required-changed",
                nreq,
                f"{n.call}: request body is now {'required' if nreq else 'optional'}",
                subject,
                old=oloc,
                new=nloc,
            )
        oc = _dict(orb.get("content"))
        nc = _dict(nrb.get("content"))
        # the generator sends one body per kind (JSON, multipart, form, binary, text): the first
        # media type of each kind in document order
        okinds: dict[str, str] = {}
        nkinds: dict[str, str] = {}
        for mt in oc:
            okinds.setdefault(media_kind(mt), mt)
        for mt in nc:
            nkinds.setdefault(media_kind(mt), mt)
        for mt in oc:
            if mt not in nc:
                kind = media_kind(mt)
                gone = kind not in nkinds
                self.add(
                    "request-body.media-type-removed",
                    gone,
                    f"{n.call}: request body no longer accepts {mt}"
                    + (
                        f" (no {kind} body can be sent)"
                        if gone
                        else f" ({nkinds[kind]} is sent instead)"
                    ),
                    subject,
                    old=oloc.child("content", mt),
                )
        for mt in nc:
            if mt not in oc:
                self.add(
                    "request-body.media-type-added",
                    False,
                    f"{n.call}: request body now also accepts {mt}",
                    subject,
                    new=nloc.child("content", mt),
                )
        for kind, omt in okinds.items():
            nmt = nkinds.get(kind)
            if nmt is None:
                continue
            om, nm = oc[omt], nc[nmt]
            if (
                not (isinstance(om, dict) and isinstance(nm, dict))
                or "schema" not in om
                or "schema" not in nm
            ):
                continue
            ctx = _Ctx(
                subject=subject,
                label=f"{n.call} body" + (f" ({kind})" if len(nkinds) > 1 else ""),
                hint=f"{n.label}{pascal(kind) if len(nkinds) > 1 else ''}Body",
                dirs=frozenset({REQUEST}),
            )
            self.schema(
                oloc.child("content", omt, "schema"),
                om["schema"],
                nloc.child("content", nmt, "schema"),
                nm["schema"],
                ctx,
            )

    def _response_map(self, side: _Side, op: _Op) -> dict[str, tuple[Loc, dict[str, Any]]]:
        responses = op.data.get("responses")
        if not isinstance(responses, dict):
            return {}
        out = {}
        for code, resp in responses.items():
            loc, resp = side.follow(resp, op.loc.child("responses", str(code)))
            key = str(code).upper() if str(code).lower() != "default" else "default"
            out[key] = (loc, resp if isinstance(resp, dict) else {})
        return out

    @staticmethod
    def _chosen(resp: dict[str, Any]) -> str | None:
        content = _dict(resp.get("content"))
        if not content:
            return None
        return sorted(content, key=lambda m: _KIND_ORDER.get(media_kind(m), 9))[0]

    def _body_print(self, side: _Side, loc: Loc, resp: dict[str, Any]) -> str:
        """An identity of the type a response parses into (comparable across documents)."""
        mt = self._chosen(resp)
        if mt is None:
            return "none"
        kind = media_kind(mt)
        if kind != "json":
            return kind
        media = resp["content"][mt]
        schema = media.get("schema") if isinstance(media, dict) else None
        if (
            isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and len(_structural(schema)) == 1
        ):
            hop = side.lookup(schema["$ref"], loc.child("content", mt, "schema"))
            if hop is not None:
                name = side.component(hop[0])
                if name:
                    return f"json:{name}"
        return "json:" + _fingerprint(schema)

    def _responses(self, o: _Op, n: _Op, subject: str) -> None:
        orr, nrr = self._response_map(self.old, o), self._response_map(self.new, n)

        def success(codes: dict[str, Any]) -> set[str]:
            ok = {c for c in codes if c.startswith("2")}
            return ok or ({"default"} if "default" in codes else set())

        o_ok, n_ok = success(orr), success(nrr)
        o_prints = {self._body_print(self.old, *orr[c]) for c in o_ok}
        n_prints = {self._body_print(self.new, *nrr[c]) for c in n_ok}
        for code, (loc, resp) in orr.items():
            if code in nrr:
                continue
            if code in o_ok:
                fp = self._body_print(self.old, loc, resp)
                lost = fp != "none" and fp not in n_prints
                self.add(
                    "response.removed",
                    lost,
                    f"{n.call}: success response {code} removed"
                    + ("; the return type no longer includes its body" if lost else ""),
                    subject,
                    old=loc,
                )
            else:
                self.add(
                    "response.removed",
                    False,
                    f"{n.call}: error response {code} removed",
                    subject,
                    old=loc,
                )
        for code, (loc, resp) in nrr.items():
            if code in orr:
                continue
            if code in n_ok:
                fp = self._body_print(self.new, loc, resp)
                widens = fp not in o_prints and any(p != "none" and p in n_prints for p in o_prints)
                starts = fp != "none" and o_prints <= {"none"}
                widening = (
                    "; the method may now return None"
                    if fp == "none"
                    else "; the return type becomes a union with its body"
                )
                self.add(
                    "response.added",
                    widens,
                    f"{n.call}: success response {code} added"
                    + (widening if widens else "")
                    + ("; the method now returns its body (it returned None)" if starts else ""),
                    subject,
                    new=loc,
                )
            else:
                self.add(
                    "response.added",
                    False,
                    f"{n.call}: error response {code} added",
                    subject,
                    new=loc,
                )
        for code, (oloc, oresp) in orr.items():
            if code not in nrr:
                continue
            nloc, nresp = nrr[code]
            is_ok = code in n_ok
            oc = _dict(oresp.get("content"))
            nc = _dict(nresp.get("content"))
            och, nch = self._chosen(oresp), self._chosen(nresp)
            okind = media_kind(och) if och else None
            nkind = media_kind(nch) if nch else None
            for mt in oc:
                if mt not in nc:
                    brk = is_ok and mt == och and okind != nkind
                    self.add(
                        "response.media-type-removed",
                        brk,
                        f"{n.call}: response {code} no longer returns {mt}"
                        + ("; the method parses " + (nch or "no body") + " instead" if brk else ""),
                        subject,
                        old=oloc.child("content", mt),
                    )
            for mt in nc:
                if mt not in oc:
                    brk = is_ok and mt == nch and och is not None and okind != nkind
                    self.add(
                        "response.media-type-added",
                        brk,
                        f"{n.call}: response {code} may now return {mt}"
                        + (f"; the method parses it instead of {och}" if brk else ""),
                        subject,
                        new=nloc.child("content", mt),
                    )
            if och and nch and okind == nkind == "json":
                om, nm = oc[och], nc[nch]
                if (
                    isinstance(om, dict)
                    and isinstance(nm, dict)
                    and "schema" in om
                    and "schema" in nm
                ):
                    ctx = _Ctx(
                        subject=subject,
                        label=f"{n.call} response {code}",
                        hint=f"{n.label}Response{code if not code.startswith('2') else ''}",
                        dirs=frozenset({RESPONSE}),
                    )
                    self.schema(
                        oloc.child("content", och, "schema"),
                        om["schema"],
                        nloc.child("content", nch, "schema"),
                        nm["schema"],
                        ctx,
                    )

    # -- schemas ------------------------------------------------------------------------------

    def _unwrap(self, side: _Side, loc: Loc, schema: Any) -> _View:
        """Peel ``$ref``, single-member ``allOf`` and ``oneOf: [X, null]`` wrappers."""
        view = _View(loc, schema)
        first_component: str | None = None
        for _ in range(64):
            s = view.schema
            if not isinstance(s, dict):
                return view
            if s.get("nullable") is True:
                view.nullable = True
            if isinstance(s.get("type"), list) and "null" in s["type"] and "$ref" in s:
                view.nullable = True
            if isinstance(s.get("$ref"), str) and _structural(s) <= {"$ref", "type"}:
                hop = side.lookup(s["$ref"], view.loc)
                if hop is None:
                    view.schema = None
                    return view
                view.loc, view.schema = hop
                first_component = first_component or side.component(hop[0])
                view.ref = first_component or hop[0].key
                continue
            one = s.get("allOf")
            if isinstance(one, list) and len(one) == 1 and _structural(s) == {"allOf"}:
                view.loc, view.schema = view.loc.child("allOf", 0), one[0]
                continue
            for key in ("oneOf", "anyOf"):
                variants = s.get(key)
                if isinstance(variants, list) and _structural(s) == {key}:
                    real = [
                        (i, v)
                        for i, v in enumerate(variants)
                        if not (
                            isinstance(v, dict)
                            and v.get("type") == "null"
                            and len(_structural(v)) == 1
                        )
                    ]
                    if len(real) == 1 and len(real) < len(variants):
                        view.nullable = True
                        view.loc, view.schema = view.loc.child(key, real[0][0]), real[0][1]
                        break
            else:
                return view
        return view

    def _types(self, side: _Side, view: _View) -> frozenset[str] | None:
        types = self._raw_types(side, view.loc, view.schema, 0)
        if types is None:
            return None
        return types | ({"null"} if view.nullable else set())

    def _raw_types(self, side: _Side, loc: Loc, s: Any, depth: int) -> frozenset[str] | None:
        if not isinstance(s, dict) or depth > 16:
            return None
        if isinstance(s.get("$ref"), str):
            hop = side.lookup(s["$ref"], loc)
            if hop is None:
                return None
            inner = self._raw_types(side, hop[0], hop[1], depth + 1)
            if inner is not None and s.get("nullable") is True:
                inner = inner | {"null"}
            return inner
        t = s.get("type")
        out: set[str] | None
        if isinstance(t, str):
            out = {t}
        elif isinstance(t, list):
            out = {x for x in t if isinstance(x, str)}
        elif "const" in s:
            out = {_json_type(s["const"])}
        elif isinstance(s.get("enum"), list) and s["enum"]:
            out = {_json_type(v) for v in s["enum"]}
        elif any(k in s for k in ("properties", "additionalProperties", "patternProperties")):
            out = {"object"}
        elif "items" in s or "prefixItems" in s:
            out = {"array"}
        elif isinstance(s.get("oneOf"), list) or isinstance(s.get("anyOf"), list):
            key = "oneOf" if isinstance(s.get("oneOf"), list) else "anyOf"
            out = set()
            for i, v in enumerate(s[key]):
                vt = self._raw_types(side, loc.child(key, i), v, depth + 1)
                if vt is None:
                    return None
                out |= vt
        elif isinstance(s.get("allOf"), list) and s["allOf"]:
            out = None
            for i, m in enumerate(s["allOf"]):
                mt = self._raw_types(side, loc.child("allOf", i), m, depth + 1)
                if mt is not None:
                    out = set(mt) if out is None else (out & mt) or set(mt)
            if out is None:
                return None
        else:
            return None
        if s.get("nullable") is True or (isinstance(s.get("enum"), list) and None in s["enum"]):
            out.add("null")
        return frozenset(out)

    def _makes_class(self, side: _Side, view: _View) -> bool:
        s = view.schema
        if not isinstance(s, dict):
            return False
        values = _enum_values(s)
        if values is not None and "const" not in s:
            return _enum_is_class(values, s)
        if s.get("allOf"):
            return True
        props = s.get("properties")
        return isinstance(props, dict) and bool(props) and not (s.get("oneOf") or s.get("anyOf"))

    def _class_of(self, side: _Side, view: _View, hint: str) -> str | None:
        if not self._makes_class(side, view):
            return None
        if view.ref is not None:
            return _class_name(view.ref) if "#" not in view.ref else None
        return _class_name(hint)

    def schema(self, oloc: Loc, o: Any, nloc: Loc, n: Any, ctx: _Ctx) -> None:
        """Compare the schema ``o`` (old side) with ``n`` (new side) at ``ctx``."""
        if ctx.depth > 40:
            return
        key = (oloc.key, nloc.key, ctx.dirs)
        if key in self._seen:
            return
        self._seen.add(key)
        ov = self._unwrap(self.old, oloc, o)
        nv = self._unwrap(self.new, nloc, n)
        if ov.schema is None or nv.schema is None:
            return  # an unresolvable reference (already warned about)
        if ov.ref is not None and ov.ref == nv.ref:
            self._type_change(ov, nv, ctx, only_null=True)
            return
        ocls = self._class_of(self.old, ov, ctx.hint)
        ncls = self._class_of(self.new, nv, ctx.hint)
        if ov.ref is None and nv.ref is not None and ncls is not None and ncls == ocls:
            self.extracted.add(nv.ref)
        if ov.ref is not None and nv.ref is None and ocls is not None and ocls == ncls:
            self.inlined.add(ov.ref)
        if ocls and ncls and ocls != ncls:
            self._model_changed(ov, nv, ocls, ncls, ctx)
            return
        if (
            ov.ref is not None and nv.ref is not None
        ):  # aliases of different names: compare contents
            ctx = replace(ctx, hint=_class_name(nv.ref) if "#" not in nv.ref else ctx.hint)
        elif nv.ref is not None and "#" not in nv.ref:
            ctx = replace(ctx, hint=_class_name(nv.ref))
        self._structure(ov, nv, ctx)

    def _model_changed(self, ov: _View, nv: _View, ocls: str, ncls: str, ctx: _Ctx) -> None:
        saved, self.changes = self.changes, []
        self._structure(ov, nv, replace(ctx, hint=ncls))
        inner, self.changes = self.changes, saved
        breaking = ctx.request or any(c.breaking for c in inner)
        why = (
            "an instance of the old class is not accepted"
            if ctx.request
            else ("the new model is incompatible" if breaking else "the contents are compatible")
        )
        self.add(
            "type.model-changed",
            breaking,
            f"{ctx.label}: model class is now {ncls} (was {ocls}); {why} ({ctx.note})",
            ctx,
            old=ov.loc,
            new=nv.loc,
        )
        self.changes.extend(inner)

    def _type_change(self, ov: _View, nv: _View, ctx: _Ctx, only_null: bool = False) -> str:
        ot: frozenset[str] | None
        nt: frozenset[str] | None
        if only_null:
            if ov.nullable == nv.nullable:
                return "same"
            ot = frozenset({"x", "null"}) if ov.nullable else frozenset({"x"})
            nt = frozenset({"x", "null"}) if nv.nullable else frozenset({"x"})
        else:
            ot, nt = self._types(self.old, ov), self._types(self.new, nv)
        if ot == nt or (_covers(ot, nt) and _covers(nt, ot)):
            return "same"
        if _covers(ot, nt):
            rel, brk = "narrowed", ctx.request
        elif _covers(nt, ot):
            rel, brk = "widened", ctx.response
        else:
            rel, brk = "changed", True
        null_only = ot is not None and nt is not None and (ot ^ nt) == {"null"}
        if null_only:
            what = "is now nullable" if rel == "widened" else "is no longer nullable"
        else:
            what = f"type {rel} from {_show_types(ot)} to {_show_types(nt)}"
        self.add(
            ctx.root_kind or f"type.{rel}",
            brk,
            f"{ctx.label}: {what} ({ctx.note})",
            ctx,
            old=ov.loc,
            new=nv.loc,
        )
        return rel

    def _structure(self, ov: _View, nv: _View, ctx: _Ctx) -> None:
        o = ov.schema if isinstance(ov.schema, dict) else {}
        n = nv.schema if isinstance(nv.schema, dict) else {}
        implied = (
            _enum_values(o) is not None
            and _enum_values(n) is not None
            and "type" not in o
            and "type" not in n
        )
        rel = "same" if implied else self._type_change(ov, nv, ctx)  # enum changes say it better
        if rel == "changed":
            return
        if self._shape_changed(ov, nv, ctx):
            return
        self._format(ov, nv, o, n, ctx)
        self._enum(ov, nv, o, n, ctx)
        if self._is_object(o) or self._is_object(n):
            self._object(ov, nv, ctx)
        for key, suffix, hint in (("items", "[]", "Item"), ("additionalProperties", "{}", "Value")):
            oi, ni = o.get(key), n.get(key)
            if (
                isinstance(oi, dict)
                and isinstance(ni, dict)
                and (key == "items" or not (o.get("properties") or n.get("properties")))
            ):
                self.schema(
                    ov.loc.child(key),
                    oi,
                    nv.loc.child(key),
                    ni,
                    ctx.child(ctx.label + suffix, ctx.hint + hint),
                )
        self._variants(ov, nv, o, n, ctx)
        self._discriminator(ov, nv, o, n, ctx)

    def _shape_changed(self, ov: _View, nv: _View, ctx: _Ctx) -> bool:
        """An object that turned from a free-form map (``dict[str, ...]``) into a model class, or
        back: the Python type changes kind, whichever way the data flows."""
        ot, nt = self._types(self.old, ov), self._types(self.new, nv)
        if ot is None or nt is None or "object" not in ot or "object" not in nt:
            return False
        if _enum_values(ov.schema) is not None or _enum_values(nv.schema) is not None:
            return False
        o_model = self._is_object(ov.schema) if isinstance(ov.schema, dict) else False
        n_model = self._is_object(nv.schema) if isinstance(nv.schema, dict) else False
        if o_model == n_model:
            return False
        if (
            (ov.schema or {}).get("oneOf")
            or (ov.schema or {}).get("anyOf")
            or (nv.schema or {}).get("oneOf")
            or (nv.schema or {}).get("anyOf")
        ):
            return False
        ocls = _class_name(ov.ref) if ov.ref and "#" not in ov.ref else ctx.hint
        ncls = _class_name(nv.ref) if nv.ref and "#" not in nv.ref else ctx.hint
        what = (
            f"is now a model class {ncls} instead of a free-form map"
            if n_model
            else f"is now a free-form map instead of the model class {ocls}"
        )
        self.add(
            "type.changed", True, f"{ctx.label}: {what} ({ctx.note})", ctx, old=ov.loc, new=nv.loc
        )
        return True

    @staticmethod
    def _is_object(s: dict[str, Any]) -> bool:
        return bool(s.get("properties")) or bool(s.get("allOf"))

    def _format(
        self, ov: _View, nv: _View, o: dict[str, Any], n: dict[str, Any], ctx: _Ctx
    ) -> None:
        for base, table in _PY_FORMATS.items():
            ot, nt = o.get("type"), n.get("type")
            if not (base == ot or (isinstance(ot, list) and base in ot)):
                continue
            if not (base == nt or (isinstance(nt, list) and base in nt)):
                continue
            of, nf = o.get("format"), n.get("format")
            opy = table.get(of, _PY_BASE[base]) if isinstance(of, str) else _PY_BASE[base]
            npy = table.get(nf, _PY_BASE[base]) if isinstance(nf, str) else _PY_BASE[base]
            if opy != npy:
                self.add(
                    "format.changed",
                    True,
                    f"{ctx.label}: format changed from {of or 'none'} to {nf or 'none'}; "
                    f"the Python type is now {npy} (was {opy})",
                    ctx,
                    old=ov.loc,
                    new=nv.loc,
                )

    def _enum(self, ov: _View, nv: _View, o: dict[str, Any], n: dict[str, Any], ctx: _Ctx) -> None:
        oe, ne = _enum_values(o), _enum_values(n)
        if oe is None and ne is None:
            return
        if oe is not None and ne is None:
            if _enum_is_class(oe, o):
                self.add(
                    "enum.dropped",
                    True,
                    f"{ctx.label}: no longer an enum ({ctx.hint if ov.ref is None else _class_name(ov.ref)} "
                    f"values {', '.join(_show(v) for v in oe)}); the field is a plain value now ({ctx.note})",
                    ctx,
                    old=ov.loc.child("enum"),
                    new=nv.loc,
                )
            return
        if oe is None:
            assert ne is not None
            shown = ", ".join(_show(v) for v in ne[:8]) + (", ..." if len(ne) > 8 else "")
            self.add(
                ctx.root_kind or "type.narrowed",
                ctx.request,
                f"{ctx.label}: type narrowed from {_show_types(self._types(self.old, ov))} to the enum [{shown}] ({ctx.note})",
                ctx,
                old=ov.loc,
                new=nv.loc.child("enum" if "enum" in n else "const"),
            )
            return
        assert ne is not None
        was_class, is_class = _enum_is_class(oe, o), _enum_is_class(ne, n)
        cls = _class_name(nv.ref) if nv.ref and "#" not in nv.ref else ctx.hint
        opos = ov.loc.child("const" if "const" in o else "enum")
        npos = nv.loc.child("const" if "const" in n else "enum")
        for v in oe:
            if not _contains(ne, v):
                brk = ctx.request or was_class
                member = f"; the member {cls}.{_member(v)} disappears" if was_class else ""
                self.add(
                    "enum.value-removed",
                    brk,
                    f"{ctx.label}: enum value {_show(v)} removed{member} ({ctx.note})",
                    ctx,
                    old=opos,
                    new=npos,
                )
        for v in ne:
            if not _contains(oe, v):
                member = f" as {cls}.{_member(v)}" if is_class else ""
                self.add(
                    "enum.value-added",
                    False,
                    f"{ctx.label}: enum value {_show(v)} added{member} ({ctx.note})",
                    ctx,
                    old=opos,
                    new=npos,
                )

    # -- objects ------------------------------------------------------------------------------

    def _obj_view(
        self,
        side: _Side,
        loc: Loc,
        schema: Any,
        origin: str = "",
        depth: int = 0,
        out: _ObjView | None = None,
    ) -> _ObjView:
        out = out if out is not None else _ObjView()
        if not isinstance(schema, dict) or depth > 32:
            return out
        for i, member in enumerate(schema.get("allOf") or []):
            mloc, m_origin = loc.child("allOf", i), origin
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                mloc, member = side.follow(member, mloc)
                if member is None:
                    continue
                name = side.component(mloc) or mloc.key
                if not origin:
                    m_origin = name
                    out.includes.add(name)
            self._obj_view(side, mloc, member, m_origin, depth + 1, out)
        props = schema.get("properties")
        if isinstance(props, dict):
            for pname, ps in props.items():
                pname = str(pname)
                ploc = loc.child("properties", pname)
                earlier = out.props.get(pname)
                if (
                    earlier is not None
                    and isinstance(ps, dict)
                    and not any(
                        k in ps
                        for k in ("type", "$ref", "allOf", "oneOf", "anyOf", "properties", "items")
                    )
                    and isinstance(earlier[1], dict)
                ):
                    eloc, es = side.follow(earlier[1], earlier[0])
                    if isinstance(es, dict):
                        merged = {**es, **ps}
                        if "const" in ps or "enum" in ps:
                            merged.pop("enum" if "const" in ps else "const", None)
                        ps = merged
                out.props[pname] = (ploc, ps, origin)
        for r in schema.get("required") or []:
            if isinstance(r, str):
                out.required.setdefault(r, set()).add(origin)
        return out

    def _object(self, ov: _View, nv: _View, ctx: _Ctx) -> None:
        old = self._obj_view(self.old, ov.loc, ov.schema)
        new = self._obj_view(self.new, nv.loc, nv.schema)
        names = list(old.props) + [p for p in new.props if p not in old.props]
        for name in names:
            o = old.props.get(name)
            n = new.props.get(name)
            flags = (n or o)[1]  # type: ignore[index]
            dirs = ctx.dirs
            if isinstance(flags, dict) and flags.get("readOnly") is True:
                dirs = frozenset({RESPONSE})
            elif isinstance(flags, dict) and flags.get("writeOnly") is True:
                dirs = frozenset({REQUEST})
            pctx = ctx.child(f"{ctx.label}.{name}", f"{ctx.hint}{pascal(name) or 'Field'}", dirs)
            also = self._also(ctx.component)
            if o is not None and n is None:
                if o[2] and o[2] in new.includes:
                    continue
                self.add(
                    "property.removed",
                    True,
                    f"{pctx.label}: property removed (the attribute and the keyword argument disappear; {pctx.note}){also}",
                    pctx,
                    old=o[0],
                )
                continue
            if n is not None and o is None:
                if n[2] and n[2] in old.includes:
                    continue
                req = name in new.required and pctx.dirs != frozenset({RESPONSE})
                self.add(
                    "property.added",
                    req and pctx.request,
                    f"{pctx.label}: {'required' if name in new.required else 'optional'} property added ({pctx.note}){also}",
                    pctx,
                    new=n[0],
                )
                continue
            assert o is not None and n is not None
            if not (o[2] and o[2] == n[2]):
                self.schema(o[0], o[1], n[0], n[1], pctx)
            oreq, nreq = name in old.required, name in new.required
            if oreq != nreq:
                origins = new.required[name] if nreq else old.required[name]
                if all(x and x in old.includes and x in new.includes for x in origins):
                    continue  # reported at the component that declares it
                brk = pctx.request if nreq else pctx.response
                self.add(
                    "property.required-changed",
                    brk,
                    f"{pctx.label}: now {'required' if nreq else 'optional'} ({pctx.note}){also}",
                    pctx,
                    old=o[0],
                    new=n[0],
                )

    def _also(self, component: str) -> str:
        """`` (inherited by A, B)`` for a property of ``component`` that other models include."""
        heirs = self.inheritors.get(component) if component else None
        if not heirs:
            return ""
        shown = ", ".join(_class_name(h) for h in heirs[:5])
        more = f" and {len(heirs) - 5} more" if len(heirs) > 5 else ""
        return f" (inherited by {shown}{more})"

    # -- unions -------------------------------------------------------------------------------

    def _variant_list(
        self, side: _Side, loc: Loc, s: dict[str, Any]
    ) -> tuple[str, list[tuple[str, Loc, Any]]]:
        key = (
            "oneOf"
            if isinstance(s.get("oneOf"), list)
            else "anyOf" if isinstance(s.get("anyOf"), list) else ""
        )
        if not key:
            return "", []
        out = []
        for i, v in enumerate(s[key]):
            vloc = loc.child(key, i)
            if isinstance(v, dict) and v.get("type") == "null" and len(_structural(v)) == 1:
                continue
            ident = f"#{i}"
            if isinstance(v, dict) and isinstance(v.get("$ref"), str):
                hop = side.lookup(v["$ref"], vloc)
                if hop is not None:
                    ident = side.component(hop[0]) or hop[0].key
            out.append((ident, vloc, v))
        return key, out

    def _variants(
        self, ov: _View, nv: _View, o: dict[str, Any], n: dict[str, Any], ctx: _Ctx
    ) -> None:
        okey, ovars = self._variant_list(self.old, ov.loc, o)
        nkey, nvars = self._variant_list(self.new, nv.loc, n)
        if not okey and not nkey:
            return
        oids = {v[0]: v for v in ovars}
        nids = {v[0]: v for v in nvars}
        discriminated = isinstance(n.get("discriminator"), dict)
        for ident, vloc, _ in ovars:
            if ident not in nids:
                shown = ident if not ident.startswith("#") else f"variant {int(ident[1:]) + 1}"
                self.add(
                    "variant.removed",
                    ctx.request,
                    f"{ctx.label}: union variant {shown} removed ({ctx.note})",
                    ctx,
                    old=vloc,
                    new=nv.loc,
                )
        for ident, vloc, _ in nvars:
            if ident not in oids:
                shown = ident if not ident.startswith("#") else f"variant {int(ident[1:]) + 1}"
                brk = ctx.response and not discriminated
                self.add(
                    "variant.added",
                    brk,
                    f"{ctx.label}: union variant {shown} added ({ctx.note}"
                    + (
                        "; the union has no discriminator, so the return type widens)"
                        if brk
                        else ")"
                    ),
                    ctx,
                    old=ov.loc,
                    new=vloc,
                )
        for ident, (_, oloc, osch) in oids.items():
            if ident.startswith("#") and ident in nids:
                _, nloc, nsch = nids[ident]
                i = int(ident[1:]) + 1
                self.schema(
                    oloc,
                    osch,
                    nloc,
                    nsch,
                    ctx.child(f"{ctx.label} (variant {i})", f"{ctx.hint}{i}"),
                )

    def _discriminator(
        self, ov: _View, nv: _View, o: dict[str, Any], n: dict[str, Any], ctx: _Ctx
    ) -> None:
        od, nd = o.get("discriminator"), n.get("discriminator")
        if not isinstance(od, dict) and not isinstance(nd, dict):
            return
        od = od if isinstance(od, dict) else {}
        nd = nd if isinstance(nd, dict) else {}
        oloc, nloc = ov.loc.child("discriminator"), nv.loc.child("discriminator")
        if od.get("propertyName") != nd.get("propertyName") and od and nd:
            self.add(
                "discriminator.property-changed",
                True,
                f"{ctx.label}: discriminator property changed from {od.get('propertyName')!r} to {nd.get('propertyName')!r}",
                ctx,
                old=oloc,
                new=nloc,
            )
        om = _dict(od.get("mapping"))
        nm = _dict(nd.get("mapping"))

        def target(ref: Any) -> str:
            ref = str(ref)
            return ref.rsplit("/", 1)[-1] if ("/" in ref or "#" in ref) else ref

        for k, v in om.items():
            if k not in nm:
                self.add(
                    "discriminator.mapping-removed",
                    ctx.request,
                    f"{ctx.label}: discriminator value {_show(k)} (-> {target(v)}) removed ({ctx.note})",
                    ctx,
                    old=oloc.child("mapping", k),
                    new=nloc,
                )
            elif target(nm[k]) != target(v):
                self.add(
                    "discriminator.mapping-changed",
                    True,
                    f"{ctx.label}: discriminator value {_show(k)} now selects {target(nm[k])} (was {target(v)})",
                    ctx,
                    old=oloc.child("mapping", k),
                    new=nloc.child("mapping", k),
                )
        for k, v in nm.items():
            if k not in om:
                self.add(
                    "discriminator.mapping-added",
                    False,
                    f"{ctx.label}: discriminator value {_show(k)} (-> {target(v)}) added ({ctx.note})",
                    ctx,
                    old=oloc if od else ov.loc,
                    new=nloc.child("mapping", k),
                )


def _what(schema: Any) -> str:
    """What the generator makes of a component schema: ``model``, ``enum`` or ``type alias``."""
    if not isinstance(schema, dict):
        return "type alias"
    values = _enum_values(schema)
    if values is not None and "const" not in schema and _enum_is_class(values, schema):
        return "enum"
    if (
        schema.get("properties")
        or schema.get("allOf")
        or schema.get("additionalProperties") is False
    ):
        return "model"
    return "type alias"


def _member(value: Any) -> str:
    if isinstance(value, str):
        desired = upper_snake(value) or ("EMPTY" if value == "" else "VALUE")
    else:
        desired = f"VALUE_{value}".replace("-", "MINUS_")
    return py_ident(desired, prefix="VALUE_")


def _arg(name: str) -> str:
    py = py_name(snake(name), prefix="param")
    return f" (argument {py}=)" if py != name else ""


# --- which way data flows ---------------------------------------------------------------------


def _schema_roots(side: _Side) -> Iterator[tuple[str, Loc, Any]]:
    """``(direction, location, schema)`` of every schema an operation sends or receives."""
    comparer_params = Comparer._param_schema
    for op in _operations(side):
        own = _list(op.data.get("parameters"))
        for base, plist in ((op.shared_loc, op.shared), (op.loc.child("parameters"), own)):
            for i, p in enumerate(plist):
                ploc, p = side.follow(p, base.child(i))
                if isinstance(p, dict):
                    sloc, s = comparer_params(ploc, p)
                    yield REQUEST, sloc, s
        rb = op.data.get("requestBody")
        if rb is not None:
            bloc, rb = side.follow(rb, op.loc.child("requestBody"))
            content = rb.get("content") if isinstance(rb, dict) else None
            for mt, media in (content or {}).items() if isinstance(content, dict) else ():
                if isinstance(media, dict) and "schema" in media:
                    yield REQUEST, bloc.child("content", mt, "schema"), media["schema"]
        responses = op.data.get("responses")
        for code, resp in (responses or {}).items() if isinstance(responses, dict) else ():
            rloc, resp = side.follow(resp, op.loc.child("responses", str(code)))
            content = resp.get("content") if isinstance(resp, dict) else None
            for mt, media in (content or {}).items() if isinstance(content, dict) else ():
                if isinstance(media, dict) and "schema" in media:
                    yield RESPONSE, rloc.child("content", mt, "schema"), media["schema"]


def _usage(side: _Side) -> dict[str, set[str]]:
    """Component schema name -> the directions it is reachable in from the operations."""
    out: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    stack = [(d, loc, s) for d, loc, s in _schema_roots(side)]
    while stack:
        direction, loc, node = stack.pop()
        if (loc.key, direction) in seen:
            continue
        seen.add((loc.key, direction))
        if isinstance(node, list):
            stack.extend((direction, loc.child(i), v) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            hop = side.lookup(ref, loc)
            if hop is not None:
                name = side.component(hop[0])
                if name:
                    out.setdefault(name, set()).add(direction)
                stack.append((direction, hop[0], hop[1]))
        for key, value in node.items():
            if key in (
                "properties",
                "patternProperties",
                "$defs",
                "dependentSchemas",
            ) and isinstance(value, dict):
                stack.extend((direction, loc.child(key, k), v) for k, v in value.items())
            elif key in (
                "items",
                "additionalProperties",
                "not",
                "contains",
                "propertyNames",
                "if",
                "then",
                "else",
                "unevaluatedProperties",
                "unevaluatedItems",
                "allOf",
                "oneOf",
                "anyOf",
                "prefixItems",
            ):
                stack.append((direction, loc.child(key), value))
            elif (
                key == "discriminator"
                and isinstance(value, dict)
                and isinstance(value.get("mapping"), dict)
            ):
                for k, target in value["mapping"].items():
                    if isinstance(target, str):
                        t = (
                            target
                            if ("/" in target or "#" in target)
                            else f"#/components/schemas/{target}"
                        )
                        stack.append((direction, loc.child(key, "mapping", k), {"$ref": t}))
    return out


def _inheritors(side: _Side) -> dict[str, list[str]]:
    """Component name -> the components that include it through ``allOf`` (transitively)."""
    direct: dict[str, set[str]] = {}
    for name, schema in side.schemas.items():
        members = schema.get("allOf") if isinstance(schema, dict) else None
        for i, m in enumerate(members if isinstance(members, list) else []):
            if isinstance(m, dict) and isinstance(m.get("$ref"), str):
                hop = side.lookup(
                    m["$ref"], side.root.child("components", "schemas", name, "allOf", i)
                )
                base = side.component(hop[0]) if hop else None
                if base and base != name:
                    direct.setdefault(base, set()).add(name)
    out: dict[str, list[str]] = {}
    for base in direct:
        seen: set[str] = set()
        todo = list(direct[base])
        while todo:
            h = todo.pop()
            if h in seen or h == base:
                continue
            seen.add(h)
            todo.extend(direct.get(h, ()))
        out[base] = sorted(seen)
    return out


# --- entry points -----------------------------------------------------------------------------


def load_spec(path: Path, sink: DiagnosticSink) -> Document:
    """Load ``path`` and check it looks like an OpenAPI document.

    Raises :class:`GenerationError` (with an ERROR in ``sink``) when it cannot be used.
    """
    doc = load_document(path, sink)
    if not isinstance(doc.data, dict) or not isinstance(
        doc.data.get("openapi", doc.data.get("swagger")), str
    ):
        sink.error(
            "not an OpenAPI document (expected a mapping with an 'openapi' version)",
            source=str(path),
        )
        raise GenerationError("not openapi")
    return doc


def compare_documents(
    old: Document,
    new: Document,
    sink: DiagnosticSink | None = None,
    *,
    allow_outside_refs: bool = False,
) -> DiffReport:
    """Compare two loaded documents."""
    sink = sink if sink is not None else DiagnosticSink()
    a = _Side(old, "old", sink, allow_outside_refs)
    b = _Side(new, "new", sink, allow_outside_refs)
    changes = Comparer(a, b).run()

    def version(doc: Document) -> str:
        info = _dict(doc.data.get("info"))
        return str(info.get("version") or "")

    return DiffReport(str(old.path), str(new.path), version(old), version(new), changes)


def diff_files(
    old: Path, new: Path, sink: DiagnosticSink, *, allow_outside_refs: bool = False
) -> DiffReport:
    """Load and compare two documents. Raises :class:`GenerationError` when either cannot be loaded
    (the diagnostics are in ``sink``)."""
    errors = 0
    docs: list[Document] = []
    for path in (old, new):
        try:
            docs.append(load_spec(path, sink))
        except GenerationError:
            errors += 1
    if errors:
        raise GenerationError("cannot load the documents")
    return compare_documents(docs[0], docs[1], sink, allow_outside_refs=allow_outside_refs)
