"""Request bodies as dicts (issue 18): ``body=`` takes the model or a plain dict of its shape
(JSON names or Python names), typed by the ``TypedDict`` of ``params.py``; the dict is validated
into the model before anything is sent (a wrong field is a ``RequestBodyError`` naming it), and
the file parts of a multipart body stay files."""

from __future__ import annotations

import datetime
import importlib
import re
from pathlib import Path

import httpx
import pytest

from features_helpers import Recorder, both, mypy_snippet, sent_json, spec

BODIES = spec(
    "dict_bodies",
    """
    openapi: 3.1.0
    info: {title: DictBodies, version: "1"}
    paths:
      /pets:
        post:
          operationId: createPet
          tags: [pets]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/PetCreate'}
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      /pets/{id}/photo:
        post:
          operationId: uploadPhoto
          tags: [pets]
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {$ref: '#/components/schemas/Photo'}
          responses: {"204": {description: ok}}
      /notes:
        post:
          operationId: addNote
          tags: [pets]
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Photo'}
              multipart/form-data:
                schema: {$ref: '#/components/schemas/Photo'}
          responses: {"204": {description: ok}}
    components:
      schemas:
        PetCreate:
          type: object
          required: [name, birthDate]
          properties:
            name: {type: string}
            birthDate: {type: string, format: date}
            tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}
            owner: {$ref: '#/components/schemas/Owner'}
        Tag:
          type: object
          required: [label]
          properties: {label: {type: string}}
        Owner:
          type: object
          properties: {fullName: {type: string}}
          additionalProperties: true
        Pet:
          type: object
          properties: {id: {type: string}, name: {type: string}}
        Photo:
          type: object
          required: [photo]
          properties:
            photo: {type: string, format: binary}
            caption: {type: string}
    """,
)


def _parts(request: httpx.Request) -> dict[str, bytes]:
    """``{name: content}`` of the parts of a multipart request."""
    ctype = request.headers["Content-Type"]
    assert ctype.startswith("multipart/form-data; boundary="), ctype
    boundary = ctype.split("boundary=", 1)[1].encode()
    out = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        assert name, head
        out[name.group(1).decode()] = content.removesuffix(b"\r\n")
    return out


def test_a_dict_of_json_names_is_sent_as_the_model_would_be(gen) -> None:
    g = gen(BODIES)
    rec = Recorder(json={"id": "p1", "name": "Rex"})
    body = {
        "name": "Rex",
        "birthDate": "2020-01-02",
        "tags": [{"label": "good"}],
        "owner": {"fullName": "Ann", "since": 2019},  # Owner declares additionalProperties
    }
    results = both(g, rec, lambda c: c.pets.create_pet(body=body))
    assert [r.id for r in results] == ["p1", "p1"]
    for request in rec.requests:
        assert request.headers["Content-Type"] == "application/json"
        assert sent_json(request) == body


def test_a_dict_of_python_names_and_values_is_sent_by_json_names(gen) -> None:
    g = gen(BODIES)
    rec = Recorder(json={})
    body = {"name": "Rex", "birth_date": datetime.date(2020, 1, 2), "owner": {"full_name": "Ann"}}
    both(g, rec, lambda c: c.pets.create_pet(body=body))
    for request in rec.requests:
        assert sent_json(request) == {"name": "Rex", "birthDate": "2020-01-02", "owner": {"fullName": "Ann"}}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"name": "Rex"}, "birthDate: Field required"),
        ({"name": "Rex", "birthDate": "yesterday"}, "birthDate: Input should be a valid date or datetime, input is too short"),
        ({"name": "Rex", "birthDate": "2020-01-02", "colour": "red"}, "colour: unknown field"),
        ({"name": "Rex", "birthDate": "2020-01-02", "tags": [{"label": "a", "lable": "b"}]}, "tags.0.lable: unknown field"),
        ({"name": "Rex", "birthDate": "2020-01-02", "tags": [{}]}, "tags.0.label: Field required"),
    ],
)
def test_a_wrong_dict_is_an_error_naming_the_field_and_nothing_is_sent(gen, body, problem) -> None:
    g = gen(BODIES)
    g.pkg  # noqa: B018 - imports it
    errors = importlib.import_module(f"{g.package}._bodies")
    rec = Recorder(json={})
    with pytest.raises(errors.RequestBodyError) as info:
        g.client(rec).pets.create_pet(body=body)
    assert isinstance(info.value, ValueError)
    assert problem in info.value.problems, info.value.problems
    assert str(info.value).startswith("Invalid request body for PetCreate: ")
    assert info.value.model is g.models.PetCreate
    assert rec.requests == []


