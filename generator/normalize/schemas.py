"""Stage 3a: JSON Schema (OpenAPI 3.0/3.1 flavour) -> IR type expressions and definitions.

Every ``$ref`` target becomes a named definition (model, enum or alias) registered before its
body is built, so forward, recursive and circular references are ordinary. Inline object and
enum schemas get stable names from where they are used (``<Parent><Property>``,
``<Operation>Request``).
"""

from __future__ import annotations

import datetime
import json

import re
from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import (
    ANY,
    AliasDef,
    Definition,
    DictOf,
    EnumDef,
    EnumMember,
    Field,
    ListOf,
    LiteralOf,
    ModelDef,
    Named,
    Prim,
    TupleOf,
    TypeExpr,
    UnionOf,
)
from ..ir.names import PY_RESERVED, NameAllocator, pascal, py_ident, snake, upper_snake
from urllib.parse import urldefrag, urljoin

from ..refs import Loc, RefError, Resolver
from ..render.text import py_literal, py_str
from . import types as T

_STRING_FORMATS = {
    "date-time": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "uuid": "uuid.UUID",
    "binary": "bytes",
}
_ANNOTATION_KEYS = {
    "description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly",
    "default", "nullable", "summary", "$comment", "externalDocs", "xml",
}  # fmt: skip
#: Names the generated models module and pydantic's BaseModel already use.
MODEL_MODULE_NAMES = frozenset(
    {
        "Annotated", "Any", "ClassVar", "Literal", "Union", "ConfigDict", "Discriminator",
        "Field", "Tag", "BaseModel", "OpenStrEnum", "OpenIntEnum", "discriminate",
        "match_shape", "UnknownVariant", "datetime", "uuid", "decimal", "TypeAlias", "JsonDecimal",
        # names the resource modules import from the runtime
        "ResponseSpec", "Endpoint", "PagedEndpoint", "NotGiven", "NOT_GIVEN", "RequestOptions",
        "Unpack", "cast",
        "cached_property", "SyncAPIResource", "AsyncAPIResource", "APIResponse",
        "raw_method", "async_raw_method", "CursorPagination",
        "OffsetPagination", "PageNumberPagination", "LinkHeaderPagination", "SyncPage",
        "AsyncPage", "body_kwargs", "FileContent", "FileInput", "Mapping", "TYPE_CHECKING",
    }
)  # fmt: skip
_PYDANTIC_ATTRS = frozenset(
    {
        "model_config", "model_fields", "model_computed_fields", "model_extra",
        "model_fields_set", "model_construct", "model_copy", "model_dump", "model_dump_json",
        "model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild",
        "model_validate", "model_validate_json", "model_validate_strings", "dict", "json",
        "parse_obj", "parse_raw", "parse_file", "from_orm", "construct", "copy", "schema",
        "schema_json", "validate", "update_forward_refs", "fields", "register",
        # modules the models module imports (a field of that name would shadow them)
        "datetime", "uuid", "decimal",
    }
)  # fmt: skip
_ENUM_RESERVED = frozenset({"name", "value", "mro"})
#: Key under which a merged allOf view remembers where each property was written.
_PROP_LOCS = "x-connect-codegen-property-locations"
_SECRET_NAME = re.compile(r"(?i)(password|secret|token|api_?key|private_?key)")


def _doc(schema: dict[str, Any]) -> str:
    text = schema.get("description") or schema.get("title") or ""
    return str(text).strip() if isinstance(text, (str, int, float)) else ""


