"""Why each non-client finding of the contract sweep is not the client's fault: the written
reason of every document-defect and mock-limitation code (``REASONS``), which the report prints
beside its counts. A rule in ``contract_classify.py`` or ``contract_violations.py`` that names a
reason not written here is a defect of the sweep (``test_every_non_client_reason_is_written_down``).
"""

from __future__ import annotations

#: Why each non-client reason is not the client's fault (the report prints these).
REASONS: dict[str, str] = {
    "example-breaks-schema": (
        "the document's own example for this response does not validate against the response's "
        "schema; Prism serves the example as it is (the pointer names the example)"
    ),
    "mock-response-breaks-schema": (
        "Prism made up a response that does not validate against the document's schema (its "
        "generator does not honour the schema: the evidence names the failing keyword); the "
        "client rightly refuses it"
    ),
    "prism-refuses-document": (
        "Prism cannot load the document (its parser or resolver fails: the evidence is its log); "
        "no request can be judged"
    ),
    "multipart-json-part": (
        "Prism 5.14.2 reads every multipart part as a string (parseMultipartFormDataParams ignores "
        "the part's Content-Type and the Encoding Object), so an object property sent as an "
        "application/json part, as OAS 3.1.0 4.8.15 prescribes, is reported 'must be object'"
    ),
    "prism-prefer-code-unmet": (
        "Prism did not answer with the status asked for with `Prefer: code=NNN` (it only serves "
        "codes it can build a response for)"
    ),
    "untyped-object-schema": (
        "the response body is not an object, which the schema allows only because it declares "
        "`properties` without `type: object` (by the letter of JSON Schema it then accepts any "
        "value); the client, like every generator, reads such a schema as an object"
    ),
    "prism-crashed": (
        "Prism exited while answering a valid request (its stack trace is one of BENIGN_CRASHES)"
    ),
    "oneof-variants-overlap": (
        "the values built from each variant of a `oneOf` (required properties only, then every "
        "property) are valid under more than one variant, so `oneOf` refuses them: the variants "
        "overlap (typically objects whose properties are all optional); the evidence names the "
        "value and the variants that accept it"
    ),
    "null-only-parameter": (
        "a required parameter whose schema allows only `null`: a path, query, header or cookie "
        "cannot carry null (RFC 6570 treats it as undefined and leaves the parameter out), so "
        "no request can satisfy the document"
    ),
    "prism-prefixitems": (
        "Prism 5.14.2 checks every element of an array against `items`, also those 3.1's "
        "`prefixItems` covers (the draft-07 reading of `items`), so an element valid for its "
        "`prefixItems` schema is reported as breaking `items`"
    ),
    "parameter-nesting-undefined": (
        "the parameter's value nests arrays or objects inside an array or object, whose "
        "serialization OAS leaves undefined (3.1.0 4.8.12.4: 'The behavior for nested objects and "
        "arrays is undefined'); no request can be right by the document"
    ),
    "prism-non-ascii-path-name": (
        "Prism 5.14.2 does not find a path parameter whose name is not ASCII (`/x/{æøå}`) in the "
        "request path and reports it missing, whatever is sent"
    ),
    "prism-non-json-body-as-text": (
        "a request body of a text media type (XML, YAML, text/plain...) whose schema is an object "
        "or an array: Prism 5.14.2 checks the body text as a string against the schema ('must be "
        "object', 'must be array'), whatever it holds (a well-formed XML document is refused the "
        "same way)"
    ),
    "unsatisfiable-security-requirement": (
        "every security requirement of the operation needs two schemes that both use the one "
        "Authorization header (e.g. HTTP Basic and a bearer token together): no request can "
        "satisfy the document"
    ),
    "prism-absent-deepobject": (
        "an optional deepObject query parameter whose schema has required properties, left out "
        "of the request: Prism 5.14.2 checks the absent parameter as an empty object and reports "
        "its required properties missing"
    ),
    "prism-echoes-content-encoding": (
        "the document declares a `Content-Encoding` (or `Transfer-Encoding`, `Content-Length`) "
        "response header: Prism 5.14.2 sends its example value (`gzip`...) over a body it did not "
        "encode that way, which no HTTP client can read"
    ),
    "dangling-ref": (
        "the document has a `$ref` to nothing (inside an example or a schema), so Prism refuses "
        "to load it at all (its resolver's MissingPointerError names the pointer)"
    ),
    "prism-binary-body-as-text": (
        "a request body of a binary media type (CBOR, protobuf, octet-stream...: the client takes "
        "the encoded bytes) whose schema is an object (or an allOf of one): Prism 5.14.2 cannot decode it and checks the raw body "
        "as a string against the object schema ('must be object'), whatever it holds"
    ),
    "form-schema-not-object": (
        "an application/x-www-form-urlencoded body whose schema is a single value (`type: "
        "string`...), not an object: a form is a set of named fields, so Prism reads every form "
        "body as an object and none matches the schema (the client sends the caller's text as the "
        "encoded form, and warns at the schema)"
    ),
    "multipart-schema-not-object": (
        "a multipart/form-data body whose schema is a single value (`type: string`, a file), not "
        "an object: form data is a set of named parts, so every multipart body is an object and "
        "none matches the schema (the client sends the value as one part named 'file', and "
        "warns at the schema)"
    ),
    "prism-slow-start": (
        "Prism 5.14.2 was still loading the document (alive, busy, no error) after at least 20 "
        "minutes (1 s per 2 kB of document), as stoplightio/prism#1479 reports for large "
        "documents: Stripe's spec3.yaml did not load in 25 minutes when Prism was started on it "
        "outside the sweep; no request could be sent, so the document's operations are not "
        "exercised"
    ),
    "content-type-parameter-contradicts-body": (
        "the document declares a `Content-Type` header parameter (which OpenAPI says SHALL be "
        "ignored: the body's media type sets the header) whose enum leaves out the request body's "
        "own media type; Prism 5.14.2 checks it, so no request with that body passes"
    ),
    "ignored-header-parameter-required": (
        "the document declares a required `Authorization` (or `Accept`) header parameter, which "
        "OpenAPI says SHALL be ignored (credentials come from a security scheme, and the operation "
        "names none): the client offers no such argument, and Prism 5.14.2 refuses every request "
        "without the header"
    ),
    "prism-informational-final-response": (
        "the response Prism answers is a declared 1xx (101 Switching Protocols for a hijacked "
        "stream, 100...): Prism 5.14.2 sends the informational status as the final response, "
        "with no upgrade agreed, which no HTTP/1.1 client can read (httpx reports a connection "
        "error); a 1xx is never a final response (RFC 9110 section 15.2)"
    ),
    "prism-schema-too-complex": (
        "Prism 5.14.2 answers 500 SCHEMA_TOO_COMPLEX when its faker gives up on a deep or recursive "
        "response schema (json-schema-faker's depth and reference limits): the request passed "
        "validation (no violation), but there is no response to parse"
    ),
    "prism-made-up-discriminator-tag": (
        "Prism made up a response whose discriminator property holds a value the document's "
        "discriminator does not map (any string, such as 'string'): the client keeps a variant "
        "it does not know as an UnknownVariant, by design (forward compatibility)"
    ),
    "example-unknown-discriminator-tag": (
        "the document's example for this response holds a discriminator value its "
        "discriminator does not map: the client keeps it as an UnknownVariant, by design"
    ),
    "prism-reserved-characters-multipart": (
        "a multipart part holding a reserved character (a non-exploded array `a,b`): Prism 5.14.2 "
        "applies the form-urlencoded reserved-character check to multipart parts too, which OAS "
        "3.1.2 4.8.15.1.2 says are never percent-encoded"
    ),
    "prism-readonly-required-in-composition": (
        "a required readOnly property left out of a request body (as OAS prescribes) inside "
        "oneOf/anyOf/allOf or an if/then/else branch: Prism 5.14.2 drops readOnly properties "
        "from `required` only under `properties`/`items`, so it reports them missing there"
    ),
    "prism-encoded-query-name": (
        "a query parameter whose name needs percent-encoding (`a b`): Prism 5.14.2 looks it up by "
        "its encoded form and reports it missing whether it is sent as `a%20b` or `a+b`"
    ),
    "parameter-oneof-overlap": (
        "a path, query, header or cookie parameter whose schema is `oneOf` a string and a number "
        "or integer: on the wire every value is text, so a number fits both variants and "
        "`oneOf` refuses it (the document would need `anyOf`)"
    ),
    "prism-nullable-array-query": (
        "a query parameter whose schema is an array that also allows null (3.0 `nullable: true`, "
        "3.1 `type: [array, null]`), sent with one item: Prism 5.14.2 coerces a single query value "
        "to an array only for `type: array` and reports 'must be array,null'"
    ),
    "prism-cannot-serialise-object-as-text": (
        "the response's media type is not JSON (text/*, */*) and its schema is an object: Prism "
        "5.14.2 answers 500 NO_COMPLEX_OBJECT_TEXT instead of a response"
    ),
    "prism-cannot-serialise-number-as-text": (
        "the response's media type is not JSON (text/plain, */*) and its schema is a number, an "
        "integer or a boolean: Prism 5.14.2 answers 500 NO_COMPLEX_OBJECT_TEXT ('Cannot serialise "
        "complex objects as text') instead of a response, as for an object (a string is served)"
    ),
    "prism-dotted-path-parameter": (
        "the path template names an expression with a dot (`{parameter.path.1}`, a valid RFC 6570 "
        "varname and OpenAPI parameter name): Prism 5.14.2 routes no request to such a path and "
        "answers 404 NO_PATH_MATCHED_ERROR, whatever the segment sent"
    ),
    "prism-form-undeclared-field": (
        "a form-urlencoded body's schema requires a property it does not declare under "
        "`properties` (Box's PostOAuth2Revoke: `required: [grant_type]`), and the client sends it: "
        "Prism 5.14.2 reads a form body's fields by the declared properties only, so it reports the "
        "field missing (the same body as JSON, or with the property declared, passes)"
    ),
    "exploded-objects-share-property": (
        "two query parameters of the operation are objects of style form, exploded (the default), "
        "and both declare the same property: each sends it as a query parameter of that name (OAS "
        "3.1.0 4.8.12.4), so the query carries `a_property=..&a_property=..` and no server can tell "
        "which value is whose (Prism reads both values into each, 'must be string')"
    ),
    "path-parameter-not-in-template": (
        "the operation declares a required `in: path` parameter that its path template does not "
        "name: it has no place in any URL, yet Prism 5.14.2 demands it (OAS 3.1.0 4.8.12.1: a "
        "path parameter's name must occur in the path)"
    ),
    "prism-empty-query-value": (
        "a required query parameter sent with an empty value (`name=`, a valid empty string): "
        "Prism 5.14.2 reads it as absent and reports the required property missing"
    ),
    "prism-free-form-exploded-object": (
        "a query parameter that is an object without `properties`, style form, exploded: its "
        "keys are sent as query parameters of their own (OAS 3.1.0 4.8.12.4), which Prism 5.14.2 "
        "maps back only for declared properties, so it reports the parameter missing"
    ),
    "prism-composed-object-parameter": (
        "a header or path parameter whose schema is a oneOf/anyOf with an object variant (no "
        "`type` of its own): Prism 5.14.2 deserializes a simple-style object only for a schema "
        "of `type: object`, so it checks the raw text against the variants ('must be object')"
    ),
    "document-unreadable": (
        "the document is not well-formed YAML/JSON (the evidence is the parser's message, e.g. a "
        "tab where YAML wants indentation spaces): the generator refuses it with an ERROR, and "
        "neither a client nor Prism can be built from it"
    ),
    "invalid-media-type": (
        "the operation declares a media type that is no RFC 6838 type/subtype (e.g. "
        "`openapi/python/client`, two slashes): Prism 5.14.2's parser throws 'invalid media "
        "type' on it and exits"
    ),
    "prism-no-serializer": (
        "the response's media type is one Prism 5.14.2 has no serializer for (application/zip "
        "without a schema, multipart/mixed, application/json-seq...): it answers 500 'Cannot find "
        "serializer for' that media type instead of a response (the pointer names it)"
    ),
    "prism-fragment-path-key": (
        "the path key has a '#fragment' naming a variant of a path (AWS documents: "
        "`/{Bucket}/{Key}#uploads`, `/#Action=CreateQueue`, with the variant's query parameters "
        "declared): a fragment never goes over HTTP (RFC 3986 3.5) and the client sends the path "
        "before '#', but Prism 5.14.2 routes by the whole key, so it answers 404 NO_PATH_MATCHED "
        "(or 405 NO_METHOD_MATCHED when the bare path has other methods) whatever is sent"
    ),
    "prism-form-array-without-encoding": (
        "an array property of an application/x-www-form-urlencoded body whose media type has no "
        "`encoding` entry for it: Prism 5.14.2 splits a form field into an array only where "
        "`encoding` names it, so it reports 'must be array' whatever is sent (`a=x&a=y`, the "
        "default style form with explode, `a=x,y` or a single `a=x`)"
    ),
    "prism-checks-ignored-header-parameter": (
        "the document declares a required header parameter named Content-Type, Accept or "
        "Authorization, which OAS says SHALL be ignored (3.1.0 4.8.12.1: the media type and "
        "security decide them): Prism 5.14.2 checks it anyway and reports it missing from a request "
        "that rightly has no such header (a request without a body has no Content-Type)"
    ),
    "prism-content-type-response-header": (
        "the response declares a `Content-Type` header (a string schema) and no content: Prism "
        "5.14.2 takes its made-up value `string` as the media type and answers 500 'Cannot find "
        "serializer for string' instead of a response, whatever the request"
    ),
    "query-in-path-key": (
        "the path key holds a query string (`/top.json?period={flag}`, Discourse): path templating "
        "marks sections of the URL path (OAS 3.1.0 4.8.8.1) and query parameters belong in "
        "`in: query` Parameter Objects, so the key names no path; the generator skips it with a "
        "warning at the key"
    ),
    "prism-faker-stalled": (
        "the client gave up waiting (timeout) while Prism's response faker (json-schema-faker) "
        "recursed through a deeply self-referencing response schema: Prism's log shows that very "
        "request end in the faker's 'Maximum call stack size exceeded' (or node out of memory)"
    ),
    "unsatisfiable-schema": (
        "no value satisfies the schema the request needs (the document contradicts itself: the "
        "evidence is the validator's message for the closest value)"
    ),
}
