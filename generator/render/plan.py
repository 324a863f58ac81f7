"""IR -> the list of files to write: ``(relative path, template, context)`` or verbatim text.

All the decisions templates need (signatures, call arguments, imports, docstrings) are made
here, as plain strings and lists, so templates only lay them out.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..ir.model import (
    AliasDef,
    Api,
    Encoding,
    EnumDef,
    ModelDef,
    Operation,
    Resource,
    ResponseCase,
)
from ..emit.format import LINE_LENGTH, PYTHON
from ..normalize.class_names import GENERATED_IMPORTS
from ..normalize.finalize import identifiers, rename_identifiers
from ..paths import templates_dir
from .client_plan import auth_args, client_context, schemes_by_param
from .docs import reference_context
from .errors import errors_context
from .kit import kit_context
from .order import all_order, from_imports, straight_imports
from .params import body_models, params_context
from .readme import readme_context, readme_dict_body
from .text import comment, docstring_body, py_str, py_str_tuple, toml_str
from .webhooks import webhooks_attr, webhooks_context

#: The sources of :data:`GENERATED_IMPORTS` imported ``from``, by section (the others: the
#: standard library modules imported whole, and the package's ``_x`` runtime modules).
_STDLIB_FROM = frozenset({"builtins", "collections.abc", "functools", "typing"})
_THIRD_PARTY = frozenset({"pydantic", "typing_extensions"})
#: The names the resource template writes itself (every other import follows from the code).
_RESOURCE_TEMPLATE = ("cached_property", "AsyncAPIResource", "SyncAPIResource")
_RESOURCE_TEMPLATE_METHODS = ("async_raw_method", "raw_method", "async_streaming_method", "streaming_method")


@dataclass
class FilePlan:
    """One output file: rendered from ``template`` with ``context``, or ``text`` verbatim."""

    path: str
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    text: str | None = None

    @property
    def is_python(self) -> bool:
        """True for ``.py`` files (they go through black)."""
        return self.path.endswith(".py")


def local_names(shadowed: Iterable[str]) -> dict[str, str]:
    """How the generated code writes each name it imports: ``_Tag`` for a name a class of the
    API bears (``Tag``), else the name itself."""
    hidden = set(shadowed)
    return {n: "_" + n if n in hidden else n for n in GENERATED_IMPORTS}


def _imported_names(code: list[str], shadowed: list[str], always: Iterable[str] = ()) -> dict[str, set[str]]:
    """What a module whose code is ``code`` imports, by source (:data:`GENERATED_IMPORTS`):
    each name the code uses (by the name it is written with) or ``always`` needs, ``Tag as
    _Tag`` when aliased."""
    used: set[str] = set()
    for text in code:
        used |= identifiers(text)
    local = local_names(shadowed)
    wanted = set(always)
    out: dict[str, set[str]] = {}
    for name, source in GENERATED_IMPORTS.items():
        if name in wanted or local[name] in used:
            out.setdefault(source, set()).add(name if local[name] == name else f"{name} as {local[name]}")
    return out


def _import_sections(
    groups: dict[str, set[str]], package: str, models: Iterable[str] = (), own: Iterable[str] = ()
) -> list[list[str]]:
    """The import statements of a generated module after ``from __future__``, by isort section
    (the standard library, third party, the package; empty ones left out), from its names by
    source and the ``models`` classes it uses; ``package`` is how the module reaches its
    package's modules (``.`` or ``..``)."""
    straight = [name for source, names in groups.items() for name in names if name.partition(" as ")[0] == source]
    stdlib = {s: n for s, n in groups.items() if s in _STDLIB_FROM and n}
    third = {s: n for s, n in groups.items() if s in _THIRD_PARTY and n}
    local = {package + s: n for s, n in groups.items() if s.startswith("_") and n}
    if set(models):
        local[package + "models"] = set(models)
    if set(own):  # the package's modules imported whole (``params as _params``)
        local[package] = set(own)
    sections = [straight_imports(straight) + from_imports(stdlib), from_imports(third), from_imports(local)]
    return [section for section in sections if section]


