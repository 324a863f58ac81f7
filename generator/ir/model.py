"""IR dataclasses: the API, its operations and its schemas, with every decision already made.

Every node keeps ``pointer``: the JSON pointer (``uri#pointer`` for other files) of the spec
location it came from. Strings meant for Python source (``hint``, ``default``) are final Python
expressions; names are valid, non-reserved identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


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
    read_only: bool = False
    #: Sent even when the caller did not set it: its value is fixed by the schema (a one-value
    #: ``const``/``enum``) or it is a discriminator property with a default (the value that
    #: selects this variant). Rendered as the model's ``__always_sent__``.
    always_sent: bool = False
    #: The schema allows null: a ``None`` the caller set is sent as ``null``; any other field
    #: leaves a ``None`` out. Rendered as the model's ``__nullable__``.
    nullable: bool = False
    #: What the schema says of valid values beyond the type (``format``, ``pattern``, bounds)
    #: and its ``example``, as JSON data (``normalize/facts.py``).
    facts: dict[str, Any] = field(default_factory=dict)


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
    #: What the schema says of valid objects beyond the fields: ``required`` names it does not
    #: declare in ``properties`` (kept as extra data), ``minProperties`` (``normalize/facts.py``).
    facts: dict[str, Any] = field(default_factory=dict)
    #: The schema declares ``additionalProperties`` (true or a schema): a body given as a dict
    #: may hold keys that are no field (``__additional_properties__``).
    open_extra: bool = False


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
    #: ``allowReserved`` of a query parameter: RFC 3986 reserved characters sent unencoded.
    allow_reserved: bool = False
    #: The media type of a parameter serialized by ``content`` (its value is sent as that
    #: media type's text: JSON), else None.
    content_type: str | None = None
    #: A Python expression of the default a required parameter is sent with when the call
    #: leaves it out (the schema's ``default``), else None.
    default: str | None = None
    #: The schema's facts and the parameter's or schema's example (see ``Field.facts``).
    facts: dict[str, Any] = field(default_factory=dict)
    #: ``deprecated: true``: passing it warns (``DeprecationWarning``).
    deprecated: bool = False


@dataclass(frozen=True)
class Encoding:
    """How one property of a form or multipart body is sent: its Encoding Object (OAS 3.1.0
    4.8.15). ``style`` (with ``explode`` and ``allow_reserved``) when the Encoding Object gives
    any of ``style``, ``explode``, ``allowReserved`` (the value is serialized like a query
    parameter), else ``None`` (sent by content); ``content_type`` is its ``contentType``."""

    style: str | None
    explode: bool = False
    allow_reserved: bool = False
    content_type: str | None = None


@dataclass
class RequestBody:
    """How the request body is sent: ``kind`` is json | form | multipart | binary | text.

    ``content_type`` is the first declared media type of that kind, ``media_types`` every one
    (in document order), each of which a call may choose. ``encoding`` holds the Encoding
    Objects of a form or multipart body's properties, by JSON name.
    """

    kind: str
    content_type: str
    hint: str
    required: bool
    doc: str
    pointer: str
    media_types: list[str] = field(default_factory=list)
    encoding: dict[str, Encoding] = field(default_factory=dict)


@dataclass
class ResponseCase:
    """One declared response: ``key`` is ``200``, ``"2XX"`` or ``"default"`` (Python literal)."""

    key: str
    # json | auto (JSON or text, by the response's Content-Type) | text | binary | none | sse
    # (an event stream: ``type_expr``/``hint`` are those of each event's data)
    kind: str
    type_expr: str  # Python expression of the type to parse into, "None" when untyped
    hint: str
    media_type: str = "application/json"
    #: An event stream's data types by event name, where the document types events by name:
    #: ``(event name, Python expression of its data's type)``.
    events: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Operation:
    """One operation, as one method on a resource class.

    ``path`` is the spec's path key as written; ``wire_path`` what is sent: the key without a
    ``#fragment`` (some documents tell apart variants of one path that way,
    ``/cookies#formExploded``).
    """

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
    #: Alternatives, each the scheme names that must all be sent (``[]``: none needed).
    security: list[list[str]]
    pagination: str | None = None  # Python expression of a pagination strategy
    page_item_hint: str | None = None
    deprecated: bool = False
    body_arg: str = "body"
    #: The argument choosing the body's media type, when the operation declares several.
    content_type_arg: str | None = None
    wire_path: str = ""
    #: The success response as an event stream (kind ``sse``), when the operation declares one.
    stream: ResponseCase | None = None
    #: The name of the method returning the stream when the operation offers JSON too (then
    #: ``py_name`` returns the JSON); ``None`` when the stream is all it offers (``py_name``
    #: returns it).
    stream_name: str | None = None
    #: Whether the JSON request body has a boolean ``stream`` property (the convention that
    #: asks for the event stream): the stream method sets it, the JSON method refuses it.
    stream_flag: bool = False
    #: The name of the ``Idempotency-Key`` header the operation declares, which the per-call
    #: option ``idempotency_key`` sends (a random key, the same for every retry, when the call
    #: gives none); that header is not among ``params``.
    idempotency_header: str | None = None

    def __post_init__(self) -> None:
        if not self.wire_path:
            self.wire_path = self.path.split("#", 1)[0]


@dataclass
class Resource:
    """A group of operations (one per first tag): ``attr`` on the client, ``module`` file name."""

    attr: str
    class_name: str
    module: str
    doc: str
    operations: list[Operation]
    tag: str = ""
    #: The tag's place in the document (resources are listed by ``attr``).
    order: int = 0


@dataclass
class SecurityScheme:
    """A supported security scheme: ``kind`` bearer | basic | apikey; ``location`` for API keys.

    Schemes that send the same credential the same way share ``param`` (every bearer-like
    scheme the ``token``)."""

    key: str
    kind: str
    param: str  # constructor argument name
    header_name: str = ""
    location: str = ""
    env_var: str = ""
    doc: str = ""
    #: An oauth2 scheme's ``clientCredentials`` token URL (as written; may be relative), else "".
    token_url: str = ""
    #: The scopes requested with client credentials (those the document's requirements name).
    scopes: list[str] = field(default_factory=list)


@dataclass
class Webhook:
    """A webhook of the document (OpenAPI 3.1 ``webhooks``): ``name`` as declared, the class its
    JSON payload parses into (``hint``)."""

    name: str
    method: str
    hint: str
    doc: str
    pointer: str


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
    #: The top-level ``security`` as alternatives (see ``Operation.security``).
    default_security: list[list[str]]
    spec_source: str = ""
    package_version: str | None = None
    #: How many documents the API was read from (the root and every document its $refs reached).
    document_count: int = 1
    #: sha256 of the root document's bytes as they were loaded (hex).
    document_sha256: str = ""
    #: Names the generated code imports that a class of the API bears (a schema named ``Tag``):
    #: the generated modules import each as ``_<name>`` (see ``normalize/finalize.py``).
    shadowed: list[str] = field(default_factory=list)
    #: Input classes of request bodies beside the classes of responses they stand for:
    #: ``(input class, class of responses)``, in definition order (see
    #: ``normalize/read_write.py``).
    input_models: list[tuple[str, str]] = field(default_factory=list)
    #: The document's webhooks, and the name of the union of their payloads ("" when none).
    webhooks: list[Webhook] = field(default_factory=list)
    webhook_event: str = ""
    #: The header every POST/PATCH sends an idempotency key in (configured), else None.
    idempotency_header: str | None = None

    @property
    def client_credentials(self) -> bool:
        """Whether a security scheme has OAuth 2.0 client credentials (a ``token_url``): the
        client then takes ``client_id``/``client_secret`` and the package carries ``_oauth.py``."""
        return any(s.token_url for s in self.security)
