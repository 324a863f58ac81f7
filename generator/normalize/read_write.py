"""``readOnly`` and ``writeOnly``: one schema, two shapes.

Classes are built for what the server sends (responses): a required ``readOnly`` property is
required and typed as declared, a ``writeOnly`` property is optional (the server never sends
it). A request body is typed with :meth:`ReadWriteMixin.request_type`, in *write mode*: a class
whose schema, or a schema it reaches (properties, items, maps, ``allOf``/``oneOf``/``anyOf``,
``$ref``, a base's discriminator mapping), has a ``readOnly`` property or a required
``writeOnly`` one gets an input class, ``<Name>Input``, without its ``readOnly`` properties
(OAS 3.0: such a property is "required on the response only"; 3.1: it "SHOULD NOT be sent as
part of the request"), with its required ``writeOnly`` ones required, and typed with the input
classes of what it reaches. Classes with nothing to change are shared by both. A schema first
met in a request body (an inline request body) keeps its plain name in write mode.

An input class is registered under its schema's location plus :data:`INPUT_KEY`; its body is
built in write mode (``_writing``), which ``register``, ``aliased``, ``_register_alternative``
and ``_model_def`` consult.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from ..ir.model import TypeExpr
from ..refs import Loc, RefError
from . import types as T
from .class_names import INPUT_KEY
from .composition import PROP_LOCS, _mapping_ref

if TYPE_CHECKING:
    from .schemas import SchemaBuilder

#: Keys of the ``$ref`` target a property takes as its own (see :meth:`property_view`).
_TARGET_KEYS = ("readOnly", "writeOnly", "default", "deprecated", "format", "type")


class ReadWriteMixin:
    """Input classes for request bodies, mixed into
    :class:`~generator.normalize.schemas.SchemaBuilder` (which sets up ``_writing``,
    ``_input_names``, ``read_names`` and ``_differs``)."""

    def request_type(self: "SchemaBuilder", schema: Any, loc: Loc, hint: str) -> TypeExpr:
        """The type of a request body ``schema`` at ``loc`` (inline classes named after
        ``hint``): input classes where the classes of responses have ``readOnly`` properties or
        optional ``writeOnly`` ones; a discriminated union is a named alias."""
        saved, self._writing = self._writing, True
        try:
            return self.aliased(self.type_of(schema, loc, hint), loc, hint)
        finally:
            self._writing = saved

    def property_view(self: "SchemaBuilder", pschema: Any, ploc: Loc) -> dict[str, Any]:
        """What a property says of itself: its schema, with ``readOnly``/``writeOnly``,
        ``default``, ``deprecated``, ``format`` and ``type`` taken from its ``$ref`` target
        unless (3.1) the property says otherwise beside the ``$ref``."""
        p = pschema if isinstance(pschema, dict) else {}
        if "$ref" not in p:
            return p
        try:
            _, target = self.resolver.follow(p, ploc)
        except RefError:
            target = {}
        if not isinstance(target, dict):
            return p
        return {
            **{k: v for k, v in target.items() if k in _TARGET_KEYS},
            **(p if self.is31 else {}),
        }

    # -- which classes differ in write mode ----------------------------------------------------

    def write_differs(self: "SchemaBuilder", loc: Loc, schema: Any) -> bool:
        """True when the class of ``schema`` at ``loc`` is not the same in a request: it, or a
        schema it reaches, has a ``readOnly`` property or a required ``writeOnly`` one."""
        memo = self._differs
        if loc.key in memo:
            return memo[loc.key]
        seen = {loc.key}
        stack: list[tuple[Loc, Any]] = [(loc, schema)]
        found = False
        while stack and not found:
            at, node = stack.pop()
            if self._marked(at, node):
                found = True
                break
            for child_loc, child in self._reached(at, node):
                known = memo.get(child_loc.key)
                if known:
                    found = True
                    break
                if known is None and child_loc.key not in seen:
                    seen.add(child_loc.key)
                    stack.append((child_loc, child))
        if found:
            memo[loc.key] = True
        else:
            # every schema seen reaches only schemas seen: none of them differs
            memo.update(dict.fromkeys(seen, False))
        return found

    def view_differs(self: "SchemaBuilder", view: dict[str, Any], loc: Loc) -> bool:
        """:meth:`write_differs` for a merged view (a variant merged with the object around it),
        which has no location of its own."""
        return self._marked(loc, view) or any(
            self.write_differs(cl, c) for cl, c in self._reached(loc, view)
        )

    def _marked(self: "SchemaBuilder", loc: Loc, node: Any) -> bool:
        """True when ``node`` declares a ``readOnly`` property or a required ``writeOnly`` one."""
        props = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(props, dict):
            return False
        required = node.get("required") if isinstance(node.get("required"), list) else []
        locs = node.get(PROP_LOCS) or {}
        for name, pschema in props.items():
            p = self.property_view(pschema, locs.get(name) or loc.child("properties", str(name)))
            if p.get("readOnly") is True or (p.get("writeOnly") is True and name in required):
                return True
        return False

    def _reached(self: "SchemaBuilder", loc: Loc, node: Any) -> Iterator[tuple[Loc, Any]]:
        """The schemas ``node`` (at ``loc``) is made of: ``$ref`` target, properties, items,
        maps, composition members, and a base's discriminator mapping."""
        if not isinstance(node, dict):
            return
        if isinstance(node.get("$ref"), str):
            try:
                yield self.resolver.lookup(node["$ref"], loc)
            except RefError:
                pass
        locs = node.get(PROP_LOCS) or {}
        for key in ("properties", "patternProperties"):
            found = node.get(key)
            for name, sub in found.items() if isinstance(found, dict) else ():
                yield (locs.get(name) if key == "properties" else None) or loc.child(
                    key, str(name)
                ), sub
        for key in ("additionalProperties", "items", "unevaluatedProperties"):
            sub = node.get(key)
            if isinstance(sub, dict):
                yield loc.child(key), sub
        for key in ("allOf", "oneOf", "anyOf", "prefixItems", "items"):
            subs = node.get(key)
            for i, sub in enumerate(subs if isinstance(subs, list) else ()):
                yield loc.child(key, i), sub
        disc = node.get("discriminator")
        mapping = disc.get("mapping") if isinstance(disc, dict) else None
        if isinstance(mapping, dict) and "oneOf" not in node and "anyOf" not in node:
            for ref in mapping.values():
                if isinstance(ref, str):
                    try:
                        yield self.resolver.lookup(_mapping_ref(ref), loc)
                    except RefError:
                        pass

    # -- input classes ---------------------------------------------------------------------

    def register_input(self: "SchemaBuilder", loc: Loc, schema: Any, desired: str) -> str:
        """Reserve the input class of the schema at ``loc`` (``<Name>Input`` beside the class
        of responses, else ``desired``) and queue its body, built in write mode; returns its
        name (a token until names are decided, see ``class_names.py``)."""
        key = loc.key + INPUT_KEY
        if key in self._by_loc:
            return self._by_loc[key]
        read = self._by_loc.get(loc.key)
        name = self.class_name(f"{read}Input" if read else desired, loc, INPUT_KEY)
        self._by_loc[key] = name
        self._sources[name] = (loc, schema)
        self._input_names.add(name)
        if read:
            self.read_names[name] = self.class_of(read)
        self._queue.append((loc, schema, name))
        self._queued[name] = (loc, schema)
        return name

    def alias_key(self: "SchemaBuilder", t: TypeExpr, loc: Loc, desired: str) -> tuple[str, str]:
        """The registration suffix and desired name of the alias of ``t`` at ``loc`` (see
        ``aliased``): an alias naming input classes is an input alias (``<Alias>Input`` beside
        the alias of responses at the same place)."""
        suffix = "#alias"
        if not self._writing or not T.names_in(t) & self._input_names:
            return suffix, desired
        read = self._token_by_key.get(loc.key + suffix)
        return suffix + INPUT_KEY, f"{read}Input" if read else desired

    def input_view(self: "SchemaBuilder", view: Any, loc: Loc) -> Any:
        """The object schema ``view`` of an input class: without its ``readOnly`` properties."""
        if not isinstance(view, dict) or not isinstance(view.get("properties"), dict):
            return view
        locs = view.get(PROP_LOCS) or {}
        dropped = {
            name
            for name, p in view["properties"].items()
            if self.property_view(p, locs.get(name) or loc.child("properties", str(name))).get(
                "readOnly"
            )
            is True
        }
        if not dropped:
            return view
        return {
            **view,
            "properties": {k: v for k, v in view["properties"].items() if k not in dropped},
            "required": [r for r in view.get("required") or [] if r not in dropped],
        }