def _py_alternatives(alternatives: list[list[str]]) -> str:
    """Security alternatives as a tuple of tuples: ``()``, ``(("a",), ("b", "c"))``."""
    inner = [py_str_tuple(alt) for alt in alternatives]
    return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"


def _is_json(media_type: str) -> bool:
    """Whether a media type is JSON (``application/json``, ``+json``, ``/json``)."""
    mt = media_type.split(";", 1)[0].strip().lower()
    return mt.endswith("/json") or mt.endswith("+json")


def _py_encoding(e: Encoding) -> str:
    """An Encoding Object as the runtime's ``BodyEncoding`` tuple literal."""
    style = py_str(e.style) if e.style is not None else "None"
    ctype = py_str(e.content_type) if e.content_type is not None else "None"
    return f"({style}, {e.explode}, {e.allow_reserved}, {ctype})"


def _doc_lines(*parts: str) -> str:
    return docstring_body("\n\n".join(p for p in parts if p))


@dataclass
class MethodView:
    """What a resource template needs for one method (sync and async share it)."""

    name: str
    signature: list[str]
    doc: str
    #: The async method's docstring: the summary and a pointer to the sync method's full text.
    async_doc: str
    #: The module-level constant holding the operation's fixed parts, its type and its value.
    const: str
    endpoint_hint: str
    endpoint: str
    #: ``call`` or ``call_paged``, and the arguments passed to it (the constant first).
    call_fn: str
    call: list[str]
    return_hint: str
    async_return_hint: str
    #: Whether the async method is a coroutine (``async def``, awaiting the client); a list
    #: method is not: it returns an ``AsyncPager`` at once (awaited, or walked with ``async for``).
    awaited: bool
    returns_none: bool
    http: str
    path: str
    #: Decorator lines (``@deprecated(...)`` for a deprecated operation), sync and async alike.
    decorators: list[str] = field(default_factory=list)
    #: Statements before the call (the warning of deprecated parameters passed).
    prelude: list[str] = field(default_factory=list)


def _response_spec(r: ResponseCase, n: dict[str, str]) -> str:
    extra = ""
    default = {"json": "application/json", "sse": "text/event-stream"}.get(r.kind)
    if default and r.media_type.split(";")[0].strip() != default:
        extra = f", {py_str(r.media_type)}"
    if r.events:
        extra += ", events={" + ", ".join(f"{py_str(e)}: {t}" for e, t in r.events) + "}"
    return f"{n['ResponseSpec']}({r.type_expr}, {py_str(r.kind)}{extra})"


def _body_class(hint: str, classes: set[str]) -> str:
    """The class ``body_kwargs`` tells a body's kind by: the body's model or enum class, or
    ``None`` (anything) when its type is not one (a primitive, a list, an alias: ``User = Any``
    cannot be used with ``isinstance``)."""
    return hint if hint in classes else "None"


def _method_views(
    op: Operation,
    class_name: str,
    default_security: list[list[str]],
    n: dict[str, str],
    classes: set[str],
    dicts: set[str],
    where: str = "",
) -> list[MethodView]:
    """The methods of ``op`` on the resource ``class_name``: one, or two when it offers both JSON
    and an event stream (``<method>`` and ``<method>_stream``); ``n``: how the module writes the
    names it imports (:func:`local_names`); ``classes``: the model and enum classes; ``dicts``:
    the models a body may also be given as a dict of (``params.py``)."""
    if op.stream is None:
        return [_method_view(op, class_name, default_security, n, classes, dicts, where=where)]
    if op.stream_name is None:
        return [_method_view(op, class_name, default_security, n, classes, dicts, stream=True, where=where)]
    return [
        _method_view(op, class_name, default_security, n, classes, dicts, where=where),
        _method_view(op, class_name, default_security, n, classes, dicts, stream=True, where=where),
    ]


