"""IR -> the context of the generated README: which operations its examples call (a read, a
paginated list, a JSON body, a file upload: the first of each kind the API has), the credentials
of each security scheme, and every example as Python source laid out by black. Every example
runs, in order, against the client's test kit (``tests/test_doc_examples.py``).
"""

from __future__ import annotations

from typing import Any

from ..ir.model import Api, EnumDef, ModelDef, Operation, Resource
from .examples import ExampleBuilder, format_examples
from .kit import mock_attr
from .params import body_models
from .text import py_str

__all__ = ["readme_context"]


def _find(api: Api, test: Any) -> tuple[Resource, Operation] | None:
    for res in api.resources:
        for op in res.operations:
            if test(op):
                return res, op
    return None


def _call(res: Resource, op: Operation, args: list[str], prefix: str = "client", raw: bool = False) -> str:
    via = ".with_raw_response" if raw else ""
    return f"{prefix}.{res.attr}{via}.{op.py_name}({', '.join(args)})"


def _upload_args(ex: ExampleBuilder, api: Api, op: Operation) -> list[str]:
    """The arguments of an upload: the body's model with its file fields set to a file part."""
    args = [a for a in ex.call_args(op) if not a.startswith(op.body_arg + "=")]
    body = next(b for b in op.bodies if b.kind == "multipart")
    d = next((d for d in api.definitions if isinstance(d, ModelDef) and d.name == body.hint), None)
    if d is None:
        return args + [f"{op.body_arg}={ex.value(body.hint, {}, op.body_arg)}"]
    fields = []
    for f in d.fields:
        if "FileInput" in f.hint:
            part = '("report.txt", b"file content", "text/plain")'
            fields.append(f"{f.py_name}=[{part}]" if f.hint.startswith("list[") else f"{f.py_name}={part}")
        elif f.required and not f.always_sent:
            fields.append(f"{f.py_name}={ex.value(f.hint, f.facts, f.json_name, 1)}")
    ex.imports.add("models")
    return args + [f"{op.body_arg}=models.{d.name}({', '.join(fields)})"]


