"""Stage 3: the whole IR (:class:`~generator.ir.model.Api`) from a loaded, checked document."""

from __future__ import annotations

import re
import sys
from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import AliasDef, Api, Definition, EnumDef, ModelDef, SecurityScheme
from ..ir.names import py_ident, snake
from ..refs import Resolver
from .class_names import MODEL_MODULE_NAMES
from .finalize import finalize_api
from .operations import OperationBuilder, security_alternatives
from .schemas import SchemaBuilder
from .webhooks import build_webhooks, finalize_webhooks


def default_names(title: str) -> tuple[str, str]:
    """``(project, package)`` names from a spec title, a trailing "API" dropped.

    ``Versori Connect API`` gives ``("versori-connect", "versori_connect")``.
    """
    base = re.sub(r"(?i)[\s_-]*api$", "", title.strip()) or title or "client"
    package = py_ident(snake(base) or "client", prefix="api")
    if package in sys.stdlib_module_names or package in _DEPENDENCY_MODULES:
        package += "_client"  # a package named "datetime" would shadow the standard library's
    return package.replace("_", "-"), package


#: Top-level modules a generated client imports (directly or through httpx and pydantic).
_DEPENDENCY_MODULES = frozenset(
    {"httpx", "httpcore", "h11", "anyio", "sniffio", "idna", "certifi", "pydantic", "pydantic_core",
     "typing_extensions", "annotated_types", "typing_inspection"}
)  # fmt: skip


def build_api(
    data: dict[str, Any],
    resolver: Resolver,
    sink: DiagnosticSink,
    *,
    version: str,
    package: str,
    project: str,
    class_names: dict[str, str] | None = None,
    pagination: dict[str, Any] | None = None,
) -> Api:
    """Normalize every component schema and every operation of ``data`` into an :class:`Api`.

    Component schemas are registered first (their names are fixed before any body is built).
    """
    root = resolver.root()
    schemas = SchemaBuilder(resolver, sink, is31=(version == "3.1"), overrides=class_names or {})
    components = data.get("components") if isinstance(data.get("components"), dict) else {}
    comp_schemas = components.get("schemas") if isinstance(components.get("schemas"), dict) else {}
    for name, schema in comp_schemas.items():
        schemas.register(root.child("components", "schemas", name), schema, str(name))
    schemas.build_queued()

    security = _security_schemes(components, sink, _required_scopes(data))
    ops = OperationBuilder(data, root, schemas, sink, pagination=pagination or {})
    ops.schemes = {s.key: s for s in security}
    default_security = _default_security(data, security)
    ops.check_security(data.get("security"), root.child("security"))
    resources = ops.build(default_security)
    webhooks, event_token = build_webhooks(data, root, resolver, schemas, sink)
    schemas.build_queued()
    ops.resolve_defaults()
    schemas.mark_always_sent()
    schemas.mark_nullable()
    names = schemas.finalize_names()
    shadowed = finalize_api(schemas.defs.values(), resources, names)
    webhook_event = finalize_webhooks(webhooks, event_token, names)
    ops.name_classes(resources, {d.name for d in schemas.defs.values()} | MODEL_MODULE_NAMES)

    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    title = str(info.get("title") or project)
    definitions = _ordered(schemas.defs, sink)
    # input classes beside the classes of responses, by their final names
    read_names = {names.get(t, t): names.get(r, r) for t, r in schemas.read_names.items()}
    return Api(
        title=title,
        version=str(info.get("version") or "0.0.0"),
        doc=str(info.get("description") or "").strip(),
        package=package,
        project=project,
        base_url=_base_url(data),
        env_prefix=package.upper(),
        definitions=definitions,
        resources=resources,
        security=security,
        default_security=default_security,
        shadowed=shadowed,
        input_models=[(d.name, read_names[d.name]) for d in definitions if d.name in read_names],
        webhooks=webhooks,
        webhook_event=webhook_event,
    )


def _ordered(defs: dict[str, Definition], sink: DiagnosticSink) -> list[Definition]:
    """Enums, then models (registration order), then aliases in dependency order."""
    enums = [d for d in defs.values() if isinstance(d, EnumDef)]
    models = [d for d in defs.values() if isinstance(d, ModelDef)]
    aliases = {d.name: d for d in defs.values() if isinstance(d, AliasDef)}
    ordered: list[AliasDef] = []
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name):
            return
        state[name] = 1
        for dep in sorted(aliases[name].deps):
            if dep in aliases and dep != name:
                visit(dep)
        state[name] = 2
        ordered.append(aliases[name])

    for name in aliases:
        visit(name)
    # an alias that reaches itself through aliases only cannot be written in Python 3.11
    for alias in ordered:
        if _alias_cycle(alias.name, aliases):
            sink.warning(
                f"'{alias.name}' refers to itself through aliases only; it is typed as Any",
                alias.pointer.split("#", 1)[-1],
            )
            alias.hint = "Any"
            alias.deps = set()
            alias.doc = (alias.doc + "\n\n" if alias.doc else "") + "Recursive through aliases only: typed as Any."
    return [*enums, *models, *ordered]


