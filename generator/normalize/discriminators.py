"""Discriminators: which property tells the variants of a union of models apart, and which of
its values selects which class.

The property is found, in this order:

- declared beside the ``oneOf``/``anyOf`` (``discriminator: {propertyName, mapping}``);
- inherited: no discriminator beside the union, but each variant (or a schema its ``allOf``
  reaches, at any depth) declares one on the same property;
- implied: no discriminator anywhere, but every variant declares one same property with values
  of its own (``const``, or an ``enum`` no other variant shares), as GitHub's repository rules
  do (``type: {enum: [creation]}``, ``type: {enum: [update]}``...).

The values: the entries of every mapping found for that property (the declared one first, then
those of the variants and of their bases at every level, so that a subtype mapped by an
intermediate base, ``Bar``'s own ``mapping: {BarQux: Qux}``, is found as well as those the root
base maps); a variant no entry names takes the values its property declares when no other
variant declares them too, else its schema name (the implicit mapping of the OAS).

A discriminator is a hint: the value must still be valid for the variant. At run time
(``discriminate``), a value whose property is missing or holds a value the mapping does not know
is matched by its shape among the variants (a variant whose property only takes mapped values
cannot take an unknown one); a value that fits none is an ``UnknownVariant``.

A reference to a base schema whose discriminator has a ``mapping`` (and no ``oneOf``/``anyOf``)
is the union of the mapped subtypes, the base itself taking every value nothing maps, whatever
its shape (:meth:`DiscriminatorsMixin._with_subtypes`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..ir.model import Named, TypeExpr, UnionOf
from ..refs import Loc, RefError
from ..render.text import py_literal
from .class_names import INPUT_KEY
from .composition import PROP_LOCS, _mapping_ref, _non_null

if TYPE_CHECKING:
    from .schemas import SchemaBuilder

#: How deep ``allOf`` chains are searched for inherited discriminators.
_MAX_DEPTH = 16


class DiscriminatorsMixin:
    """Discriminated unions, mixed into :class:`~generator.normalize.schemas.SchemaBuilder`
    (which sets up ``_sources``, ``_by_loc`` and ``_expanding``)."""

    def _told_by_tag(
        self: "SchemaBuilder", models: list[Named], schema: dict[str, Any], loc: Loc
    ) -> TypeExpr | None:
        """The union of the models ``models`` (the variants of ``schema`` at ``loc``) chosen by
        a discriminator property (declared, inherited or implied), or None when none applies."""
        disc = schema.get("discriminator")
        chains = [self._discriminators_of(v.name) for v in models]
        declared = isinstance(disc, dict) and isinstance(disc.get("propertyName"), str)
        sources: list[tuple[dict[str, Any], Loc]] = []
        if declared:
            assert isinstance(disc, dict)
            prop = disc["propertyName"]
            sources.append((disc, loc))
        else:
            prop = chains[0][0][0]["propertyName"] if chains[0] else None
            if prop is None or not all(
                any(d["propertyName"] == prop for d, _ in c) for c in chains
            ):
                return self._implied_tag(models)
        sources += [(d, dloc) for chain in chains for d, dloc in chain if d["propertyName"] == prop]
        return self._discriminated(models, prop, sources, declared=declared)

    def _discriminated(
        self: "SchemaBuilder",
        variants: list[Named],
        prop: str,
        sources: list[tuple[dict[str, Any], Loc]],
        *,
        declared: bool,
        by_shape: bool = True,
    ) -> TypeExpr:
        """The union of ``variants`` chosen by ``prop``, with the values of the mappings of
        ``sources`` (``(discriminator, its location)``; the first is the union's own when
        ``declared``: its references are reported when they do not resolve); ``by_shape``: see
        :meth:`_tagged`."""
        names = {v.name for v in variants}
        mapping: dict[str, str] = {}
        for index, (disc, dloc) in enumerate(sources):
            raw_map = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
            for value, ref in raw_map.items():
                if not isinstance(ref, str):
                    continue
                if declared and index == 0:
                    t = _non_null(
                        self._ref(
                            _mapping_ref(ref),
                            dloc.child("discriminator", "mapping", str(value)),
                            dloc,
                            "mapping entry dropped",
                        )
                    )
                    name = t.name if isinstance(t, Named) else None
                else:
                    name = self._mapping_class(ref, dloc)
                if name in names:
                    mapping.setdefault(str(value), name)
        mapped = set(mapping.values())
        declared_values = {v.name: self._tag_values(v.name, prop) for v in variants}
        counts = Counter(x for vals in declared_values.values() for x in set(vals or ()))
        for v in variants:
            if v.name in mapped:
                continue
            own = declared_values[v.name]
            default = None if own else self._tag_default(v.name, prop)
            if own and all(counts[x] == 1 for x in own):
                values = own
            elif default is not None:
                # the variant's default value of the property is what it sends (and answers)
                values = [default, self._reverse_name(v.name)]
            else:
                values = [self._reverse_name(v.name)]
            for val in values:
                mapping.setdefault(val, v.name)
        return self._tagged(variants, prop, mapping, by_shape=by_shape)

    def _implied_tag(self: "SchemaBuilder", models: list[Named]) -> TypeExpr | None:
        """A union whose variants each declare the same property with values no other variant
        declares (``const``, ``enum``), told apart by it; None when no property does."""
        first = self._peek(models[0].name) or {}
        for prop in first.get("properties") or {}:
            if not isinstance(prop, str):
                continue
            mapping: dict[str, str] = {}
            for v in models:
                values = self._tag_values(v.name, prop)
                if not values or any(x in mapping for x in values):
                    break
                mapping.update(dict.fromkeys(values, v.name))
            else:
                return self._tagged(models, prop, mapping)
        return None

    def _tagged(
        self: "SchemaBuilder",
        variants: list[TypeExpr],
        prop: str,
        mapping: dict[str, str],
        *,
        by_shape: bool = True,
    ) -> TypeExpr:
        """The union of the models ``variants`` chosen by the value of ``prop`` (``mapping``:
        value -> class name); a value the mapping does not know is matched by shape among the
        variants that accept it (unless not ``by_shape``), else parses into ``UnknownVariant``."""
        for v in variants:
            if isinstance(v, Named):
                self.discriminator_props.add((v.name, prop))
        names = tuple(v.name for v in variants if isinstance(v, Named))
        shapes: list[tuple[str, tuple[str, ...], tuple[str, ...], bool, bool]] = []
        for name in names if by_shape else ():
            view = self._peek(name)
            if not isinstance(view, dict):
                continue
            props = sorted(k for k in (view.get("properties") or {}) if isinstance(k, str))
            req = sorted(r for r in view.get("required") or [] if isinstance(r, str))
            values = self._tag_values(name, prop)
            fixed = values is not None and all(x in mapping for x in values)
            if fixed and prop in req:
                continue  # only its mapped values select it: it never needs its shape
            shapes.append(
                (name, tuple(req), tuple(props), view.get("additionalProperties") is False, fixed)
            )
        args = [py_literal(prop), py_literal(dict(sorted(mapping.items())))]
        if shapes:
            args.append(f"fallback={py_literal(shapes)}")
        return UnionOf(
            tuple(variants) + (Named("UnknownVariant"),),
            selector=f"discriminate({', '.join(args)})",
            tags=names + ("UnknownVariant",),
        )

    def _with_subtypes(self: "SchemaBuilder", named: Named, loc: Loc, target: Any) -> TypeExpr:
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
            variants: list[Named] = []
            for value, mref in disc["mapping"].items():
                if not isinstance(mref, str):
                    continue
                t = _non_null(
                    self._ref(
                        _mapping_ref(mref), loc.child("discriminator", "mapping", str(value)), loc, "mapping entry dropped"
                    )
                )
                if isinstance(t, Named) and t != named and t not in variants:
                    variants.append(t)
            if not variants:
                return named
            # a value the mapping does not list is the base's (which the reference names), not a
            # subtype its shape happens to fit
            union = self._discriminated(
                variants, disc["propertyName"], [(disc, loc)], declared=True, by_shape=False
            )
        finally:
            self._expanding.discard(loc.key)
        assert isinstance(union, UnionOf)
        # the runtime's fallback tag ("UnknownVariant") parses into the base model, which keeps
        # the unknown subtype's fields as extra data
        union = UnionOf(union.variants[:-1] + (named,), selector=union.selector, tags=union.tags)
        return self.aliased(union, loc, f"{self.read_names.get(named.name, named.name)}Subtypes")

    # -- what the variants declare ------------------------------------------------------------

    def _discriminators_of(self: "SchemaBuilder", name: str) -> list[tuple[dict[str, Any], Loc]]:
        """The discriminators the schema of class ``name`` declares or inherits through
        ``allOf`` (refs followed, any depth), nearest first, each with its location."""
        source = self._sources.get(self.class_of(name)) or self._sources.get(name)
        found: list[tuple[dict[str, Any], Loc]] = []
        if source is None:
            return found
        seen: set[str] = set()
        level: list[tuple[Loc, Any]] = [source]
        for _ in range(_MAX_DEPTH):
            below: list[tuple[Loc, Any]] = []
            for loc, schema in level:
                if not isinstance(schema, dict) or loc.key in seen:
                    continue
                seen.add(loc.key)
                disc = schema.get("discriminator")
                if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
                    found.append((disc, loc))
                members = schema.get("allOf")
                for i, member in enumerate(members if isinstance(members, list) else []):
                    try:
                        below.append(self.resolver.follow(member, loc.child("allOf", i)))
                    except RefError:
                        continue  # reported where the allOf is merged
            if not below:
                break
            level = below
        return found

    def _tag_default(self: "SchemaBuilder", name: str, prop: str) -> str | None:
        """The ``default`` (a string or integer) property ``prop`` of class ``name`` declares,
        or None."""
        view = self._peek(name)
        pschema = (view.get("properties") or {}).get(prop) if isinstance(view, dict) else None
        if isinstance(pschema, dict) and "$ref" in pschema:
            source = self._sources.get(self.class_of(name))
            ploc = (view.get(PROP_LOCS) or {}).get(prop) or (source[0].child("properties", prop) if source else None)
            try:
                _, pschema = self.resolver.follow(pschema, ploc) if ploc is not None else (None, None)
            except RefError:
                return None
        default = pschema.get("default") if isinstance(pschema, dict) else None
        return str(default) if isinstance(default, (str, int)) and not isinstance(default, bool) else None

    def _tag_values(self: "SchemaBuilder", name: str, prop: str) -> list[str] | None:
        """The values (as mapping keys) property ``prop`` of class ``name`` is pinned to by its
        ``const`` or ``enum`` (strings or integers), or None when it takes any value."""
        view = self._peek(name)
        source = self._sources.get(self.class_of(name)) or self._sources.get(name)
        if not isinstance(view, dict) or source is None:
            return None
        pschema = (view.get("properties") or {}).get(prop)
        ploc = (view.get(PROP_LOCS) or {}).get(prop) or source[0].child("properties", prop)
        try:
            _, pschema = self.resolver.follow(pschema, ploc)
        except RefError:
            return None
        if not isinstance(pschema, dict):
            return None
        if "const" in pschema:
            values = [pschema["const"]]
        elif isinstance(pschema.get("enum"), list):
            values = [v for v in pschema["enum"] if v is not None]
        else:
            return None
        if not values or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in values
        ):
            return None
        return list(dict.fromkeys(str(v) for v in values))

    def _mapping_class(self: "SchemaBuilder", ref: str, at: Loc) -> str | None:
        """The class a mapping entry ``ref`` (read at ``at``) names, if it has one; unresolvable
        entries are left to where the mapping is declared to report."""
        try:
            tloc, target = self.resolver.lookup(_mapping_ref(ref), at)
            tloc, _ = self.resolver.follow(target, tloc)
        except RefError:
            return None
        if self._writing and tloc.key + INPUT_KEY in self._by_loc:
            return self._by_loc[tloc.key + INPUT_KEY]
        return self._by_loc.get(tloc.key)
