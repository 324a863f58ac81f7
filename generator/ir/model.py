"""IR dataclasses: the API, its operations and its schemas, with every decision already made.

Every node keeps ``pointer``: the JSON pointer (``uri#pointer`` for other files) of the spec
location it came from. Strings meant for Python source (``hint``, ``default``) are final Python
expressions; names are valid, non-reserved identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


# --- type expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Prim:
    """A primitive or library type: ``str``, ``int``, ``datetime.datetime``, ``Any``, ``None``..."""

    name: str


@dataclass(frozen=True)
class ListOf:
    """``list[item]``."""

    item: "TypeExpr"


@dataclass(frozen=True)
class DictOf:
    """``dict[str, value]``."""

    value: "TypeExpr"


@dataclass(frozen=True)
class TupleOf:
    """``tuple[a, b, ...]`` from ``prefixItems``."""

    items: tuple["TypeExpr", ...]


@dataclass(frozen=True)
class Named:
    """A reference to a generated class or alias by its Python name."""

    name: str


@dataclass(frozen=True)
class LiteralOf:
    """``Literal[...]`` of JSON scalars (already Python literals via ``repr``)."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class UnionOf:
    """A union; ``selector`` is a Python expression (a callable discriminator) or ``None``.

    ``tags`` gives each variant's tag when ``selector`` is set.
    """

    variants: tuple["TypeExpr", ...]
    selector: str | None = None
    tags: tuple[str, ...] = ()


TypeExpr = Union[Prim, ListOf, DictOf, TupleOf, Named, LiteralOf, UnionOf]

ANY = Prim("Any")
NONE = Prim("None")


# --- definitions ------------------------------------------------------------------------------


@dataclass
class Field:
    """A model field: ``py_name`` in Python, ``json_name`` on the wire."""

    py_name: str
    json_name: str
    hint: str
    required: bool
    default: str | None
    doc: str
    pointer: str
    secret: bool = False
    deprecated: bool = False


@dataclass
class ModelDef:
    """A pydantic model class from an object schema (allOf already merged)."""

    name: str
    pointer: str
    doc: str
    fields: list[Field]
    extra: str = "allow"  # "allow" | "forbid"
    extra_hint: str | None = None  # typed additionalProperties
    deps: set[str] = field(default_factory=set)


@dataclass
class EnumMember:
    """One enum member: Python ``name`` and the ``value`` as a Python literal."""

    name: str
    value: str


@dataclass
class EnumDef:
    """An open enum (unknown values parse into a pseudo-member instead of failing)."""

    name: str
    pointer: str
    doc: str
    base: str  # "str" | "int"
    members: list[EnumMember]


@dataclass
class AliasDef:
    """A named type alias (``Tags = dict[str, list[str]]``, discriminated unions...)."""

    name: str
    pointer: str
    doc: str
    hint: str
    deps: set[str] = field(default_factory=set)


Definition = Union[ModelDef, EnumDef, AliasDef]


# --- operations -------------------------------------------------------------------------------


@dataclass
class Parameter:
    """An operation parameter (path, query, header or cookie) as a keyword argument."""

    py_name: str
    json_name: str
    location: str
    hint: str
    required: bool
    doc: str
    pointer: str
    style: tuple[str, bool] | None = None  # (style, explode) when not the location default


@dataclass
class RequestBody:
    """How the request body is sent: ``kind`` is json | form | multipart | binary | text."""

    kind: str
    content_type: str
    hint: str
    required: bool
    doc: str
    pointer: str


@dataclass
class ResponseCase:
    """One declared response: ``key`` is ``200``, ``"2XX"`` or ``"default"`` (Python literal)."""

    key: str
    kind: str  # json | text | binary | none
    type_expr: str  # Python expression of the type to parse into, "None" when untyped
    hint: str
    media_type: str = "application/json"


@dataclass
class Operation:
    """One operation, as one method on a resource class."""

    py_name: str
    operation_id: str
    method: str
    path: str
    summary: str
    doc: str
    pointer: str
    params: list[Parameter]
    bodies: list[RequestBody]
    responses: list[ResponseCase]
    errors: list[ResponseCase]
    return_hint: str
    security: list[str]
    pagination: str | None = None  # Python expression of a pagination strategy
    page_item_hint: str | None = None
    deprecated: bool = False
    body_arg: str = "body"


@dataclass
class Resource:
    """A group of operations (one per first tag): ``attr`` on the client, ``module`` file name."""

    attr: str
    class_name: str
    module: str
    doc: str
    operations: list[Operation]
    tag: str = ""


@dataclass
class SecurityScheme:
    """A supported security scheme: ``kind`` bearer | basic | apikey; ``location`` for API keys."""

    key: str
    kind: str
    param: str  # constructor argument name
    header_name: str = ""
    location: str = ""
    env_var: str = ""
    doc: str = ""


@dataclass
class Api:
    """The whole API: everything the templates render."""

    title: str
    version: str
    doc: str
    package: str
    project: str
    base_url: str
    env_prefix: str
    definitions: list[Definition]
    resources: list[Resource]
    security: list[SecurityScheme]
    default_security: list[str]
    spec_source: str = ""
    package_version: str | None = None
    #: How many documents the API was read from (the root and every document its $refs reached).
    document_count: int = 1
    #: sha256 of the root document's bytes as they were loaded (hex).
    document_sha256: str = ""
    #: Input classes of request bodies beside the classes of responses they stand for:
    #: ``(input class, class of responses)``, in definition order (see
    #: ``normalize/read_write.py``).
    input_models: list[tuple[str, str]] = field(default_factory=list)
