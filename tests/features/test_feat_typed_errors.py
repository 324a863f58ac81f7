"""Typed errors (issue 18): an error response is parsed into the schema its operation declares
for the status, and a status error class whose statuses the document gives one schema is the
package's own subclass, raised by the client, whose ``error`` is typed with that schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from features_helpers import Recorder, both, mypy_snippet, spec

ERRORS = spec(
    "typed_errors",
    """
    openapi: 3.1.0
    info: {title: TypedErrors, version: "1"}
    paths:
      /a:
        get:
          operationId: getA
          tags: [things]
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
            "404": {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}
            "409": {description: clash, content: {application/json: {schema: {$ref: '#/components/schemas/ClashA'}}}}
            default: {description: problem, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
      /b:
        get:
          operationId: getB
          tags: [things]
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
            "404": {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}
            "409": {description: clash, content: {application/json: {schema: {$ref: '#/components/schemas/ClashB'}}}}
            5XX: {description: problem, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
    components:
      schemas:
        Missing:
          type: object
          required: [what]
          properties: {what: {type: string}}
        ClashA:
          type: object
          required: [a]
          properties: {a: {type: integer}}
        ClashB:
          type: object
          required: [b]
          properties: {b: {type: integer}}
        Problem:
          type: object
          required: [code]
          properties: {code: {type: integer}, message: {type: string}}
    """,
)


def _raised(g, status: int, body: object, call: str) -> list[BaseException]:
    """What ``client.things.<call>()`` raises against a ``status`` response of ``body``, with
    the sync client and then the async one."""
    rec = Recorder(status=status, json=body)
    caught: list[BaseException] = []

    def invoke(client):
        method = getattr(client.things, call)
        if isinstance(client, g.pkg.AsyncClient):

            async def run():
                try:
                    await method()
                except Exception as exc:  # noqa: BLE001 - what is raised is the subject
                    caught.append(exc)

            return run()
        try:
            method()
        except Exception as exc:  # noqa: BLE001
            caught.append(exc)

    both(g, rec, invoke)
    assert len(caught) == 2, caught
    return caught


def test_a_status_the_document_gives_one_schema_raises_the_typed_subclass(gen) -> None:
    g = gen(ERRORS)
    pkg, runtime = g.pkg, __import__(f"{g.package}._exceptions", fromlist=["x"])
    for exc in _raised(g, 404, {"what": "thing"}, "get_a"):
        assert type(exc) is pkg.NotFoundError
        assert pkg.NotFoundError is not runtime.NotFoundError
        assert isinstance(exc, runtime.NotFoundError) and isinstance(exc, pkg.APIStatusError)
        assert isinstance(exc.error, g.models.Missing) and exc.error.what == "thing"
        assert exc.body == {"what": "thing"}
    # 5xx: getA's default and getB's 5XX are the same schema
    for call in ("get_a", "get_b"):
        for exc in _raised(g, 503, {"code": 7}, call):
            assert type(exc) is pkg.InternalServerError
            assert isinstance(exc, runtime.InternalServerError)
            assert isinstance(exc.error, g.models.Problem) and exc.error.code == 7


def test_a_status_of_several_schemas_keeps_the_runtime_class_and_parses_per_operation(gen) -> None:
    g = gen(ERRORS)
    pkg, runtime = g.pkg, __import__(f"{g.package}._exceptions", fromlist=["x"])
    assert pkg.ConflictError is runtime.ConflictError
    for exc in _raised(g, 409, {"a": 1}, "get_a"):
        assert type(exc) is runtime.ConflictError and isinstance(exc.error, g.models.ClashA)
    for exc in _raised(g, 409, {"b": 2}, "get_b"):
        assert type(exc) is runtime.ConflictError and isinstance(exc.error, g.models.ClashB)
    # a body that does not fit the declared schema: the typed exception, error None, body kept
    for exc in _raised(g, 404, {"nothing": True}, "get_a"):
        assert type(exc) is pkg.NotFoundError and exc.error is None
        assert exc.body == {"nothing": True}
    # a status getB declares nothing for (418 -> no schema): the plain status error
    for exc in _raised(g, 418, {"code": 1}, "get_b"):
        assert type(exc) is runtime.APIStatusError and exc.error is None


def test_type_checkers_see_the_declared_schema(gen, tmp_path: Path) -> None:
    g = gen(ERRORS)
    code, report = mypy_snippet(
        g,
        f"""
        from {g.package} import Client, ConflictError, InternalServerError, NotFoundError

        def f(client: Client) -> None:
            try:
                client.things.get_a()
            except NotFoundError as e:
                reveal_type(e.error)
                if e.error is not None:
                    print(e.error.what)
            except InternalServerError as e:
                reveal_type(e.error)
            except ConflictError as e:
                reveal_type(e.error)
        """,
        tmp_path,
    )
    assert code == 0, report
    notes = [line.split("Revealed type is ", 1)[1] for line in report.splitlines() if "Revealed type" in line]
    assert notes == [
        f'"{g.package}.models.Missing | None"',
        f'"{g.package}.models.Problem | None"',
        '"Any"',
    ], report