def _method_view(
    op: Operation,
    class_name: str,
    default_security: list[list[str]],
    n: dict[str, str],
    classes: set[str],
    dicts: set[str],
    stream: bool = False,
    where: str = "",
) -> MethodView:
    """The method of ``op`` on the resource ``class_name`` (its event-stream method when
    ``stream``); ``n``: how the module writes the names it imports (:func:`local_names`);
    ``classes``: the model and enum classes; ``dicts``: the models a body may also be given as a
    dict of (``params.py``)."""
    name = (op.stream_name or op.py_name) if stream else op.py_name
    sig: list[str] = []
    not_given = f"{n['NotGiven']} = {n['NOT_GIVEN']}"
    args_doc: list[str] = []
    params = op.params
    if op.idempotency_header:
        args_doc.append(
            f"idempotency_key: the ``{op.idempotency_header}`` header (per-call option; a random key, "
            "the same for every retry, when not given)."
        )
    for p in params:
        if p.required:
            sig.append(f"{p.py_name}: {p.hint}" + (f" = {p.default}" if p.default is not None else ""))
    body_arg = None
    if op.bodies:
        body_arg = op.body_arg
        hints = list(dict.fromkeys(f"{b.hint} | _params.{b.hint}" if b.hint in dicts else b.hint for b in op.bodies))
        bhint = " | ".join(hints)
        required = any(b.required for b in op.bodies)
        sig.append(f"{body_arg}: {bhint}" if required else f"{body_arg}: {bhint} | {not_given}")
        doc = op.bodies[0].doc
        if len(op.bodies) > 1:
            # a body is sent as the first kind its type fits; a later kind of the same (or an
            # untyped) class is reached with the media type argument only
            reached: list[str] = []
            ways = []
            for b in op.bodies:
                cls = _body_class(b.hint, classes)
                if "None" in reached or cls in reached:
                    ways.append(f"{b.content_type} with `{op.content_type_arg}`")
                else:
                    ways.append(f"{b.content_type} when it is a `{b.hint}`")
                reached.append(cls)
            doc = (doc or "The request body.") + " Sent as " + ", or ".join(ways) + "."
        if doc:
            args_doc.append(f"{body_arg}: {doc}")
        if op.content_type_arg:
            media = [mt for b in op.bodies for mt in b.media_types]
            sig.append(f"{op.content_type_arg}: {n['Literal']}[{', '.join(py_str(mt) for mt in media)}] | {not_given}")
            args_doc.append(
                f"{op.content_type_arg}: the media type to send the body as, and its Content-Type "
                f"(default: the first one that fits the body's type)."
            )
    for p in params:
        if not p.required:
            sig.append(f"{p.py_name}: {p.hint} | {not_given}")
    # an argument is documented when the spec describes it or its wire name differs; the
    # per-call ``**options`` are documented once, in the resource class docstring
    for p in params:
        wire = f" (``{p.json_name}``)" if p.json_name != p.py_name else ""
        if p.doc:
            args_doc.append(f"{p.py_name}: {p.doc}{wire}")
        elif wire:
            args_doc.append(f"{p.py_name}: the {p.location} parameter{wire}")
    sig.append(f"**options: {n['Unpack']}[{n['RequestOptions']}]")
    # the operation's fixed parts go to one module-level Endpoint shared by the sync and async
    # methods; what varies per call (parameters, body, options) is passed to ``call``
    fixed = [py_str(op.method.upper()), py_str(op.wire_path)]  # (a path key's '#fragment' is not sent)
    call = [const := "_" + name.upper()]
    by_loc: dict[str, list[str]] = {}
    styles: dict[str, list[str]] = {}
    for p in params:
        # a parameter serialized by ``content`` as JSON is sent as its JSON text
        value = f"{n['json_param']}({p.py_name})" if p.content_type and _is_json(p.content_type) else p.py_name
        by_loc.setdefault(p.location, []).append(f"{py_str(p.json_name)}: {value}")
        if p.allow_reserved:
            style, explode = p.style or ("form", True)
            styles.setdefault(p.location, []).append(f"{py_str(p.json_name)}: ({py_str(style)}, {explode}, True)")
        elif p.style and p.location in ("query", "path", "header"):
            styles.setdefault(p.location, []).append(f"{py_str(p.json_name)}: ({py_str(p.style[0])}, {p.style[1]})")
    for loc, kw in (("path", "path_params"), ("query", "query"), ("header", "headers"), ("cookie", "cookies")):
        if loc in by_loc:
            call.append(f"{kw}={{{', '.join(by_loc[loc])}}}")
    responses = [op.stream] if stream and op.stream else op.responses
    fixed.append("responses={" + ", ".join(f"{r.key}: {_response_spec(r, n)}" for r in responses) + "}")
    if op.errors:
        fixed.append("errors={" + ", ".join(f"{e.key}: {e.type_expr}" for e in op.errors) + "}")
    for loc in ("query", "path", "header"):
        if loc in styles:
            fixed.append(f"{loc}_styles={{{', '.join(styles[loc])}}}")
    if body_arg:
        encodings = [
            f"{py_str(b.kind)}: {{{', '.join(f'{py_str(k)}: {_py_encoding(e)}' for k, e in b.encoding.items())}}}"
            for b in op.bodies
            if b.encoding
        ]
        if encodings:
            fixed.append(f"encodings={{{', '.join(encodings)}}}")
        if not op.content_type_arg:
            # one media type: the endpoint carries its Content-Type (a form or multipart body's
            # fields are read by ``body_kwargs``, which also gives its media type)
            kind = op.bodies[0].kind
            ct = op.bodies[0].content_type
            # a dict given for a model is validated into it first
            value = f"{n['as_body']}({op.bodies[0].hint}, {body_arg})" if op.bodies[0].hint in dicts else body_arg
            if kind in ("form", "multipart"):
                call.append(f"**{n['body_kwargs']}({value}, ((None, {py_str(kind)}, {py_str(ct)}),))")
            else:
                call.append(f"{'json' if kind == 'json' else 'content'}={value}")
                if (kind != "json" or ct.split(";")[0].strip() != "application/json") and "*" not in ct:
                    fixed.append(f"content_type={py_str(ct)}")
        else:
            # several: the call picks one (by the body's type, or the caller's choice) and sends
            # its Content-Type
            kinds = ", ".join(
                f"({_body_class(b.hint, classes)}, {py_str(b.kind)}, {py_str(mt)})"
                for b in op.bodies
                for mt in b.media_types
            )
            call.append(f"**{n['body_kwargs']}({body_arg}, ({kinds},), {op.content_type_arg})")
    if op.security != default_security:
        fixed.append(f"security={_py_alternatives(op.security)}")
    if op.idempotency_header:  # a call sends one: the caller's, else a random key the retries share
        fixed.append(f"idempotency_header={py_str(op.idempotency_header)}")
    call.append("options=options")
    if op.stream_flag and not stream:
        fixed.append(f"stream_method={py_str(op.stream_name or '')}")
    endpoint = f"{n['Endpoint']}({', '.join(fixed)})"
    ret = aret = op.return_hint
    call_fn = "call_paged" if op.pagination else "call"
    if stream and op.stream:
        item = op.stream.hint
        ret, aret, call_fn = f"{n['Stream']}[{item}]", f"{n['AsyncStream']}[{item}]", "call_stream"
        endpoint_hint = f"{n['StreamEndpoint']}[{item}]"
        sets = ", sets_stream=True" if op.stream_flag else ""
        endpoint = f"{n['StreamEndpoint']}({', '.join(fixed)}{sets})"
    elif op.pagination:
        item = op.page_item_hint or n["Any"]
        ret = f"{n['SyncPage']}[{op.return_hint}, {item}]"
        aret = f"{n['AsyncPager']}[{op.return_hint}, {item}]"
        endpoint_hint = f"{n['PagedEndpoint']}[{op.return_hint}, {item}]"
        endpoint = f"{n['PagedEndpoint']}({', '.join(fixed)}, pagination={op.pagination})"
    else:
        endpoint_hint = f"{n['Endpoint']}[{op.return_hint}]"
    # deprecations warn at use: the operation when called, a parameter when passed
    where = f"{where or class_name}.{name}()"
    decorators = [f"@{n['deprecated']}({py_str(where + ' is deprecated')})"] if op.deprecated else []
    old = [p for p in params if p.deprecated]
    prelude = (
        [f"{n['deprecated_args']}({py_str(where)}, {{{', '.join(f'{py_str(p.py_name)}: {p.py_name}' for p in old)}}})"]
        if old
        else []
    )
    summary = op.summary or op.operation_id
    doc_parts = [summary]
    if op.doc and op.doc != op.summary:
        doc_parts.append(op.doc)
    if op.deprecated:
        doc_parts.append("Deprecated.")
    doc_parts.append(_stream_note(op, stream))
    if args_doc:
        doc_parts.append("Args:\n" + "\n".join("    " + " ".join(a.split()) for a in args_doc))
    return MethodView(
        name=name,
        signature=sig,
        doc=_doc_lines(*doc_parts),
        async_doc=_doc_lines(f"{summary} (the async form of :meth:`{class_name}.{name}`)."),
        const=const,
        endpoint=endpoint,
        endpoint_hint=endpoint_hint,
        call_fn=call_fn,
        awaited=call_fn != "call_paged",
        call=call,
        return_hint=ret,
        async_return_hint=aret,
        returns_none=ret == "None",
        http=op.method.upper(),
        path=op.path,
        decorators=decorators,
        prelude=prelude,
    )