def readme_context(api: Api, auth_params: list[dict[str, str]]) -> dict[str, Any]:
    """What ``README.md.jinja`` lays out for ``api`` (``auth_params``: one per credential
    argument, as the plan builds them)."""
    pkg = api.package
    ex = ExampleBuilder(api)
    read = _find(api, lambda op: op.method == "get" and not op.pagination and op.return_hint != "None")
    read = read or _find(api, lambda op: not op.pagination) or _find(api, lambda op: True)
    paged = _find(api, lambda op: bool(op.pagination))
    upload = _find(api, lambda op: any(b.kind == "multipart" for b in op.bodies))
    credentials = []
    for s in auth_params:
        value = py_str(f"my-{s['param'].replace('_', '-')}")
        credentials.append(f"{s['param']}={value}")
        if s["kind"] == "basic":
            credentials.append('password="my-password"')
    client_args = ", ".join(credentials)
    blocks: dict[str, str] = {}  # (the set-up block is written last: it imports what the others use)
    if read:
        res, op = read
        call = _call(res, op, ex.call_args(op))
        blocks["sync"] = f"result = {call}\nprint(result)"
        blocks["async"] = (
            f"import asyncio\n\nfrom {pkg} import AsyncClient\n\n\nasync def main() -> None:\n"
            f"    async with AsyncClient({client_args}) as client:\n"
            f"        result = await {call}\n        print(result)\n\n\nasyncio.run(main())"
        )
        blocks["errors"] = (
            f"from {pkg} import APIConnectionError, APIStatusError, NotFoundError\n\n"
            f"try:\n    {call}\nexcept NotFoundError as exc:\n    print(\"not found:\", exc.error)\n"
            "except APIStatusError as exc:\n    print(exc.status_code, exc.error, exc.request_id)\n"
            "except APIConnectionError as exc:\n    print(\"no response:\", exc)"
        )
        blocks["retries"] = (
            f"client = Client({client_args + ', ' if client_args else ''}max_retries=5)\n"
            f"{_call(res, op, ex.call_args(op) + ['max_retries=0'])}  # this call only: no retry"
        )
        blocks["timeouts"] = (
            f"import httpx\n\nclient = Client({client_args + ', ' if client_args else ''}timeout=httpx.Timeout(20.0, connect=5.0))\n"
            f"{_call(res, op, ex.call_args(op) + ['timeout=5.0'])}  # this call only"
        )
        blocks["raw"] = (
            f"raw = {_call(res, op, ex.call_args(op), raw=True)}\n"
            "print(raw.status_code, raw.headers.get(\"content-type\"), raw.request_id)\n"
            "result = raw.parse()  # what the method returns"
        )
        blocks["options"] = _call(
            res,
            op,
            ex.call_args(op)
            + ['extra_headers={"X-Request-Source": "docs"}', 'extra_query={"trace": "1"}', "timeout=10.0"],
        )
    if paged:
        res, op = paged
        blocks["pagination"] = (
            f"page = {_call(res, op, ex.call_args(op))}\n"
            "for item in page:  # every item of every page, fetched as needed\n    print(item)\n"
            "for item in page.items:  # this page's items only\n    print(item)\n"
            "if page.has_next_page():\n    next_page = page.next_page()"
        )
    if upload:
        res, op = upload
        blocks["upload"] = f"result = {_call(res, op, _upload_args(ex, api, op))}"
    blocks["logging"] = f'import logging\n\nlogging.basicConfig()\nlogging.getLogger("{pkg}").setLevel(logging.DEBUG)'
    enum = next((d for d in api.definitions if isinstance(d, EnumDef) and d.base == "str" and d.members), None)
    if enum:
        blocks["forward"] = (
            f"from {pkg} import models\n\n"
            f'value = models.{enum.name}("a-value-added-later")  # no error: the value is kept\n'
            "print(value.value, value in list(models." + enum.name + "))"
        )
    if read:
        res, op = read
        ret = op.return_hint
        lines = [f"from {pkg} import models", f"from {pkg}.testing import MockAPI, fake", "", ""]
        lines.append("def test_my_code_calls_the_api() -> None:")
        lines.append("    mock = MockAPI()")
        lines.append("    client = mock.client()  # or mock.async_client()")
        if ret in ex.defs:
            lines.append(f"    expected = fake(models.{ret}, seed=1)  # valid against the schema")
            lines.append(f"    mock.{mock_attr(res)}.{op.py_name}.returns(expected)")
            lines.append(f"    result = {_call(res, op, ex.call_args(op))}")
            lines.append("    assert result == expected")
        else:
            lines.append(f"    mock.{mock_attr(res)}.{op.py_name}.returns_fake()")
            lines.append(f"    {_call(res, op, ex.call_args(op))}")
        lines.append(f"    call = mock.{mock_attr(res)}.{op.py_name}.calls[0]")
        lines.append("    print(call.kwargs, call.request.url)  # the arguments as passed, the raw request")
        lines.append(f"    mock.{mock_attr(res)}.{op.py_name}.raises(404)")
        lines.append("    try:")
        lines.append(f"        {_call(res, op, ex.call_args(op))}")
        lines.append(f"    except {_error_import(lines, pkg)} as exc:")
        lines.append("        assert exc.status_code == 404")
        lines.append("    else:")
        lines.append('        raise AssertionError("expected NotFoundError")')
        lines.append("")
        lines.append("")
        lines.append("test_my_code_calls_the_api()  # pytest collects it by its name")
        blocks["testing"] = "\n".join(lines)
    blocks["version"] = f"from {pkg} import __spec_version__, __version__\n\nprint(__version__, __spec_version__)"
    examples = []
    for res in api.resources:
        op = res.operations[0]
        examples.append(
            {
                "attr": res.attr,
                "summary": " ".join((op.summary or op.operation_id).split()),
                "code": f"result = {_call(res, op, ex.call_args(op))}",
            }
        )
    # the first block imports what the others use (models, datetime...)
    stdlib = "".join(f"import {m}\n" for m in sorted(ex.imports - {"models"}))
    first = f"from {pkg} import Client, models" if "models" in ex.imports else f"from {pkg} import Client"
    blocks["setup"] = (stdlib + "\n" if stdlib else "") + f"{first}\n\nclient = Client({client_args})"
    for key in ("sync", "async", "errors", "retries", "timeouts", "raw", "options", "pagination", "upload", "forward", "testing"):
        blocks.setdefault(key, "")
    keys = [k for k in blocks if blocks[k]]
    formatted = format_examples([blocks[k] for k in keys] + [e["code"] for e in examples])
    out = {k: "" for k in blocks} | dict(zip(keys, formatted[: len(keys)]))
    for e, text in zip(examples, formatted[len(keys) :]):
        e["code"] = text
    auth = []
    for scheme in api.security:
        env = f"{api.env_prefix}_{scheme.param.upper()}"
        if scheme.kind == "bearer":
            how = f"`{scheme.param}=` (or `{env}`): sent as `Authorization: Bearer <token>`"
        elif scheme.kind == "basic":
            how = f"`{scheme.param}=` and `password=` (or `{env}`, `{api.env_prefix}_PASSWORD`): HTTP basic"
        else:
            how = f"`{scheme.param}=` (or `{env}`): sent as the {scheme.location} `{scheme.header_name}`"
        auth.append(f"`{scheme.key}` ({scheme.kind}): {how}")
    return {
        "auth": auth,
        "blocks": out,
        "examples": examples,
        "paged": f"client.{paged[0].attr}.{paged[1].py_name}" if paged else "",
        "upload": f"client.{upload[0].attr}.{upload[1].py_name}" if upload else "",
        "read": f"client.{read[0].attr}.{read[1].py_name}" if read else "",
        "mock_read": f"mock.{mock_attr(read[0])}.{read[1].py_name}" if read else "",
    }


def _error_import(lines: list[str], pkg: str) -> str:
    """``NotFoundError``, imported by the testing example's first line."""
    lines[0] = f"from {pkg} import NotFoundError, models"
    return "NotFoundError"


def readme_dict_body(api: Api) -> dict[str, str] | None:
    """The README's example of a dict body: the first operation whose body may be one, with the
    model's required JSON names (``None`` when no body may be a dict)."""
    dicts = set(body_models(api))
    models = {d.name: d for d in api.definitions if isinstance(d, ModelDef)}
    for res in api.resources:
        for op in res.operations:
            body = next((b for b in op.bodies if b.hint in dicts), None)
            if body is not None:
                keys = [f.json_name for f in models[body.hint].fields if f.required]
                return {
                    "call": f"client.{res.attr}.{op.py_name}",
                    "model": body.hint,
                    "required": ", ".join(f"`{k}`" for k in keys) or "none",
                }
    return None