class SchemaBuilder:
    """Turns schemas into type expressions; owns the model-class namespace.

    ``defs`` maps a definition's Python name to it, in registration order.
    Diagnostics (renames, dropped constructs) go to ``sink``.
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
        self.classes = NameAllocator(
            reserved=MODEL_MODULE_NAMES, on_rename=self._renamed, casefold=True
        )
        self.defs: dict[str, Definition] = {}
        self._by_loc: dict[str, str] = {}
        #: Inline schemas by content (see :func:`_content_key`): identical copies share a class.
        self._by_content: dict[tuple[str, str, str], str] = {}
        self._queue: list[tuple[Loc, Any, str]] = []
        self._queued: dict[str, tuple[Loc, Any]] = {}
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

    # -- names and registration ---------------------------------------------------------------

    def _renamed(self, key: str, desired: str, got: str) -> None:
        self.sink.info(f"class name '{desired}' is taken; using '{got}'", key.split("#", 1)[-1])

    def class_name(self, desired: str, key: str) -> str:
        """Allocate a class name for the schema at ``key`` (PascalCase of ``desired``)."""
        return self.classes.allocate(py_ident(pascal(desired), prefix="Model"), key)

    def register(self, loc: Loc, schema: Any, desired: str) -> str:
        """Reserve a class name for the schema at ``loc`` and queue its body for building."""
        if loc.key in self._by_loc:
            return self._by_loc[loc.key]
        override = self.overrides.get(loc.pointer) or (
            self.overrides.get(desired) if loc.pointer.startswith("/components/schemas/") else None
        )
        content = None if override or _is_component(loc.pointer) else _content_key(loc, schema)
        if content is not None and content in self._by_content:
            # The same inline schema written again elsewhere (GitHub's webhook payloads repeat
            # whole objects and enums): one class serves every copy, and each copy's own name
            # is an alias of it (``TriggerErrorSeverity = ActionErrorSeverity``).
            first = self._by_content[content]
            name = self.class_name(desired, loc.key)
            self._by_loc[loc.key] = name
            self.defs[name] = AliasDef(name, loc.key, "", first, {first})
            return name
        if override and override.isidentifier():
            name = self.classes.allocate(override, loc.key)
        else:
            name = self.class_name(desired, loc.key)
        self._by_loc[loc.key] = name
        if content is not None:
            self._by_content[content] = name
        if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
            self.defs[name] = self._definition(loc, schema, name)  # enums never recurse
        else:
            self._queue.append((loc, schema, name))
            self._queued[name] = (loc, schema)
        return name

    def aliased(self, t: TypeExpr, loc: Loc, desired: str) -> TypeExpr:
        """``t`` itself, or a named alias for it when its hint is too complex for a signature
        (discriminated unions)."""
        if "Discriminator(" not in T.hint(t):
            return t
        name = self.class_name(desired, loc.key + "#alias")
        if name not in self.defs:
            self.defs[name] = AliasDef(name, loc.key, "", T.hint(t), T.names_in(t))
        return Named(name)

    def build_queued(self) -> None:
        """Build the bodies of every registered definition (registering more as found)."""
        while self._queue:
            loc, schema, name = self._queue.pop(0)
            self.defs[name] = self._definition(loc, schema, name)
            self._queued.pop(name, None)

    def _ref_name(self, loc: Loc) -> str:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in loc.pointer.split("/")]
        last = tokens[-1] if loc.pointer else ""
        if not last or last.isdigit() or last in ("schema", "items", "additionalProperties"):
            stem = loc.uri.rsplit("/", 1)[-1].split(".", 1)[0]
            parts = [t for t in tokens[1:] if t not in ("components", "schemas", "properties")]
            last = stem if not parts else stem + "_" + "_".join(parts[-2:])
        return last

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
            structural = set(schema) - _ANNOTATION_KEYS - {"$ref"}
            structural = {k for k in structural if not k.startswith("x-")}
            if structural and self.is31:
                rest = {k: v for k, v in schema.items() if k != "$ref"}
                merged = {"allOf": [{"$ref": schema["$ref"]}, rest]}
                return self._type_of(merged, loc, hint)
            return self._ref(schema["$ref"], loc.child("$ref"), loc)
        if "const" in schema:
            return self._literal([schema["const"]], loc)
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
                types = "array"
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

    def _ref(self, ref: Any, ref_loc: Loc, at: Loc) -> TypeExpr:
        try:
            target_loc, target = self.resolver.lookup(ref, at)
            seen = {target_loc.key}
            while isinstance(target, dict) and set(target) <= {"$ref"} | _ANNOTATION_KEYS and "$ref" in target:
                target_loc, target = self.resolver.lookup(target["$ref"], target_loc)
                if target_loc.key in seen:
                    raise RefError("$ref cycle: the reference chain points back to itself")
                seen.add(target_loc.key)
        except RefError as exc:
            self.sink.error(f"unresolvable $ref '{ref}': {exc}", ref_loc.pointer, source=self._src(ref_loc))
            return ANY
        named = Named(self.register(target_loc, target, self._ref_name(target_loc)))
        if isinstance(target, dict) and isinstance(target.get("enum"), list) and None in target["enum"]:
            return T.nullable(named)
        return self._with_subtypes(named, target_loc, target)

    def _with_subtypes(self, named: Named, loc: Loc, target: Any) -> TypeExpr:
        """A reference to a base schema whose ``discriminator`` has a ``mapping`` (and no
        ``oneOf``/``anyOf``): the discriminated union of the mapped schemas, the base itself for
        values the mapping does not list. Other references: ``named`` as it is."""
        disc = target.get("discriminator") if isinstance(target, dict) else None
        if (
            not isinstance(disc, dict)
            or not isinstance(disc.get("propertyName"), str)
            or not isinstance(disc.get("mapping"), dict)
            or not disc["mapping"]
            or "oneOf" in target
            or "anyOf" in target
            or loc.key in self._expanding
        ):
            return named
        self._expanding.add(loc.key)
        try:
            variants: list[TypeExpr] = []
            for value, mref in disc["mapping"].items():
                if not isinstance(mref, str):
                    continue
                t = self._ref(_mapping_ref(mref), loc.child("discriminator", "mapping", str(value)), loc)
                if isinstance(t, Named) and t != named and t not in variants:
                    variants.append(t)
            if not variants:
                return named
            union = self._discriminated(variants, disc, loc)
        finally:
            self._expanding.discard(loc.key)
        assert isinstance(union, UnionOf)
        # the runtime's fallback tag ("UnknownVariant") parses into the base model, which keeps
        # the unknown subtype's fields as extra data
        union = UnionOf(union.variants[:-1] + (named,), selector=union.selector, tags=union.tags)
        return self.aliased(union, loc, f"{named.name}Subtypes")

    # -- composition --------------------------------------------------------------------------

    def merged_all_of(self, schema: dict[str, Any], loc: Loc, depth: int = 0) -> dict[str, Any]:
        """Merge ``allOf`` members (refs followed) into one object schema (properties, required).

        A later member's property that only narrows (``const``/``enum``/description without a
        type) is merged over the earlier definition instead of replacing it.
        """
        self._merges += 1
        if self._merges > 200_000:
            raise RecursionError("allOf merging does not terminate")
        schema = _normalized(schema, loc, self)
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        props: dict[str, Any] = {}
        locs: dict[str, Loc] = {}
        required: list[str] = []
        closed = schema.get("additionalProperties")
        members = schema.get("allOf") or []
        for i, member in enumerate(members):
            mloc = loc.child("allOf", i)
            if isinstance(member, dict) and "$ref" in member:
                try:
                    mloc, member = self.resolver.follow(member, mloc)
                except RefError as exc:
                    self.sink.error(f"unresolvable $ref in allOf: {exc}", mloc.pointer, source=self._src(mloc))
                    continue
            if not isinstance(member, dict):
                continue
            member = _normalized(member, mloc, self)
            if "allOf" in member and depth < 32:
                key = mloc.key
                if key in self._merging:
                    continue
                if key not in self._merged:
                    self._merging.add(key)
                    try:
                        self._merged[key] = self.merged_all_of(member, mloc, depth + 1)
                    finally:
                        self._merging.discard(key)
                member = self._merged[key]
            for key in ("oneOf", "anyOf"):
                if member.get(key) and not member.get("properties"):
                    self.sink.warning(f"'{key}' inside 'allOf' is not merged; its variants' fields are kept as extra data", mloc.child(key).pointer, source=self._src(mloc))
            inner_locs = member.get(_PROP_LOCS, {})
            for pname, pschema in (member.get("properties") or {}).items():
                props[pname] = self._merge_prop(props.get(pname), pschema, mloc, pname)
                if props[pname] is pschema:
                    locs[pname] = inner_locs.get(pname) or mloc.child("properties", pname)
                else:
                    locs.pop(pname, None)
            required += [r for r in member.get("required") or [] if isinstance(r, str)]
            if "additionalProperties" in member and closed is None:
                closed = member["additionalProperties"]
            for key in ("discriminator", "type", "description"):
                if key in member and key not in out:
                    out[key] = member[key]
        for pname, pschema in (schema.get("properties") or {}).items():
            props[pname] = self._merge_prop(props.get(pname), pschema, loc, pname)
            if props[pname] is pschema:
                locs[pname] = loc.child("properties", pname)
            else:
                locs.pop(pname, None)
        required += [r for r in schema.get("required") or [] if isinstance(r, str)]
        out["properties"] = props
        out[_PROP_LOCS] = locs
        out["required"] = list(dict.fromkeys(required))
        if closed is not None:
            out["additionalProperties"] = closed
        out.setdefault("type", "object")
        return out

    def _merge_prop(self, earlier: Any, later: Any, loc: Loc, pname: str) -> Any:
        if earlier is None or not isinstance(later, dict) or not isinstance(earlier, dict):
            return later
        if any(k in later for k in ("type", "$ref", "allOf", "oneOf", "anyOf", "properties", "items")):
            t1, t2 = earlier.get("type"), later.get("type")
            if t1 and t2 and t1 != t2:
                self.sink.warning(
                    f"allOf members disagree on the type of '{pname}' ({t1} vs {t2}); using {t2}",
                    loc.child("properties", pname).pointer,
                    source=self._src(loc),
                )
            return later
        if "$ref" in earlier:
            try:
                _, earlier = self.resolver.follow(earlier, loc)
            except RefError:
                return later
            if not isinstance(earlier, dict):
                return later
        merged = {**earlier, **later}
        if "const" in later or "enum" in later:
            merged.pop("enum" if "const" in later else "const", None)
        return merged

    def _all_of(self, schema: dict[str, Any], loc: Loc, hint: str) -> TypeExpr:
        indexed = [
            (i, m)
            for i, m in enumerate(schema["allOf"])
            if not (isinstance(m, dict) and m and set(m) <= _ANNOTATION_KEYS)
        ]
        own = {k for k in schema if k not in _ANNOTATION_KEYS and k != "allOf" and not k.startswith("x-")}
        if len(indexed) == 1 and not own:
            return self.type_of(indexed[0][1], loc.child("allOf", indexed[0][0]), hint)
        views = []
        for i, m in indexed:
            mloc = loc.child("allOf", i)
            try:
                mloc, m = self.resolver.follow(m, mloc)
            except RefError:
                break
            views.append(m)
        if views and len(views) == len(indexed) and not own and all(
            isinstance(v, dict) and not v.get("properties") and v.get("type") not in ("object", None) or (isinstance(v, dict) and ("const" in v or "enum" in v) and not v.get("properties"))
            for v in views
        ):
            merged: dict[str, Any] = {}
            for v in views:
                merged.update({k: val for k, val in v.items() if k != "$id"})
            return self.type_of(merged, loc, hint)
        merged = self.merged_all_of(schema, loc)
        if not merged.get("properties") and merged.get("type") != "object":
            return self.type_of({k: v for k, v in merged.items() if k != "properties"}, loc, hint)
        name = self.register(loc, schema, hint)
        return Named(name)

    def _union(self, schema: dict[str, Any], key: str, loc: Loc, hint: str) -> TypeExpr:
        raw = schema[key]
        if schema.get("properties") and isinstance(schema.get("properties"), dict):
            self.sink.warning(
                f"'{key}' next to 'properties' is not merged; the variants' extra fields are "
                "kept as extra data",
                loc.child(key).pointer,
                source=self._src(loc),
            )
            return self._object(schema, loc, hint)
        variants: list[TypeExpr] = []
        for i, v in enumerate(raw):
            if isinstance(v, dict) and v.get("type") == "null" and len(v) == 1:
                continue
            variants.append(self.type_of(v, loc.child(key, i), f"{hint}{i + 1}" if len(raw) > 1 else hint))
        variants = [v for v in dict.fromkeys(variants) if v != Prim("None")]
        if not variants:
            return Prim("None")
        if len(variants) == 1:
            return variants[0]
        if ANY in variants:
            return ANY
        disc = schema.get("discriminator")
        models = [v for v in variants if isinstance(v, Named) and isinstance(self._peek(v.name), dict)]
        if not isinstance(disc, dict) and models and len(models) == len(variants):
            inherited = [(self._peek(v.name) or {}).get("discriminator") for v in models]  # type: ignore[union-attr]
            first = inherited[0]
            if isinstance(first, dict) and all(
                isinstance(d, dict) and d.get("propertyName") == first.get("propertyName") for d in inherited
            ):
                disc = first
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str) and len(models) == len(variants):
            return self._discriminated(variants, disc, loc)
        if len(models) >= 2:
            return self._shape_matched(variants, loc)
        return T.union(variants)

    def _peek(self, name: str) -> Any:
        """The raw schema registered under class ``name`` (resolving allOf), or None."""
        if name in self._queued:
            loc, schema = self._queued[name]
            return self._object_view(schema, loc)
        d = self.defs.get(name)
        if d is not None:
            return self._raw.get(name)
        return None

    def _object_view(self, schema: Any, loc: Loc) -> Any:
        if not isinstance(schema, dict):
            return None
        schema = _normalized(schema, loc, self)
        if schema.get("allOf"):
            schema = self.merged_all_of(schema, loc)
        is_obj = schema.get("type") == "object" or "properties" in schema
        if not is_obj or "enum" in schema:
            return None
        if any(k in schema for k in ("oneOf", "anyOf")) and not schema.get("properties"):
            return None
        return schema

    def _discriminated(self, variants: list[TypeExpr], disc: dict[str, Any], loc: Loc) -> TypeExpr:
        prop = disc["propertyName"]
        mapping: dict[str, str] = {}
        raw_map = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
        for value, ref in raw_map.items():
            if not isinstance(ref, str):
                continue
            t = self._ref(_mapping_ref(ref), loc.child("discriminator", "mapping", value), loc)
            if isinstance(t, Named) and t in variants:
                mapping[str(value)] = t.name
        mapped = set(mapping.values())
        for v in variants:
            assert isinstance(v, Named)
            if v.name in mapped:
                continue
            view = self._peek(v.name) or {}
            pschema = (view.get("properties") or {}).get(prop) if isinstance(view, dict) else None
            values: list[Any] = []
            if isinstance(pschema, dict):
                if "const" in pschema:
                    values = [pschema["const"]]
                elif isinstance(pschema.get("enum"), list) and len(pschema["enum"]) == 1:
                    values = list(pschema["enum"])
            if not values:
                values = [self._reverse_name(v.name)]
            for val in values:
                mapping.setdefault(str(val), v.name)
        names = tuple(v.name for v in variants if isinstance(v, Named))
        selector = f"discriminate({py_literal(prop)}, {py_literal(dict(sorted(mapping.items())))})"
        return UnionOf(
            tuple(variants) + (Named("UnknownVariant"),),
            selector=selector,
            tags=names + ("UnknownVariant",),
        )

    def _reverse_name(self, name: str) -> str:
        for key, n in self._by_loc.items():
            if n == name:
                return key.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return name

    def _shape_matched(self, variants: list[TypeExpr], loc: Loc) -> TypeExpr:
        shapes = []
        tags = []
        for v in variants:
            if isinstance(v, Named) and isinstance(self._peek(v.name), dict):
                view = self._peek(v.name)
                props = sorted((view.get("properties") or {}).keys())
                req = sorted(r for r in view.get("required") or [] if isinstance(r, str))
                closed = view.get("additionalProperties") is False
                shapes.append((v.name, tuple(req), tuple(props), closed))
                tags.append(v.name)
            else:
                kind = _json_kind(v)
                shapes.append((kind, (), (), False))
                tags.append(kind)
        if len(set(tags)) != len(tags):
            return T.union(variants)
        selector = f"match_shape({py_literal(shapes)})"
        return UnionOf(tuple(variants), selector=selector, tags=tuple(tags))

    def _literal(self, values: list[Any], loc: Loc) -> TypeExpr:
        lits = []
        for v in values:
            if v is None:
                continue
            if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
                return Prim("int")  # type checkers refuse integer literals this large
            if isinstance(v, (str, int, bool)):
                lits.append(py_literal(v))
            else:
                return ANY
        if not lits:
            return Prim("None")
        return LiteralOf(tuple(dict.fromkeys(lits)))

    def _enum(self, schema: dict[str, Any], loc: Loc, hint: str) -> TypeExpr:
        values = [v for v in schema["enum"] if v is not None]
        if not values:
            return Prim("None")
        typ = schema.get("type")
        if isinstance(typ, list):
            typ = next((t for t in typ if t != "null"), None)
        if all(isinstance(v, str) for v in values) and typ in (None, "string"):
            return Named(self.register(loc, schema, hint))
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values) and typ in (None, "integer", "number"):
            return Named(self.register(loc, schema, hint))
        return self._literal(values, loc)

    # -- definitions --------------------------------------------------------------------------

    def _definition(self, loc: Loc, schema: Any, name: str) -> Definition:
        if not isinstance(schema, dict):
            return AliasDef(name, loc.key, "", T.hint(ANY))
        if isinstance(schema.get("$id"), str) and self.is31:
            loc = Loc(loc.uri, loc.pointer, urldefrag(urljoin(loc.base, schema["$id"]))[0])
        doc = _doc(schema)
        if isinstance(schema.get("enum"), list) and "const" not in schema and not schema.get("allOf"):
            values = [v for v in schema["enum"] if v is not None]
            if values and (all(isinstance(v, str) for v in values) or all(isinstance(v, int) and not isinstance(v, bool) for v in values)):
                return self._enum_def(schema, values, loc, name, doc)
        view = self._object_view(schema, loc)
        for key in ("oneOf", "anyOf"):
            if view is not None and schema.get(key) and view.get("properties"):
                self.sink.warning(
                    f"'{key}' next to 'properties' is not merged; the variants' extra fields are "
                    "kept as extra data",
                    loc.child(key).pointer,
                    source=self._src(loc),
                )
        if view is not None and (view.get("properties") or view.get("additionalProperties") is False or schema.get("allOf")):
            self._raw[name] = view
            return self._model_def(view, loc, name, doc)
        t = self.type_of(schema, loc, name)
        if t == Named(name):  # an object that did not want a class after all
            t = ANY
        return AliasDef(name, loc.key, doc, T.hint(t), T.names_in(t))

    def _enum_def(self, schema: dict[str, Any], values: list[Any], loc: Loc, name: str, doc: str) -> EnumDef:
        base = "str" if isinstance(values[0], str) else "int"
        members: list[EnumMember] = []
        alloc = NameAllocator(reserved=_ENUM_RESERVED, casefold=False)
        for v in dict.fromkeys(values):
            if base == "str":
                desired = upper_snake(v) or ("EMPTY" if v == "" else "VALUE")
            else:
                desired = f"VALUE_{v}".replace("-", "MINUS_")
            desired = py_ident(desired, prefix="VALUE_")
            members.append(EnumMember(alloc.allocate(desired, repr(v)), py_literal(v)))
        return EnumDef(name, loc.key, doc, base, members)

    def _model_def(self, schema: dict[str, Any], loc: Loc, name: str, doc: str) -> ModelDef:
        props = schema.get("properties") or {}
        prop_locs: dict[str, Loc] = schema.get(_PROP_LOCS, {})
        required = set(r for r in schema.get("required") or [] if isinstance(r, str))
        alloc = NameAllocator(reserved=_PYDANTIC_ATTRS | {"model_config"})
        json_names = {j for j in props if isinstance(j, str)}
        fields: list[Field] = []
        deps: set[str] = set()
        for jname, pschema in props.items():
            if not isinstance(jname, str):
                continue
            ploc = prop_locs.get(jname) or loc.child("properties", jname)
            base = snake(jname)
            if base.startswith("model_"):
                base = base + "_"
            base = py_ident(base, prefix="field", reserved=_PYDANTIC_ATTRS)
            while base in json_names and base != jname:
                base += "_"  # populate_by_name: a Python name must not be another field's JSON name
            py = alloc.allocate(base, jname)
            plain = snake(jname)
            escaped_only = py == plain + "_" and (plain in PY_RESERVED or plain in _PYDANTIC_ATTRS)
            if py != plain and not escaped_only:
                self.sink.info(f"property '{jname}' is named '{py}' in Python", ploc.pointer, source=self._src(ploc))
            t = self.type_of(pschema, ploc, f"{name}{pascal(jname) or 'Field'}")
            if name in self.file_models:
                t = _file_input(t)
            deps |= T.names_in(t)
            p = pschema if isinstance(pschema, dict) else {}
            if "$ref" in p:
                try:
                    _, target = self.resolver.follow(p, ploc)
                except RefError:
                    target = {}
                if isinstance(target, dict):
                    # what the referenced schema says counts unless the property overrides it
                    p = {**{k: v for k, v in target.items() if k in ("readOnly", "writeOnly", "default", "deprecated", "format", "type")}, **(p if self.is31 else {})}
            is_req = jname in required and not p.get("readOnly") and not p.get("writeOnly")
            default = None
            if not is_req:
                default = "None"
                if not T.is_nullable(t):
                    t = T.nullable(t)
                dv = p.get("default", ...)
                if dv is not ... and dv is not None:
                    default = _default_expr(dv, t, self) if _is_json(dv) else "None"
                    if default == "None":
                        self.sink.info(
                            "this default does not fit the field's Python type and is not applied (the field defaults to None)",
                            ploc.child("default").pointer,
                            source=self._src(ploc),
                        )
            fields.append(
                Field(
                    py_name=py,
                    json_name=jname,
                    hint=T.hint(t),
                    required=is_req,
                    default=default,
                    doc=_doc(p),
                    pointer=ploc.key,
                    secret=_is_secret(jname, p, name),
                    deprecated=bool(p.get("deprecated")),
                )
            )
        missing = sorted(required - set(props))
        if missing:
            self.sink.info(
                f"required properties {missing} are not declared in 'properties'; they are kept as extra data",
                loc.child("required").pointer,
                source=self._src(loc),
            )
        addl = schema.get("additionalProperties")
        extra = "forbid" if addl is False else "allow"
        extra_hint = None
        if isinstance(addl, dict) and addl:
            t = self.type_of(addl, loc.child("additionalProperties"), f"{name}Value")
            if t != ANY:
                extra_hint = T.hint(t)
                deps |= T.names_in(t)
        return ModelDef(name, loc.key, doc, fields, extra, extra_hint, deps)


def _normalized(schema: dict[str, Any], loc: Loc, builder: "SchemaBuilder") -> dict[str, Any]:
    """``schema`` with a non-object ``properties`` or a non-list ``required`` dropped (warned)."""
    bad = [
        k
        for k, ok in (("properties", dict), ("required", list), ("allOf", list))
        if k in schema and not isinstance(schema[k], ok)
    ]
    if not bad:
        return schema
    for k in bad:
        builder.sink.warning(f"'{k}' has the wrong type and is ignored", loc.child(k).pointer, source=builder._src(loc))
    return {k: v for k, v in schema.items() if k not in bad}


def _file_input(t: TypeExpr) -> TypeExpr:
    """Binary fields of a multipart body accept files (path, bytes, file object, tuple)."""
    if t == Prim("bytes"):
        return Prim("FileInput")
    if isinstance(t, ListOf) and t.item == Prim("bytes"):
        return ListOf(Prim("FileInput"))
    return t


def _json_kind(t: TypeExpr) -> str:
    if isinstance(t, Prim):
        return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(t.name, "string")
    if isinstance(t, (ListOf, TupleOf)):
        return "array"
    if isinstance(t, DictOf):
        return "object"
    return "other"


def _is_literal(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) or v is None


def _is_json(v: Any, depth: int = 0) -> bool:
    """True for JSON data (scalars, lists, string-keyed dicts) that py_literal can write."""
    if _is_literal(v):
        return True
    if depth > 20:
        return False
    if isinstance(v, list):
        return all(_is_json(x, depth + 1) for x in v)
    return isinstance(v, dict) and all(isinstance(k, str) and _is_json(x, depth + 1) for k, x in v.items())


def _default_expr(value: Any, t: TypeExpr, builder: SchemaBuilder) -> str:
    """A Python default for a field of type ``t`` (enum members by name, else a literal)."""
    inner = t.variants[0] if isinstance(t, UnionOf) and not t.selector else t
    if isinstance(inner, Named):
        d = builder.defs.get(inner.name)
        if isinstance(d, EnumDef):
            for m in d.members:
                if m.value == py_literal(value):
                    return f"{d.name}.{m.name}"
        return "None"
    if isinstance(inner, Prim) and inner.name in ("str", "int", "float", "bool"):
        py = {"str": str, "int": int, "float": float, "bool": bool}[inner.name]
        if isinstance(value, py) and not (py is int and isinstance(value, bool)):
            return py_literal(value)
        if py is float and isinstance(value, int) and not isinstance(value, bool):
            return py_literal(float(value))
        return "None"
    if isinstance(inner, LiteralOf) and py_literal(value) in inner.values:
        return py_literal(value)
    if isinstance(inner, Prim) and inner.name in ("datetime.date", "datetime.datetime") and isinstance(value, str):
        # the same text pydantic would accept; a date-time keeps its offset (Z -> +00:00)
        try:
            if inner.name == "datetime.date":
                d = datetime.date.fromisoformat(value)
                return f"datetime.date({d.year}, {d.month}, {d.day})"
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "None"
        return f"datetime.datetime.fromisoformat({py_str(value.replace('Z', '+00:00'))})"
    if _fits_plain(value, inner):
        # lists and dicts of JSON scalars: pydantic copies a mutable default for each instance
        return py_literal(value)
    return "None"


def _fits_plain(value: Any, t: TypeExpr) -> bool:
    """True when ``value`` (JSON data) is already an instance of ``t`` without any conversion:
    ``list[str]``, ``dict[str, int]``, ``Any``... (never models, enums, dates)."""
    if t == ANY:
        return True
    if isinstance(t, Prim):
        py = {"str": str, "int": int, "float": float, "bool": bool}.get(t.name)
        return py is not None and isinstance(value, py) and not (py is not bool and isinstance(value, bool))
    if isinstance(t, ListOf):
        return isinstance(value, list) and all(_fits_plain(v, t.item) for v in value)
    if isinstance(t, DictOf):
        return isinstance(value, dict) and all(isinstance(k, str) and _fits_plain(v, t.value) for k, v in value.items())
    if isinstance(t, UnionOf) and not t.selector:
        return any(_fits_plain(value, v) for v in t.variants)
    return False


def _is_secret(jname: str, schema: dict[str, Any], model_name: str) -> bool:
    if schema.get("format") == "password" or schema.get("writeOnly") is True:
        return True
    if re.search(r"(?i)(url|uri|endpoint|type|id|ids|expiry|expires_?at|expires_?in|scopes?|count)$", jname):
        return False
    if _SECRET_NAME.search(jname):
        return True
    return model_name.lower().startswith("credentialdata") and schema.get("type") == "string" and jname not in (
        "username", "clientId", "authorizeUrl", "tokenUrl", "additionalParams", "mTLSCredentialId", "scopes"
    )  # fmt: skip


def _mapping_ref(ref: str) -> str:
    """A discriminator mapping value as a ``$ref``: a bare schema name means that component."""
    if "/" not in ref and "#" not in ref and "." not in ref:
        return f"#/components/schemas/{ref}"
    return ref


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