def _stream_note(op: Operation, stream: bool) -> str:
    """What a method's docstring says about the operation's event stream (empty without one)."""
    if op.stream is None:
        return ""
    if stream:
        text = (
            "Returns the event stream: iterate it for each event's data as it arrives (a "
            f"``{op.stream.hint}``), or ``.events()`` for the events themselves; use it in a "
            "``with`` block (or call ``close()``) to release the connection early. Raises "
            "APIStreamError when the stream breaks or the server sends an error event."
        )
        if op.stream_name:
            text += f" The same operation's JSON answer: :meth:`{op.py_name}`."
        if op.stream_flag:
            text += " Sets the body's ``stream`` to true."
        return text
    text = f"Asks for the JSON answer; :meth:`{op.stream_name}` returns the event stream."
    if op.stream_flag:
        text += f" A body whose ``stream`` is true is refused (ValueError): call :meth:`{op.stream_name}`."
    return text


def _resource_plan(
    api: Api, res: Resource, model_names: set[str], banner: str, classes: set[str], dicts: set[str]
) -> FilePlan:
    """The module of ``res``; ``classes``: the model and enum classes; ``dicts``: the models a
    body may also be given as a dict of (both per API, computed once by :func:`plan`)."""
    n = local_names(api.shadowed)
    where = f"client.{res.attr}"
    methods = [
        m for op in res.operations for m in _method_views(op, res.class_name, api.default_security, n, classes, dicts, where)
    ]
    code = []
    for m in methods:
        code += m.signature + m.call + [m.return_hint, m.async_return_hint, m.endpoint_hint, m.endpoint]
        code += m.decorators + m.prelude
    pages = any(op.pagination for op in res.operations)
    always = _RESOURCE_TEMPLATE + (_RESOURCE_TEMPLATE_METHODS if methods else ())
    used_models = {name for text in code for name in identifiers(text) if name in model_names}
    # the dicts a body may be given as (``params.py``)
    own = ["params as _params"] if any("_params." in text for text in code) else []
    imports = _import_sections(_imported_names(code, api.shadowed, always), "..", used_models, own)
    return FilePlan(
        path=f"{api.package}/resources/{res.module}.py",
        template="resource.py.jinja",
        context={
            "banner": banner,
            # the raw-response wrappers reach the deprecated methods themselves: pyright (strict)
            # would report each such use in the generated module, which is not the user's use
            "pragmas": ["# pyright: reportDeprecated=false"] if any(m.decorators for m in methods) else [],
            "res": res,
            "n": n,
            "doc": docstring_body(res.doc or f"Operations tagged `{res.tag or res.attr}`."),
            "class_doc": docstring_body(
                (res.doc or f"Operations tagged `{res.tag or res.attr}`.")
                + (
                    "\n\nA list method returns its first page (``SyncPage``); iterating it walks every "
                    "item of every page, fetching each page when the previous one is exhausted. "
                    "``page.items`` is that page's items; ``has_next_page()``, ``next_page()`` and "
                    "``iter_pages()`` work page by page."
                    if pages
                    else ""
                )
                + "\n\nEvery method also takes the per-call ``**options`` of ``RequestOptions`` "
                "(``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``, ``max_retries``, "
                "``retry_non_idempotent``), and raises APIStatusError (a subclass per status) when the "
                "server answers with an error status, and APIConnectionError (APITimeoutError on "
                "timeout) when the request gets no response."
            ),
            "async_class_doc": docstring_body(
                f"The async form of :class:`{res.class_name}`: the same methods, awaited."
                + (
                    "\n\nA list method returns an ``AsyncPager`` at once: ``async for item in "
                    "client.x.list_y(...)`` (no ``await``) walks every item of every page, fetched "
                    "lazily, and ``await client.x.list_y(...)`` gives the first page (an "
                    "``AsyncPage``, which ``async for`` walks the same way)."
                    if pages
                    else ""
                )
            ),
            "methods": methods,
            "imports": imports,
            "all": all_order([res.class_name, "Async" + res.class_name]),
        },
    )


