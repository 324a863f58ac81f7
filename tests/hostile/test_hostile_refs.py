"""Attack class 4: no network, and no file outside the spec's folder.

``refs.py`` refuses ``http(s)`` references by default (``--allow-remote-refs`` names the risk; the
generator still fetches nothing) and file references that leave the spec's folder tree (unless
``--allow-outside-refs``); ``validate.py`` gives openapi-spec-validator a retriever that refuses
every URI, because the validator would otherwise fetch ``http(s)``/``ftp`` URLs and open local
files by itself. A counting HTTP server on 127.0.0.1 proves that nothing is requested.

A refused reference is, like any ``$ref`` that leads nowhere, a defect confined to where it is
written: a WARNING at that ``$ref``, the reference typed as ``Any`` (nothing of the target is
read), the rest generated; ``--strict`` refuses the document and writes nothing.
"""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator.validate import _NO_RETRIEVAL, RetrievalRefused
from hostile_helpers import generate, minimal, write_doc


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).hits.append(self.path)
        body = b'{"type": "string", "S": {"type": "string"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request path."""
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()


def _spec(ref: str, **extra: Any) -> dict[str, Any]:
    return minimal(
        paths={
            "/x": {
                "get": {
                    "operationId": "getX",
                    "parameters": [{"$ref": ref}] if extra.pop("param", False) else [],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": ref}}},
                        }
                    },
                }
            }
        },
        **extra,
    )


POINTER = "#/paths/~1x/get/responses/200/content/application~1json/schema/$ref"


def _confined(gen: Any, spec: Path, out: Path, *flags: str) -> None:
    """A refused or broken ``$ref`` is a defect confined to where it is written: the run succeeds
    with a WARNING there (the response typed as ``Any``: nothing was read from the target), and
    ``--strict`` refuses it, writing nothing."""
    assert gen.code == 0, gen.stderr
    lines = [ln for ln in gen.stderr.splitlines() if POINTER in ln]
    assert lines and all(ln.startswith("WARNING") for ln in lines), gen.stderr
    assert "-> Any:" in (gen.package_dir / "resources" / "x.py").read_text()
    strict = generate(spec, out.parent / (out.name + "-strict"), "--strict", *flags)
    assert strict.code == 1 and POINTER in strict.stderr, strict.stderr
    assert not (out.parent / (out.name + "-strict")).exists()


