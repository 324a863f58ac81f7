"""What the contract sweep reads from the document around one operation: declared responses
and their media types, response headers, path and ignored header parameters.

:class:`OperationDocument` is a mixin of ``contract_sweep.OperationSweep``: it needs ``values``
(the document's :class:`contract_values.Values`), ``op_loc`` (the Operation Object's location),
``raw`` (the Operation Object) and ``path`` (its path template).
"""

from __future__ import annotations

from typing import Any, Callable

from contract_classify import complex_schema, non_string_scalar
from contract_values import Unsatisfiable, Values
from contract_wire import Exchange

from generator.refs import Loc


class OperationDocument:
    """Readers of the Operation Object and its path item (see the module docstring)."""

    values: Values
    op_loc: Loc
    #: The path item's location (not the parent of ``op_loc`` when the operation is a `$ref`).
    item_loc: Loc
    raw: dict[str, Any]
    path: str

    def _object_as_text(self) -> bool:
        """Whether a 2xx response declares a non-JSON media type with an object or array schema
        (also one composed of one)."""
        return self._text_response_schema(complex_schema)

    def _number_as_text(self) -> bool:
        """Whether a 2xx response declares a non-JSON media type with a number, integer or
        boolean schema."""
        return self._text_response_schema(non_string_scalar)

    def _text_response_schema(self, test: Callable[[Values, Loc], bool]) -> bool:
        """Whether a 2xx response declares a non-JSON media type whose schema passes ``test``."""
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        for code in responses:
            if not str(code).startswith("2"):
                continue
            try:
                rloc, resp = self.values.deref(self.op_loc.child("responses", str(code)))
            except Unsatisfiable:
                continue
            for media_type in (resp.get("content") or {}) if isinstance(resp, dict) else {}:
                if "json" in media_type:
                    continue
                if test(self.values, rloc.child("content", media_type, "schema")):
                    return True
        return False

    def _declares_response_header(self, name: str) -> bool:
        """Whether a response of the operation declares the header ``name``."""
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        for code in responses:
            try:
                _, resp = self.values.deref(self.op_loc.child("responses", str(code)))
            except Unsatisfiable:
                continue
            headers = resp.get("headers") if isinstance(resp, dict) else None
            if isinstance(headers, dict) and any(str(h).lower() == name for h in headers):
                return True
        return False

    def _informational_code(self) -> str | None:
        """The operation's lowest declared 1xx response code, if any."""
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        codes = sorted(str(c) for c in responses if str(c).isdigit() and str(c).startswith("1"))
        return codes[0] if codes else None

    def _declares_success(self) -> bool:
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        return any(str(code).startswith("2") for code in responses)

    def _path_params(self) -> dict[str, str]:
        """The ``in: path`` parameters the operation and its path item declare: name -> pointer."""
        out: dict[str, str] = {}
        for owner in (self.item_loc, self.op_loc):
            listed = self.values.node(owner).get("parameters") if isinstance(self.values.node(owner), dict) else None
            for i, _ in enumerate(listed if isinstance(listed, list) else []):
                try:
                    loc, raw = self.values.deref(owner.child("parameters", i))
                except Unsatisfiable:
                    continue
                if isinstance(raw, dict) and raw.get("in") == "path" and isinstance(raw.get("name"), str):
                    out[raw["name"]] = loc.pointer
        return out

    def _ignored_headers(self) -> dict[str, Loc]:
        """The operation's (or its path item's) header parameters named Accept, Content-Type or
        Authorization (which OpenAPI says SHALL be ignored), by lower-case name."""
        found: dict[str, Loc] = {}
        for owner in (self.op_loc, self.item_loc):
            try:
                params = self.values.node(owner.child("parameters"))
            except Exception:  # noqa: BLE001 - no parameters there
                continue
            for index in range(len(params) if isinstance(params, list) else 0):
                try:
                    loc, param = self.values.deref(owner.child("parameters", str(index)))
                except Exception:  # noqa: BLE001 - a parameter the sweep cannot read
                    continue
                name = str(param.get("name", "")).lower() if isinstance(param, dict) else ""
                if param.get("in") == "header" and name in ("accept", "content-type", "authorization"):
                    found.setdefault(name, loc)
        return found

    def _response_media(self, exchange: Exchange) -> Loc | None:
        responses = self.raw.get("responses")
        if not isinstance(responses, dict):
            return None
        status = str(exchange.status)
        key = next((k for k in (status, f"{status[0]}XX", f"{status[0]}xx", "default") if k in responses), None)
        if key is None:
            return None
        try:
            rloc, resp = self.values.deref(self.op_loc.child("responses", key))
        except Unsatisfiable:
            return None
        content = resp.get("content") if isinstance(resp, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        got = exchange.headers.get("content-type", "").split(";")[0].strip().lower()
        chosen = next((m for m in content if m.split(";")[0].strip().lower() == got), None)
        if chosen is None:
            chosen = next((m for m in content if "json" in m), next(iter(content)))
        return rloc.child("content", chosen)
