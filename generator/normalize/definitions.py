"""The body of each registered class: an enum (string or integer values), a model with its fields,
or an alias of a type expression when the schema is neither.

Fields get Python names (snake_case, the JSON name kept as the alias), their required-ness and
defaults, secrecy (masked in ``repr``) and deprecation; binary fields of multipart bodies accept
file inputs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..ir.model import (
    ANY,
    AliasDef,
    Definition,
    EnumDef,
    EnumMember,
    Field,
    ListOf,
    ModelDef,
    Named,
    Prim,
    TypeExpr,
    UnionOf,
)
from ..ir.names import KEYWORDS, NameAllocator, pascal, py_ident, py_name, snake, upper_snake, words
from ..refs import Loc, RefError
from ..render.text import py_literal
from . import types as T
from .composition import PROP_LOCS
from .facts import schema_facts
from .literals import Known, ModelShape, field_default, fixed_value, is_json, literal_type

#: The public attributes of the generated models' base class (pydantic's ``BaseModel`` and the
#: runtime's ``to_dict``/``to_json``): a field of one of these names would hide it, so it gets a
#: trailing ``_`` (checked against the runtime by ``tests/unit/test_names.py``).
MODEL_BASE_ATTRS = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "model_computed_fields", "model_config",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_extra",
        "model_fields", "model_fields_set", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
        "model_validate_strings", "parse_file", "parse_obj", "parse_raw", "schema", "schema_json",
        "update_forward_refs", "validate", "to_dict", "to_json",
    }
)  # fmt: skip
_ENUM_RESERVED = frozenset({"name", "value", "mro"})


def _doc(schema: dict[str, Any]) -> str:
    text = schema.get("description") or schema.get("title") or ""
    return str(text).strip() if isinstance(text, (str, int, float)) else ""


class DefinitionsMixin:
    """Enums, models and aliases, mixed into :class:`~generator.normalize.schemas.SchemaBuilder`
    (which sets up the state these methods share: ``defs``, ``_raw``, ``file_models``...)."""

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
        return literal_type(values)

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
        alts = self.alternatives(schema, loc)
        if alts is not None and len(alts) > 1:
            union = self.variant_union(alts, loc, name)
            self._alias_types[name] = union
            return AliasDef(name, loc.key, doc, T.hint(union), T.names_in(union))
        view = self._object_view(schema, loc)
        if view is not None and (view.get("properties") or view.get("additionalProperties") is False or schema.get("allOf")):
            self._raw[name] = view
            return self._model_def(view, loc, name, doc)
        t = self.type_of(schema, loc, name)
        if isinstance(t, Named) and self.class_of(t.name) == name:  # an object that did not want a class after all
            t = ANY
        self._alias_types[name] = t
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
        prop_locs: dict[str, Loc] = schema.get(PROP_LOCS, {})
        required = set(r for r in schema.get("required") or [] if isinstance(r, str))
        alloc = NameAllocator(reserved=MODEL_BASE_ATTRS)
        json_names = {j for j in props if isinstance(j, str)}
        fields: list[Field] = []
        shape: dict[str, tuple[str, TypeExpr, bool]] = {}
        deps: set[str] = set()
        for jname, pschema in props.items():
            if not isinstance(jname, str):
                continue
            ploc = prop_locs.get(jname) or loc.child("properties", jname)
            # what the referenced schema says counts unless the property overrides it
            p = self.property_view(pschema, ploc)
            if self._writing and p.get("readOnly") is True:
                continue  # an input class (a request body) leaves out what only the server sets
            base = py_name(snake(jname), prefix="field", reserved=MODEL_BASE_ATTRS)
            while base in json_names and base != jname:
                base += "_"  # populate_by_name: a Python name must not be another field's JSON name
            py = alloc.allocate(base, jname)
            plain = snake(jname)
            escaped_only = py == plain + "_" and (plain in KEYWORDS or plain in MODEL_BASE_ATTRS)
            if py != plain and not escaped_only:
                self.sink.info(f"property '{jname}' is named '{py}' in Python", ploc.pointer, source=self._src(ploc))
            t = self.type_of(pschema, ploc, f"{name}{pascal(jname) or 'Field'}")
            if name in self.file_models:
                t = _file_input(t)
            deps |= T.names_in(t)
            # required readOnly: required in responses (input classes leave it out); required
            # writeOnly: required in input classes only (the server never sends it)
            is_req = jname in required and (self._writing or p.get("writeOnly") is not True)
            read_only = bool(p.get("readOnly"))
            default = None
            declared = t  # (whether the schema allows null is decided in mark_nullable)
            # a value the schema fixes (const, a one-value enum) is the default of an optional
            # field, and is sent even when the caller leaves it unset (readOnly never is)
            fixed = None if is_req or read_only or T.is_nullable(t) else fixed_value(t, self.definition)
            if fixed is not None:
                default = fixed
                t = T.nullable(t)
            elif not is_req:
                default = "None"
                if not T.is_nullable(t):
                    t = T.nullable(t)
            shape[jname] = (py, t, is_req)
            fields.append(
                Field(
                    py_name=py,
                    json_name=jname,
                    hint=T.hint(t),
                    required=is_req,
                    default=default,
                    doc=_doc(p),
                    pointer=ploc.key,
                    secret=_is_secret(jname, p, self._provisional(name)),
                    deprecated=bool(p.get("deprecated")),
                    read_only=read_only,
                    always_sent=fixed is not None,
                    facts=schema_facts(pschema, ploc, self.resolver.follow),
                )
            )
            self._field_types.append((fields[-1], declared, self._schema_allows_null(pschema, ploc, 0)))
            dv = p.get("default", ...)
            if not is_req and dv is not ... and dv is not None:
                # built once every class is known (a default may be a model defined later)
                self._pending_defaults.append((fields[-1], dv, t, ploc))
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            self.discriminator_props.add((name, disc["propertyName"]))
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
        self._model_shapes[name] = ModelShape(shape, closed=extra == "forbid")
        facts: dict[str, Any] = {"required": missing} if missing else {}
        if isinstance(schema.get("minProperties"), int):
            facts["minProperties"] = schema["minProperties"]
        open_extra = addl is True or isinstance(addl, dict)
        return ModelDef(
            name, loc.key, doc, fields, extra, extra_hint, deps, facts=facts, open_extra=open_extra
        )

    def known_types(self) -> Known:
        """The generated types built so far, for :func:`.literals.field_default`."""
        return Known(self.defs, self._model_shapes, self._alias_types, self.class_of)

    def _resolve_defaults(self) -> None:
        """Write the defaults of the fields built so far (see :func:`.literals.field_default`);
        a default that does not fit its field's type is reported and left out."""
        known = self.known_types()
        pending, self._pending_defaults = self._pending_defaults, []
        for f, value, t, ploc in pending:
            f.default = field_default(value, t, known) if is_json(value) else "None"
            if f.default == "None":
                self.sink.info(
                    "this default does not fit the field's Python type and is not applied (the field defaults to None)",
                    ploc.child("default").pointer,
                    source=self._src(ploc),
                )

    def mark_nullable(self) -> None:
        """Flag the fields whose schema allows null (a type list or ``nullable``, a null
        variant, a ``$ref`` to a schema that allows it, an untyped schema): only their ``None``
        is sent (``Field.nullable``). Runs once every definition is built (an alias may be
        defined after a model that uses it)."""
        for f, t, declared_null in self._field_types:
            f.nullable = declared_null or self._allows_null(t, set())

    def _schema_allows_null(self, schema: Any, loc: Loc, depth: int) -> bool:
        """Whether a schema says null is allowed, through ``$ref`` (a nullable object schema is a
        class whose references do not say it): ``type: null`` or a type list with it, 3.0
        ``nullable``, a null ``enum``/``const`` value, a ``oneOf``/``anyOf`` member allowing it."""
        if depth > 16 or not isinstance(schema, dict):
            return False
        if "$ref" in schema:
            try:
                loc, target = self.resolver.follow(schema, loc)
            except RefError:
                return False
            if self._schema_allows_null(target, loc, depth + 1):
                return True
        typ = schema.get("type")
        if typ == "null" or (isinstance(typ, list) and "null" in typ) or schema.get("nullable") is True:
            return True
        if (isinstance(schema.get("enum"), list) and None in schema["enum"]) or ("const" in schema and schema["const"] is None):
            return True
        return any(
            self._schema_allows_null(member, loc.child(key, i), depth + 1)
            for key in ("oneOf", "anyOf")
            for i, member in enumerate(schema.get(key) if isinstance(schema.get(key), list) else [])
        )

    def _allows_null(self, t: TypeExpr, seen: set[str]) -> bool:
        """Whether ``None`` is a value of ``t``, through unions and aliases."""
        if T.is_nullable(t):
            return True
        if isinstance(t, UnionOf):
            return any(self._allows_null(v, seen) for v in t.variants)
        if isinstance(t, Named) and t.name not in seen:
            for name in (t.name, self.class_of(t.name)):  # a schema's use, then its class
                if name in self._alias_types:
                    return self._allows_null(self._alias_types[name], seen | {t.name})
        return False

    def mark_always_sent(self) -> None:
        """Flag the optional discriminator properties that have a default (the value that selects
        their variant) as always sent. Runs once every definition is built: a model can be a
        variant of a union that is read after the model itself."""
        props = {(self.class_of(name), prop) for name, prop in self.discriminator_props}
        for d in self.defs.values():
            if not isinstance(d, ModelDef):
                continue
            for f in d.fields:
                if (
                    (d.name, f.json_name) in props
                    and not f.required
                    and not f.read_only
                    and f.default not in (None, "None")
                ):
                    f.always_sent = True


