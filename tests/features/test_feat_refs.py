"""References: escaped and percent-encoded local pointers, files in subfolders, 3.1 ``$id`` /
``$anchor`` / ``$defs``, chains of refs, refs with sibling keywords, and recursive schemas."""

from __future__ import annotations

import pytest

from features_helpers import Recorder, round_trip, spec

LOCAL = spec(
    "refs_local",
    """
    openapi: 3.0.3
    info: {title: Refs, version: "1"}
    paths:
      /pets/{id}:
        get:
          operationId: getPet
          parameters:
            - $ref: '#/components/parameters/Id'
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      name: {type: string}
      /other:
        get:
          operationId: getOther
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    $ref: '#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema'
      /file:
        get:
          operationId: getFile
          responses:
            "200":
              $ref: '#/components/responses/PetResponse'
    components:
      parameters:
        Id: {$ref: '#/components/parameters/RealId'}
        RealId: {name: id, in: path, required: true, schema: {type: string}}
      responses:
        PetResponse: {$ref: '#/components/responses/RealPetResponse'}
        RealPetResponse:
          description: a pet from another file
          content:
            application/json:
              schema: {$ref: 'schemas/pet.yaml'}
      schemas:
        a/b: {type: object, properties: {x: {type: integer}}}
        c~d: {type: object, properties: {y: {type: integer}}}
        with space: {type: object, properties: {z: {type: integer}}}
        Holder:
          type: object
          properties:
            slash: {$ref: '#/components/schemas/a~1b'}
            tilde: {$ref: '#/components/schemas/c~0d'}
            space: {$ref: '#/components/schemas/with%20space'}
            chained: {$ref: '#/components/schemas/First'}
            pet: {$ref: 'schemas/pet.yaml'}
        First: {$ref: '#/components/schemas/Second'}
        Second: {$ref: '#/components/schemas/Third'}
        Third: {type: object, required: [v], properties: {v: {type: string}}}
        Node:
          type: object
          properties:
            name: {type: string}
            children: {type: array, items: {$ref: '#/components/schemas/Node'}}
            parent: {$ref: '#/components/schemas/Node'}
        A:
          type: object
          properties:
            b: {$ref: '#/components/schemas/B'}
            n: {type: integer}
        B:
          type: object
          properties:
            a: {$ref: '#/components/schemas/A'}
            many: {type: array, items: {$ref: '#/components/schemas/A'}}
    """,
    files={
        "schemas/pet.yaml": """
            type: object
            required: [name]
            properties:
              name: {type: string}
              owner: {$ref: 'common/person.yaml#/Person'}
            """,
        "schemas/common/person.yaml": """
            Person:
              type: object
              properties:
                name: {type: string}
                home: {$ref: '../../openapi.yaml#/components/schemas/Third'}
                best_friend: {$ref: '#/Person'}
            """,
    },
)


def test_local_refs_with_escapes_and_percent_encoding(gen) -> None:
    g = gen(LOCAL)
    assert g.ok, g.describe()
    assert not g.diags("WARNING") and not g.diags("ERROR"), g.describe()
    m = g.models
    data = {
        "slash": {"x": 1},
        "tilde": {"y": 2},
        "space": {"z": 3},
        "chained": {"v": "deep"},
    }
    holder = m.Holder.model_validate(data)
    assert round_trip(m.Holder, data) == data
    # each ref reached the right schema (not a free-form dict)
    assert type(holder.slash).model_fields.keys() == {"x"}
    assert type(holder.tilde).model_fields.keys() == {"y"}
    assert type(holder.space).model_fields.keys() == {"z"}
    assert type(holder.chained) is m.Third


def test_ref_into_a_path_with_escaped_and_percent_encoded_tokens(gen) -> None:
    g = gen(LOCAL)
    rec = Recorder(200, json={"name": "rex"})
    client = g.client(rec)
    other = client.other.get_other()
    pet = client.pets.get_pet(id="7")
    assert type(other) is type(pet)  # one class for one schema
    assert other.name == "rex"
    assert rec.last.url.path == "/pets/7"


def test_schema_named_from_a_pointer_has_no_escape_residue(gen) -> None:
    g = gen(LOCAL)
    names = [n for n in dir(g.models) if n[:1].isupper()]
    assert not [n for n in names if "1json" in n or "~" in n], names


def test_refs_to_refs_resolve_to_the_final_schema(gen) -> None:
    g = gen(LOCAL)
    m = g.models
    assert m.First is m.Third and m.Second is m.Third
    with pytest.raises(Exception):
        m.First.model_validate({})  # "v" is required by the final target


def test_relative_files_in_subfolders(gen) -> None:
    g = gen(LOCAL)
    m = g.models
    data = {
        "name": "rex",
        "owner": {
            "name": "ann",
            "home": {"v": "here"},
            "best_friend": {"name": "bob", "best_friend": {"name": "cy"}},
        },
    }
    pet = m.Pet.model_validate(data)
    assert round_trip(m.Pet, data) == data
    assert type(pet.owner.home) is m.Third  # ../../openapi.yaml is the root document's schema
    assert pet.owner.best_friend.best_friend.name == "cy"
    assert m.Holder.model_validate({"pet": data}).pet.owner.name == "ann"
    with pytest.raises(Exception):
        m.Pet.model_validate({"owner": {}})  # required 'name' from the file
    # a response $ref chain into the file
    rec = Recorder(200, json=data)
    got = g.client(rec).file.get_file()
    assert isinstance(got, m.Pet) and got.owner.name == "ann"


