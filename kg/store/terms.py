"""The one boundary between Oxigraph's terms and rdflib's.

Oxigraph holds the data and answers SPARQL; rdflib objects are what pySHACL, owlrl and the
Python API hand around. Every conversion goes through the two functions here, so that a literal's
datatype, language and lexical form, and a blank node's label, survive the trip both ways
unchanged (a test round-trips the whole curated graph).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

__all__ = ["to_oxigraph", "from_oxigraph", "quads_to_oxigraph", "triples_from_oxigraph"]

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


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

    Literals keep their lexical form: rdflib is told the datatype and never re-normalises
    (``"30000000000.0"`` stays as written, so exports and hashes do not move).
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
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
