"""Stage 3a: JSON Schema (OpenAPI 3.0/3.1 flavour) -> IR type expressions and definitions.

Every ``$ref`` target becomes a named definition (model, enum or alias) registered before its
body is built, so forward, recursive and circular references are ordinary. Inline object and
enum schemas get stable names from where they are used (``<Parent><Property>``,
``<Operation>Request``).

:class:`SchemaBuilder` is the entry point (``api.py`` and ``operations.py`` use it). The type
expressions are built here (by ``type``/``format``, arrays, maps, ``$ref``, nullability); the
rest of its methods live by concern: class names and registration in ``class_names.py``,
``allOf``/``oneOf``/``anyOf`` in ``composition.py``, discriminators in ``discriminators.py``,
a ``oneOf``/``anyOf`` merged with the object around it in ``variants.py``, class bodies (enums,
models and their fields, aliases) in ``definitions.py``, the input classes of request bodies
(``readOnly``/``writeOnly``) in ``read_write.py``; ``literals.py`` writes JSON values as Python
(``Literal`` types, field defaults built as typed values).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag, urljoin

from ..diagnostics import DiagnosticSink
from ..ir.model import ANY, NONE, Definition, DictOf, Field, ListOf, Named, Prim, TupleOf, TypeExpr, UnionOf
from ..ir.names import NameAllocator
from ..refs import Loc, RefError, Resolver
from . import types as T
from .class_names import ClassNamesMixin, _Group, _Pending
from .composition import ANNOTATION_KEYS, CompositionMixin, null_only
from .definitions import DefinitionsMixin
from .discriminators import DiscriminatorsMixin
from .literals import ModelShape, literal_type
from .read_write import ReadWriteMixin
from .variants import Alternative, VariantsMixin

_STRING_FORMATS = {
    "date-time": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "uuid": "uuid.UUID",
    "binary": "bytes",
}


class SchemaBuilder(
    ClassNamesMixin, CompositionMixin, DiscriminatorsMixin, DefinitionsMixin, VariantsMixin, ReadWriteMixin
):
    """Turns schemas into type expressions; owns the model-class namespace.

    ``defs`` maps a definition's Python name to it, in registration order.
    Diagnostics (renames, dropped constructs) go to ``sink``. The state every method shares is
    set up here; the methods come from this module and the six mixins (see the module
    docstring).
    """

    def __init__(
        self,
        resolver: Resolver,
        sink: DiagnosticSink,
        *,
        is31: bool,
        overrides: dict[str, str] | None = None,
    ) -> None:
        self.resolver = resolver
        #: Configured class names: schema name (or ``#/pointer``) -> Python class name.
        self.overrides = dict(overrides or {})
        self.sink = sink
        self.is31 = is31
        #: Class names, handed out last (:meth:`finalize_names`); until then every class,
        #: alias and use of one is a token (see ``class_names.py``).
        self.classes = NameAllocator(on_rename=self._renamed, casefold=True)
        #: Definitions by token: a class under its own token, aliases under theirs.
        self.defs: dict[str, Definition] = {}
        #: The token of each registered schema's use, by location (``Loc.key``).
        self._by_loc: dict[str, str] = {}
        #: Names to hand out, in registration order; tokens by key; what names want.
        self._pending: list[_Pending] = []
        self._pending_by_token: dict[str, _Pending] = {}
        self._token_by_key: dict[str, str] = {}
        self._wanted: dict[str, str] = {}
        #: The class token each use token stands for.
        self._class_of: dict[str, str] = {}
        #: Identical inline schemas by content (see :func:`.class_names._content_key`).
        self._groups: dict[tuple[str, str, str], list[_Group]] = {}
        self._queue: list[tuple[Loc, Any, str]] = []
        self._queued: dict[str, tuple[Loc, Any]] = {}
        #: Where each class's schema is and what it is, kept after its body is built.
        self._sources: dict[str, tuple[Loc, Any]] = {}
        self._warned_nullable = False
        self._raw: dict[str, Any] = {}
        self._merges = 0
        #: Merged ``allOf`` members by location (``Loc.key``): a member reached by many paths is
        #: merged once; ``_merging`` holds the members being merged (a cycle stops there).
        self._merged: dict[str, dict[str, Any]] = {}
        self._merging: set[str] = set()
        #: Base schemas whose discriminator mapping is being expanded (see ``_with_subtypes``).
        self._expanding: set[str] = set()
        #: Models sent as multipart bodies: their binary fields accept file inputs.
        self.file_models: set[str] = set()
        #: What field defaults are built from (see ``literals.field_default``): each model's
        #: fields, each alias's type; and the fields whose default waits for every class.
        self._model_shapes: dict[str, ModelShape] = {}
        self._alias_types: dict[str, TypeExpr] = {}
        self._pending_defaults: list[tuple[Field, Any, TypeExpr, Loc]] = []
        #: Every model field with its type as the schema gives it (before an optional field is
        #: made ``| None``) and whether its schema says null is allowed: whether null is allowed
        #: is decided once every alias is known (``mark_nullable``).
        self._field_types: list[tuple[Field, TypeExpr, bool]] = []
        #: Unions merged with the object around them, by location (see ``variants.py``): the
        #: merged classes, the discriminator that tells them apart, the schemas being merged.
        self._alternatives_of: dict[str, list[Alternative] | None] = {}
        self._alternatives_disc: dict[str, dict[str, Any] | None] = {}
        self._alternatives_busy: set[str] = set()
        self._parts_of: dict[str, list[Any]] = {}
        #: ``(class name, JSON property name)`` of every discriminator property: the model's own
        #: ``discriminator`` or that of a union it is a variant of (see ``mark_always_sent``).
        self.discriminator_props: set[tuple[str, str]] = set()
        #: Request bodies (see ``read_write.py``): whether classes are being built for a request
        #: (write mode); the input classes, each with the class of responses it stands beside;
        #: whether a schema (by location) differs in a request.
        self._writing = False
        self._input_names: set[str] = set()
        self.read_names: dict[str, str] = {}
        self._differs: dict[str, bool] = {}

    # -- type expressions ---------------------------------------------------------------------

    def type_of(self, schema: Any, loc: Loc, hint: str) -> TypeExpr:
        """The type expression for ``schema`` found at ``loc``; ``hint`` names inline classes."""
        if schema is True or schema is None or schema == {}:
            return ANY
        if schema is False:
            return ANY
        if not isinstance(schema, dict):
            self.sink.warning(f"schema must be an object, not {type(schema).__name__}; using Any", loc.pointer, source=self._src(loc))
            return ANY
        if isinstance(schema.get("$id"), str) and self.is31:
            loc = Loc(loc.uri, loc.pointer, urldefrag(urljoin(loc.base, schema["$id"]))[0])
        for key in ("not", "if", "dependentSchemas"):
            if key in schema:
                self.sink.info(f"'{key}' is not expressed in Python types; it is not checked", loc.child(key).pointer, source=self._src(loc))
        nullable = self._nullable(schema, loc)
        t = self._type_of(schema, loc, hint)
        return T.nullable(t) if nullable else t

    def _src(self, loc: Loc) -> str:
        """The file of ``loc`` for a diagnostic (empty for the root document)."""
        return "" if loc.uri == self.resolver.root_uri else loc.uri

    def _nullable(self, schema: dict[str, Any], loc: Loc) -> bool:
        if schema.get("nullable") is True:
            if self.is31 and not self._warned_nullable:
                self._warned_nullable = True
                self.sink.warning(
                    "'nullable: true' is not part of OpenAPI 3.1 (use a type array with 'null'); "
                    "honouring it anyway",
                    loc.child("nullable").pointer,
                    source=self._src(loc),
                )
            return True
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            return True
        enum = schema.get("enum")
        if isinstance(enum, list) and None in enum:
            return True
        for key in ("oneOf", "anyOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and any(
                isinstance(v, dict) and v.get("type") == "null" for v in variants
            ):
                return True
        return False

    def _type_of(self, schema: dict[str, Any], loc: Loc, hint: str) -> TypeExpr:
        if "$ref" in schema:
            structural = set(schema) - ANNOTATION_KEYS - {"$ref"}
            structural = {k for k in structural if not k.startswith("x-")}
            if structural and self.is31:
                rest = {k: v for k, v in schema.items() if k != "$ref"}
                merged = {"allOf": [{"$ref": schema["$ref"]}, rest]}
                return self._type_of(merged, loc, hint)
            return self._ref(schema["$ref"], loc.child("$ref"), loc)
        if "const" in schema:
            return literal_type([schema["const"]])
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            return self._all_of(schema, loc, hint)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._union(schema, key, loc, hint)
        if isinstance(schema.get("enum"), list):
            return self._enum(schema, loc, hint)
        types = schema.get("type")
        if isinstance(types, list):
            real = [t for t in types if t != "null"]
            if len(real) > 1:
                return T.union(
                    [self._by_type(schema, t, loc, hint) for t in real if isinstance(t, str)]
                )
            types = real[0] if real else ("null" if types else None)
        if types is None:
            if "properties" in schema or "additionalProperties" in schema:
                types = "object"
            elif "items" in schema or "prefixItems" in schema:
                # without "type", items/prefixItems constrain arrays only: any other value is
                # valid too (Slack's `channel: {items: {...}}` answers an object)
                return UnionOf((self._array(schema, loc, hint), ANY))
        if not isinstance(types, str):
            return ANY
        return self._by_type(schema, types, loc, hint)

    def _by_type(self, schema: dict[str, Any], typ: str, loc: Loc, hint: str) -> TypeExpr:
        fmt = schema.get("format")
        if typ == "string":
            return Prim(_STRING_FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str")
        if typ == "integer":
            return Prim("int")
        if typ == "number":
            if fmt == "decimal":
                return Prim("JsonDecimal")  # the runtime's Decimal that dumps as a JSON number
            return Prim("float")
        if typ == "boolean":
            return Prim("bool")
        if typ == "null":
            return Prim("None")
        if typ == "array":
            return self._array(schema, loc, hint)
        if typ == "object":
            return self._object(schema, loc, hint)
        self.sink.warning(f"unknown type '{typ}'; using Any", loc.child("type").pointer, source=self._src(loc))
        return ANY

    def _array(self, schema: dict[str, Any], loc: Loc, hint: str) -> TypeExpr:
        prefix = schema.get("prefixItems")
        items = schema.get("items")
        if isinstance(prefix, list) and prefix:
            parts = tuple(
                self.type_of(p, loc.child("prefixItems", i), f"{hint}Item{i}")
                for i, p in enumerate(prefix)
            )
            if items is False:
                return TupleOf(parts)
            if isinstance(items, dict) and items:
                rest = self.type_of(items, loc.child("items"), f"{hint}Item")
                return ListOf(T.union([*parts, rest]))
            return ListOf(ANY if items is None or items is True else T.union(list(parts)))
        if items is None or items is True or items is False:
            return ListOf(ANY)
        if isinstance(items, list):  # 3.0-era tuple form
            return ListOf(ANY)
        return ListOf(self.type_of(items, loc.child("items"), f"{hint}Item"))

    def _object(self, schema: dict[str, Any], loc: Loc, hint: str) -> TypeExpr:
        props = schema.get("properties")
        addl = schema.get("additionalProperties")
        if not isinstance(props, dict) or not props:
            if isinstance(schema.get("patternProperties"), dict) and addl is None:
                pats = list(schema["patternProperties"].items())
                if len(pats) == 1:
                    return DictOf(self.type_of(pats[0][1], loc.child("patternProperties"), f"{hint}Value"))
                if pats:
                    # which pattern a key matches is not expressed in Python types: a value may
                    # be any of the patterns' types
                    self.sink.info(
                        f"patternProperties with {len(pats)} patterns: each value is typed as any of their "
                        "types; which key pattern goes with which type is not checked",
                        loc.child("patternProperties").pointer,
                        source=self._src(loc),
                    )
                    return DictOf(
                        T.union(
                            [
                                self.type_of(v, loc.child("patternProperties", k), f"{hint}Value")
                                for k, v in pats
                            ]
                        )
                    )
            if addl is False:
                pass  # an empty closed object: a model with no fields
            elif isinstance(addl, dict) and addl:
                return DictOf(self.type_of(addl, loc.child("additionalProperties"), f"{hint}Value"))
            else:
                return DictOf(ANY)
        name = self.register(loc, schema, hint)
        return Named(name)

    def _beside_object(self, schema: Any, loc: Loc) -> list[TypeExpr]:
        """The other types of a model's schema whose ``type`` lists ``object`` and more
        (``[object, string]``): its class stands for the objects, these for the rest."""
        types = schema.get("type") if isinstance(schema, dict) else None
        if not isinstance(types, list) or "object" not in types or not schema.get("properties"):
            return []
        if schema.get("allOf") or schema.get("oneOf") or schema.get("anyOf") or "enum" in schema or "const" in schema:
            return []
        hint = self._ref_name(loc)
        return [self._by_type(schema, t, loc, hint) for t in types if isinstance(t, str) and t not in ("object", "null")]

    def _ref(self, ref: Any, ref_loc: Loc, at: Loc, outcome: str = "typed as Any") -> TypeExpr:
        """The type ``ref`` (written at ``ref_loc``, resolved from ``at``) stands for; ``Any``
        when it leads to nothing, with a WARNING there that says ``outcome``."""
        try:
            target_loc, target = self.resolver.lookup(ref, at)
            seen = {target_loc.key}
            while isinstance(target, dict) and set(target) <= {"$ref"} | ANNOTATION_KEYS and "$ref" in target:
                target_loc, target = self.resolver.lookup(target["$ref"], target_loc)
                if target_loc.key in seen:
                    raise RefError("$ref cycle: the reference chain points back to itself")
                seen.add(target_loc.key)
        except RefError as exc:
            self.sink.warning(f"unresolvable $ref '{ref}': {exc}; {outcome}", ref_loc.pointer, source=self._src(ref_loc))
            return ANY
        if null_only(target):
            # ``enum: [null]``, ``type: "null"``...: its alias is ``None``, which is not a type
            # that ``X | None`` could be written with; the reference is ``None`` itself
            return NONE
        named = Named(self.register(target_loc, target, self._ref_name(target_loc)))
        t = self._with_subtypes(named, target_loc, target)
        others = self._beside_object(target, target_loc)
        if others:
            t = T.union([t, *others])
        # a referenced schema that accepts null (3.0 ``nullable: true``, a type array with
        # "null", a null variant, an enum listing null) makes the place that uses it accept null
        return T.nullable(t) if isinstance(target, dict) and self._nullable(target, target_loc) else t
