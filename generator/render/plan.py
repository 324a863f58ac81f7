"""IR -> the list of files to write: ``(relative path, template, context)`` or verbatim text.

All the decisions templates need (signatures, call arguments, imports, docstrings) are made
here, as plain strings and lists, so templates only lay them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..ir.model import AliasDef, Api, EnumDef, ModelDef, Operation, Resource, ResponseCase
from ..paths import templates_dir
from .text import comment, docstring_body, py_str, toml_str

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPING = ("Annotated", "Any", "Literal", "Mapping", "Union")
_PYDANTIC = ("Discriminator", "Tag")
_MODELS_RT = ("FileInput", "JsonDecimal", "UnknownVariant", "discriminate", "match_shape", "body_kwargs")
_TYPES_RT = ("FileContent",)


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


def _imports_for(hints: list[str], model_names: set[str]) -> dict[str, list[str]]:
    used: set[str] = set()
    for h in hints:
        used |= set(_IDENT.findall(h))
    out = {
        "typing": sorted(n for n in _TYPING if n in used),
        "pydantic": sorted(n for n in _PYDANTIC if n in used),
        "models_rt": sorted(n for n in _MODELS_RT if n in used),
        "types_rt": sorted(n for n in _TYPES_RT if n in used),
        "models": sorted(n for n in used if n in model_names),
        "modules": sorted(m for m in ("datetime", "uuid", "decimal") if re.search(rf"\b{m}\.", " ".join(hints))),
    }
    return out


def _py_tuple(names: list[str]) -> str:
    """A tuple literal of strings: ``()``, ``("a",)``, ``("a", "b")``."""
    return "(" + ", ".join(py_str(n) for n in names) + ("," if len(names) == 1 else "") + ")"


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
    returns_none: bool
    http: str
    path: str


def _response_spec(r: ResponseCase) -> str:
    extra = ""
    if r.kind == "json" and r.media_type.split(";")[0].strip() != "application/json":
        extra = f", {py_str(r.media_type)}"
    return f"ResponseSpec({r.type_expr}, {py_str(r.kind)}{extra})"


def _method_view(op: Operation, class_name: str, default_security: list[str]) -> MethodView:
    sig: list[str] = []
    args_doc: list[str] = []
    for p in op.params:
        if p.required:
            sig.append(f"{p.py_name}: {p.hint}")
    body_arg = None
    if op.bodies:
        body_arg = op.body_arg
        hints = list(dict.fromkeys(b.hint for b in op.bodies))
        bhint = " | ".join(hints)
        required = any(b.required for b in op.bodies)
        sig.append(f"{body_arg}: {bhint}" if required else f"{body_arg}: {bhint} | NotGiven = NOT_GIVEN")
        doc = op.bodies[0].doc
        if len(op.bodies) > 1:
            doc = (doc or "The request body.") + " Sent as " + ", or ".join(
                f"{b.content_type} when it is a `{b.hint}`" for b in op.bodies
            ) + "."
        if doc:
            args_doc.append(f"{body_arg}: {doc}")
    for p in op.params:
        if not p.required:
            sig.append(f"{p.py_name}: {p.hint} | NotGiven = NOT_GIVEN")
    # an argument is documented when the spec describes it or its wire name differs; the
    # per-call ``**options`` are documented once, in the resource class docstring
    for p in op.params:
        wire = f" (``{p.json_name}``)" if p.json_name != p.py_name else ""
        if p.doc:
            args_doc.append(f"{p.py_name}: {p.doc}{wire}")
        elif wire:
            args_doc.append(f"{p.py_name}: the {p.location} parameter{wire}")
    sig.append("**options: Unpack[RequestOptions]")
    # the operation's fixed parts go to one module-level Endpoint shared by the sync and async
    # methods; what varies per call (parameters, body, options) is passed to ``call``
    fixed = [py_str(op.method.upper()), py_str(op.path)]
    call = [const := "_" + op.py_name.upper()]
    by_loc: dict[str, list[str]] = {}
    styles: list[str] = []
    for p in op.params:
        by_loc.setdefault(p.location, []).append(f"{py_str(p.json_name)}: {p.py_name}")
        if p.style and p.location == "query":
            styles.append(f"{py_str(p.json_name)}: ({py_str(p.style[0])}, {p.style[1]})")
    for loc, kw in (("path", "path_params"), ("query", "query"), ("header", "headers"), ("cookie", "cookies")):
        if loc in by_loc:
            call.append(f"{kw}={{{', '.join(by_loc[loc])}}}")
    fixed.append("responses={" + ", ".join(f"{r.key}: {_response_spec(r)}" for r in op.responses) + "}")
    if op.errors:
        fixed.append("errors={" + ", ".join(f"{e.key}: {e.type_expr}" for e in op.errors) + "}")
    if styles:
        fixed.append(f"query_styles={{{', '.join(styles)}}}")
    if body_arg:
        if len(op.bodies) == 1:
            kind = op.bodies[0].kind
            kw = {"json": "json", "form": "form", "multipart": "multipart"}.get(kind, "content")
            if kind in ("form", "multipart"):
                call.append(f'**body_kwargs({body_arg}, ((None, "{kind}"),))')
            else:
                call.append(f"{kw}={body_arg}")
        else:
            kinds = ", ".join(
                f"({b.hint if b.hint.isidentifier() and b.hint[0].isupper() else 'None'}, {py_str(b.kind)})"
                for b in op.bodies
            )
            call.append(f"**body_kwargs({body_arg}, ({kinds},))")
        ct = op.bodies[0].content_type
        if len(op.bodies) == 1 and (op.bodies[0].kind in ("binary", "text") or ct.split(";")[0].strip() != "application/json") and op.bodies[0].kind not in ("multipart",):
            fixed.append(f"content_type={py_str(ct)}")
    if op.security != default_security:
        fixed.append(f"security={_py_tuple(op.security)}")
    call.append("options=options")
    endpoint = f"Endpoint({', '.join(fixed)})"
    ret = aret = op.return_hint
    if op.pagination:
        item = op.page_item_hint or "Any"
        ret = f"SyncPage[{op.return_hint}, {item}]"
        aret = f"AsyncPage[{op.return_hint}, {item}]"
        endpoint_hint = f"PagedEndpoint[{op.return_hint}, {item}]"
        endpoint = f"PagedEndpoint({', '.join(fixed)}, pagination={op.pagination})"
    else:
        endpoint_hint = f"Endpoint[{op.return_hint}]"
    summary = op.summary or op.operation_id
    doc_parts = [summary]
    if op.doc and op.doc != op.summary:
        doc_parts.append(op.doc)
    if op.deprecated:
        doc_parts.append("Deprecated.")
    if args_doc:
        doc_parts.append("Args:\n" + "\n".join("    " + " ".join(a.split()) for a in args_doc))
    return MethodView(
        name=op.py_name,
        signature=sig,
        doc=_doc_lines(*doc_parts),
        async_doc=_doc_lines(f"{summary} (the async form of :meth:`{class_name}.{op.py_name}`)."),
        const=const,
        endpoint=endpoint,
        endpoint_hint=endpoint_hint,
        call_fn="call_paged" if op.pagination else "call",
        call=call,
        return_hint=ret,
        async_return_hint=aret,
        returns_none=ret == "None",
        http=op.method.upper(),
        path=op.path,
    )


def _resource_plan(api: Api, res: Resource, model_names: set[str], banner: str) -> FilePlan:
    methods = [_method_view(op, res.class_name, api.default_security) for op in res.operations]
    hints = []
    for m in methods:
        hints += m.signature + m.call + [m.return_hint, m.async_return_hint, m.endpoint_hint, m.endpoint]
    imports = _imports_for(hints, model_names)
    pages = any(op.pagination for op in res.operations)
    return FilePlan(
        path=f"{api.package}/resources/{res.module}.py",
        template="resource.py.jinja",
        context={
            "banner": banner,
            "res": res,
            "doc": docstring_body(res.doc or f"Operations tagged `{res.tag or res.attr}`."),
            "class_doc": docstring_body(
                (res.doc or f"Operations tagged `{res.tag or res.attr}`.")
                + (
                    "\n\nA method that returns a page (``SyncPage``/``AsyncPage``): iterate it for "
                    "that page's items, or ``iter_all()`` for every item of every page."
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
            ),
            "methods": methods,
            "imports": imports,
            "pages": pages,
            "pagination": sorted({op.pagination.split("(", 1)[0] for op in res.operations if op.pagination}),
            "base_client_imports": ["Endpoint", "PagedEndpoint", "ResponseSpec"] if pages else ["Endpoint", "ResponseSpec"],
            "uses_body_kwargs": any("body_kwargs" in " ".join(m.call) for m in methods),
        },
    )


def _models_context(api: Api, banner: str) -> dict[str, Any]:
    hints: list[str] = []
    views: list[dict[str, Any]] = []
    for d in api.definitions:
        if isinstance(d, EnumDef):
            views.append({"kind": "enum", "name": d.name, "doc": docstring_body(d.doc), "base": "OpenStrEnum" if d.base == "str" else "OpenIntEnum", "members": d.members})
        elif isinstance(d, ModelDef):
            fields = []
            for f in d.fields:
                ann = f.hint if f.py_name == f.json_name else f"Annotated[{f.hint}, Field(alias={py_str(f.json_name)})]"
                hints.append(ann)
                line = f"{f.py_name}: {ann}" + (f" = {f.default}" if f.default is not None else "")
                if f.default is not None:
                    hints.append(f.default)  # (a default may need datetime, uuid, decimal)
                doc = f.doc + ("\n\nDeprecated." if f.deprecated else "")
                fields.append({"line": line, "doc": docstring_body(doc)})
            secrets = sorted(f.py_name for f in d.fields if f.secret)
            # class-level statements before the fields, each its own paragraph
            settings = []
            if d.extra == "forbid":
                settings.append('model_config = ConfigDict(extra="forbid")')
            if secrets:
                frozen = "frozenset({" + ", ".join(py_str(s) for s in secrets) + "})"
                settings.append(f"__secret_fields__: ClassVar[frozenset[str]] = {frozen}")
            if d.extra_hint:
                hints.append(d.extra_hint)
                settings.append(f"__pydantic_extra__: dict[str, {d.extra_hint}] = Field(init=False)")
            views.append(
                {
                    "kind": "model",
                    "name": d.name,
                    # an undocumented schema gets no placeholder docstring unless its class
                    # would otherwise have no body
                    "doc": docstring_body(d.doc or ("" if fields or settings else f"The `{d.name}` schema.")),
                    "settings": settings,
                    "fields": fields,
                    "forbid": d.extra == "forbid",
                    "secrets": bool(secrets),
                }
            )
        elif isinstance(d, AliasDef):
            hints.append(d.hint)
            views.append({"kind": "alias", "name": d.name, "doc": docstring_body(d.doc), "hint": d.hint})
    imports = _imports_for(hints + ["Field"], set())
    return {
        "banner": banner,
        "defs": views,
        "imports": imports,
        "all": sorted(d.name for d in api.definitions),
        "uses_config": any(v.get("forbid") for v in views),
        "uses_classvar": any(v.get("secrets") for v in views),
        "uses_enum": sorted({v["base"] for v in views if v["kind"] == "enum"}),
    }


def plan(api: Api, spec_name: str) -> list[FilePlan]:
    """Every file of the generated project, in a stable order."""
    banner = comment(f"Generated by connect-codegen from {spec_name} ({api.title} {api.version}). Do not edit.")
    model_names = {d.name for d in api.definitions}
    pkg = api.package
    auth_params = []
    seen: set[str] = set()
    for s in api.security:
        if s.param not in seen:
            seen.add(s.param)
            auth_params.append(s)
    common = {
        "banner": banner,
        "api": api,
        "auth_params": auth_params,
        "py_str": py_str,
        "toml_str": toml_str,
        "version": api.package_version or package_version(api.version),
        "default_security": _py_tuple(api.default_security) if api.default_security else "",
        "uses_basic": any(s.kind == "basic" for s in api.security),
    }
    files = [
        FilePlan("pyproject.toml", "pyproject.toml.jinja", common),
        FilePlan(
            "README.md",
            "README.md.jinja",
            {**common, "examples": _readme_examples(api), "input_model": api.input_models[0] if api.input_models else None},
        ),
        FilePlan(f"{pkg}/__init__.py", "__init__.py.jinja", {**common, "doc": docstring_body(f"{api.title} client (version {api.version}).")}),
        FilePlan(f"{pkg}/py.typed", text=""),
        FilePlan(f"{pkg}/_version.py", "_version.py.jinja", common),
        FilePlan(f"{pkg}/_client.py", "_client.py.jinja", {**common, "doc_title": docstring_body(api.title)}),
        FilePlan(f"{pkg}/models.py", "models.py.jinja", _models_context(api, banner)),
        FilePlan(f"{pkg}/resources/__init__.py", "resources_init.py.jinja", common),
    ]
    for res in api.resources:
        files.append(_resource_plan(api, res, model_names, banner))
    for src in sorted((templates_dir() / "runtime").glob("*.py")):
        files.append(FilePlan(f"{pkg}/{src.name}", text=src.read_text(encoding="utf-8")))
    return files


def _readme_examples(api: Api) -> list[dict[str, str]]:
    out = []
    for res in api.resources:
        op = res.operations[0]
        args = ", ".join(f"{p.py_name}=..." for p in op.params if p.required)
        if op.bodies and any(b.required for b in op.bodies):
            args = (args + ", " if args else "") + "body=..."
        out.append({"attr": res.attr, "method": op.py_name, "args": args, "summary": " ".join((op.summary or op.operation_id).split())})
    return out


def package_version(spec_version: str) -> str:
    """A PEP 440 version from ``info.version`` (its leading ``N.N.N``; ``0.0.0`` when none)."""
    m = re.match(r"v?(\d+(?:\.\d+)*)", spec_version.strip())
    return m.group(1) if m else "0.0.0"
