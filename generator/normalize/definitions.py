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
)
from ..ir.names import PY_RESERVED, NameAllocator, pascal, py_ident, snake, upper_snake
from ..refs import Loc
from ..render.text import py_literal
from . import types as T
from .composition import PROP_LOCS
from .literals import Known, ModelShape, field_default, is_json, literal_type

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
_SECRET_NAME = re.compile(r"(?i)(password|secret|token|api_?key|private_?key)")


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
        if t == Named(name):  # an object that did not want a class after all
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
        alloc = NameAllocator(reserved=_PYDANTIC_ATTRS | {"model_config"})
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
            # required readOnly: required in responses (input classes leave it out); required
            # writeOnly: required in input classes only (the server never sends it)
            is_req = jname in required and (self._writing or p.get("writeOnly") is not True)
            default = None
            if not is_req:
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
                    secret=_is_secret(jname, p, name),
                    deprecated=bool(p.get("deprecated")),
                )
            )
            dv = p.get("default", ...)
            if not is_req and dv is not ... and dv is not None:
                # built once every class is known (a default may be a model defined later)
                self._pending_defaults.append((fields[-1], dv, t, ploc))
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
        return ModelDef(name, loc.key, doc, fields, extra, extra_hint, deps)

    def _resolve_defaults(self) -> None:
        """Write the defaults of the fields built so far (see :func:`.literals.field_default`);
        a default that does not fit its field's type is reported and left out."""
        known = Known(self.defs, self._model_shapes, self._alias_types)
        pending, self._pending_defaults = self._pending_defaults, []
        for f, value, t, ploc in pending:
            f.default = field_default(value, t, known) if is_json(value) else "None"
            if f.default == "None":
                self.sink.info(
                    "this default does not fit the field's Python type and is not applied (the field defaults to None)",
                    ploc.child("default").pointer,
                    source=self._src(ploc),
                )


def _file_input(t: TypeExpr) -> TypeExpr:
    """Binary fields of a multipart body accept files (path, bytes, file object, tuple)."""
    if t == Prim("bytes"):
        return Prim("FileInput")
    if isinstance(t, ListOf) and t.item == Prim("bytes"):
        return ListOf(Prim("FileInput"))
    return t


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