def _shadowed_in_class(d: ModelDef, code: list[str]) -> dict[str, str]:
    """``{name: _name}`` of the names the class body ``code`` uses that one of the class's own
    fields hides there (pydantic reads a field's annotation among the class's attributes, where a
    field ``list`` with a default is that default): the builtins and the names the models module
    imports. Those are written under a private alias in that class."""
    fields = {f.py_name for f in d.fields}
    used: set[str] = set()
    for text in code:
        used |= identifiers(text)
    return {
        name: "_" + name
        for name in sorted(fields & used)
        if hasattr(builtins, name) or name in GENERATED_IMPORTS
    }


def _models_context(api: Api, banner: str) -> dict[str, Any]:
    n = local_names(api.shadowed)
    code: list[str] = []
    views: list[dict[str, Any]] = []
    hidden: set[str] = set()
    for d in api.definitions:
        if isinstance(d, EnumDef):
            base = n["OpenStrEnum"] if d.base == "str" else n["OpenIntEnum"]
            code.append(base)
            views.append({"kind": "enum", "name": d.name, "doc": docstring_body(d.doc), "base": base, "members": d.members})
        elif isinstance(d, ModelDef):
            secrets = sorted(f.py_name for f in d.fields if f.secret)
            # class-level statements before the fields, each its own paragraph
            settings = []
            if d.extra == "forbid":
                settings.append(f'model_config = {n["ConfigDict"]}(extra="forbid")')
            if secrets:
                frozen = "frozenset({" + ", ".join(py_str(s) for s in secrets) + "})"
                settings.append(f"__secret_fields__: {n['ClassVar']}[frozenset[str]] = {frozen}")
            always = [f.py_name for f in d.fields if f.always_sent]
            if always:
                frozen = "frozenset({" + ", ".join(py_str(s) for s in always) + "})"
                settings.append(f"__always_sent__: {n['ClassVar']}[frozenset[str]] = {frozen}")
            nullable = [f.py_name for f in d.fields if f.nullable]
            if nullable:
                frozen = "frozenset({" + ", ".join(py_str(s) for s in nullable) + "})"
                settings.append(f"__nullable__: {n['ClassVar']}[frozenset[str]] = {frozen}")
            if d.open_extra:
                settings.append(f"__additional_properties__: {n['ClassVar']}[bool] = True")
            deprecated = [f.py_name for f in d.fields if f.deprecated]
            if deprecated:  # setting one warns (reading one: pydantic's ``Field(deprecated=)``)
                frozen = "frozenset({" + ", ".join(py_str(s) for s in deprecated) + "})"
                settings.append(f"__deprecated_fields__: {n['ClassVar']}[frozenset[str]] = {frozen}")
            if d.extra_hint:
                settings.append(f"__pydantic_extra__: dict[str, {d.extra_hint}] = {n['Field']}(init=False)")
            typed = []
            for f in d.fields:
                field_args = [f"alias={py_str(f.json_name)}"] if f.py_name != f.json_name else []
                if f.deprecated:
                    field_args.append(f"deprecated={py_str(f'{d.name}.{f.py_name} is deprecated')}")
                ann = f"{n['Annotated']}[{f.hint}, {n['Field']}({', '.join(field_args)})]" if field_args else f.hint
                typed.append((f, ann, f" = {f.default}" if f.default is not None else ""))
            aliases = _shadowed_in_class(d, settings + [ann + default for _, ann, default in typed])
            hidden |= set(aliases)
            settings = [rename_identifiers(line, aliases) for line in settings]
            code += settings
            fields = []
            for f, ann, default in typed:
                ann, default = rename_identifiers(ann, aliases), rename_identifiers(default, aliases)
                code.append(ann + default)
                doc = f.doc + ("\n\nDeprecated." if f.deprecated else "")
                fields.append({"line": f"{f.py_name}: {ann}{default}", "doc": docstring_body(doc)})
            views.append(
                {
                    "kind": "model",
                    "name": d.name,
                    # an undocumented schema gets no placeholder docstring unless its class
                    # would otherwise have no body
                    "doc": docstring_body(d.doc or ("" if fields or settings else f"The `{d.name}` schema.")),
                    "settings": settings,
                    "fields": fields,
                }
            )
        elif isinstance(d, AliasDef):
            code.append(d.hint)
            views.append({"kind": "alias", "name": d.name, "doc": docstring_body(d.doc), "hint": d.hint})
    # the template writes the base class of models and the annotation of aliases
    always = [n["BaseModel"]] if any(v["kind"] == "model" for v in views) else []
    always += [n["TypeAlias"]] if any(v["kind"] == "alias" for v in views) else []
    groups = _imported_names(code + always, api.shadowed)
    # a name a field hides in its class is imported a second time, under a private alias
    for name in hidden:
        source = "builtins" if hasattr(builtins, name) else GENERATED_IMPORTS[name]
        groups.setdefault(source, set()).add(f"{name} as _{name}")
    return {
        "banner": banner,
        "defs": views,
        "imports": _import_sections(groups, "."),
        "typed_extras": any(isinstance(d, ModelDef) and d.extra_hint for d in api.definitions),
        "n": n,
        "all": all_order(d.name for d in api.definitions),
    }


