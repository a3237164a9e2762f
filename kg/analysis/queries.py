"""Stored queries (``queries/*.rq``), their ``#+`` headers, and safe parameter binding.

A stored query is plain SPARQL with its PREFIX lines, so that it runs in any SPARQL tool; the
``#+`` comment header documents it for ``kg queries``. Parameters are never pasted into query
text: values are parsed into RDF terms and bound by the engine (:mod:`kg.store`). Checking a query
refuses what must not run here (updates, ``SERVICE``, which Oxigraph would call over the network,
``FROM``, ``LOAD``: :mod:`kg.analysis.sparql_text`) and lets Oxigraph's parser judge the syntax.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryError
from kg.namespaces import PREFIXES

__all__ = ["Param", "StoredQuery", "load_catalogue", "parse_value", "check_query", "bind_adhoc", "bind", "PARAM_TYPES"]

#: Declared parameter types and the datatype a bare value of that type gets.
PARAM_TYPES = {"iri": None, "string": XSD.string, "integer": XSD.integer, "decimal": XSD.decimal,
               "boolean": XSD.boolean, "date": XSD.date, "literal": None, "any": None}
_KEYS = ("title", "description", "param", "reasoning")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<spec>[^)]*)\)\s*(?:[—–-]+\s*(?P<doc>.*))?$")
_LITERAL = re.compile(r'^"(?P<text>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<dt>\S+))?$')


@dataclass(frozen=True)
class Param:
    """One documented query parameter."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class StoredQuery:
    """A ``.rq`` file with its header; ``name`` is the file stem."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    reasoning: bool
    text: str

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _parse_param(value: str, where: str) -> Param:
    match = _PARAM.match(value.strip())
    if not match:
        raise QueryError(f"{where}: expected 'param: NAME (TYPE, required|optional[, default: VALUE]) — description', got {value!r}")
    spec = [part.strip() for part in match["spec"].split(",")]
    if len(spec) < 2 or spec[0] not in PARAM_TYPES or spec[1] not in ("required", "optional"):
        raise QueryError(f"{where}: parameter {match['name']!r}: expected '(TYPE, required|optional)' with TYPE one of "
                         f"{', '.join(PARAM_TYPES)}, got ({match['spec']})")
    default = None
    for extra in spec[2:]:
        key, _, val = extra.partition(":")
        if key.strip() != "default" or not val.strip():
            raise QueryError(f"{where}: parameter {match['name']!r}: unknown option {extra!r} (only 'default: VALUE')")
        default = val.strip()
    return Param(match["name"], spec[0], spec[1] == "required", default, (match["doc"] or "").strip())


def parse_stored_query(path: Path) -> StoredQuery:
    """Read one ``.rq`` file and its ``#+ key: value`` header; a malformed header names the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read: {error}") from None
    fields: dict[str, list[str]] = {key: [] for key in _KEYS}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        key, sep, value = line[2:].partition(":")
        key, where = key.strip(), f"{path}:{number}"
        if not sep or key not in _KEYS:
            raise QueryError(f"{where}: expected '#+ KEY: VALUE' with KEY one of {', '.join(_KEYS)}")
        if key == "param":
            param = _parse_param(value, where)
            if not re.search(r"[?$]" + param.name + r"\b", text):
                raise QueryError(f"{where}: parameter {param.name!r} is not a variable of the query")
            params.append(param)
        else:
            fields[key].append(value.strip())
    if not fields["title"]:
        raise QueryError(f"{path}: the header has no '#+ title:' line")
    reasoning = " ".join(fields["reasoning"]).lower() or "not required"
    if reasoning not in ("required", "not required"):
        raise QueryError(f"{path}: '#+ reasoning:' must be 'required' or 'not required', got {reasoning!r}")
    return StoredQuery(name=path.stem, path=path, title=" ".join(fields["title"]),
                       description=" ".join(fields["description"]), params=tuple(params),
                       reasoning=reasoning == "required", text=text)


def load_catalogue(folder: Path) -> dict[str, StoredQuery]:
    """All stored queries in ``folder`` by name (sorted)."""
    if not folder.is_dir():
        raise QueryError(f"{folder}: the queries folder does not exist")
    return {path.stem: parse_stored_query(path) for path in sorted(folder.glob("*.rq"))}


