"""Which class each schema becomes: class names for component and inline schemas, one class for
identical inline copies, and registration (a schema is registered before its body is built,
which is queued, so forward and circular references are ordinary).

A ``$ref`` target is named after the last token of its pointer (a component's name), or after
its file and the last tokens when that one names nothing (``items``, an index...); an inline
schema after where it is used (``<Parent><Property>``, ``<Operation>Request``, the ``hint`` that
:meth:`~generator.normalize.schemas.SchemaBuilder.type_of` passes down). Configured
``class-names`` override both.

Names are decided last. While the document is read, a registered schema is a *token*
(``⦃12⦄``, see :data:`TOKEN_RE`) in the type hints, and an inline schema's wanted name may
itself hold its parent's token (``⦃12⦄Item``). :meth:`ClassNamesMixin.finalize_names` then
hands out the names in registration order (a name already taken gets a numeric suffix, an INFO
diagnostic) and :func:`~generator.normalize.finalize.finalize_api` writes them into the IR. So
a class may be named after what is only known at the end: the uses of a shared inline schema
(below), and the names the generated code imports (:data:`GENERATED_IMPORTS`), which never
rename a schema: the generated code imports its own names under a private alias instead.

Identical inline schemas (the same JSON in the same file) share one class when the names of
their uses end alike (the same last word or words): the class is named by what those names
have in common (``ActionErrorSeverity`` and ``TriggerErrorSeverity`` share the enum
``ErrorSeverity``; ``GetAResponse`` and ``GetBResponse`` the model ``GetResponse``), and each
use's own name is an alias of it, which is what signatures and ``models`` show. Copies whose
names end differently (a response and a request body) are separate classes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..ir.model import AliasDef, Definition, Named, TypeExpr
from ..ir.names import pascal, py_ident
from ..refs import Loc
from . import types as T

#: Every name a generated ``models.py`` or resource module imports, and where from (a module
#: imported whole is its own source; ``_x`` is the package's runtime module ``_x``). A schema or
#: tag of one of these names keeps it: the generated code then imports that name as ``_Name``.
GENERATED_IMPORTS: dict[str, str] = {
    **{n: "typing" for n in ("Annotated", "Any", "ClassVar", "Literal", "Required", "TypeAlias", "TypedDict",
                              "Unpack")},
    **{n: "collections.abc" for n in ("Mapping",)},
    **{n: "pydantic" for n in ("ConfigDict", "Discriminator", "Field", "Tag")},
    **{n: "functools" for n in ("cached_property",)},
    **{n: n for n in ("datetime", "decimal", "uuid")},
    **{n: "_models" for n in ("BaseModel", "DateOrDateTime", "FileInput", "JsonDecimal", "OpenIntEnum", "OpenStrEnum",
                              "UnknownVariant", "as_body", "body_kwargs", "discriminate", "json_param", "match_shape")},
    **{n: "_types" for n in ("FileContent", "NOT_GIVEN", "NotGiven", "RequestOptions")},
    **{n: "_base_client" for n in ("Endpoint", "PagedEndpoint", "ResponseSpec", "StreamEndpoint")},
    **{n: "_deprecation" for n in ("deprecated_args",)},
    **{n: "typing_extensions" for n in ("deprecated",)},
    **{n: "_streaming" for n in ("AsyncStream", "Stream")},
    **{n: "_pagination" for n in ("AsyncPage", "AsyncPager", "CursorPagination", "LinkHeaderPagination",
                                  "OffsetPagination", "PageNumberPagination", "SyncPage")},
    **{n: "_resource" for n in ("AsyncAPIResource", "SyncAPIResource")},
    **{n: "_response" for n in ("APIResponse", "async_raw_method", "raw_method")},
    **{n: "_streamed_response" for n in ("async_streaming_method", "streaming_method")},
}  # fmt: skip
#: The names of :data:`GENERATED_IMPORTS`.
MODEL_MODULE_NAMES = frozenset(GENERATED_IMPORTS)

#: A registered schema in a type hint until names are decided (``⦃12⦄``): these brackets are
#: printable (string literals keep them as they are) and never part of an identifier.
TOKEN_RE = re.compile("\u2983[0-9]+\u2984")


@dataclass
class _Pending:
    """A name to hand out: ``desired`` may hold other tokens; ``raw`` names are configured
    ``class-names`` (used as they are); a ``same_as`` token (a schema's own use of its class)
    has its class's name unless the class is shared."""

    token: str
    pointer: str
    source: str
    desired: str
    raw: bool = False
    same_as: str | None = None


@dataclass
class _Group:
    """Identical inline schemas sharing class ``cls``: ``members`` are their use tokens (the
    first one's first) and ``suffix`` the last words all their names have in common."""

    cls: str
    members: list[str]
    suffix: tuple[str, ...]
    words: list[tuple[str, ...]] = field(default_factory=list)


#: Appended to a schema's location to key its input class (see ``read_write.py``).
INPUT_KEY = "#input"


class ClassNamesMixin:
    """Naming and registration, mixed into :class:`~generator.normalize.schemas.SchemaBuilder`
    (which sets up the state these methods share: ``classes``, ``defs``, ``_by_loc``,
    ``_pending``, ``_class_of``...)."""

    # -- tokens -------------------------------------------------------------------------------

    def _token(self, loc: Loc, suffix: str, desired: str, *, raw: bool = False, same_as: str | None = None) -> str:
        """The token of the name at ``loc`` (``suffix`` tells apart several names there),
        created on first use with the name it wants."""
        key = loc.key + suffix
        token = self._token_by_key.get(key)
        if token is None:
            token = f"\u2983{len(self._pending)}\u2984"
            pending = _Pending(token, loc.pointer, self._src(loc), desired, raw, same_as)
            self._pending.append(pending)
            self._pending_by_token[token] = pending
            self._token_by_key[key] = token
        return token

    def class_name(self, desired: str, loc: Loc, suffix: str = "") -> str:
        """The name (a token until :meth:`finalize_names`) of the class or alias at ``loc``:
        the PascalCase of ``desired``, which may hold other tokens."""
        return self._token(loc, suffix, desired)

    def class_of(self, name: str) -> str:
        """The class a schema's use ``name`` stands for (itself for aliases and classes)."""
        return self._class_of.get(name, name)

    def definition(self, name: str) -> Definition | None:
        """The definition behind ``name`` (a class, or the class an alias of one names)."""
        d = self.defs.get(self.class_of(name))
        for _ in range(16):
            if not (isinstance(d, AliasDef) and TOKEN_RE.fullmatch(d.hint)):
                break
            d = self.defs.get(self.class_of(d.hint))
        return d

    def _provisional(self, token: str) -> str:
        """The name ``token`` wants, its tokens read as the names they want (no suffixes)."""
        got = self._wanted.get(token)
        if got is None:
            p = self._pending_by_token[token]
            if p.same_as is not None:
                got = self._provisional(p.same_as)
            else:
                got = p.desired if p.raw else self._wanted_name(p.desired)
            self._wanted[token] = got
        return got

    def _wanted_name(self, desired: str) -> str:
        """The class name ``desired`` (which may hold tokens) asks for."""
        return py_ident(pascal(TOKEN_RE.sub(lambda m: self._provisional(m.group(0)), desired)), prefix="Model")

    # -- registration -------------------------------------------------------------------------

    def register(self, loc: Loc, schema: Any, desired: str) -> str:
        """Register the schema at ``loc`` (its class body is queued for building); return the
        token that names its use there (in a request body, its input class when it has one: see
        ``read_write.py``)."""
        if self._writing and self.write_differs(loc, schema):
            return self.register_input(loc, schema, desired)
        if loc.key in self._by_loc:
            return self._by_loc[loc.key]
        override = self.overrides.get(loc.pointer) or (
            self.overrides.get(desired) if loc.pointer.startswith("/components/schemas/") else None
        )
        content = None if override or _is_component(loc.pointer) else _content_key(loc, schema)
        if content is not None:
            group = self._join(content, desired)
            if group is not None:
                # The same inline schema written again elsewhere (GitHub's webhook payloads
                # repeat whole objects and enums): the copy is an alias of the shared class.
                use = self._token(loc, "", desired)
                self._by_loc[loc.key] = use
                self._class_of[use] = group.cls
                group.members.append(use)
                self.defs[use] = AliasDef(use, loc.key, "", group.cls, {group.cls})
                return use
        raw = bool(override and override.isidentifier())
        cls = self._token(loc, "", override if raw else desired, raw=raw)  # type: ignore[arg-type]
        use = self._token(loc, "#use", "", same_as=cls)
        self._by_loc[loc.key] = use
        self._class_of[use] = cls
        self._sources[cls] = (loc, schema)
        if content is not None:
            wanted = _name_words(self._provisional(use))
            self._groups.setdefault(content, []).append(_Group(cls, [use], wanted, [wanted]))
        if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
            self.defs[cls] = self._definition(loc, schema, cls)  # enums never recurse
        else:
            self._queue.append((loc, schema, cls))
            self._queued[cls] = (loc, schema)
        return use

    def _join(self, content: tuple[str, str, str], desired: str) -> _Group | None:
        """The group of identical schemas a copy wanting ``desired`` joins: the first whose
        names end with a word (or more) ``desired`` ends with too."""
        groups = self._groups.get(content)
        if not groups:
            return None
        wanted = _name_words(self._wanted_name(desired))
        for group in groups:
            suffix = _common_suffix(group.suffix, wanted)
            if suffix:
                group.suffix = suffix
                group.words.append(wanted)
                return group
        return None

    def build_queued(self) -> None:
        """Build the bodies of every registered definition (registering more as found)."""
        saved = self._writing
        try:
            while self._queue:
                loc, schema, name = self._queue.pop(0)
                self._writing = name in self._input_names
                self.defs[name] = self._definition(loc, schema, name)
                self._queued.pop(name, None)
        finally:
            self._writing = saved
        self._resolve_defaults()

    def aliased(self, t: TypeExpr, loc: Loc, desired: str) -> TypeExpr:
        """``t`` itself, or a named alias for it when its hint is too complex for a signature
        (discriminated unions)."""
        if "Discriminator(" not in T.hint(t):
            return t
        suffix, desired = self.alias_key(t, loc, desired)
        name = self.class_name(desired, loc, suffix)
        if name not in self.defs:
            self.defs[name] = AliasDef(name, loc.key, "", T.hint(t), T.names_in(t))
            self._alias_types[name] = t
        return Named(name)

    # -- names --------------------------------------------------------------------------------

    def finalize_names(self) -> dict[str, str]:
        """Hand out every class name, in registration order; return ``{token: name}``.

        A shared inline class gets the name its uses have in common, and each use whose name
        differs becomes an alias of it (added to ``defs``). A taken name gets a numeric suffix
        (an INFO diagnostic).
        """
        shared = self._shared_names()
        final: dict[str, str] = {}

        def wanted(p: _Pending) -> str:
            if p.raw:
                return p.desired
            resolved = TOKEN_RE.sub(lambda m: final.get(m.group(0)) or self._provisional(m.group(0)), p.desired)
            return py_ident(pascal(resolved), prefix="Model")

        #: the name already given to each (class, wanted name) of a use: two uses that want
        #: the same name (the 200 and 201 responses of one operation) have one
        uses: dict[tuple[str, str], str] = {}
        for p in self._pending:
            cls = p.same_as or self._class_of.get(p.token)
            if cls is None:  # a class, or an alias of a discriminated union
                final[p.token] = self.classes.allocate(shared.get(p.token) or wanted(p), p.token)
                continue
            want = self._provisional(p.token)
            if p.same_as is None and (want == shared.get(cls, self._provisional(cls)) or (cls, want) in uses):
                # a copy that wants the class's own name, or another copy's: no alias of its own
                final[p.token] = uses.get((cls, want)) or final[cls]
                del self.defs[p.token]
            elif p.same_as is not None and not (cls in shared and want != shared[cls]):
                final[p.token] = final[cls]  # a schema's own use of its class: the class
            else:
                if p.same_as is not None:  # the class is named after all its uses: this one is an alias
                    self.defs[p.token] = AliasDef(p.token, self.defs[cls].pointer, "", cls, {cls})
                final[p.token] = self.classes.allocate(wanted(self._pending_by_token[cls] if p.same_as else p), p.token)
            uses.setdefault((cls, want), final[p.token])
        return final

    def _shared_names(self) -> dict[str, str]:
        """``{class token: name}`` of the shared classes whose name is not their first use's:
        the first words and the last words (at least one) all their uses' names share."""
        out: dict[str, str] = {}
        for groups in self._groups.values():
            for g in groups:
                if len(set(g.words)) < 2:
                    continue
                suffix = g.suffix
                shortest = min(len(w) for w in g.words)
                prefix = _common_prefix(g.words, shortest - len(suffix))
                name = "".join(prefix + suffix)
                if name != self._provisional(g.cls):
                    out[g.cls] = name
        return out

    def _renamed(self, key: str, desired: str, got: str) -> None:
        p = self._pending_by_token.get(key)
        self.sink.info(
            f"class name '{desired}' is taken; using '{got}'",
            p.pointer if p else key,
            source=p.source if p else "",
        )

    def _ref_name(self, loc: Loc) -> str:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in loc.pointer.split("/")]
        last = tokens[-1] if loc.pointer else ""
        if not last or last.isdigit() or last in ("schema", "items", "additionalProperties"):
            stem = loc.uri.rsplit("/", 1)[-1].split(".", 1)[0]
            parts = [t for t in tokens[1:] if t not in ("components", "schemas", "properties")]
            last = stem if not parts else stem + "_" + "_".join(parts[-2:])
        return last

    def _reverse_name(self, name: str) -> str:
        """The last pointer token of the schema registered as ``name`` (else ``name``)."""
        for key, n in self._by_loc.items():
            if n == name:
                return key.removesuffix(INPUT_KEY).rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return name


_NAME_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|[^A-Za-z0-9]+")


def _name_words(name: str) -> tuple[str, ...]:
    """The words of a class name, each capital starting one (``GetAResponse``: Get, A,
    Response; ``ActionHTTPParameterType``: Action, HTTP, Parameter, Type)."""
    return tuple(_NAME_WORD.findall(name))


def _common_suffix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n :]


def _common_prefix(names: list[tuple[str, ...]], limit: int) -> tuple[str, ...]:
    first = names[0]
    n = 0
    while n < limit and all(w[n] == first[n] for w in names):
        n += 1
    return first[:n]


def _is_component(pointer: str) -> bool:
    """True for ``/components/schemas/<name>`` itself (a named schema keeps its own class)."""
    return pointer.startswith("/components/schemas/") and pointer.count("/") == 3


def _content_key(loc: Loc, schema: Any) -> tuple[str, str, str] | None:
    """What makes two inline schemas interchangeable: the same JSON content read in the same
    file under the same base URI (relative ``$ref``s inside resolve alike); None when the
    content cannot be serialized."""
    try:
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError):
        return None
    return (loc.uri, loc.base, text)