def plan(api: Api, spec_name: str) -> list[FilePlan]:
    """Every file of the generated project, in a stable order."""
    banner = comment(f"Generated by connect-codegen from {spec_name} ({api.title} {api.version}). Do not edit.")
    model_names = {d.name for d in api.definitions}
    pkg = api.package
    credential_args = auth_args(api)
    # the README's set-up example: one argument per credential (``password`` beside a basic user)
    auth_params = [{"param": param, "kind": ss[0].kind} for param, ss in schemes_by_param(api).items()]
    common = {
        "banner": banner,
        "api": api,
        "py_str": py_str,
        "toml_str": toml_str,
        "version": api.package_version or package_version(api.version),
        "default_security": _py_alternatives(api.default_security) if api.default_security else "",
        "webhooks_attr": webhooks_attr(api),
        # the tool settings the generated pyproject.toml declares: those it was formatted with
        "line_length": LINE_LENGTH,
        "python_version": f"{PYTHON[0]}.{PYTHON[1]}",
        "python_target": f"py{PYTHON[0]}{PYTHON[1]}",
    }
    errors = errors_context(api, banner)
    files = [
        FilePlan("pyproject.toml", "pyproject.toml.jinja", common),
        FilePlan(
            "README.md",
            "README.md.jinja",
            {
                **common,
                **readme_context(api, auth_params),
                "auth_args": credential_args,
                # the credential the README's provider example passes a callable for
                "provider_arg": next((a.name for a in credential_args if "SecretValue" in a.hint), None),
                "client_credentials": api.client_credentials,
                "input_model": api.input_models[0] if api.input_models else None,
                "typed_errors": errors["typed"],
                "dict_body": readme_dict_body(api),
                "webhooks": api.webhooks,
            },
        ),
        FilePlan("REFERENCE.md", "REFERENCE.md.jinja", {**common, **reference_context(api)}),
        FilePlan(f"{pkg}/__init__.py", "__init__.py.jinja", {**common, "doc": docstring_body(f"{api.title} client (version {api.version}).")}),
        FilePlan(f"{pkg}/py.typed", text=""),
        FilePlan(f"{pkg}/_version.py", "_version.py.jinja", common),
        FilePlan(f"{pkg}/_client.py", "_client.py.jinja", {**common, **client_context(api), "doc_title": docstring_body(api.title)}),
        FilePlan(f"{pkg}/models.py", "models.py.jinja", _models_context(api, banner)),
        FilePlan(f"{pkg}/_errors.py", "_errors.py.jinja", errors),
        FilePlan(f"{pkg}/params.py", "params.py.jinja", _params_plan(api, banner)),
        FilePlan(f"{pkg}/resources/__init__.py", "resources_init.py.jinja", common),
    ]
    if api.webhook_event:
        files.append(FilePlan(f"{pkg}/webhooks.py", "webhooks.py.jinja", webhooks_context(api, banner)))
    classes = {d.name for d in api.definitions if isinstance(d, (ModelDef, EnumDef))}
    dicts = set(body_models(api))
    for res in api.resources:
        files.append(_resource_plan(api, res, model_names, banner, classes, dicts))
    # the kit passes a test value for each credential; a token wins over OAuth 2.0 client credentials
    credentials = [a.name for a in credential_args if a.name not in ("client_id", "client_secret")]
    files.append(FilePlan(f"{pkg}/testing.py", "testing.py.jinja", {**common, **kit_context(api, credentials)}))
    # the runtime, less the modules only some documents use: OAuth 2.0 client credentials, webhooks
    unused = ({"_oauth.py"} if not api.client_credentials else set()) | (
        {"_webhooks.py"} if not api.webhook_event else set()
    )
    for src in sorted((templates_dir() / "runtime").glob("*.py")):
        if src.name not in unused:
            files.append(FilePlan(f"{pkg}/{src.name}", text=src.read_text(encoding="utf-8")))
    return files


