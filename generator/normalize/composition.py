"""Composition keywords: ``allOf`` merged into one object schema, ``oneOf``/``anyOf`` as unions,
and discriminators (a ``discriminator`` next to the variants, inherited from them, or a base
schema's ``mapping`` expanded into its subtypes).

A union of models is told apart by its discriminator property when there is one
(``discriminate(...)``), else by the shape of the data (``match_shape(...)``), both runtime helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.model import ANY, DictOf, ListOf, Named, Prim, TupleOf, TypeExpr, UnionOf
from ..refs import Loc, RefError
from ..render.text import py_literal
from . import types as T

if TYPE_CHECKING:
    from .schemas import SchemaBuilder

#: Keywords that only annotate a schema (no type changes with them): a ``$ref`` with nothing else
#: beside it is its target, an ``allOf`` member with nothing else is left out.
ANNOTATION_KEYS = {
    "description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly",
    "default", "nullable", "summary", "$comment", "externalDocs", "xml",
}  # fmt: skip
#: Key under which a merged allOf view remembers where each property was written.
PROP_LOCS = "x-connect-codegen-property-locations"


class CompositionMixin:
    """``allOf``, ``oneOf``/``anyOf`` and discriminators, mixed into
    :class:`~generator.normalize.schemas.SchemaBuilder` (which sets up the state these methods
    share: ``resolver``, ``sink``, ``_merged``, ``_expanding``...)."""

    # -- allOf --------------------------------------------------------------------------------

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
                    self.sink.warning(
                        f"unresolvable $ref '{member.get('$ref')}': {exc}; member dropped",
                        mloc.child("$ref").pointer,
                        source=self._src(mloc),
                    )
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
            inner_locs = member.get(PROP_LOCS, {})
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
        out[PROP_LOCS] = locs
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
            if not (isinstance(m, dict) and m and set(m) <= ANNOTATION_KEYS)
        ]
        own = {k for k in schema if k not in ANNOTATION_KEYS and k != "allOf" and not k.startswith("x-")}
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

    def _object_view(self, schema: Any, loc: Loc) -> Any:
        """The object schema ``schema`` stands for (``allOf`` merged, mistyped keywords
        dropped), or None when it is none (not an object, an enum, or ``oneOf``/``anyOf``
        without properties beside it)."""
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

    # -- oneOf / anyOf and discriminators -----------------------------------------------------

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
        name = self.class_of(name)
        if name in self._queued:
            loc, schema = self._queued[name]
            return self._object_view(schema, loc)
        d = self.defs.get(name)
        if d is not None:
            return self._raw.get(name)
        return None

    def _discriminated(self, variants: list[TypeExpr], disc: dict[str, Any], loc: Loc) -> TypeExpr:
        prop = disc["propertyName"]
        mapping: dict[str, str] = {}
        raw_map = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
        for value, ref in raw_map.items():
            if not isinstance(ref, str):
                continue
            t = self._ref(_mapping_ref(ref), loc.child("discriminator", "mapping", value), loc, "mapping entry dropped")
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
                t = self._ref(
                    _mapping_ref(mref), loc.child("discriminator", "mapping", str(value)), loc, "mapping entry dropped"
                )
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


def _json_kind(t: TypeExpr) -> str:
    if isinstance(t, Prim):
        return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(t.name, "string")
    if isinstance(t, (ListOf, TupleOf)):
        return "array"
    if isinstance(t, DictOf):
        return "object"
    return "other"


def _mapping_ref(ref: str) -> str:
    """A discriminator mapping value as a ``$ref``: a bare schema name means that component."""
    if "/" not in ref and "#" not in ref and "." not in ref:
        return f"#/components/schemas/{ref}"
    return ref
