"""A loopback HTTP/1.1 server that streams scripted bodies slowly, for the streaming tests.

Each connection answers one request with a chunked body made of ``parts`` (bytes), sleeping
``gap`` seconds before each part after the first; it records when each part was written and
whether (and when) the client closed the connection while the server was waiting. ``cut``
drops the connection after the parts without the closing chunk (a broken stream).
"""

from __future__ import annotations

import select
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Served:
    """What happened on one connection."""

    request_head: bytes = b""
    request_body: bytes = b""
    sent_at: list[float] = field(default_factory=list)
    client_closed_at: float | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class SlowServer:
    """Serves ``parts`` with ``gap`` seconds between them (status, headers as given)."""

    def __init__(
        self,
        parts: list[bytes],
        *,
        gap: float = 0.0,
        status: int = 200,
        content_type: str = "text/event-stream",
        cut: bool = False,
        chunk_size: int | None = None,
    ) -> None:
        self.parts = parts
        self.gap = gap
        self.status = status
        self.content_type = content_type
        self.cut = cut
        self.served: list[Served] = []
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._handle(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handle(self, sock: socket.socket) -> None:
        served = Served()
        self.served.append(served)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = b""
        while b"\r\n\r\n" not in data:
            got = sock.recv(65536)
            if not got:
                served.finished.set()
                return
            data += got
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            body += sock.recv(65536)
        served.request_head, served.request_body = head, body
        reason = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}.get(self.status, "X")
        sock.sendall(
            f"HTTP/1.1 {self.status} {reason}\r\nContent-Type: {self.content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        try:
            for i, part in enumerate(self.parts):
                if i and self.gap and self._client_closed(sock, self.gap, served):
                    return
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                served.sent_at.append(time.monotonic())
            if self.cut:
                sock.shutdown(socket.SHUT_RDWR)
                return
            sock.sendall(b"0\r\n\r\n")
            self._client_closed(sock, 2.0, served)
        except OSError:
            served.client_closed_at = served.client_closed_at or time.monotonic()
        finally:
            served.finished.set()
            sock.close()

    @staticmethod
    def _client_closed(sock: socket.socket, wait: float, served: Served) -> bool:
        """Wait ``wait`` seconds; True (and recorded) if the client closes meanwhile."""
        end = time.monotonic() + wait
        while (left := end - time.monotonic()) > 0:
            readable, _, _ = select.select([sock], [], [], left)
            if readable:
                try:
                    got = sock.recv(65536)
                except OSError:
                    got = b""
                if not got:
                    served.client_closed_at = time.monotonic()
                    return True
        return False

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
