"""The strict W3C parse of a submission: Oxigraph's parsers, then rdflib terms for the checks.

rdflib's Turtle parser is an N3 parser: it takes a literal as subject, a blank node as
predicate, ``a!b`` paths, and decodes ``\\u003E`` inside an IRI into a raw ``>`` that a writer
then pastes into a file as the end of the IRI. Oxigraph's parsers implement the W3C grammars
(Turtle, N-Triples, JSON-LD 1.1, RDF/XML) and validate every IRI (RFC 3987), so none of that
reaches the checks. One gap is closed here: JSON-LD, by its specification, silently *drops* a
node or property whose IRI is invalid; the document is walked first so that such an IRI is
an error rather than a missing fact.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Graph

from kg.store.terms import triples_from_oxigraph
from kg.submissions.escape import escaped
from kg.validation.findings import ERROR, Finding

__all__ = ["OX_FORMATS", "parse_strict", "jsonld_bad_iris", "IRI_ILLEGAL"]

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD,
              "xml": ox.RdfFormat.RDF_XML}
_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD", "xml": "RDF/XML"}
_FIXES = {"turtle": "fix the Turtle at this position", "nt": "each line is <subject> <predicate> <object-or-\"literal\"> . "
          "with full IRIs", "json-ld": "fix the JSON-LD at this position", "xml": "fix the RDF/XML at this position"}
#: Characters RFC 3987 never allows in an IRI, written raw or decoded from an escape.
IRI_ILLEGAL = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]')
_PREFIX = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


def _span(text: str, line: int, column: int, end_line: int | None, end_column: int | None) -> str:
    """The text as written between two 1-based positions (capped; escaped by the caller)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    if end_line == line and end_column and end_column > column:
        return lines[line - 1][column - 1:end_column - 1][:120]
    return lines[line - 1][column - 1:column + 59]


def _fix(fmt: str, why: str) -> str:
    """The loader's advice for a mistake people often make (naming the prefix that is missing), else the format's."""
    from kg.store.files import syntax_advice

    advice = syntax_advice(why)
    if advice:
        return advice
    if "IRI" in why:
        return "an IRI has no spaces, quotes, angle brackets or control characters (escaped or not); percent-encode them"
    if "dot" in why:
        return "the statement before this point may be missing its final '.', or a ';' or ',' between values"
    return _FIXES[fmt]


def _syntax(fmt: str, name: str, text: str, error: SyntaxError) -> Finding:
    message = str(error.args[0]) if error.args else str(error)
    position = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], tuple) else (None,) * 6
    _, line, column, _, end_line, end_column = (tuple(position) + (None,) * 6)[:6]
    why = _PREFIX.sub("", message)
    if line is not None and (line < 1 or (column is not None and column < 1)):
        line = column = None  # never report a position that does not exist
    if line is None:  # RDF/XML names the value, not where it is: find it as written
        quoted = re.search(r"'([^']{1,200})'", why)
        if quoted:
            for needle in (quoted.group(1), quoted.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")):
                at = text.find(needle)
                if at >= 0:
                    line = text.count("\n", 0, at) + 1
                    column = at - (text.rfind("\n", 0, at) + 1) + 1
                    break
    if line and "dot" in why and text.split("\n")[line - 1][:max((column or 1) - 1, 0)].strip() == "":
        # the parser notices a missing '.' at the next statement: point at the end of the one before it
        lines = text.split("\n")
        back = line - 1
        while back >= 1 and (not lines[back - 1].strip() or lines[back - 1].lstrip().startswith("#")):
            back -= 1
        if back >= 1:
            line, column, end_line, end_column = back, len(lines[back - 1].rstrip()) + 1, None, None
            why += " (missing after this line)"
    written = _span(text, line, column or 1, end_line, end_column) if line else ""
    full = f"{_NAMES[fmt]} syntax error: {escaped(why)}"
    if written.strip():
        full += f" (at {escaped(written)!s})"
    return Finding(ERROR, "syntax", full, _fix(fmt, why), file=name, line=line, column=column)


def jsonld_bad_iris(doc, name: str, text: str) -> list[Finding]:
    """IRIs a JSON-LD processor would drop without a word: ``@id``/``@type`` values and property keys."""
    out: list[Finding] = []
    stack = [doc]
    while stack and len(out) < 20:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        candidates = [k for k in node if not k.startswith("@")]
        for key in ("@id", "@type", "@vocab", "@base"):
            value = node.get(key)
            candidates += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        for candidate in candidates:
            if IRI_ILLEGAL.search(candidate) and candidate not in ("@context",):
                at = text.find(candidate[:40])
                line = text.count("\n", 0, at) + 1 if at >= 0 else None
                out.append(Finding(ERROR, "syntax", f"JSON-LD: {escaped(candidate)!s} is not a valid IRI; a JSON-LD "
                                   "processor would silently drop what it names",
                                   "an IRI has no spaces, quotes, angle brackets or control characters; percent-encode them",
                                   file=name, line=line))
        stack.extend(v for k, v in node.items() if k != "@context")
    return out


def parse_strict(text: str, fmt: str, name: str, base: str) -> tuple[Graph | None, list[Finding]]:
    """Parse ``text`` with Oxigraph's parser for ``fmt``; (graph in rdflib terms, []) or (None, [syntax error])."""
    try:
        quads = list(ox.parse(text, OX_FORMATS[fmt], base_iri=base, without_named_graphs=True))
    except SyntaxError as error:
        return None, [_syntax(fmt, name, text, error)]
    except (ValueError, OSError) as error:
        return None, [Finding(ERROR, "syntax", f"{_NAMES[fmt]} parse error: {escaped(str(error))[:300]}", _FIXES[fmt],
                              file=name)]
    graph = Graph()
    for triple in triples_from_oxigraph(quads):
        graph.add(triple)
    return graph, []
