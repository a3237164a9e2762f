"""The one boundary between Oxigraph's terms and rdflib's.

Oxigraph holds the data and answers SPARQL; rdflib objects are what pySHACL, owlrl and the
Python API hand around. Every conversion goes through the two functions here, so that a literal's
datatype, language and lexical form, and a blank node's label, survive the trip both ways
unchanged (a test round-trips the whole curated graph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["to_oxigraph", "from_oxigraph", "quads_to_oxigraph", "triples_from_oxigraph", "inline_values", "skolemize", "GENID"]

_XSD_STRING = str(XSD.string)
_XSD_DECIMAL = str(XSD.decimal)


def to_oxigraph(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term (blank node labels kept)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term) -> URIRef | BNode | Literal | None:
    """An Oxigraph term as an rdflib term; ``None`` stays ``None`` (an unbound variable).

    Oxigraph stores numbers by value and writes them back in XSD 1.1 canonical form, so the
    decimal written ``30000000000.0`` comes back as ``30000000000``. Decimals are given their
    XSD 1.0 canonical form here (a decimal point, at least one digit after it), which is how the
    data files write them and how rdflib reads those files: the same value is then the same rdflib
    term on both sides of the boundary, and outputs read as before.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return BNode(term.value[len(GENID):]) if term.value.startswith(GENID) else URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        value = term.value
        if datatype == _XSD_DECIMAL and "." not in value and value.lstrip("+-").isdigit():
            value += ".0"
        return Literal(value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def quads_to_oxigraph(triples: Iterable[tuple], graph) -> Iterator[ox.Quad]:
    """rdflib triples as Oxigraph quads in ``graph`` (an rdflib IRI or an Oxigraph graph name)."""
    name = graph if isinstance(graph, (ox.NamedNode, ox.BlankNode, ox.DefaultGraph)) else to_oxigraph(graph)
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)


def triples_from_oxigraph(quads: Iterable) -> Iterator[tuple]:
    """Oxigraph quads or triples as rdflib triples (the graph name is dropped)."""
    for quad in quads:
        yield from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)


def inline_values(text: str, bindings: dict) -> str:
    """``text`` with a ``VALUES`` block binding ``bindings`` at the head of its WHERE group.

    For engines or queries where substitution does not apply (a remote endpoint; a variable
    the query does not return): inline data joined first with the whole pattern binds the
    variable everywhere in it, aggregates included. Each term is written by Oxigraph's term
    serializer (which has checked an IRI as an IRI and escapes a literal), never by formatting
    its text; the place is found on the query's skeleton, so a brace inside a string, an IRI
    or a comment is never taken for the group's.
    """
    from kg.analysis.sparql_text import skeleton

    names = list(bindings)
    terms = " ".join(str(to_oxigraph(bindings[name])) for name in names)
    block = f" VALUES ({' '.join('?' + name for name in names)}) {{ ({terms}) }} "
    bare = skeleton(text, decode=False)
    where = re.search(r"(?i)\bWHERE\s*\{", bare)
    brace = where.end() if where else bare.find("{") + 1
    if brace <= 0:
        return text + "\n" + block  # no group at all: nothing to bind inside
    return text[:brace] + block + text[brace:]


#: Skolem IRIs stand for blank nodes on a remote store (RDF 1.1 §3.5): a blank node keeps its
#: identity across the graphs pushed one request at a time, and comes back as a blank node.
GENID = "https://w3id.org/ai-industry/.well-known/genid/"


def skolemize(term):
    """An Oxigraph blank node as its Skolem IRI (other terms unchanged)."""
    return ox.NamedNode(GENID + term.value) if isinstance(term, ox.BlankNode) else term
