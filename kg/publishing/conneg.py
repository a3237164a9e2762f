"""Content negotiation: which of the formats we can write does the client's ``Accept`` header prefer.

Shared by the SPARQL endpoint (result formats) and the entity dereferencing (HTML or RDF). A
``?format=`` value (a short name such as ``json`` or ``ttl``, or a media type) overrides
``Accept``, because a link in a browser cannot set headers.
"""

from __future__ import annotations

__all__ = ["MEDIA", "ALIASES", "negotiate"]

#: Format name -> media type sent in Content-Type.
MEDIA = {
    "html": "text/html",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
#: Other names clients use for the same formats (media types and file suffixes).
ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json", "srj": "json",
    "application/sparql-results+xml": "xml", "srx": "xml", "text/xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "ttl": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "n3": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",  # Turtle is N3
    "application/n-triples": "nt", "text/plain": "nt", "ntriples": "nt",
    "application/ld+json": "jsonld", "json-ld": "jsonld",
    "application/rdf+xml": "rdfxml", "rdf": "rdfxml",
    "text/html": "html", "application/xhtml+xml": "html", "htm": "html",
}


def _name(value: str) -> str | None:
    value = value.strip().lower()
    if value in MEDIA:
        return value
    return ALIASES.get(value)


def _parse(accept: str) -> list[tuple[str, float, int]]:
    """``(media range, q, position)`` for each entry of an Accept header."""
    entries = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        entries.append((fields[0].lower(), q, position))
    return entries


def negotiate(offers: list[str], accept: str | None, format: str | None = None) -> str | None:
    """The best of ``offers`` (format names, first = default) for the client, or None if none fits.

    ``format`` wins when it names an offer; otherwise (SPARQLWrapper sends ``format=xml`` for RDF/XML
    graphs too) the Accept header decides. An absent or empty Accept gives the first offer.
    Ties on q go to the more specific range, then to the order of ``offers`` (ours, not the client's,
    so that ``Accept: */*`` gets the default).
    """
    if format:
        name = _name(format)
        if name in offers:
            return name
    if not accept or not accept.strip():
        return offers[0]
    entries = _parse(accept)
    best: tuple | None = None
    for index, offer in enumerate(offers):
        media = MEDIA[offer]
        aliases = {m for m, n in ALIASES.items() if n == offer and "/" in m} | {media}
        match: tuple[int, float] | None = None  # (specificity, q) of the most specific matching range
        for rng, q, _ in entries:
            if rng in aliases:
                specificity = 2
            elif rng.endswith("/*") and media.startswith(rng[:-1]):
                specificity = 1
            elif rng == "*/*":
                specificity = 0
            else:
                continue
            if match is None or specificity > match[0] or specificity == match[0] and q > match[1]:
                match = (specificity, q)
        if match is None or match[1] <= 0:
            continue
        key = (match[1], match[0], -index)
        if best is None or key > best[0]:
            best = (key, offer)
    return best[1] if best else None
