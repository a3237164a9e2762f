"""IRIs and text that are well-formed RDF but unsafe or unreadable once published.

The strict parser guarantees RFC 3987 syntax. What it allows and a reader must not get: IRIs
in a scheme other than http(s) (``javascript:`` in ``schema:sameAs`` becomes a link on the entity
page), bidi controls inside IRIs (RFC 3987 §4.1 forbids them; the parser does not look), entity
names too long for a file name, and in literals control and bidi characters, text that is not in
Unicode NFC (two spellings of one name would not match) and values longer than their field
allows. Every value is reported escaped (:mod:`kg.submissions.escape`).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS, XSD

from kg.namespaces import AI, SCHEMA
from kg.submissions.checks import ENTITY_NAMESPACES, Context
from kg.submissions.escape import UNSAFE, escaped
from kg.validation.findings import ERROR, Finding

__all__ = ["iris", "texts", "LIMITS", "DEFAULT_LIMIT", "MAX_IRI", "MAX_LOCAL_NAME", "LINK_PROPERTIES"]

#: Longest literal per property (characters); others get DEFAULT_LIMIT.
LIMITS = {RDFS.label: 200, SKOS.altLabel: 200, SKOS.hiddenLabel: 200, SKOS.prefLabel: 200, SCHEMA.name: 200,
          DCTERMS.title: 300, DCTERMS.identifier: 100, SCHEMA.currency: 10,
          AI.statement: 2000, SCHEMA.description: 2000, RDFS.comment: 2000, SKOS.definition: 2000}
DEFAULT_LIMIT = 500
MAX_IRI = 1000
MAX_LOCAL_NAME = 80
#: Properties whose values are shown as links (a literal URL or an IRI).
LINK_PROPERTIES = {SCHEMA.sameAs, SCHEMA.url, RDFS.seeAlso, FOAF.homepage, SKOS.exactMatch, SKOS.closeMatch}
#: Long free-text fields may hold line breaks and tabs; names may not.
_MULTILINE = {AI.statement, SCHEMA.description, RDFS.comment, SKOS.definition}
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _url_problem(url: str) -> str | None:
    if UNSAFE.search(url) or re.search(r'[\s<>"{}|\\^`]', url):
        return "contains spaces, control, bidi or other characters not allowed in a URL"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return f"has the scheme {parts.scheme + ':' if parts.scheme else '(none)'}; only http and https URLs are accepted"
    if not parts.netloc:
        return "names no host"
    if len(url) > MAX_IRI:
        return f"is {len(url)} characters long, over the limit of {MAX_IRI}"
    return None


def iris(ctx: Context) -> list[Finding]:
    """Every IRI http(s), without bidi or control characters, short; entity names usable as file names."""
    out, seen = [], set()
    for s, p, o in sorted(ctx.submission):
        for term, node, path, value in ((s, s, None, None), (p, s, [p], None), (o, s, [p], o)):
            if not isinstance(term, URIRef) or term in seen:
                continue
            seen.add(term)
            problem = _url_problem(str(term))
            fix = "write an http(s) IRI without spaces or invisible characters"
            if problem is None and term is s and str(s).startswith(ENTITY_NAMESPACES):
                local = re.split(r"[/#]", str(s))[-1]
                if len(local) > MAX_LOCAL_NAME or not _LOCAL.fullmatch(local):
                    problem = (f"is not a usable entity name (letters, digits, '.', '_', '-'; at most {MAX_LOCAL_NAME} "
                               "characters): it names a page and a file when the graph is published")
                    fix = "choose a short name such as deal:openai-google-compute"
            if problem:
                ctx.covered.add(term)
                out.append(ctx.finding(ERROR, "iri", node, f"<{escaped(str(term))[:200]}> {problem}", fix,
                                       path=path, value=value))
    return out


def _text_problem(lit: Literal, p) -> tuple[str, str] | None:
    text = str(lit)
    allowed = "\n\t" if p in _MULTILINE else ""
    bad = [c for c in UNSAFE.findall(text) if c not in allowed]
    if bad:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        return (f"the text contains control, bidi or invisible characters ({codes})",
                "remove them; write plain text" + ("" if allowed else " on one line"))
    if not unicodedata.is_normalized("NFC", text):
        return ("the text is not in Unicode normal form C (a letter and a combining accent where one character belongs)",
                f"write it as {escaped(unicodedata.normalize('NFC', text))[:80]!r} (most editors: normalise to NFC)")
    limit = LIMITS.get(p, DEFAULT_LIMIT)
    if len(text) > limit:
        return f"the text is {len(text)} characters long, over the limit of {limit} for this field", "shorten it"
    if lit.datatype == XSD.anyURI or p in LINK_PROPERTIES:
        problem = _url_problem(text)
        if problem:
            return f"the URL {problem}", "write an http(s) URL"
    return None


def texts(ctx: Context) -> list[Finding]:
    """Control and bidi characters, Unicode normalisation, length limits per field, URLs in literals."""
    out = []
    for s, p, o in sorted(ctx.submission):
        if not isinstance(o, Literal):
            continue
        problem = _text_problem(o, p)
        if problem:
            ctx.covered.update({(s, p), o})
            shown = escaped(str(o))
            shown = shown if len(shown) <= 80 else shown[:80] + f"… ({len(str(o))} characters)"
            out.append(ctx.finding(ERROR, "literal", s, f"{problem[0]}: \"{shown}\"", problem[1], path=[p], value=o))
    return out
