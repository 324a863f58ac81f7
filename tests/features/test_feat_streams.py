"""Event-stream responses (``text/event-stream``) in the generated client: each shape of the
stream's item type (the media type's ``schema``, its ``items``, OpenAPI 3.2's ``itemSchema``, no
schema, events typed by name), and operations offering JSON and a stream (``<method>`` and
``<method>_stream``, the ``Accept`` header of each, the body's ``stream`` flag)."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

import httpx
import pytest

from features_helpers import Recorder, sent_json, spec

STREAMS = spec(
    "streams",
    """
    openapi: 3.1.0
    info: {title: Streams, version: "1"}
    paths:
      /subscribe:
        post:
          operationId: subscribe
          responses:
            "200":
              description: events
              content:
                text/event-stream:
                  schema: {$ref: '#/components/schemas/Delta'}
      /raw:
        get:
          operationId: rawFeed
          responses:
            "200":
              description: untyped events
              content:
                text/event-stream: {}
      /logs:
        get:
          operationId: tailLogs
          responses:
            "200":
              description: an array schema describes the stream's items
              content:
                text/event-stream:
                  schema:
                    type: array
                    items: {$ref: '#/components/schemas/LogLine'}
      /progress:
        get:
          operationId: progress
          responses:
            "200":
              description: OpenAPI 3.2 itemSchema, events typed by name
              content:
                text/event-stream:
                  itemSchema:
                    oneOf:
                      - type: object
                        required: [event, data]
                        properties:
                          event: {const: started}
                          data:
                            type: string
                            contentMediaType: application/json
                            contentSchema: {$ref: '#/components/schemas/Started'}
                      - type: object
                        required: [event, data]
                        properties:
                          event: {const: finished}
                          data:
                            type: string
                            contentMediaType: application/json
                            contentSchema: {$ref: '#/components/schemas/Finished'}
      /keyed:
        get:
          operationId: keyed
          responses:
            "200":
              description: a oneOf with an event discriminator
              content:
                text/event-stream:
                  schema:
                    oneOf:
                      - {$ref: '#/components/schemas/Started'}
                      - {$ref: '#/components/schemas/Finished'}
                    discriminator:
                      propertyName: event
                      mapping:
                        started: '#/components/schemas/Started'
                        finished: '#/components/schemas/Finished'
      /completions:
        post:
          operationId: complete
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/CompletionRequest'}
          responses:
            "200":
              description: JSON, or a stream of chunks when stream is true
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Completion'}
                text/event-stream:
                  schema: {$ref: '#/components/schemas/Chunk'}
      /reports:
        get:
          operationId: report
          responses:
            "200":
              description: JSON or events, no stream flag
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Finished'}
                text/event-stream:
                  schema: {$ref: '#/components/schemas/Started'}
      /files/{name}:
        get:
          operationId: download
          parameters:
            - {name: name, in: path, required: true, schema: {type: string}}
          responses:
            "200":
              description: the file
              content:
                application/octet-stream:
                  schema: {type: string, format: binary}
      /shared:
        get:
          operationId: shared
          responses:
            "200": {$ref: '#/components/responses/JsonOrEvents'}
    components:
      responses:
        JsonOrEvents:
          description: a shared response offering JSON and events
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/Started'}
            application/json:
              schema: {$ref: '#/components/schemas/Finished'}
      schemas:
        Delta:
          type: object
          required: [index, text]
          properties:
            index: {type: integer}
            text: {type: string}
        LogLine:
          type: object
          required: [line]
          properties:
            line: {type: string}
        Started:
          type: object
          required: [job]
          properties:
            job: {type: string}
        Finished:
          type: object
          required: [ok]
          properties:
            ok: {type: boolean}
        CompletionRequest:
          type: object
          required: [prompt]
          properties:
            prompt: {type: string}
            stream: {type: boolean, default: false}
        Completion:
          type: object
          required: [text]
          properties:
            text: {type: string}
        Chunk:
          type: object
          required: [delta]
          properties:
            delta: {type: string}
    """,
)


def events(*items: tuple[str | None, object]) -> bytes:
    out = b""
    for name, data in items:
        head = f"event: {name}\n" if name else ""
        text = data if isinstance(data, str) else json.dumps(data)
        out += (head + "".join(f"data: {line}\n" for line in text.split("\n")) + "\n").encode()
    return out


def sse_recorder(body: bytes) -> Recorder:
    return Recorder(200, content=body, headers={"content-type": "text/event-stream"})


def collect(g: Any, rec: Recorder, call: Any) -> list[list[Any]]:
    """The items of ``call(client)``'s stream with the sync client, then the async one."""
    with call(g.client(rec)) as stream:
        sync = list(stream)

    async def run() -> list[Any]:
        client = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
            base_url="http://t",
            max_retries=0,
        )
        stream = await call(client)
        assert isinstance(stream, g.pkg.AsyncStream)
        async with stream:
            return [item async for item in stream]

    return [sync, asyncio.run(run())]