def _file_input(t: TypeExpr) -> TypeExpr:
    """Binary fields of a multipart body accept files (path, bytes, file object, tuple)."""
    if t == Prim("bytes"):
        return Prim("FileInput")
    if isinstance(t, ListOf) and t.item == Prim("bytes"):
        return ListOf(Prim("FileInput"))
    return t


#: Names that are secrets as a whole: their last word, or last words (``clientSecret``,
#: ``access_token``, ``x-api-key``, ``privateKey``); ``token`` only alone or after a word that
#: makes it a credential (``max_tokens``, ``token_count``, ``next_page_token`` are not secrets).
_SECRET_WORDS = frozenset({"password", "passwd", "passphrase", "secret", "apikey", "privatekey", "secretkey"})
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"),
        ("encryption", "key"), ("access", "token"), ("refresh", "token"), ("id", "token"),
        ("auth", "token"), ("bearer", "token"), ("session", "token"), ("api", "token"),
        ("oauth", "token"), ("security", "token"), ("secret", "token"), ("client", "token"),
    }
)  # fmt: skip


_NOT_SECRET = re.compile(r"(?i)(url|uri|endpoint|type|id|ids|expiry|expires_?at|expires_?in|scopes?|count)$")


def is_secret_name(jname: str) -> bool:
    """True when a property name is a secret as a whole word (``password``, ``client_secret``,
    ``apiKey``, ``access_token``, ``token``), not when it merely contains one (``max_tokens``,
    ``token_count``, ``password_expires_at``)."""
    ws = [w.lower() for w in words(jname)]
    if not ws:
        return False
    return ws == ["token"] or ws[-1] in _SECRET_WORDS or tuple(ws[-2:]) in _SECRET_PAIRS


def _is_secret(jname: str, schema: dict[str, Any], model_name: str) -> bool:
    """Masked in ``repr``: a ``format: password`` or ``writeOnly`` field (sent, never shown
    back), a string named as a secret (:func:`is_secret_name`), and the string fields of
    Versori's ``CredentialData*`` models but the ones that name rather than hold a credential."""
    if schema.get("format") == "password" or schema.get("writeOnly") is True:
        return True
    typ = schema.get("type")
    if typ is not None and typ != "string" and not (isinstance(typ, list) and "string" in typ):
        return False  # a number, a flag, a list or an object is no secret by its name
    if is_secret_name(jname):
        return True
    if _NOT_SECRET.search(jname):
        return False
    return model_name.lower().startswith("credentialdata") and typ == "string" and jname not in (
        "username", "clientId", "authorizeUrl", "tokenUrl", "additionalParams", "mTLSCredentialId", "scopes"
    )  # fmt: skip
