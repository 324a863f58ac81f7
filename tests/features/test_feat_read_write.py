"""``readOnly``/``writeOnly`` properties of a schema used by both requests and responses.

A response model keeps what the server sends typed as the document says (a required
``readOnly`` property is required and never ``None``); a request body whose schema (or a schema
it reaches) has ``readOnly`` properties, or required ``writeOnly`` ones, is an input model
``<Name>Input`` without the ``readOnly`` properties and with the required ``writeOnly`` ones
required. Shaped like hey-api's ``discriminator-one-of-read-write`` and
``transforms-read-write-unevaluated``."""

from __future__ import annotations

import pydantic
import pytest

from features_helpers import Recorder, field_names, sent_json, spec

PETS = spec(
    "read_write_pets",
    """
    openapi: 3.1.0
    info: {title: Read and write, version: "1"}
    paths:
      /pets:
        post:
          operationId: createPet
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/CreatePetRequest'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/CreatePetResponse'}
      /emails:
        get:
          operationId: getEmail
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/DisposableEmail'}
        post:
          operationId: createEmail
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/DisposableEmail'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/DisposableEmail'}
      /notes:
        post:
          operationId: createNote
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [text, id]
                  properties:
                    id: {type: integer, readOnly: true}
                    text: {type: string}
          responses:
            "204": {description: ok}
      /trees:
        post:
          operationId: createTree
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Branch'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Branch'}
    components:
      schemas:
        Branch:
          type: object
          required: [leaves]
          properties:
            leaves:
              type: array
              items: {$ref: '#/components/schemas/Leaf'}
            label: {type: string}
        Leaf:
          type: object
          required: [id, name]
          properties:
            id: {type: integer, readOnly: true}
            name: {type: string}
            branch: {$ref: '#/components/schemas/Branch'}
        AnimalPayload:
          type: object
          required: [typeDiscriminator]
          properties:
            typeDiscriminator: {type: string}
          discriminator:
            propertyName: typeDiscriminator
            mapping:
              dog: '#/components/schemas/DogPayload'
              cat: '#/components/schemas/CatPayload'
        DogPayload:
          allOf:
            - $ref: '#/components/schemas/AnimalPayload'
            - type: object
              required: [breed, canFetch, displayBreed]
              properties:
                breed: {type: string}
                canFetch: {type: boolean}
                displayBreed: {type: string, readOnly: true}
        CatPayload:
          allOf:
            - $ref: '#/components/schemas/AnimalPayload'
            - type: object
              required: [breed, livesRemaining, displayBreed]
              properties:
                breed: {type: string}
                livesRemaining: {type: integer}
                displayBreed: {type: string, readOnly: true}
        CreatePetRequest:
          type: object
          required: [name, animal]
          properties:
            name: {type: string}
            animal:
              oneOf:
                - $ref: '#/components/schemas/DogPayload'
                - $ref: '#/components/schemas/CatPayload'
              discriminator:
                propertyName: typeDiscriminator
                mapping:
                  dog: '#/components/schemas/DogPayload'
                  cat: '#/components/schemas/CatPayload'
        CreatePetResponse:
          type: object
          required: [id, name, animal]
          properties:
            id: {type: string}
            name: {type: string}
            animal:
              oneOf:
                - $ref: '#/components/schemas/DogPayload'
                - $ref: '#/components/schemas/CatPayload'
              discriminator:
                propertyName: typeDiscriminator
                mapping:
                  dog: '#/components/schemas/DogPayload'
                  cat: '#/components/schemas/CatPayload'
        DisposableEmail:
          type: object
          required: [domain, disposable, metadata, password]
          properties:
            domain: {type: string}
            disposable: {type: boolean, readOnly: true}
            password: {type: string, writeOnly: true}
            metadata:
              type: object
              unevaluatedProperties: {}
    """,
)


