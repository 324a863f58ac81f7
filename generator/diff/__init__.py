"""``connect-codegen diff OLD NEW``: what changed between two versions of a spec, for the user of the
generated client (breaking or not, with JSON pointers), and the semantic-version bump it calls for.

:func:`diff_files` loads and compares two documents; :mod:`.render` prints a report as text, JSON
or Markdown; :mod:`.command` is the CLI subcommand. The rules the comparison applies (what is
breaking and why) are the RULES below; each module of the comparison names the part it implements.

Modules
=======

- :mod:`.documents`: the entry points (:func:`load_spec`, :func:`compare_documents`,
  :func:`diff_files`) and :class:`~.documents.Comparer`, which pairs the operations of the two
  documents, compares each pair, then the component schemas;
- :mod:`.side`: one loaded document with its ``$ref`` resolver; :mod:`.operations`: its operations,
  how two documents' operations are paired, and the parts of an operation;
- :mod:`.usage`: which way each component schema's data flows, and which components inherit it;
- :mod:`.core`: the state one comparison shares and how a change is recorded; the comparison is
  split into mixins over it: :mod:`.parameters`, :mod:`.bodies` (request bodies),
  :mod:`.responses`, :mod:`.components` (component schemas) and :mod:`.schemas` (two schemas),
  which uses :mod:`.values` (types, formats, enum values), :mod:`.objects` (properties) and
  :mod:`.unions` (variants, discriminators);
- :mod:`.context`: directions and the context of a schema comparison; :mod:`.facts`: what a schema
  says, without prose, and what the generator makes of it;
- :mod:`.model`: :class:`Change` and :class:`DiffReport`; :mod:`.render`: text, JSON, Markdown;
  :mod:`.command`: the CLI subcommand.

RULES
=====

Compare two versions of an OpenAPI document as the user of the generated client feels them.

The comparison walks what the generator turns into Python: operations (methods on resources),
their parameters (keyword arguments), request bodies (``body=``), responses (return types), and
component schemas (model classes, enums and aliases in ``models``). Prose (descriptions,
summaries, titles, examples) and ``x-*`` extensions are ignored: they only change docstrings.
``$ref`` s are resolved (with :mod:`generator.refs`) so that moving an inline schema into
``components`` without changing it, or the reverse, is not reported as a change.

Who sends what
--------------
Whether a schema change breaks callers depends on which way the data flows:

- *request* data (parameters, request bodies, and every component schema reachable from them) is
  built by the caller and sent; the client must accept everything callers used to send;
- *response* data (response bodies and what they reach) is parsed by the client and read by the
  caller; the caller must be able to rely on everything it used to get.

A component schema reachable from both is judged both ways (a change is breaking when it breaks
either way). A component schema no operation reaches is judged both ways too: users import the
model classes and build or read them whatever the operations do. ``readOnly`` properties count as
response-only and ``writeOnly`` properties as request-only.

Classification rules (``B`` breaking, ``-`` non-breaking)
---------------------------------------------------------
Operations (identified by ``operationId``, else by method and path; an operation whose
``operationId`` changed at the same method and path is a rename):

- added ``-``; removed ``B``; renamed ``B`` (the Python method name changes; ``-`` when the
  snake_case name stays the same); moved to another resource (its first tag changed, so
  ``client.<resource>`` changes) ``B``; method or path changed ``-`` (the client hides the URL);
  newly deprecated ``-``.

Parameters (identified by location and name; header names case-insensitively):

- added: required ``B``, optional ``-``; removed ``B`` (callers passing it get a ``TypeError``);
  optional -> required ``B``; required -> optional ``-``; moved to another location with the
  same name ``-`` (the keyword argument is unchanged); retyped: see types (request rules).

Request bodies: added required ``B``, added optional ``-``; removed ``B``; optional -> required
``B``, required -> optional ``-``; media type added ``-``; removed ``B`` when no media type of its
kind (JSON, multipart, form, binary, text) is left, else ``-`` (the client sends one body per kind
and callers never name the media type).

Responses (a method returns the union of its success (2XX) bodies; error responses raise):

- success response removed: ``B`` when its body type is no longer among the success bodies (the
  return type loses it), else ``-`` (e.g. a bodiless 204); success response added: ``B`` when it
  brings a body type the method did not return before and it already returned a typed body (the
  return type becomes a union), else ``-`` (a method that returned ``None`` may start returning
  data); error responses added or removed ``-``;
- media type of a success response removed or added ``B`` when it changes what the client parses
  (JSON is preferred, then multipart, form, binary, text), else ``-``.

Component schemas (users import the classes even when no operation uses them):

- removed ``B``; renamed (removed and added with identical contents) ``B``; added ``-``;
  extracted (an inline schema moved into ``components`` under the very class name the generator
  already gave it) ``-`` and inlined (the reverse) ``-``.

Schemas (properties of models, items of lists, values of maps, union variants):

- property added: required in request data ``B``, otherwise ``-``; property removed ``B``
  (the attribute and the keyword argument of the model disappear);
- optional -> required: ``B`` in request data (callers must now set it), ``-`` in response data
  (the field just stops being ``None``); required -> optional: ``B`` in response data (the field
  may now be ``None``), ``-`` in request data;
- type narrowed (fewer values, e.g. ``string | null`` -> ``string``, ``number`` -> ``integer``,
  a plain string gaining an enum): ``B`` in request data, ``-`` in response data; type widened:
  ``B`` in response data, ``-`` in request data; type changed incompatibly ``B``; a ``format``
  change that changes the Python type (``date-time`` is ``datetime``, ``uuid`` is ``UUID``...)
  ``B``; an enum dropped altogether (the field stops being typed with the enum class) ``B``;
- enum value added ``-`` both ways: callers may send it, and the generated enums are open
  (an unknown value received parses into a pseudo-member instead of failing);
- enum value removed: ``B`` in request data (callers that send it now fail). In response-only
  data the value can no longer arrive, which is harmless on the wire, but the generated enum class
  loses its member (``Category.BUSINESS_OPERATIONS``) and code that names it raises
  ``AttributeError``; so a removal is ``B`` whenever the enum is a generated class (string or
  integer values), and ``-`` only for a ``Literal`` (``const`` or mixed values) in response data;
- the model class of a field changes (a ``$ref`` to another component, or an inline model
  replaced by a component with another class name): ``B`` in request data (an instance of the old
  class is not accepted), else ``B`` only when the new schema is incompatible;
- union variant added: ``-`` in request data, in response data ``-`` when the union has a
  discriminator (unknown variants parse into ``UnknownVariant``) else ``B``; variant removed:
  ``B`` in request data, ``-`` in response data;
- discriminator property changed ``B``; mapping entry added ``-``; removed ``B`` in request data,
  ``-`` in response data; mapping entry pointing at another schema ``B``.

Not compared: servers, security schemes, response headers, links, callbacks and webhooks.

A change to a component schema is reported once, at the component (and a property inherited
through ``allOf`` once, at the component that declares it, naming the components that inherit it).
Class and method names are computed with the generator's naming rules; collision suffixes and
``class-names`` overrides from the configuration are not known here.

"""

from .documents import compare_documents, diff_files, load_spec
from .model import ADDITIVE_KINDS, Change, DiffReport

__all__ = ["ADDITIVE_KINDS", "Change", "DiffReport", "compare_documents", "diff_files", "load_spec"]