def test_the_model_is_still_taken_as_it_is(gen) -> None:
    g = gen(BODIES)
    rec = Recorder(json={})
    pet = g.models.PetCreate(name="Rex", birth_date=datetime.date(2020, 1, 2))
    both(g, rec, lambda c: c.pets.create_pet(body=pet))
    for request in rec.requests:
        assert sent_json(request) == {"name": "Rex", "birthDate": "2020-01-02"}


def test_the_file_parts_of_a_multipart_dict_stay_files(gen, tmp_path: Path) -> None:
    g = gen(BODIES)
    rec = Recorder(status=204)
    png = b"\x89PNG\r\n\x1a\n\x00\xff binary"
    both(g, rec, lambda c: c.pets.upload_photo(id="1", body={"photo": png, "caption": "hi"}))
    for request in rec.requests:
        assert _parts(request) == {"photo": png, "caption": b"hi"}
    # the same dict to an operation of JSON or multipart: a dict holding a file goes as multipart
    rec = Recorder(status=204)
    both(g, rec, lambda c: c.pets.add_note(body={"photo": png}))
    for request in rec.requests:
        assert _parts(request) == {"photo": png}
    with pytest.raises(ValueError, match="photo: Field required"):
        g.client(rec).pets.upload_photo(id="1", body={"caption": "no photo"})


def test_every_body_model_and_the_models_it_holds_have_a_typed_dict(gen) -> None:
    g = gen(BODIES)
    g.pkg  # noqa: B018 - imports it
    params = importlib.import_module(f"{g.package}.params")
    assert sorted(params.__all__) == ["Owner", "PetCreate", "Photo", "Tag"]
    # the value types are strings (forward references) that type-checkers read
    annotations = {k: v.__forward_arg__ for k, v in params.PetCreate.__annotations__.items()}
    assert annotations == {
        "name": "Required[str]",
        "birthDate": "Required[datetime.date]",
        "tags": "list[_models.Tag | Tag] | None",
        "owner": "_models.Owner | Owner | None",
    }
    assert "Pet" not in params.__all__  # a response model only


def test_type_checkers_check_a_dict_body(gen, tmp_path: Path) -> None:
    g = gen(BODIES)
    code, report = mypy_snippet(
        g,
        f"""
        import datetime

        from {g.package} import Client


        def f(client: Client) -> None:
            client.pets.create_pet(
                body={{
                    "name": "Rex",
                    "birthDate": datetime.date(2020, 1, 2),
                    "tags": [{{"label": "good"}}],
                    "owner": {{"fullName": "Ann"}},
                }}
            )
            client.pets.upload_photo(id="1", body={{"photo": b"...", "caption": "hi"}})
        """,
        tmp_path / "good",
    )
    assert code == 0, report
    code, report = mypy_snippet(
        g,
        f"""
        import datetime

        from {g.package} import Client
        from {g.package}.params import PetCreate


        def f(client: Client) -> None:
            client.pets.create_pet(body={{"name": "Rex", "birthdate": datetime.date(2020, 1, 2)}})
            client.pets.create_pet(body={{"name": 1, "birthDate": datetime.date(2020, 1, 2)}})
            client.pets.create_pet(body={{"name": "Rex", "birthDate": datetime.date(2020, 1, 2), "tags": [{{"lable": "x"}}]}})
            pet: PetCreate = {{"name": "Rex", "birthdate": datetime.date(2020, 1, 2)}}
            client.pets.create_pet(body=pet)
        """,
        tmp_path / "bad",
    )
    assert code == 1, report
    # each wrong dict is refused where it is given; the TypedDict itself names the wrong key
    lines = sorted({int(m) for m in re.findall(r"snippet\.py:(\d+): error:", report)})
    assert lines == [8, 9, 10, 11], report
    assert 'Missing key "birthDate"' in report and 'Extra key "birthdate"' in report, report