def test_required_read_only_properties_stay_required_and_typed_in_responses(gen) -> None:
    g = gen(PETS)
    m = g.models
    field = m.DogPayload.model_fields["display_breed"]
    assert field.is_required() and field.annotation is str
    assert m.DisposableEmail.model_fields["disposable"].annotation is bool
    assert m.DisposableEmail.model_fields["disposable"].is_required()
    body = {
        "id": "1",
        "name": "rex",
        "animal": {
            "typeDiscriminator": "dog",
            "breed": "lab",
            "canFetch": True,
            "displayBreed": "Labrador",
        },
    }
    pet = g.client(Recorder(json=body)).pets.create_pet(
        body=m.CreatePetRequestInput(
            name="rex",
            animal=m.DogPayloadInput(type_discriminator="dog", breed="lab", can_fetch=True),
        )
    )
    assert type(pet.animal) is m.DogPayload and pet.animal.display_breed == "Labrador"
    # a write-only property is not in responses: optional there
    email = g.client(
        Recorder(json={"domain": "d", "disposable": False, "metadata": {}})
    ).emails.get_email()
    assert email.disposable is False and email.password is None


def test_request_bodies_take_input_models_without_read_only_properties(gen) -> None:
    g = gen(PETS)
    m = g.models
    assert "displayBreed" not in field_names(m.DogPayloadInput)
    assert "disposable" not in field_names(m.DisposableEmailInput)
    rec = Recorder(
        json={
            "id": "1",
            "name": "tom",
            "animal": {
                "typeDiscriminator": "cat",
                "breed": "x",
                "livesRemaining": 9,
                "displayBreed": "X",
            },
        }
    )
    g.client(rec).pets.create_pet(
        body=m.CreatePetRequestInput(
            name="tom",
            animal=m.CatPayloadInput(type_discriminator="cat", breed="x", lives_remaining=9),
        )
    )
    assert sent_json(rec.last) == {
        "name": "tom",
        "animal": {"typeDiscriminator": "cat", "breed": "x", "livesRemaining": 9},
    }
    rec = Recorder(json={"domain": "d", "disposable": True, "metadata": {}})
    got = g.client(rec).emails.create_email(
        body=m.DisposableEmailInput(domain="d", metadata={}, password="pw")
    )
    assert sent_json(rec.last) == {"domain": "d", "metadata": {}, "password": "pw"}
    assert type(got) is m.DisposableEmail and got.disposable is True
    # a required write-only property is required in the input model
    with pytest.raises(pydantic.ValidationError):
        m.DisposableEmailInput(domain="d", metadata={})
    # an inline request body used by no response is one class, without its read-only property
    note = g.pkg.models.CreateNoteBody
    assert "id" not in field_names(note)
    rec = Recorder(status=204)
    g.client(rec).notes.create_note(body=note(text="hi"))
    assert sent_json(rec.last) == {"text": "hi"}


def test_input_models_are_in_the_method_signatures(gen) -> None:
    g = gen(PETS)
    src = g.source("resources/pets.py")
    assert "body: CreatePetRequestInput" in src
    assert "body: DisposableEmailInput" in g.source("resources/emails.py")
    readme = (g.project_dir / "README.md").read_text(encoding="utf-8")
    assert "## Request and response models" in readme and "`CreatePetRequestInput`" in readme
    # the discriminated union of the input variants still picks them by the tag
    m = g.models
    req = m.CreatePetRequestInput.model_validate(
        {"name": "a", "animal": {"typeDiscriminator": "cat", "breed": "b", "livesRemaining": 1}}
    )
    assert type(req.animal) is m.CatPayloadInput


def test_recursive_schemas_reach_their_read_only_properties_through_the_cycle(gen) -> None:
    g = gen(PETS)
    m = g.models
    assert "id" not in field_names(m.LeafInput)
    src = g.source()
    assert "leaves: list[LeafInput]\n" in src.split("class BranchInput(", 1)[1]
    assert "branch: BranchInput | None = None\n" in src.split("class LeafInput(", 1)[1]
    rec = Recorder(
        json={"leaves": [{"id": 1, "name": "a", "branch": {"leaves": [{"id": 2, "name": "b"}]}}]}
    )
    body = m.BranchInput(
        leaves=[m.LeafInput(name="a", branch=m.BranchInput(leaves=[m.LeafInput(name="b")]))]
    )
    tree = g.client(rec).trees.create_tree(body=body)
    assert sent_json(rec.last) == {"leaves": [{"name": "a", "branch": {"leaves": [{"name": "b"}]}}]}
    assert (
        type(tree) is m.Branch
        and tree.leaves[0].id == 1
        and tree.leaves[0].branch.leaves[0].id == 2
    )
