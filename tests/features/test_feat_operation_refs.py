"""Operation Objects written as ``$ref`` to other files (DigitalOcean's layout: every operation
of ``paths`` is ``{$ref: resources/x/y.yml}``): followed, with the refs inside resolved against
the operation's own file, so bodies, parameters and responses are those the file declares."""

from __future__ import annotations

from features_helpers import Recorder, sent_json, spec

OPERATION_REFS = spec(
    "operation_refs",
    """
    openapi: 3.0.3
    info: {title: Operation refs, version: "1"}
    paths:
      /v2/keys:
        post:
          $ref: 'resources/keys/keys_create.yml'
      /v2/keys/{key_id}:
        parameters:
          - $ref: 'resources/keys/parameters.yml#/key_id'
        put:
          $ref: 'resources/keys/keys_update.yml'
    """,
    files={
        "resources/keys/keys_create.yml": """
            operationId: keys_create
            tags: [keys]
            summary: Create a key
            parameters:
              - $ref: 'dry_run.yml'
            requestBody:
              required: true
              content:
                application/json:
                  schema: {$ref: 'models/key.yml'}
            responses:
              '201':
                description: created
                content:
                  application/json:
                    schema: {$ref: 'models/key.yml'}
            """,
        "resources/keys/keys_update.yml": """
            operationId: keys_update
            tags: [keys]
            parameters:
              - $ref: 'dry_run.yml'
              - $ref: 'label.yml'
            requestBody:
              required: true
              content:
                application/json:
                  schema: {$ref: 'models/key.yml'}
            responses:
              '200': {description: ok}
            """,
        "resources/keys/parameters.yml": """
            key_id: {name: key_id, in: path, required: true, schema: {type: integer}}
            """,
        "resources/keys/dry_run.yml": """
            name: dry_run
            in: query
            schema: {type: boolean}
            """,
        "resources/keys/label.yml": """
            name: label
            in: query
            schema: {type: string}
            """,
        "resources/keys/models/key.yml": """
            type: object
            required: [name, public_key]
            properties:
              name: {type: string}
              public_key: {type: string}
            """,
    },
)


def test_an_operation_written_as_a_ref_sends_its_body_and_parameters(gen) -> None:
    g = gen(OPERATION_REFS)
    assert not g.diags("WARNING"), g.describe()
    m = g.models
    rec = Recorder(201, json={"name": "k", "public_key": "ssh-ed25519 AAA"})
    got = g.client(rec).keys.keys_create(body=m.Key(name="k", public_key="ssh-ed25519 AAA"), dry_run=True)
    assert rec.last.method == "POST" and rec.last.url.path == "/v2/keys"
    assert rec.last.url.params["dry_run"] == "true"
    assert sent_json(rec.last) == {"name": "k", "public_key": "ssh-ed25519 AAA"}
    assert isinstance(got, m.Key) and got.public_key == "ssh-ed25519 AAA"


def test_parameters_at_the_root_of_two_files_are_two_arguments(gen) -> None:
    g = gen(OPERATION_REFS)
    rec = Recorder(200)
    g.client(rec).keys.keys_update(key_id=7, dry_run=False, label="x", body={"name": "k", "public_key": "p"})
    assert rec.last.url.path == "/v2/keys/7"
    assert dict(rec.last.url.params) == {"dry_run": "false", "label": "x"}
    assert sent_json(rec.last) == {"name": "k", "public_key": "p"}