@pytest.mark.parametrize(
    "flag", [[], ["--allow-remote-refs"]], ids=["default", "allow-remote-refs"]
)
def test_remote_refs_are_never_fetched(
    flag: list[str], server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    refs = [f"{base}/a.json", f"{base}/b.json#/S"]
    doc = _spec(
        refs[1],
        components={
            "schemas": {
                "A": {"$ref": refs[0]},
                "B": {"$id": f"{base}/dir/", "properties": {"c": {"$ref": "c.json"}}},
            }
        },
    )
    spec = write_doc(tmp_path / "spec.json", doc)
    gen = generate(spec, tmp_path / "out", *flag)
    _confined(gen, spec, tmp_path / "out", *flag)
    assert hits == [], f"the generator made HTTP requests: {hits}"
    assert POINTER in gen.stderr and "#/components/schemas/A/$ref" in gen.stderr
    assert "#/components/schemas/B/properties/c/$ref" in gen.stderr  # relative to a remote $id
    if flag:
        assert "fetching remote documents is not supported" in gen.stderr
    else:
        assert "refused (no network by default; pass --allow-remote-refs" in gen.stderr
    assert "Traceback" not in gen.stderr and "internal error" not in gen.stderr


def test_the_validator_never_retrieves(server: tuple[str, list[str]], tmp_path: Path) -> None:
    """Even with every generator check satisfied elsewhere, the validator alone fetches nothing."""
    from generator.diagnostics import DiagnosticSink
    from generator.validate import validate

    base, hits = server
    for ref in (
        f"{base}/x.json",
        f"{base}/x.json#/S",
        f"ftp://127.0.0.1:{base.rsplit(':', 1)[1]}/x",
        "file:///etc/passwd",
        "sub/x.json#/a",
    ):
        sink = DiagnosticSink()
        validate(_spec(ref, param=True), "3.1", sink)
        assert any("never retrieves documents" in d.message for d in sink.items), [
            d.message for d in sink.items
        ]
    assert hits == []
    for scheme in ("http", "https", "file", "ftp", "", "data", "gopher"):
        assert scheme in _NO_RETRIEVAL
        with pytest.raises(RetrievalRefused):
            _NO_RETRIEVAL[scheme](f"{scheme}://x/y")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``tmp/outside.json``, ``tmp/api/sub/inside.json``, ``tmp/api/sub/link.json`` -> outside."""
    (tmp_path / "outside.json").write_text('{"type": "string", "S": {"type": "string"}}')
    sub = tmp_path / "api" / "sub"
    sub.mkdir(parents=True)
    (sub / "inside.json").write_text('{"S": {"type": "string"}}')
    (sub / "link.json").symlink_to(tmp_path / "outside.json")
    return tmp_path / "api"


@pytest.mark.parametrize(
    "ref",
    [
        "../outside.json",
        "sub/../../outside.json",
        "..%2Foutside.json",
        "sub/link.json",
        "OUTSIDE_ABS",
        "OUTSIDE_FILE_URI",
        "file:///etc/passwd",
        "/dev/zero",
        "file:///proc/self/environ",
    ],
)
def test_file_refs_cannot_leave_the_spec_folder(ref: str, layout: Path) -> None:
    outside = layout.parent / "outside.json"
    ref = ref.replace("OUTSIDE_ABS", str(outside)).replace("OUTSIDE_FILE_URI", outside.as_uri())
    spec = write_doc(layout / "spec.json", _spec(ref))
    gen = generate(spec, layout.parent / "out")
    _confined(gen, spec, layout.parent / "out")
    assert "leaves the spec's folder" in gen.stderr and "--allow-outside-refs" in gen.stderr


def test_an_openapi_document_beside_the_spec_folder_is_followed_with_a_warning(layout: Path) -> None:
    """``../common.yaml`` holding shared components (datamodel-code-generator's external_ref_mapping
    corpus documents) is followed: it is an OpenAPI document, not an arbitrary file. The warning
    names the referring place; a non-OpenAPI file there stays refused (test above)."""
    (layout.parent / "common.json").write_text(
        '{"openapi": "3.1.0", "info": {"title": "c", "version": "1"},'
        ' "components": {"schemas": {"S": {"type": "string", "description": "shared"}}}}'
    )
    gen = generate(
        write_doc(layout / "spec.json", _spec("../common.json#/components/schemas/S")),
        layout.parent / "out",
    )
    assert gen.code == 0, gen.stderr
    warning = [ln for ln in gen.stderr.splitlines() if "leaves the spec's folder" in ln]
    assert len(warning) == 1 and warning[0].startswith("WARNING"), gen.stderr
    assert POINTER.removesuffix("/$ref") in warning[0] and "it is an OpenAPI document" in warning[0]
    gen = generate(
        write_doc(layout / "spec2.json", _spec("../common.json#/components/schemas/S")),
        layout.parent / "out2",
        "--strict",
    )
    assert gen.code == 1 and not (layout.parent / "out2").exists(), gen.stderr


def test_allow_outside_refs_opens_the_door_explicitly(layout: Path) -> None:
    gen = generate(
        write_doc(layout / "spec.json", _spec("../outside.json#/S")),
        layout.parent / "out",
        "--allow-outside-refs",
    )
    assert gen.code == 0, gen.stderr
    # ...but a device is still not a document: /dev/zero is not read (it never ends)
    gen = generate(
        write_doc(layout / "spec2.json", _spec("/dev/zero")),
        layout.parent / "out2",
        "--allow-outside-refs",
    )
    assert gen.code == 0 and "does not exist" in gen.stderr, gen.stderr
    assert "-> Any:" in (gen.package_dir / "resources" / "x.py").read_text()


def test_refs_inside_the_folder_work(layout: Path) -> None:
    gen = generate(
        write_doc(layout / "spec.json", _spec("sub/inside.json#/S")), layout.parent / "out"
    )
    assert gen.code == 0, gen.stderr


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("//example.invalid/x.json", "only local files can be referenced"),
        ("file://example.invalid/etc/passwd", "only local files can be referenced"),
        ("ftp://example.invalid/x.json", "unsupported reference scheme"),
        ("data:application/json,{}", "unsupported reference scheme"),
        ("http://[x/y.json", "malformed reference"),
        ("x%00.json", "not a usable file path"),
        ("#/paths/~1x/get/parameters/\u00b2", "out of range"),
        ("#/paths/~1x/get/parameters/" + "9" * 5000, "out of range"),
        ("#/nope/" + "a/" * 500, "no 'nope'"),
    ],
)
def test_malformed_and_foreign_refs_are_diagnostics(ref: str, message: str, tmp_path: Path) -> None:
    spec = write_doc(tmp_path / "spec.json", _spec(ref))
    gen = generate(spec, tmp_path / "out")
    _confined(gen, spec, tmp_path / "out")
    assert message in gen.stderr, gen.stderr
    assert "Traceback" not in gen.stderr and "internal error" not in gen.stderr


def test_no_ref_reaches_the_network_even_from_a_referenced_file(
    server: tuple[str, list[str]], layout: Path
) -> None:
    base, hits = server
    (layout / "sub" / "chain.json").write_text('{"S": {"$ref": "%s/deep.json"}}' % base)
    spec = write_doc(layout / "spec.json", _spec("sub/chain.json#/S"))
    gen = generate(spec, layout.parent / "out")
    assert gen.code == 0, gen.stderr
    assert hits == []
    assert "sub/chain.json" in gen.stderr and "refused" in gen.stderr
    assert os.environ.get("CONNECT_CODEGEN_DEBUG") is None
