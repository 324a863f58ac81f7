"""Which class each schema becomes: class names for component and inline schemas, one class for
identical inline copies, and registration (a name is reserved before its body is built, which
is queued, so forward and circular references are ordinary).

A ``$ref`` target is named after the last token of its pointer (a component's name), or after
its file and the last tokens when that one names nothing (``items``, an index...); an inline
schema after where it is used (``<Parent><Property>``, ``<Operation>Request``, the ``hint`` that
:meth:`~generator.normalize.schemas.SchemaBuilder.type_of` passes down). Configured
``class-names`` override both. A taken name gets a numeric suffix (an INFO diagnostic).
"""

from __future__ import annotations

import json
from typing import Any

from ..ir.model import AliasDef, Named, TypeExpr
from ..ir.names import pascal, py_ident
from ..refs import Loc
from . import types as T

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


#: Appended to a schema's location to key its input class (see ``read_write.py``).
INPUT_KEY = "#input"


class ClassNamesMixin:
    """Naming and registration, mixed into :class:`~generator.normalize.schemas.SchemaBuilder`
    (which sets up the state these methods share: ``classes``, ``defs``, ``_by_loc``...)."""

    def _renamed(self, key: str, desired: str, got: str) -> None:
        self.sink.info(f"class name '{desired}' is taken; using '{got}'", key.removesuffix(INPUT_KEY).split("#", 1)[-1])

    def class_name(self, desired: str, key: str) -> str:
        """Allocate a class name for the schema at ``key`` (PascalCase of ``desired``)."""
        return self.classes.allocate(py_ident(pascal(desired), prefix="Model"), key)

    def register(self, loc: Loc, schema: Any, desired: str) -> str:
        """Reserve a class name for the schema at ``loc`` and queue its body for building (in a
        request body, its input class when it has one: see ``read_write.py``)."""
        if self._writing and self.write_differs(loc, schema):
            return self.register_input(loc, schema, desired)
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
            self._alias_types[name] = Named(first)
            return name
        if override and override.isidentifier():
            name = self.classes.allocate(override, loc.key)
        else:
            name = self.class_name(desired, loc.key)
        self._by_loc[loc.key] = name
        self._sources[name] = (loc, schema)
        if content is not None:
            self._by_content[content] = name
        if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
            self.defs[name] = self._definition(loc, schema, name)  # enums never recurse
        else:
            self._queue.append((loc, schema, name))
            self._queued[name] = (loc, schema)
        return name

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
        key, desired = self.alias_key(t, loc, desired)
        name = self.class_name(desired, key)
        if name not in self.defs:
            self.defs[name] = AliasDef(name, loc.key, "", T.hint(t), T.names_in(t))
            self._alias_types[name] = t
        return Named(name)

    def _ref_name(self, loc: Loc) -> str:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in loc.pointer.split("/")]
        last = tokens[-1] if loc.pointer else ""
        if not last or last.isdigit() or last in ("schema", "items", "additionalProperties"):
            stem = loc.uri.rsplit("/", 1)[-1].split(".", 1)[0]
            parts = [t for t in tokens[1:] if t not in ("components", "schemas", "properties")]
            last = stem if not parts else stem + "_" + "_".join(parts[-2:])
        return last

    def _reverse_name(self, name: str) -> str:
        """The last pointer token of the schema registered as class ``name`` (else ``name``)."""
        for key, n in self._by_loc.items():
            if n == name:
                return key.removesuffix(INPUT_KEY).rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return name


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
