"""A scripted loopback HTTP server for the runtime behaviour tests.

``FaultServer`` is a threaded HTTP/1.1 server on 127.0.0.1 whose answers are
scripted per request: respond, sleep then respond, or reset the connection.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Reply:
    """A scripted answer: optional delay, then a response or a connection reset."""

    status: int = 200
    body: bytes | str | object = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, bytes):
            data = self.body
        elif isinstance(self.body, str):
            data = self.body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json")
        return data, headers


def json_reply(body: object, status: int = 200, **headers: str) -> Reply:
    return Reply(status=status, body=body, headers=dict(headers))


class FaultServer:
    """Scripted loopback server. ``script`` answers requests in order; once it is
    used up, ``handler`` (default: 200 with ``{}``) answers."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.handler: Callable[[Recorded], Reply] = lambda rec: json_reply({})
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def handle_any(self) -> None:
                parts = urlsplit(self.path)
                rec = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=parse_qsl(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self._read_body(),
                    at=time.monotonic(),
                )
                with server._lock:
                    server.requests.append(rec)
                    reply = server.script.pop(0) if server.script else None
                if reply is None:
                    reply = server.handler(rec)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.reset:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    socket.socket(fileno=self.connection.detach()).close()
                    self.close_connection = True
                    return
                data, headers = reply.encoded()
                try:
                    self.send_response(reply.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    self.close_connection = True  # the client gave up (timeout)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def parse_multipart(rec: Recorded) -> dict[str, tuple[str | None, str | None, bytes]]:
    """Decode a received multipart/form-data body: name -> (filename, type, bytes)."""
    import email
    import email.policy

    head = b"Content-Type: " + rec.headers["content-type"].encode() + b"\r\n\r\n"
    message = email.message_from_bytes(head + rec.body, policy=email.policy.HTTP)
    parts: dict[str, tuple[str | None, str | None, bytes]] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        content_type = part.get_content_type() if "content-type" in part else None
        parts[name] = (part.get_filename(), content_type, part.get_payload(decode=True))
    return parts
