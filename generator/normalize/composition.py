"""Composition keywords: ``allOf`` merged into one object schema, ``oneOf``/``anyOf`` as unions.
Discriminators (declared, inherited, implied by tag properties, a base schema's ``mapping``
expanded into its subtypes) are in ``discriminators.py``; a union merged with the object around
it is in ``variants.py``.

A union of models is told apart by its discriminator property when there is one
(``discriminate(...)``), else by the shape of the data (``match_shape(...)``), both runtime helpers;
variants the shape cannot tell apart are left to pydantic's union (the one the value is valid
for), and enum variants are chosen by the values they declare.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .class_names import TOKEN_RE
from ..ir.model import ANY, NONE, AliasDef, DictOf, EnumDef, ListOf, Named, Prim, TupleOf, TypeExpr, UnionOf
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
        if not merged.get("properties") and merged.get("type") != "object" and self.alternatives(schema, loc) is None:
            return self.type_of({k: v for k, v in merged.items() if k != "properties"}, loc, hint)
        name = self.register(loc, schema, hint)
        return Named(name)

    def _object_view(self, schema: Any, loc: Loc) -> Any:
        """The object schema ``schema`` stands for (``allOf`` merged, mistyped keywords
        dropped), or None when it is none (not an object, an enum, or ``oneOf``/``anyOf``
        without properties beside it)."""
        if not isinstance(schema, dict):
            return None
        alts = self.alternatives(schema, loc)
        if alts is not None:
            # a union merged with the object around it: one class only when one variant is left
            return alts[0].view if len(alts) == 1 else None
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
            # the object beside the variants: a class, or a union of the variants merged with
            # it (see variants.py), registered for this schema
            return self._object(schema, loc, hint)
        variants: list[TypeExpr] = []
        has_null = False
        for i, v in enumerate(raw):
            if isinstance(v, dict) and v.get("type") == "null" and len(v) == 1:
                continue
            t = self.type_of(v, loc.child(key, i), f"{hint}{i + 1}" if len(raw) > 1 else hint)
            # a plain union among the variants is flattened; a nullable variant (a null-only
            # enum, ``nullable: true``...) makes the whole union nullable
            for item in t.variants if isinstance(t, UnionOf) and not t.selector else (t,):
                if item == NONE:
                    has_null = True
                else:
                    variants.append(item)
        variants = list(dict.fromkeys(variants))
        union = self._union_of(variants, schema, loc)
        return T.nullable(union) if has_null else union

    def _union_of(self, variants: list[TypeExpr], schema: dict[str, Any], loc: Loc) -> TypeExpr:
        """The union of ``variants`` (None already left out): discriminated, matched by shape
        and by enum values, or plain."""
        if not variants:
            return NONE
        if len(variants) == 1:
            return variants[0]
        if ANY in variants:
            return ANY
        models = [v for v in variants if isinstance(v, Named) and isinstance(self._peek(v.name), dict)]
        if len(models) == len(variants):
            tagged = self._told_by_tag(models, schema, loc)
            if tagged is not None:
                return tagged
        if len(models) >= 2 or any(self._enum_named(v) is not None for v in variants):
            return self._shape_matched(variants, loc)
        return T.union(variants)

    def _enum_named(self, t: TypeExpr) -> EnumDef | None:
        """The enum class ``t`` names (through aliases of it), or None."""
        seen: set[str] = set()
        while isinstance(t, Named) and t.name not in seen:
            seen.add(t.name)
            d = self.defs.get(self.class_of(t.name))
            if isinstance(d, EnumDef):
                return d
            if not (isinstance(d, AliasDef) and (d.hint.isidentifier() or TOKEN_RE.fullmatch(d.hint))):
                return None
            t = Named(d.hint)
        return None

    def _peek(self, name: str) -> Any:
        """The raw schema registered under class ``name`` (resolving allOf), or None."""
        name = self.class_of(name)
        if name in self._queued:
            loc, schema = self._queued[name]
            view = self._object_view(schema, loc)
        elif name in self.defs:
            view = self._raw.get(name)
        else:
            return None
        if name in self._input_names:  # an input class: without its readOnly properties
            return self.input_view(view, self._sources[name][0])
        return view

    def _shape_matched(self, variants: list[TypeExpr], loc: Loc) -> TypeExpr:
        """A union told apart by the shape of the data (``match_shape``): objects by their
        property names, enums by their values, other variants by their JSON type.

        Object variants the shape cannot tell apart (a value valid for one fits another as
        well, see :func:`_look_alike_groups`) form a group: a plain union inside, where pydantic
        picks the variant the value is valid for. When every variant is an object of one such
        group, the union is plain.
        """
        shapes: list[tuple[str, tuple[str, ...], tuple[str, ...], bool]] = []
        enums: dict[str, tuple[Any, ...]] = {}
        tags: list[str] = []
        objects: list[tuple[str, tuple[str, ...], tuple[str, ...], bool]] = []
        for v in variants:
            view = self._peek(v.name) if isinstance(v, Named) else None
            enum_def = self._enum_named(v)
            if isinstance(view, dict):
                assert isinstance(v, Named)
                props = sorted(k for k in (view.get("properties") or {}) if isinstance(k, str))
                req = sorted(r for r in view.get("required") or [] if isinstance(r, str))
                shape = (v.name, tuple(req), tuple(props), view.get("additionalProperties") is False)
                objects.append(shape)
            elif enum_def is not None:
                enums[enum_def.name] = tuple(ast.literal_eval(m.value) for m in enum_def.members)
                shape = (enum_def.name, (), (), False)
            else:
                shape = (_json_kind(v), (), (), False)
            shapes.append(shape)
            tags.append(shape[0])
        if len(set(tags)) != len(tags) or "other" in tags:
            return T.union(variants)
        groups = _look_alike_groups(objects)
        if len(groups) == 1 and len(groups[0]) == len(variants):
            return T.union(variants)
        group_of = {name: g for g in groups if len(g) > 1 for name in g}
        group_tag = {name: " | ".join(g) for name, g in group_of.items()}
        out_variants: list[TypeExpr] = []
        out_tags: list[str] = []
        for v, tag in zip(variants, tags):
            if tag in group_of:
                if group_tag[tag] not in out_tags:
                    members: list[TypeExpr] = [Named(n) for n in group_of[tag]]
                    out_variants.append(T.union(members))
                    out_tags.append(group_tag[tag])
                continue
            out_variants.append(v)
            out_tags.append(tag)
        args = [py_literal(shapes)]
        if group_tag:
            args.append(f"groups={py_literal(dict(sorted(group_tag.items())))}")
        if enums:
            args.append(f"enums={py_literal(enums)}")
        selector = f"match_shape({', '.join(args)})"
        return UnionOf(tuple(out_variants), selector=selector, tags=tuple(out_tags))


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


def _look_alike_groups(
    objects: list[tuple[str, tuple[str, ...], tuple[str, ...], bool]],
) -> list[list[str]]:
    """The object variants (``(name, required, properties, closed)``) in groups the shape
    cannot tell apart, each group in declaration order, groups in the order of their first
    member.

    Two variants look alike when a value written for one (its required properties and some
    of its own, nothing else) can carry every property the other requires and nothing it does
    not know: ``match_shape`` would then rank both alike and take the first declared.
    """
    parent = list(range(len(objects)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, req_a, known_a, _c) in enumerate(objects):
        for j in range(i + 1, len(objects)):
            _, req_b, known_b, _c2 = objects[j]
            both = (set(known_a) | set(req_a)) & (set(known_b) | set(req_b))
            if set(req_a) | set(req_b) <= both:
                parent[root(j)] = root(i)
    groups: dict[int, list[str]] = {}
    for i, (name, _, _, _) in enumerate(objects):
        groups.setdefault(root(i), []).append(name)
    return list(groups.values())


def _non_null(t: TypeExpr) -> TypeExpr:
    """``t`` without ``None`` (the class a nullable ``$ref`` names)."""
    if isinstance(t, UnionOf) and not t.selector and NONE in t.variants:
        return T.union([v for v in t.variants if v != NONE])
    return t


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


def null_only(schema: Any, depth: int = 0) -> bool:
    """True for a schema whose only value is null: ``type: "null"`` (or ``["null"]``),
    ``enum: [null]``, ``const: null``, or a ``oneOf``/``anyOf``/``allOf`` of such schemas."""
    if not isinstance(schema, dict) or depth > 8 or "$ref" in schema:
        return False
    if schema.get("type") == "null" or schema.get("type") == ["null"]:
        return True
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(v is None for v in enum):
        return True
    if "const" in schema and schema["const"] is None:
        return True
    for key in ("oneOf", "anyOf", "allOf"):
        parts = schema.get(key)
        if isinstance(parts, list) and parts and all(null_only(p, depth + 1) for p in parts):
            return True
    return False