def _params_plan(api: Api, banner: str) -> dict[str, Any]:
    """The context of ``params.py.jinja`` (:func:`.params.params_context`) with its imports."""
    n = local_names(api.shadowed)
    ctx = params_context(api, banner, n)
    groups = _imported_names(ctx["code"], api.shadowed, ("TypedDict",) if ctx["dicts"] else ())
    own = ["models as _models"] if any("_models." in text for text in ctx["code"]) else []
    imports = _import_sections(groups, ".", (), own)
    return {**ctx, "imports": imports, "n": n, "py_str": py_str}


def call_text(head: str, args: list[str], width: int = LINE_LENGTH, target: str = "") -> str:
    """The statement ``target head(args...)`` (``target``: ``"result = "`` or nothing) laid out as
    black and ruff's formatter lay it out at ``width`` columns: on one line; else the arguments
    on one indented line between the brackets; else one argument a line, with a trailing comma.
    The assignment is left out when its first line would not fit (the formatters would then wrap
    the whole right-hand side in brackets)."""
    text = _call_layout(target + head, args, width)
    if target and len(text.split("\n", 1)[0]) > width:
        return _call_layout(head, args, width)
    return text


def _call_layout(head: str, args: list[str], width: int) -> str:
    one = f"{head}({', '.join(args)})"
    if len(one) <= width or not args:
        return one
    if len("    " + ", ".join(args)) <= width:
        return f"{head}(\n    {', '.join(args)}\n)"
    return f"{head}(\n" + "".join(f"    {a},\n" for a in args) + ")"


def import_text(module: str, names: list[str], width: int = LINE_LENGTH) -> str:
    """``from module import names`` as the formatters lay it out at ``width`` columns: on one
    line, else one name a line between brackets, with a trailing comma."""
    one = f"from {module} import {', '.join(names)}"
    if len(one) <= width:
        return one
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def package_version(spec_version: str) -> str:
    """A PEP 440 version from ``info.version`` (its leading ``N.N.N``; ``0.0.0`` when none)."""
    m = re.match(r"v?(\d+(?:\.\d+)*)", spec_version.strip())
    return m.group(1) if m else "0.0.0"