def _alias_cycle(start: str, aliases: dict[str, AliasDef]) -> bool:
    stack = [d for d in aliases[start].deps if d in aliases]
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name == start:
            return True
        if name in seen:
            continue
        seen.add(name)
        stack += [d for d in aliases[name].deps if d in aliases]
    return False


def _base_url(data: dict[str, Any]) -> str:
    servers = data.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return "http://localhost"
    url = str(servers[0].get("url") or "/")
    variables = servers[0].get("variables") if isinstance(servers[0].get("variables"), dict) else {}
    for name, var in variables.items():
        if isinstance(var, dict) and "default" in var:
            url = url.replace("{" + str(name) + "}", str(var["default"]))
    return url


def _required_scopes(data: dict[str, Any]) -> dict[str, list[str]]:
    """The scopes the document's Security Requirement Objects (top-level and operations') ask
    of each scheme, in order of first appearance."""
    requirements = list(data.get("security") or []) if isinstance(data.get("security"), list) else []
    paths = data.get("paths") if isinstance(data.get("paths"), dict) else {}
    for item in paths.values():
        for op in item.values() if isinstance(item, dict) else ():
            if isinstance(op, dict) and isinstance(op.get("security"), list):
                requirements += op["security"]
    scopes: dict[str, list[str]] = {}
    for req in requirements:
        for name, wanted in req.items() if isinstance(req, dict) else ():
            have = scopes.setdefault(str(name), [])
            have += [str(w) for w in wanted or [] if isinstance(w, str) and str(w) not in have]
    return scopes


def _client_credentials(scheme: dict[str, Any]) -> dict[str, Any] | None:
    """An oauth2 scheme's ``clientCredentials`` flow, when it has one with a ``tokenUrl``."""
    flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {}
    flow = flows.get("clientCredentials")
    if isinstance(flow, dict) and isinstance(flow.get("tokenUrl"), str) and flow["tokenUrl"]:
        return flow
    return None


def _security_schemes(
    components: dict[str, Any], sink: DiagnosticSink, scopes: dict[str, list[str]] | None = None
) -> list[SecurityScheme]:
    """Every supported security scheme, in document order, each with the client argument that
    carries its credential. Schemes that send the same credential the same way share one
    argument: every bearer-like scheme (http ``bearer``, any ``bearerFormat``; ``oauth2``;
    ``openIdConnect``) the ``token``, every http ``basic`` the ``username``/``password``, API
    keys of the same name and location one key; API keys of different names get one each.
    An oauth2 scheme with a ``clientCredentials`` flow also takes ``client_id`` and
    ``client_secret``: its ``token_url``, and the ``scopes`` the document's requirements ask of
    it (``scopes``: by scheme name)."""
    raw = components.get("securitySchemes") if isinstance(components.get("securitySchemes"), dict) else {}
    out: list[SecurityScheme] = []
    used_params: set[str] = set()
    shared: dict[tuple[str, ...], str] = {}
    for key, scheme in raw.items():
        if not isinstance(scheme, dict):
            continue
        typ = scheme.get("type")
        doc = str(scheme.get("description") or "").strip()
        ptr = f"/components/securitySchemes/{key}"
        where = str(scheme.get("in") or "")
        name = str(scheme.get("name") or "")
        if typ == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            kind, param, same = "bearer", "token", ("bearer",)
        elif typ == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            kind, param, same = "basic", "username", ("basic",)
        elif typ == "apiKey" and where in ("header", "query", "cookie"):
            kind, param = "apikey", snake(str(key)) or "api_key"
            same = ("apikey", where, name.lower() if where == "header" else name)
            if param in ("token", "username", "password"):
                param = f"{param}_{where}"
            if not param.endswith(("key", "token", "cookie")):
                param = f"{param}_{'cookie' if where == 'cookie' else 'key'}" if param != "cookie" else "cookie"
        elif typ in ("oauth2", "openIdConnect"):
            kind, param, same = "bearer", "token", ("bearer",)
        else:
            sink.info(f"security scheme '{key}' ({typ}) is not supported; pass credentials via default_headers", ptr)
            continue
        if same in shared:
            param = shared[same]  # one credential serves every scheme that sends it the same way
        else:
            param = py_ident(param, prefix="auth")
            if param in used_params:
                param = py_ident(f"{snake(str(key))}_credential", prefix="auth")
            used_params.add(param)
            shared[same] = param
        flow = _client_credentials(scheme) if typ == "oauth2" else None
        out.append(
            SecurityScheme(
                key=str(key),
                kind=kind,
                param=param,
                header_name=name,
                location=where,
                doc=doc,
                token_url=str(flow["tokenUrl"]) if flow else "",
                scopes=list((scopes or {}).get(str(key), [])) if flow else [],
            )
        )
    return out


def _default_security(data: dict[str, Any], schemes: list[SecurityScheme]) -> list[list[str]]:
    """The document's top-level ``security`` as alternatives (each the supported schemes that
    must all be sent); without one, any single scheme (the first configured is sent)."""
    sec = data.get("security")
    if not isinstance(sec, list):
        return [[s.key] for s in schemes]
    return security_alternatives(sec, {s.key: s for s in schemes})
