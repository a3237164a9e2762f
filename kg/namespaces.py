"""The project's namespaces, graph names and prefix bindings (see docs/DESIGN.md).

Every module takes its IRIs from here so that a change of namespace is one edit, and every
output (query results, exports) carries the same prefixes.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

__all__ = [
    "AI",
    "AISH",
    "AG",
    "PROD",
    "DEAL",
    "CLAIM",
    "SRC",
    "SCHEMA",
    "ORG",
    "UNIT",
    "GRAPH",
    "ONTOLOGY_GRAPH",
    "INFERRED_GRAPH",
    "ASSERTED_GRAPH",
    "PREFIXES",
    "data_graph",
    "bind_prefixes",
]

AI = Namespace("https://w3id.org/ai-industry/ontology#")
AISH = Namespace("https://w3id.org/ai-industry/shapes#")
AG = Namespace("https://w3id.org/ai-industry/agent/")
PROD = Namespace("https://w3id.org/ai-industry/product/")
DEAL = Namespace("https://w3id.org/ai-industry/deal/")
CLAIM = Namespace("https://w3id.org/ai-industry/claim/")
SRC = Namespace("https://w3id.org/ai-industry/source/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
UNIT = Namespace("http://qudt.org/vocab/unit/")

GRAPH = Namespace("https://w3id.org/ai-industry/graph/")
ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
INFERRED_GRAPH = URIRef(GRAPH + "inferred")
#: The set union of the ontology and data graphs, kept by the store (see kg.store.oxigraph).
ASSERTED_GRAPH = URIRef(GRAPH + "asserted")

#: Prefix -> namespace, in the order they are written in outputs.
PREFIXES: dict[str, Namespace] = {
    "ai": AI,
    "aish": AISH,
    "ag": AG,
    "prod": PROD,
    "deal": DEAL,
    "claim": CLAIM,
    "src": SRC,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "org": ORG,
    "unit": UNIT,
    "sh": SH,
}


def data_graph(name: str) -> URIRef:
    """The named graph of one data file; ``name`` is its path below ``data/`` without suffix."""
    return URIRef(GRAPH + "data/" + name)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it.

    rdflib binds its own defaults lazily (e.g. ``schema:`` to http://schema.org/), so the
    project's bindings are forced, so that every output reads the same.
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
