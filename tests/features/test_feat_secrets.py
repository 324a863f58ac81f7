"""Secrets: a model's ``repr`` masks the fields that hold secrets (``format: password``,
``writeOnly``, and names that are secrets as a whole word), and only those: ``max_tokens`` or
``token_count`` are ordinary fields."""

from __future__ import annotations

from features_helpers import spec

SECRETS = spec(
    "secrets",
    """
    openapi: 3.0.3
    info: {title: Secrets, version: "1"}
    paths: {}
    components:
      schemas:
        Usage:
          type: object
          properties:
            max_tokens: {type: integer}
            input_tokens: {type: integer}
            token_count: {type: integer}
            tokens: {type: string}
            tokenizer: {type: string}
            next_page_token: {type: string}
            token_type: {type: string}
            password_expires_at: {type: string}
            has_password: {type: boolean}
            secret_name: {type: string}
            api_key_id: {type: string}
            password: {type: string}
            new_password: {type: string}
            secret: {type: string}
            client_secret: {type: string}
            api_key: {type: string}
            apiKey: {type: string}
            x-api-key: {type: string}
            access_token: {type: string}
            refreshToken: {type: string}
            token: {type: string}
            private_key: {type: string}
            passphrase: {type: string}
            pin: {type: string, format: password}
            initial_value: {type: string, writeOnly: true}
    """,
)

MASKED = {
    "password", "new_password", "secret", "client_secret", "api_key", "apiKey", "x-api-key",
    "access_token", "refreshToken", "token", "private_key", "passphrase", "pin", "initial_value",
}  # fmt: skip


def test_only_secrets_are_masked(gen) -> None:
    g = gen(SECRETS)
    assert g.ok, g.describe()
    usage = g.models.Usage
    by_json = {(info.alias or name): name for name, info in usage.model_fields.items()}
    assert usage.__secret_fields__ == {by_json[j] for j in MASKED}
    data = {j: (7 if j in ("max_tokens", "input_tokens", "token_count") else True if j == "has_password" else f"v-{j}") for j in by_json}
    text = repr(usage.model_validate(data))
    for jname, py in by_json.items():
        if jname in MASKED:
            assert f"{py}='**********'" in text and f"'v-{jname}'" not in text, jname
        elif isinstance(data[jname], str):
            assert f"{py}='v-{jname}'" in text, jname
    assert "max_tokens=7" in text and "input_tokens=7" in text and "token_count=7" in text