def hints(g: Any, resource: str, method: str) -> tuple[str, str]:
    """The return annotations of the sync and async method, as the module writes them."""
    module = g.source(f"resources/{resource}.py")
    out = []
    for marker in (f"    def {method}(", f"    async def {method}("):
        start = module.index(") -> ", module.index(marker))
        out.append(module[start + 5 : module.index(":\n", start)])
    return out[0], out[1]


def test_schema_types_each_event(gen) -> None:
    g = gen(STREAMS)
    assert g.ok, g.describe()
    assert hints(g, "subscribe", "subscribe") == ("Stream[Delta]", "AsyncStream[Delta]")
    rec = sse_recorder(events((None, {"index": 0, "text": "a"}), (None, {"index": 1, "text": "b"})))
    got = collect(g, rec, lambda c: c.subscribe.subscribe())
    for items in got:
        assert [type(d) for d in items] == [g.models.Delta] * 2
        assert [d.text for d in items] == ["a", "b"]
    assert all(r.headers["accept"] == "text/event-stream" for r in rec.requests)


def test_no_schema_gives_the_data_text(gen) -> None:
    g = gen(STREAMS)
    assert hints(g, "raw", "raw_feed") == ("Stream[str]", "AsyncStream[str]")
    rec = sse_recorder(events((None, "one\ntwo"), (None, "[DONE]"), (None, "never")))
    assert collect(g, rec, lambda c: c.raw.raw_feed()) == [["one\ntwo"]] * 2


def test_array_schema_gives_its_items(gen) -> None:
    g = gen(STREAMS)
    assert hints(g, "logs", "tail_logs") == ("Stream[LogLine]", "AsyncStream[LogLine]")
    rec = sse_recorder(events((None, {"line": "x"})))
    assert [[i.line for i in items] for items in collect(g, rec, lambda c: c.logs.tail_logs())] == [
        ["x"],
        ["x"],
    ]


@pytest.mark.parametrize("resource,method", [("progress", "progress"), ("keyed", "keyed")])
def test_events_typed_by_name(gen, resource: str, method: str) -> None:
    g = gen(STREAMS)
    assert hints(g, resource, method) == (
        "Stream[Started | Finished]",
        "AsyncStream[Started | Finished]",
    )
    m = g.models
    # the data alone cannot tell them apart ({} fits neither ... both are typed by the name)
    rec = sse_recorder(events(("started", {"job": "j1"}), ("finished", {"ok": True})))
    for items in collect(g, rec, lambda c: getattr(getattr(c, resource), method)()):
        assert [type(i) for i in items] == [m.Started, m.Finished]
    # a finished event with started's shape is refused: the name decides the type
    bad = sse_recorder(events(("finished", {"job": "j1"})))
    with pytest.raises(g.pkg.APIStreamError, match="does not match"):
        list(getattr(getattr(g.client(bad), resource), method)())


def test_json_and_stream_methods(gen) -> None:
    g = gen(STREAMS)
    m = g.models
    assert hints(g, "completions", "complete") == ("Completion", "Completion")
    assert hints(g, "completions", "complete_stream") == ("Stream[Chunk]", "AsyncStream[Chunk]")
    rec = Recorder(200, json={"text": "hi"})
    done = g.client(rec).completions.complete(body=m.CompletionRequest(prompt="p"))
    assert isinstance(done, m.Completion)
    assert rec.last.headers["accept"] == "application/json"
    assert sent_json(rec.last) == {"prompt": "p"}

    rec = sse_recorder(events((None, {"delta": "h"}), (None, {"delta": "i"}), (None, "[DONE]")))
    got = collect(
        g, rec, lambda c: c.completions.complete_stream(body=m.CompletionRequest(prompt="p"))
    )
    assert [[c.delta for c in items] for items in got] == [["h", "i"]] * 2
    for request in rec.requests:
        assert request.headers["accept"] == "text/event-stream"
        assert sent_json(request) == {"prompt": "p", "stream": True}  # set for the caller


