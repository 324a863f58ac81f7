"""The render context of ``_client.py``: the client's credential arguments (their types,
environment variables and documentation), the ``_auth`` function that turns them into the
runtime's credential appliers, and the module's imports.

Every decision is made here; ``_client.py.jinja`` only lays the lines out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ir.model import Api, SecurityScheme
from .order import import_order, module_order_key
from .text import docstring_body, py_str, py_str_tuple

__all__ = ["AuthArg", "client_context"]

#: The runtime's credential class of each kind of security scheme (any other: an API key).
_AUTH_CLASSES = {"bearer": "BearerAuth", "basic": "BasicAuth"}


@dataclass(frozen=True)
class AuthArg:
    """One credential argument of the client constructors.

    ``hint``/``async_hint`` are its type in ``Client``/``AsyncClient`` (``None`` allowed),
    ``fn_hint`` its type in ``_auth`` (which serves both), ``env`` the environment variable
    it defaults to, ``doc`` its line in the constructor docstring.
    """

    name: str
    hint: str
    async_hint: str
    fn_hint: str
    env: str
    doc: str


def _schemes_doc(schemes: list[SecurityScheme]) -> str:
    names = ", ".join(f"``{docstring_body(s.key)}``" for s in schemes)
    return f"(security scheme{'s' if len(schemes) > 1 else ''} {names})"


def _secret_arg(name: str, env: str, doc: str) -> AuthArg:
    """An argument holding a secret: a str or a provider called per request (sync or async)."""
    return AuthArg(
        name=name,
        hint="SecretValue | None",
        async_hint="AsyncSecretValue | None",
        fn_hint="AsyncSecretValue | None",
        env=env,
        doc=doc,
    )


def _plain_arg(name: str, env: str, doc: str) -> AuthArg:
    return AuthArg(name=name, hint="str | None", async_hint="str | None", fn_hint="str | None", env=env, doc=doc)


def schemes_by_param(api: Api) -> dict[str, list[SecurityScheme]]:
    """The supported security schemes grouped by the constructor argument that carries their
    credential (several may share one: every bearer-like scheme the ``token``), in order."""
    by_param: dict[str, list[SecurityScheme]] = {}
    for s in api.security:
        by_param.setdefault(s.param, []).append(s)
    return by_param


def auth_args(api: Api) -> list[AuthArg]:
    """The credential arguments, in the order of the schemes that first use them: one per
    shared ``param`` (see ``normalize/api.py``), ``password`` after ``username``, and
    ``client_id``/``client_secret`` for OAuth 2.0 client credentials."""
    by_param = schemes_by_param(api)
    env = api.env_prefix + "_"
    provider = "or a provider of it"
    out: list[AuthArg] = []
    for param, schemes in by_param.items():
        kind, doc = schemes[0].kind, _schemes_doc(schemes)
        if kind == "basic":
            out.append(_plain_arg(param, env + param.upper(), f"HTTP basic user name {doc}."))
            out.append(_secret_arg("password", env + "PASSWORD", f"HTTP basic password, {provider}."))
            continue
        what = "bearer token" if kind == "bearer" else "API key"
        out.append(_secret_arg(param, env + param.upper(), f"{what} {doc}, {provider}."))
    flows = [s for s in api.security if s.token_url]
    if flows:
        doc = _schemes_doc(flows)
        out.append(
            _plain_arg("client_id", env + "CLIENT_ID", f"OAuth 2.0 client credentials {doc}: the client id.")
        )
        out.append(
            _secret_arg(
                "client_secret",
                env + "CLIENT_SECRET",
                "OAuth 2.0 client secret, or a provider of it: with ``client_id``, a token is\n"
                "fetched from the token URL, cached and renewed before it expires (``token`` wins).",
            )
        )
    return out


def _auth_body(api: Api) -> list[str]:
    """The statements of ``_auth`` after ``schemes`` is created (each line indented relative
    to the function body)."""
    lines: list[str] = []
    for s in api.security:
        key = py_str(s.key)
        if s.kind == "basic":
            lines += [f"if {s.param} is not None:", f"    schemes[{key}] = BasicAuth({s.param}, password or \"\")"]
        elif s.kind == "bearer":
            lines += [f"if {s.param} is not None:", f"    schemes[{key}] = BearerAuth({s.param})"]
            if s.token_url:
                args = ["client_id", "client_secret", py_str(s.token_url), py_str_tuple(s.scopes)]
                lines += [
                    "elif client_id is not None and client_secret is not None:",
                    f"    schemes[{key}] = OAuth2ClientCredentials({', '.join(args)})",
                ]
        else:
            value = f"ApiKeyAuth({py_str(s.header_name)}, {py_str(s.location)}, {s.param})"
            lines += [f"if {s.param} is not None:", f"    schemes[{key}] = {value}"]
    return lines


def client_context(api: Api) -> dict[str, Any]:
    """What ``_client.py.jinja`` needs besides the API: the credential arguments
    (``auth_args``), the body of ``_auth`` (``auth_body``), the runtime imports
    (``runtime_imports``: ``(module, names)`` in isort's order) and, for type checkers, each
    resource module's two classes (``resource_imports``)."""
    args = auth_args(api)
    auth = {"Auth"} | {_AUTH_CLASSES.get(s.kind, "ApiKeyAuth") for s in api.security}
    hints = " ".join(f"{a.hint} {a.async_hint} {a.fn_hint}" for a in args)
    auth |= {name for name in ("SecretValue", "AsyncSecretValue") if name in hints.split()}
    modules = {
        "._auth": auth,
        "._base_client": {"AsyncAPIClient", "SyncAPIClient"},
        "._constants": {"DEFAULT_MAX_RETRIES"},
        "._hooks": {"RequestHook", "ResponseHook", "RetryHook"},
        "._types": {"NOT_GIVEN", "NotGiven", "Timeout"},
        "._version": {"__version__"},
    }
    if api.client_credentials:
        modules["._oauth"] = {"OAuth2ClientCredentials"}
    return {
        "idempotency_header": py_str(api.idempotency_header) if api.idempotency_header else "",
        "auth_args": args,
        "auth_body": _auth_body(api),
        "auth_call": ", ".join(a.name for a in args),
        "runtime_imports": [(m, ", ".join(import_order(modules[m]))) for m in sorted(modules)],
        "resource_imports": [
            {"module": r.module, "names": import_order([r.class_name, "Async" + r.class_name])}
            for r in sorted(api.resources, key=lambda r: module_order_key(r.module))
        ],
    }