def unknown_query(name: str, known: list[str]) -> QueryError:
    """The error for an unknown query name: lists the known ones and suggests a close match."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return QueryError(f"no stored query named {name!r}.{hint} Known queries: {', '.join(known) or '(none)'}")


def _expand(text: str) -> URIRef | None:
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_LEXICAL = {
    XSD.integer: re.compile(r"[+-]?\d+"),
    XSD.decimal: re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD.double: re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN"),
    XSD.boolean: re.compile(r"true|false|1|0"),
    XSD.date: re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d\d:\d\d)?"),
    XSD.dateTime: re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"),
}


def _typed(text: str, datatype: URIRef, name: str) -> Literal:
    """A typed literal, checked first (rdflib would only log a warning for an ill-typed one)."""
    pattern = _LEXICAL.get(datatype)
    if pattern is not None and not pattern.fullmatch(text):
        raise QueryError(f"parameter {name!r}: {text!r} is not a valid xsd:{datatype[len(str(XSD)):]}")
    return Literal(text, datatype=datatype)


def parse_value(text: str, *, type: str = "any", name: str = "value") -> URIRef | Literal:
    """Parse a command-line value into an RDF term, guided by the parameter's declared type.

    Accepts a prefixed name (project prefixes), ``<IRI>`` or a bare http(s) IRI, a quoted
    literal (``"text"``, ``"text"@en``, ``"2025-01-01"^^xsd:date``), or a bare number or boolean.
    """
    text = text.strip()
    match = _LITERAL.match(text)
    if match:
        lexical = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), match["text"])
        if match["dt"]:
            datatype = _expand(match["dt"])
            if datatype is None:
                raise QueryError(f"parameter {name!r}: unknown datatype {match['dt']!r}")
            term: URIRef | Literal = _typed(lexical, datatype, name)
        else:
            term = Literal(lexical, lang=match["lang"])
    elif type in ("integer", "decimal", "boolean", "date", "string"):
        term = Literal(text) if type == "string" else _typed(text, PARAM_TYPES[type], name)
    elif (iri := _expand(text)) is not None:
        term = iri
    elif _LEXICAL[XSD.integer].fullmatch(text):
        term = Literal(text, datatype=XSD.integer)
    elif _LEXICAL[XSD.decimal].fullmatch(text):
        term = Literal(text, datatype=XSD.decimal)
    elif text in ("true", "false"):
        term = Literal(text, datatype=XSD.boolean)
    else:
        raise QueryError(f"parameter {name!r}: cannot read {text!r} as an IRI (prefix:name, <IRI>, http…) "
                         f'or a literal ("text", "text"@en, "…"^^xsd:date, 42, 3.5, true)')
    if type == "iri" and not isinstance(term, URIRef):
        raise QueryError(f"parameter {name!r} takes an IRI (prefix:name, <IRI> or http…), got {text!r}")
    if type in ("integer", "decimal", "boolean", "date", "string", "literal") and not isinstance(term, Literal):
        raise QueryError(f"parameter {name!r} takes a {type} literal, got the IRI {text!r}")
    return term


_EMPTY = None  # an empty store, for checking a query's syntax with the engine's own parser


def check_query(text: str, *, source: str = "query") -> set[str]:
    """Refuse what must not run (updates, ``SERVICE``, ``FROM``) and check the syntax; return the variables.

    The syntax is checked by Oxigraph's own parser, on an empty store (a query over nothing
    returns at once), so that the position it reports is the engine's; the project's prefixes are
    predeclared exactly as they are when the query runs.
    """
    global _EMPTY
    import pyoxigraph as ox

    from kg.analysis.sparql_text import refusal, variables
    from kg.store.oxigraph import syntax_error

    refused = refusal(text)
    if refused:
        raise QueryError(f"{source}: {refused[1]}")
    if _EMPTY is None:
        _EMPTY = ox.Store()
    try:
        _EMPTY.query(text, prefixes={prefix: str(ns) for prefix, ns in PREFIXES.items()})
    except SyntaxError as error:
        raise syntax_error(error, text, source) from None
    except OSError:
        pass  # not a syntax error: the engine's own limits, met again (and reported) when the query runs
    return variables(text)


def bind_adhoc(text: str, params: dict | None, *, source: str = "query") -> dict:
    """Check an ad hoc query (:func:`check_query`) and turn ``params`` into bindings of its variables.

    Values may be RDF terms or strings (parsed by :func:`parse_value`); a name that is not a
    variable of the query is a :class:`QueryError` listing the variables it has.
    """
    variables = check_query(text, source=source)
    bindings = {}
    for name, value in (params or {}).items():
        if name not in variables:
            raise QueryError(f"{source}: parameter {name!r} is not a variable of the query "
                             f"(variables: {', '.join(sorted(variables)) or 'none'})")
        bindings[name] = parse_value(value, name=name) if isinstance(value, str) else value
    return bindings


def bind(stored: StoredQuery, values: dict[str, object]) -> dict[str, URIRef | Literal]:
    """Check ``values`` against the stored query's parameters and turn them into initBindings.

    Values may be RDF terms (used as given) or strings (parsed by :func:`parse_value`); defaults
    fill the gaps; an unknown or missing required parameter is a :class:`QueryError` naming it.
    """
    known = [p.name for p in stored.params]
    unknown = sorted(set(values) - set(known))
    if unknown:
        listing = ", ".join(known) if known else "none"
        raise QueryError(f"query {stored.name!r} has no parameter {unknown[0]!r}; its parameters: {listing}")
    bindings: dict[str, URIRef | Literal] = {}
    for param in stored.params:
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"query {stored.name!r} needs the parameter {param.name!r} ({param.type}): "
                                 f"add --param {param.name}=VALUE")
            continue
        bindings[param.name] = value if isinstance(value, (URIRef, Literal)) else parse_value(
            str(value), type=param.type, name=param.name)
    return bindings
