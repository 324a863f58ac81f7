"""Dangling ``$ref``s: a reference to nothing is a defect confined to where it is written. It is a
WARNING at the ``$ref`` itself, the reference is typed as any JSON value (``Any``) or, where a type
cannot stand in for it (a whole parameter, a path item, a discriminator mapping entry), what it
was is dropped, as the warning says; the rest of the document is generated and works. With
``--strict`` the warnings are errors and nothing is written, as before."""

from __future__ import annotations

import inspect

import pytest

from features_helpers import Recorder, sent_json, spec, write_inputs

DANGLING = spec(
    "dangling_refs",
    """
    openapi: 3.0.3
    info: {title: Dangling, version: "1"}
    paths:
      /pets/{petId}:
        parameters:
          - {name: petId, in: path, required: true, schema: {type: string}}
          - $ref: '#/components/parameters/Gone'
        get:
          operationId: getPet
          parameters:
            - {name: since, in: query, schema: {$ref: '#/components/schemas/NoSince'}}
            - {name: limit, in: query, schema: {type: integer}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
            "404":
              $ref: '#/components/responses/NoNotFound'
        put:
          operationId: putPet
          requestBody:
            $ref: '#/components/requestBodies/NoBody'
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/NoResult'}
        post:
          operationId: postPet
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/NoInput'}
          responses:
            "201":
              $ref: '#/components/responses/NoCreated'
      /gone:
        $ref: '#/components/pathItems/NoItem'
      /ok:
        get:
          operationId: getOk
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
    components:
      schemas:
        Pet:
          type: object
          required: [name]
          properties:
            name: {type: string}
            owner: {$ref: '#/components/schemas/NoOwner'}
            tags: {type: array, items: {$ref: 'missing.yaml#/Tag'}}
            extra: {$ref: '#/components/schemas/Pet/properties/nothing'}
        Alias: {$ref: '#/components/schemas/NoTarget'}
        Mixed:
          allOf:
            - {$ref: '#/components/schemas/NoBase'}
            - type: object
              properties:
                kept: {type: integer}
        Shape:
          oneOf:
            - {$ref: '#/components/schemas/Circle'}
            - {$ref: '#/components/schemas/Square'}
          discriminator:
            propertyName: kind
            mapping:
              circle: '#/components/schemas/Circle'
              square: '#/components/schemas/Square'
              hexagon: '#/components/schemas/NoHexagon'
        Circle: {type: object, required: [kind], properties: {kind: {type: string}, r: {type: number}}}
        Square: {type: object, required: [kind], properties: {kind: {type: string}, side: {type: number}}}
    """,
)

#: pointer of each dangling ``$ref`` -> what the warning says became of it
EXPECTED = {
    "/paths/~1pets~1{petId}/parameters/1/$ref": "parameter dropped",
    "/paths/~1pets~1{petId}/get/parameters/0/schema/$ref": "typed as Any",
    "/paths/~1pets~1{petId}/get/responses/404/$ref": "typed as Any",
    "/paths/~1pets~1{petId}/put/requestBody/$ref": "typed as Any",
    "/paths/~1pets~1{petId}/put/responses/200/content/application~1json/schema/$ref": "typed as Any",
    "/paths/~1pets~1{petId}/post/requestBody/content/application~1json/schema/$ref": "typed as Any",
    "/paths/~1pets~1{petId}/post/responses/201/$ref": "typed as Any",
    "/paths/~1gone/$ref": "path dropped",
    "/components/schemas/Pet/properties/owner/$ref": "typed as Any",
    "/components/schemas/Pet/properties/tags/items/$ref": "typed as Any",
    "/components/schemas/Pet/properties/extra/$ref": "typed as Any",
    "/components/schemas/Alias/$ref": "typed as Any",
    "/components/schemas/Mixed/allOf/0/$ref": "member dropped",
    "/components/schemas/Shape/discriminator/mapping/hexagon": "mapping entry dropped",
}


def test_each_dangling_ref_is_one_warning_where_it_is_written(gen) -> None:
    g = gen(DANGLING)
    assert g.ok, g.describe()
    assert not g.diags("ERROR"), g.describe()
    for pointer, outcome in EXPECTED.items():
        found = g.diags("WARNING", pointer=pointer)
        assert len(found) == 1, f"{pointer}:\n{g.describe()}"
        assert outcome in found[0].message, found[0].message
        assert found[0].line > 0, found[0]


def test_the_rest_of_the_document_is_generated_and_works(gen) -> None:
    g = gen(DANGLING)
    m = g.models
    pet = m.Pet.model_validate({"name": "rex", "owner": {"any": ["thing"]}, "tags": [1, "x"]})
    assert pet.owner == {"any": ["thing"]} and pet.tags == [1, "x"]
    assert m.Mixed.model_validate({"kept": 3}).kept == 3
    rec = Recorder(200, json={"name": "rex"})
    client = g.client(rec)
    got = client.pets.get_pet(pet_id="7", since={"free": "form"}, limit=2)
    assert isinstance(got, m.Pet) and got.name == "rex"
    assert rec.last.url.path == "/pets/7" and rec.last.url.params["limit"] == "2"
    assert isinstance(client.ok.get_ok(), m.Pet)
    # a body and a response that reference nothing are any JSON value
    rec.json = [1, {"two": 2}]
    assert client.pets.put_pet(pet_id="7", body={"free": True}) == [1, {"two": 2}]
    assert sent_json(rec.last) == {"free": True}
    rec.status, rec.json = 201, {"created": 1}
    assert client.pets.post_pet(pet_id="7", body=[1, 2]) == {"created": 1}
    assert sent_json(rec.last) == [1, 2]


def test_what_cannot_be_typed_is_dropped(gen) -> None:
    g = gen(DANGLING)
    client = g.pkg.Client(base_url="http://t")
    # the dangling shared parameter is not an argument; the path item that is nowhere has no methods
    assert set(inspect.signature(client.pets.get_pet).parameters) == {"pet_id", "since", "limit", "options"}
    assert not hasattr(client, "gone")
    shape = g.models.Shape
    from pydantic import TypeAdapter

    adapter = TypeAdapter(shape)
    assert type(adapter.validate_python({"kind": "circle", "r": 1})).__name__ == "Circle"
    assert type(adapter.validate_python({"kind": "hexagon"})).__name__ == "UnknownVariant"


def test_strict_refuses_a_dangling_ref(tmp_path) -> None:
    from generator import Options, run

    root = write_inputs(DANGLING, tmp_path / "spec")
    result = run(Options(spec=root, output=tmp_path / "out", package_name="strict_dangling", strict=True, validate=False))
    assert not result.ok
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("flag", [[], ["--strict"]], ids=["default", "strict"])
def test_the_cli_generates_around_a_dangling_ref(flag: list[str], tmp_path, capsys) -> None:
    from generator.cli import main

    root = write_inputs(DANGLING, tmp_path / "spec")
    code = main(["generate", str(root), "-o", str(tmp_path / "out"), "--package-name", "cli_dangling", *flag])
    err = capsys.readouterr().err
    assert code == (1 if flag else 0), err
    assert "WARNING" in err and "#/components/schemas/Pet/properties/owner/$ref" in err
    assert bool(list(tmp_path.glob("out/*/cli_dangling/models.py"))) != bool(flag)
