"""``oneOf``/``anyOf`` merged with the object around them: a union inside ``allOf``
(``allOf: [Base, {oneOf: [Cat, Dog]}]``, as Speakeasy, utoipa and drf-spectacular write it) or
beside ``properties`` (as FastAPI/pydantic do).

Such a schema is a union of merged classes, one per variant: the object around the union (the
``allOf``'s other members, the ``properties`` beside it) merged with that variant
(``PetCat``, ``PetDog``; inline variants are numbered, ``Item1``). Several unions in one
``allOf`` multiply (up to :data:`MAX_ALTERNATIVES` classes; beyond, one class has every
variant's fields, optional). The union is discriminated when a ``discriminator`` applies (its
mapping names the variants), else told apart by shape like any other union.

Variants that add no property (only ``required`` lists) do not split the class: it is the
object around them. Variants that are not objects cannot be merged with an object; they are
reported and left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..ir.model import Named, TypeExpr
from ..ir.names import pascal
from ..refs import Loc, RefError
from .class_names import INPUT_KEY
from .composition import PROP_LOCS, _mapping_ref, null_only

if TYPE_CHECKING:
    from .schemas import SchemaBuilder

#: The most merged classes one schema becomes (several unions in one ``allOf`` multiply).
MAX_ALTERNATIVES = 24
#: Keys of a schema that say which variant applies; a merged class has none of them.
_UNION_KEYS = ("oneOf", "anyOf", "allOf", "discriminator")


@dataclass(frozen=True)
class Alternative:
    """One merged class: ``suffix`` of its name, ``view`` (the merged object schema), ``loc``
    of its (first) variant, the locations of the schemas merged into it (``sources``) and their
    schema names (``names``, a discriminator's implicit values)."""

    suffix: str
    view: dict[str, Any]
    loc: Loc
    sources: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Part:
    """One ``oneOf``/``anyOf`` found in a schema or its ``allOf`` members."""

    key: str
    variants: tuple[tuple[Loc, Any], ...]
    loc: Loc
    discriminator: Any


class VariantsMixin:
    """Unions merged with the object around them, mixed into
    :class:`~generator.normalize.schemas.SchemaBuilder` (which sets up ``_alternatives_of``,
    ``_alternatives_disc``, ``_parts_of`` and ``_alternatives_busy``)."""

    def alternatives(self: "SchemaBuilder", schema: Any, loc: Loc) -> list[Alternative] | None:
        """The merged classes ``schema`` (at ``loc``) stands for, or None when it is no union
        merged with an object (no ``oneOf``/``anyOf`` beside properties or in ``allOf``, or
        variants that add no property). One alternative: the class itself, with the variant's
        fields."""
        if not isinstance(schema, dict) or not any(schema.get(k) for k in ("oneOf", "anyOf", "allOf")):
            return None
        key = loc.key
        if key in self._alternatives_of:
            return self._alternatives_of[key]
        if key in self._alternatives_busy:
            return None  # a variant that contains the schema itself
        self._alternatives_busy.add(key)
        try:
            found = self._find_alternatives(schema, loc)
        finally:
            self._alternatives_busy.discard(key)
        self._alternatives_of[key] = found
        return found

    def _find_alternatives(self: "SchemaBuilder", schema: dict[str, Any], loc: Loc) -> list[Alternative] | None:
        parts = self._union_parts(schema, loc)
        if not parts:
            return None
        common = self.merged_all_of(schema, loc)
        if not common.get("properties") and len(parts) < 2:
            return None  # a plain union (``oneOf`` of classes) is no merge
        splitting = [(p, opts) for p in parts if (opts := self._options(p)) is not None]
        if not splitting or (not common.get("properties") and len(splitting) < 2):
            return None
        candidates = [splitting[0][0].discriminator] if len(splitting) == 1 else []
        candidates += [schema.get("discriminator"), common.get("discriminator")]
        self._alternatives_disc[loc.key] = next(
            (d for d in candidates if isinstance(d, dict) and isinstance(d.get("propertyName"), str)), None
        )
        alts = [Alternative("", _bare(common), loc)]
        for part, options in splitting:
            if len(alts) * len(options) > MAX_ALTERNATIVES:
                self.sink.info(
                    f"{len(alts) * len(options)} combinations of variants: one class has every "
                    "variant's fields (optional); which variant applies is not checked",
                    part.loc.child(part.key).pointer,
                    source=self._src(part.loc),
                )
                alts = [self._with_all(a, options) for a in alts]
                continue
            alts = [self._combined(a, o) for a in alts for o in options]
        return alts

    def _union_parts(self: "SchemaBuilder", schema: dict[str, Any], loc: Loc, depth: int = 0) -> list[_Part]:
        """Every ``oneOf``/``anyOf`` of ``schema`` and of its ``allOf`` members (refs followed,
        nested ``allOf`` too), in document order; each location is looked at once (a member
        reached by many paths, a member that contains itself)."""
        key = loc.key
        if key in self._parts_of:
            return self._parts_of[key]
        busy = "parts " + key
        if busy in self._alternatives_busy or depth > 32:
            return []
        self._alternatives_busy.add(busy)
        parts: list[_Part] = []
        try:
            for ukey in ("oneOf", "anyOf"):
                variants = schema.get(ukey)
                if isinstance(variants, list) and variants:
                    found = tuple((loc.child(ukey, i), v) for i, v in enumerate(variants))
                    parts.append(_Part(ukey, found, loc, schema.get("discriminator")))
            members = schema.get("allOf")
            for i, member in enumerate(members if isinstance(members, list) else []):
                try:
                    mloc, target = self.resolver.follow(member, loc.child("allOf", i))
                except RefError:
                    continue  # reported where the allOf is merged
                if isinstance(target, dict):
                    parts += [p for p in self._union_parts(target, mloc, depth + 1) if p not in parts]
        finally:
            self._alternatives_busy.discard(busy)
        self._parts_of[key] = parts
        return parts

    def _options(self: "SchemaBuilder", part: _Part, depth: int = 0) -> list[Alternative] | None:
        """What each variant of ``part`` adds (an :class:`Alternative` with its own view), or
        None when no variant adds a property (the part does not split the class)."""
        options: list[Alternative] = []
        adds = False
        for index, (vloc, raw) in enumerate(part.variants):
            try:
                tloc, target = self.resolver.follow(raw, vloc)
            except RefError as exc:
                self.sink.error(f"unresolvable $ref in {part.key}: {exc}", vloc.pointer, source=self._src(vloc))
                continue
            if not isinstance(target, dict) or null_only(target):
                continue  # null makes the whole schema nullable (see SchemaBuilder._nullable)
            is_ref = isinstance(raw, dict) and "$ref" in raw
            name = self._ref_name(tloc) if is_ref else ""
            suffix = pascal(name) if is_ref else str(index + 1)
            if any(target.get(k) for k in ("oneOf", "anyOf")) and not target.get("properties") and depth < 8:
                # a variant that is itself a union: its variants, each on its own
                for key in ("oneOf", "anyOf"):
                    inner = target.get(key)
                    if not isinstance(inner, list) or not inner:
                        continue
                    nested = _Part(key, tuple((tloc.child(key, i), v) for i, v in enumerate(inner)), tloc, None)
                    for o in self._options(nested, depth + 1) or []:
                        adds = True
                        options.append(Alternative(suffix + o.suffix, o.view, vloc, (tloc.key, *o.sources), o.names))
                continue
            view = _bare(self.merged_all_of(target, tloc))
            if view.get("properties"):
                adds = True
            elif not _constraint_only(target):
                self.sink.warning(
                    f"this {part.key} variant is not an object and cannot be merged with the object "
                    "around it; it is left out",
                    vloc.pointer,
                    source=self._src(vloc),
                )
                continue
            options.append(Alternative(suffix, view, vloc, (tloc.key,), (name,) if name else ()))
        return options if adds else None

    def _combined(self: "SchemaBuilder", base: Alternative, option: Alternative) -> Alternative:
        """``base`` merged with one more variant: its properties over the base's (a narrowing
        property such as ``enum: [cat]`` narrows the base's), required lists joined."""
        view = self._merged_views(base.view, option.view, option.loc)
        for key in ("title", "description"):
            if key in option.view:
                view[key] = option.view[key]
        return Alternative(
            base.suffix + option.suffix,
            view,
            option.loc if not base.sources else base.loc,
            base.sources + option.sources,
            base.names + option.names,
        )

    def _with_all(self: "SchemaBuilder", base: Alternative, options: list[Alternative]) -> Alternative:
        """``base`` with every option's properties, none of them required."""
        view = base.view
        for o in options:
            view = self._merged_views(view, {**o.view, "required": []}, o.loc)
        return Alternative(base.suffix, view, base.loc, base.sources, base.names)

    def _merged_views(self: "SchemaBuilder", base: dict[str, Any], extra: dict[str, Any], loc: Loc) -> dict[str, Any]:
        props = dict(base.get("properties") or {})
        locs = dict(base.get(PROP_LOCS) or {})
        extra_locs = extra.get(PROP_LOCS) or {}
        for pname, pschema in (extra.get("properties") or {}).items():
            props[pname] = self._merge_prop(props.get(pname), pschema, loc, pname)
            if props[pname] is pschema:
                locs[pname] = extra_locs.get(pname) or loc.child("properties", pname)
            else:
                locs.pop(pname, None)
        required = list(base.get("required") or [])
        required += [r for r in extra.get("required") or [] if isinstance(r, str)]
        out = {**base, "properties": props, PROP_LOCS: locs, "required": list(dict.fromkeys(required))}
        if "additionalProperties" in extra and "additionalProperties" not in base:
            out["additionalProperties"] = extra["additionalProperties"]
        return out

    # -- the union of the merged classes -------------------------------------------------------

    def variant_union(self: "SchemaBuilder", alts: list[Alternative], loc: Loc, name: str) -> TypeExpr:
        """Register a class per alternative (``<name><suffix>``) and return their union:
        discriminated when a discriminator names every one of them, else by shape."""
        # the properties every alternative has from the object around the union are typed
        # first, so that their inline classes are named after it (``<name><Property>``)
        shared = set.intersection(*(set((a.view.get(PROP_LOCS) or {}).items()) for a in alts))
        for pname, ploc in sorted(shared, key=lambda item: item[0]):
            pschema = (alts[0].view.get("properties") or {}).get(pname)
            if isinstance(pname, str) and isinstance(ploc, Loc):
                self.type_of(pschema, ploc, f"{name}{pascal(pname) or 'Field'}")
        names = [self._register_alternative(a, loc, f"{name}{a.suffix}") for a in alts]
        variants: list[TypeExpr] = [Named(n) for n in names]
        disc = self._alternatives_disc.get(loc.key)
        if disc is not None:
            mapping = self._alternatives_mapping(alts, names, disc, loc)
            if mapping is not None:
                return self._tagged(variants, disc["propertyName"], mapping)
        return self._union_of(variants, {}, loc)

    def _register_alternative(self: "SchemaBuilder", alt: Alternative, parent: Loc, desired: str) -> str:
        key = f"{parent.key}/x-merged-variant/{alt.suffix}"
        read = self._by_loc.get(key)
        writing = self._writing and self.view_differs(alt.view, alt.loc)
        if writing:  # the input class of this variant (see read_write.py)
            key += INPUT_KEY
            desired = f"{read}Input" if read else desired
        if key in self._by_loc:
            return self._by_loc[key]
        name = self.class_name(desired, parent, f"/x-merged-variant/{alt.suffix}")
        self._by_loc[key] = name
        self._sources[name] = (alt.loc, alt.view)
        if writing:
            self._input_names.add(name)
            if read:
                self.read_names[name] = read
        self._queue.append((alt.loc, alt.view, name))
        self._queued[name] = (alt.loc, alt.view)
        return name

    def _alternatives_mapping(
        self: "SchemaBuilder", alts: list[Alternative], names: list[str], disc: dict[str, Any], loc: Loc
    ) -> dict[str, str] | None:
        """Discriminator value -> class name for every alternative (the mapping's entries by
        the schema they name, else the variant's single value of the property, else its schema
        name); None when some alternative has no value."""
        prop = disc["propertyName"]
        by_source = {src: n for a, n in zip(alts, names) for src in a.sources}
        mapping: dict[str, str] = {}
        raw_map = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
        for value, ref in raw_map.items():
            if not isinstance(ref, str):
                continue
            try:
                target_loc, _ = self.resolver.lookup(_mapping_ref(ref), loc)
            except RefError:
                continue
            if target_loc.key in by_source:
                mapping[str(value)] = by_source[target_loc.key]
        for alt, n in zip(alts, names):
            if n in mapping.values():
                continue
            pschema = (alt.view.get("properties") or {}).get(prop)
            values: list[Any] = []
            if isinstance(pschema, dict):
                if "const" in pschema:
                    values = [pschema["const"]]
                elif isinstance(pschema.get("enum"), list) and len(pschema["enum"]) == 1:
                    values = list(pschema["enum"])
            if not values and alt.names:
                values = [alt.names[-1]]
            if not values:
                return None
            for v in values:
                mapping.setdefault(str(v), n)
        return mapping


def _bare(view: dict[str, Any]) -> dict[str, Any]:
    """A merged view without the keys that choose a variant (a merged class is one variant)."""
    return {k: v for k, v in view.items() if k not in _UNION_KEYS}


def _constraint_only(schema: dict[str, Any]) -> bool:
    """True for a variant that only constrains an object (``required``, ``minProperties``...):
    no type but object, no values, no items."""
    return schema.get("type") in (None, "object") and not any(
        k in schema for k in ("enum", "const", "items", "prefixItems")
    )
