"""A corpus document with event-stream responses (issue 17): hey-api's copy of the OpenAI
document offers JSON and ``text/event-stream`` for chat completions, responses and images, with a
boolean ``stream`` in their bodies. The generated client has ``<method>`` (JSON) and
``<method>_stream`` (``Stream[T]``/``AsyncStream[T]``) with exact types, which ``mypy --strict``
checks from a user's module with ``assert_type`` (a wrong type is a marked error: under
``--strict`` an ignore that is not needed is itself an error, so an ``Any`` would fail too)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OPENAI = REPO.parent / "shared" / "specs" / "corpus" / "hey-api" / "3.1.x" / "openai.yaml"

USE = """
from typing import assert_type

from oai_stream import AsyncClient, AsyncStream, Client, Stream
from oai_stream.models import (
    CreateChatCompletionRequest,
    CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse,
)


def sync_use(client: Client, body: CreateChatCompletionRequest) -> None:
    whole = client.chat.create_chat_completion(body=body)
    assert_type(whole, CreateChatCompletionResponse)
    stream = client.chat.create_chat_completion_stream(body=body)
    assert_type(stream, Stream[CreateChatCompletionStreamResponse])
    assert_type(stream, Stream[CreateChatCompletionResponse])  # type: ignore[assert-type]
    with stream:
        for chunk in stream:
            assert_type(chunk, CreateChatCompletionStreamResponse)


async def async_use(client: AsyncClient, body: CreateChatCompletionRequest) -> None:
    whole = await client.chat.create_chat_completion(body=body)
    assert_type(whole, CreateChatCompletionResponse)
    stream = await client.chat.create_chat_completion_stream(body=body)
    assert_type(stream, AsyncStream[CreateChatCompletionStreamResponse])
    async with stream:
        async for chunk in stream:
            assert_type(chunk, CreateChatCompletionStreamResponse)
"""


@pytest.mark.skipif(not OPENAI.is_file(), reason="the corpus is not checked out")
def test_openai_stream_methods_are_exactly_typed(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "generator", "generate", str(OPENAI), "-o", str(tmp_path)]
    done = subprocess.run(
        [*cli, "--package-name", "oai_stream", "-q", "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (project,) = [p for p in tmp_path.iterdir() if (p / "oai_stream").is_dir()]
    chat = (project / "oai_stream" / "resources" / "chat.py").read_text(encoding="utf-8")
    assert ") -> Stream[CreateChatCompletionStreamResponse]:" in chat
    assert ") -> AsyncStream[CreateChatCompletionStreamResponse]:" in chat
    assert 'stream_method="create_chat_completion_stream"' in chat
    assert "sets_stream=True" in chat
    streams = sorted(
        path.stem
        for path in (project / "oai_stream" / "resources").glob("*.py")
        if "call_stream(" in path.read_text(encoding="utf-8")
    )
    assert streams == ["audio", "chat", "images", "responses"]
    (project / "use_streams.py").write_text(textwrap.dedent(USE).lstrip(), encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use_streams.py"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=900,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