def test_json_method_refuses_stream_true_before_sending(gen) -> None:
    g = gen(STREAMS)
    m = g.models
    rec = Recorder(200, json={"text": "hi"})
    with pytest.raises(ValueError, match=r"call complete_stream\(\) instead"):
        g.client(rec).completions.complete(body=m.CompletionRequest(prompt="p", stream=True))
    with pytest.raises(ValueError, match="complete_stream"):
        g.client(rec).completions.complete(body={"prompt": "p", "stream": True})  # type: ignore[arg-type]
    assert rec.requests == []
    # stream=False is what the JSON method sends
    g.client(rec).completions.complete(body=m.CompletionRequest(prompt="p", stream=False))
    assert sent_json(rec.last) == {"prompt": "p", "stream": False}


def test_json_and_stream_without_a_stream_flag(gen) -> None:
    g = gen(STREAMS)
    rec = Recorder(200, json={"ok": True})
    assert g.client(rec).reports.report().ok is True
    assert rec.last.headers["accept"] == "application/json"
    rec = sse_recorder(events((None, {"job": "x"})))
    with g.client(rec).reports.report_stream() as stream:
        assert [s.job for s in stream] == ["x"]
    assert rec.last.headers["accept"] == "text/event-stream"
    assert rec.last.content == b""
    raw = g.client(rec).reports.with_raw_response.report_stream()
    assert raw.status_code == 200
    with raw.parse() as stream:
        assert [s.job for s in stream] == ["x"]


def test_json_and_stream_of_a_shared_response(gen) -> None:
    """A ``$ref`` to a response component offering both (the stream listed first)."""
    g = gen(STREAMS)
    assert hints(g, "shared", "shared") == ("Finished", "Finished")
    assert hints(g, "shared", "shared_stream") == ("Stream[Started]", "AsyncStream[Started]")
    rec = Recorder(200, json={"ok": False})
    assert g.client(rec).shared.shared().ok is False
    assert rec.last.headers["accept"] == "application/json"


def test_stream_methods_are_documented(gen) -> None:
    g = gen(STREAMS)
    doc = inspect.getdoc(g.pkg.Client(base_url="http://t").completions.complete_stream) or ""
    assert "event stream" in doc and "Sets the body's ``stream`` to true" in doc
    doc = inspect.getdoc(g.pkg.Client(base_url="http://t").completions.complete) or ""
    assert "complete_stream" in doc and "refused" in doc


def test_with_streaming_response(gen, tmp_path) -> None:
    """``with_streaming_response``: status and headers, then the body to a file, parsed, or as
    the event stream of a stream method (sync and async)."""
    g = gen(STREAMS)
    blob = bytes(range(256)) * 64
    rec = Recorder(200, content=blob, headers={"content-type": "application/octet-stream"})
    with g.client(rec).files.with_streaming_response.download(name="a.bin") as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.write_to_file(tmp_path / "a.bin") == len(blob)
    assert (tmp_path / "a.bin").read_bytes() == blob
    assert response.is_closed
    with g.client(rec).files.with_streaming_response.download(name="a.bin") as response:
        assert response.parse() == blob

    json_rec = Recorder(200, json={"ok": True})
    events_rec = sse_recorder(events((None, {"job": "j"})))

    async def run() -> tuple[int, bool, list[str]]:
        def client(rec: Recorder) -> Any:
            return g.pkg.AsyncClient(
                http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
                base_url="http://t",
                max_retries=0,
            )

        async with client(rec).files.with_streaming_response.download(name="b") as response:
            written = await response.write_to_file(tmp_path / "b.bin")
        async with client(json_rec).reports.with_streaming_response.report() as response:
            ok = (await response.parse()).ok
        async with client(events_rec).reports.with_streaming_response.report_stream() as r:
            stream = await r.parse()
            jobs = [s.job async for s in stream]
        return written, ok, jobs

    assert asyncio.run(run()) == (len(blob), True, ["j"])
    assert (tmp_path / "b.bin").read_bytes() == blob


def test_with_streaming_response_raises_the_status_error(gen) -> None:
    g = gen(STREAMS)
    rec = Recorder(404, json={"message": "no"})
    with pytest.raises(g.pkg.NotFoundError):
        with g.client(rec).files.with_streaming_response.download(name="x"):
            pytest.fail("entered")