def test_recursive_tree_parses_nested_data(gen) -> None:
    g = gen(LOCAL)
    node = g.models.Node
    data = {
        "name": "root",
        "children": [
            {"name": "a", "children": [{"name": "a1", "children": []}]},
            {"name": "b"},
        ],
        "parent": {"name": "up", "parent": {"name": "top"}},
    }
    tree = node.model_validate(data)
    assert isinstance(tree.children[0].children[0], node)
    assert tree.children[0].children[0].name == "a1"
    assert tree.parent.parent.name == "top"
    assert round_trip(node, data) == data


def test_mutually_recursive_schemas(gen) -> None:
    g = gen(LOCAL)
    m = g.models
    data = {"b": {"a": {"b": {"a": {"n": 1}}}, "many": [{"n": 2}, {"b": {}}]}, "n": 0}
    a = m.A.model_validate(data)
    assert isinstance(a.b, m.B) and isinstance(a.b.a.b.a, m.A)
    assert a.b.a.b.a.n == 1
    assert isinstance(a.b.many[1].b, m.B)
    assert round_trip(m.A, data) == data


ID_ANCHOR = spec(
    "refs_31_ids",
    """
    openapi: 3.1.0
    info: {title: Refs31, version: "1"}
    paths: {}
    components:
      schemas:
        Address:
          $id: https://example.com/schemas/address
          type: object
          properties:
            street: {$ref: '#street'}
            zip: {$ref: 'https://example.com/schemas/address#/$defs/Zip'}
            country: {$ref: 'https://example.com/schemas/country'}
          $defs:
            Street: {$anchor: street, type: string}
            Zip: {type: object, required: [code], properties: {code: {type: string}}}
        Country:
          $id: https://example.com/schemas/country
          type: string
          enum: [NL, FR]
        Customer:
          type: object
          properties:
            address: {$ref: 'https://example.com/schemas/address'}
            local: {$ref: '#/components/schemas/Address/$defs/Zip'}
            described: {$ref: '#/components/schemas/Base', description: only an annotation}
            extended:
              $ref: '#/components/schemas/Base'
              required: [name]
              properties:
                extra: {type: integer}
            external: {$ref: 'defs/money.yaml#/$defs/Money'}
        Base:
          type: object
          properties:
            name: {type: string}
    """,
    files={"defs/money.yaml": """
            $defs:
              Money:
                type: object
                required: [amount]
                properties:
                  amount: {type: string}
                  currency: {$ref: '#/$defs/Currency'}
              Currency: {type: string, enum: [EUR, USD]}
            """},
)


def test_31_id_anchor_and_defs(gen) -> None:
    g = gen(ID_ANCHOR)
    assert g.ok, g.describe()
    m = g.models
    data = {
        "address": {"street": "Main 1", "zip": {"code": "1234"}, "country": "NL"},
        "local": {"code": "99"},
        "external": {"amount": "1.50", "currency": "EUR"},
    }
    c = m.Customer.model_validate(data)
    assert round_trip(m.Customer, data) == data
    assert c.address.country == m.Country.NL
    assert type(c.address.zip) is type(c.local)  # $id + fragment and a plain pointer: one class
    with pytest.raises(Exception):
        m.Customer.model_validate({"local": {}})  # Zip requires code
    assert c.external.currency == "EUR"
    assert isinstance(c.external.currency, m.Currency)  # #/$defs inside another file


def test_31_ref_with_sibling_keywords(gen) -> None:
    g = gen(ID_ANCHOR)
    m = g.models
    # an annotation next to $ref changes nothing about the type
    assert type(m.Customer.model_validate({"described": {"name": "n"}}).described) is m.Base
    # structural siblings are applied: 'required' narrows, 'properties' extend
    with pytest.raises(Exception):
        m.Customer.model_validate({"extended": {"extra": 1}})
    data = {"extended": {"name": "n", "extra": 2}}
    ext = m.Customer.model_validate(data).extended
    assert ext.name == "n" and ext.extra == 2
    assert round_trip(m.Customer, data) == data


ID_BASE = spec(
    "refs_31_id_base",
    """
    openapi: 3.1.0
    info: {title: Refs31 base, version: "1"}
    paths: {}
    components:
      schemas:
        Address:
          $id: https://example.com/schemas/address
          type: object
          properties:
            zip: {$ref: '#/$defs/Zip'}
            country: {$ref: 'country'}
          $defs:
            Zip: {type: object, required: [code], properties: {code: {type: string}}}
        Country:
          $id: https://example.com/schemas/country
          type: string
          enum: [NL, FR]
    """,
)


def test_31_relative_refs_inside_an_id_resolve_against_the_id(gen) -> None:
    g = gen(ID_BASE)
    assert g.ok, g.describe()
    m = g.models
    data = {"zip": {"code": "1"}, "country": "FR"}
    a = m.Address.model_validate(data)
    assert a.country == m.Country.FR
    assert round_trip(m.Address, data) == data
