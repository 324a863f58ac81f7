"""IR -> the context of the generated ``testing`` module (the test kit): per resource the mock's
attribute, class and module, per operation its parameters as ``MockAPIBase._resource`` reads
them, the credential arguments and the schema facts of every model's fields (``Field.facts``)
that ``fake`` follows.
"""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import quote

from ..ir.model import Api, ModelDef, Resource
from .text import docstring_body, py_literal, py_str, py_str_tuple

__all__ = ["MOCK_ATTRS", "kit_context", "mock_attr"]

#: The attributes of the mock itself (``MockAPIBase``): a resource named like one is the mock's
#: ``<name>_``.
MOCK_ATTRS = frozenset({"transport", "client", "async_client", "calls", "reset", "fake_all"})


def mock_attr(res: Resource) -> str:
    """The attribute of ``MockAPI`` holding the mocks of ``res``'s operations: the client's
    attribute, ``<name>_`` when the mock itself has an attribute of that name."""
    return res.attr + "_" if res.attr in MOCK_ATTRS else res.attr


#: Characters of a wire name kept as they are in the kit's parameter table (the rest, whitespace
#: and ``%`` among them, are percent-encoded).
_KEPT = "".join(c for c in string.punctuation if c != "%")


def _params(op: Any) -> str:
    """The parameters of ``op`` as ``MockAPIBase._resource`` reads them: ``location:python_name``
    tokens (``=wire_name`` when it differs), then ``body:<body argument>`` when it has a body."""
    tokens = [
        f"{p.location}:{p.py_name}" + ("" if p.json_name == p.py_name else "=" + quote(p.json_name, safe=_KEPT))
        for p in op.params
    ]
    if op.bodies:
        tokens.append(f"body:{op.body_arg}")
    return " ".join(tokens)


def kit_context(api: Api, credentials: list[str]) -> dict[str, Any]:
    """What ``testing.py.jinja`` lays out for ``api``; ``credentials``: the clients' credential
    arguments (each given a test value by ``MockAPI.client()``)."""
    resources = []
    for res in api.resources:
        ops = []
        for op in res.operations:
            summary = " ".join((op.summary or op.operation_id).split())
            ops.append(
                {
                    "name": op.py_name,
                    "doc": docstring_body(
                        f"``client.{res.attr}.{op.py_name}``: {summary} ({op.method.upper()} {op.path})."
                    ),
                    "params": py_str(_params(op)),
                }
            )
        resources.append(
            {
                "attr": res.attr,
                "mock_attr": mock_attr(res),
                # (not "...Mock": a tag "operation" would shadow the imported OperationMock)
                "class_name": res.class_name.removesuffix("Resource") + "Operations",
                "module": py_str(res.module),
                "ops": ops,
            }
        )
    facts: dict[str, dict[str, Any]] = {}
    for d in api.definitions:
        if isinstance(d, ModelDef):
            # the model's own facts under "" (no field has that name)
            fields = ({"": d.facts} if d.facts else {}) | {
                f.py_name: f.facts for f in d.fields if f.facts
            }
            if fields:
                facts[d.name] = fields
    first = (
        resources[0]["mock_attr"] + "." + resources[0]["ops"][0]["name"]
        if resources and resources[0]["ops"]
        else ""
    )
    return {
        "doc": docstring_body(
            f"Test kit of the {api.title} client: :class:`MockAPI`, a mock of the API that clients are "
            "pointed at, and :func:`fake`, valid instances of the API's models.\n\n"
            "It needs nothing beyond the client's own dependencies and works with pytest and unittest."
        ),
        "mock_doc": docstring_body(
            "A mock of the API, addressed like the client: each operation is an OperationMock at the "
            f"same path as the client's method (``mock.{first}``), told what to answer with "
            "``returns(...)`` or ``raises(status, body)``, and recording its ``calls``. "
            "``client()`` and ``async_client()`` build clients wired to it; ``transport`` is an httpx "
            "transport for a client built otherwise (``http_client=httpx.Client(transport=mock.transport)``). "
            "An operation called without being set up raises ``NotSetUp`` naming it."
        ),
        "resources": resources,
        "credentials": py_str_tuple(credentials),
        "facts": py_literal(facts),
    }
