"""A VoID and DCAT description of the dataset, computed from the loaded graphs.

Nothing here is written by hand: title, description, licence and version come from the ontology
header; triple counts, the classes and properties used, the vocabularies and the named graphs
come from the data; the dumps (with media types and sizes) from what :mod:`kg.publishing.site` wrote. Every
node has an IRI under ``…/dataset#`` (no blank nodes), so the description is byte-stable too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from kg.namespaces import GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes

__all__ = ["BASE", "DATASET", "Dump", "MEDIA_TYPES", "describe", "service_description", "to_turtle"]

#: Where the published dataset lives; entity IRIs are below it (docs/DESIGN.md).
BASE = "https://w3id.org/ai-industry/"
DATASET = URIRef(BASE + "dataset")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace predates it
_BINDINGS = (("void", VOID), ("dcat", DCAT), ("foaf", FOAF), ("sd", SD))
_IANA = "https://www.iana.org/assignments/media-types/"

#: Export format -> (file suffix, media type).
MEDIA_TYPES = {
    "turtle": (".ttl", "text/turtle"),
    "nt": (".nt", "application/n-triples"),
    "nquads": (".nq", "application/n-quads"),
    "trig": (".trig", "application/trig"),
    "xml": (".rdf", "application/rdf+xml"),
    "jsonld": (".jsonld", "application/ld+json"),
    "jsonld-expanded": (".expanded.jsonld", "application/ld+json"),
}


@dataclass(frozen=True)
class Dump:
    """One file of the published dumps: path relative to the base, format, inferences or not, size."""

    path: str
    format: str
    inferred: bool
    size: int


def _slug(iri: str, graph: Graph) -> str:
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(iri, generate=False)
        text = f"{prefix}-{local}"
    except Exception:
        text = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def describe(named_graphs: list[Graph], ontology: Graph, *, base: str = BASE, dumps: list[Dump] = (),
             endpoint: str | None = None) -> Graph:
    """VoID + DCAT for ``named_graphs`` (ontology, data files, inferred), published under ``base``.

    ``base`` changes only the addresses of the dumps, pages and endpoint (e.g. a local server);
    the entity IRIs, and so ``void:uriSpace``, stay under the project's namespace.
    """
    d = bind_prefixes(Graph())
    for prefix, ns in _BINDINGS:
        d.bind(prefix, ns)
    ds = URIRef(base + "dataset")
    part = Namespace(str(ds) + "#")
    header = next(ontology.subjects(RDF.type, OWL.Ontology), None)
    add = d.add
    add((ds, RDF.type, VOID.Dataset))
    add((ds, RDF.type, DCAT.Dataset))
    add((ds, DCTERMS.title, Literal("AI industry knowledge graph", lang="en")))
    if header is not None:
        for source, target in ((DCTERMS.license, DCTERMS.license),
                               (DCTERMS.creator, DCTERMS.creator), (DCTERMS.created, DCTERMS.issued),
                               (DCTERMS.modified, DCTERMS.modified), (OWL.versionInfo, OWL.versionInfo),
                               (OWL.versionInfo, DCAT_VERSION)):
            for value in ontology.objects(header, source):
                add((ds, target, value))
        add((ds, VOID.vocabulary, header))
    add((ds, FOAF.homepage, URIRef(base + "index.html")))
    add((ds, DCAT.landingPage, URIRef(base + "index.html")))
    add((ds, VOID.uriSpace, Literal(BASE)))
    add((ds, VOID.rootResource, URIRef(BASE + "ontology")))
    add((ds, VOID.exampleResource, URIRef(BASE + "agent/anthropic")))
    add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))

    union = {t for g in named_graphs for t in g}
    typed = {(s, o) for s, p, o in union if p == RDF.type}
    subjects = {s for s, _, _ in union}
    kinds = Counter(str(s)[len(BASE):].split("/")[0] for s in subjects
                    if str(s).startswith(BASE) and "/" in str(s)[len(BASE):])
    add((ds, DCTERMS.description, Literal(
        f"Who invests in, buys compute from, partners and competes with whom in the AI industry: "
        f"{kinds['agent']} organizations and people, {kinds['product']} products, {kinds['deal']} deals and other "
        f"facts, {kinds['claim']} claims, each fact citing one of {kinds['source']} sources. Entity IRIs "
        f"dereference to HTML or RDF; the ontology is {BASE}ontology.", lang="en")))
    add((ds, VOID.triples, Literal(len(union))))
    add((ds, VOID.distinctSubjects, Literal(len(subjects))))
    add((ds, VOID.distinctObjects, Literal(len({o for _, _, o in union}))))
    add((ds, VOID.entities, Literal(len({s for s in subjects if str(s).startswith(BASE)}))))
    properties = Counter(p for _, p, _ in union)
    classes = Counter(o for _, o in typed if isinstance(o, URIRef))
    add((ds, VOID.properties, Literal(len(properties))))
    add((ds, VOID.classes, Literal(len(classes))))
    for vocabulary in sorted({re.sub(r"[^/#]*$", "", str(p)) for p in properties} - {BASE + "ontology#"}):
        add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for cls, count in sorted(classes.items()):
        node = part["class-" + _slug(cls, d)]
        add((ds, VOID.classPartition, node))
        add((node, VOID["class"], cls))
        add((node, VOID.entities, Literal(count)))
    for prop, count in sorted(properties.items()):
        node = part["property-" + _slug(prop, d)]
        add((ds, VOID.propertyPartition, node))
        add((node, VOID.property, prop))
        add((node, VOID.triples, Literal(count)))
    for graph in sorted(named_graphs, key=lambda g: str(g.identifier)):
        name = graph.identifier
        node = part["graph-" + re.sub(r"[^A-Za-z0-9_.-]", "-", str(name)[len(str(GRAPH)):])]
        add((ds, VOID.subset, node))
        add((node, RDF.type, VOID.Dataset))
        add((node, SD.name, name))
        add((node, VOID.triples, Literal(len(graph))))
        kind = ("the ontology" if name == ONTOLOGY_GRAPH else "triples inferred by OWL 2 RL reasoning"
                if name == INFERRED_GRAPH else "curated facts from data/" + str(name).rsplit("/", 1)[-1] + ".ttl")
        add((node, DCTERMS.description, Literal(f"Named graph <{name}>: {kind}.", lang="en")))

    if endpoint:  # DCAT 3: a data service is reached through a distribution, not from the dataset itself
        service = URIRef(endpoint)
        access = part["sparql-endpoint"]
        add((ds, VOID.sparqlEndpoint, service))
        add((ds, DCAT.distribution, access))
        add((access, RDF.type, DCAT.Distribution))
        add((access, DCAT.accessURL, service))
        add((access, DCAT.accessService, service))
        add((access, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
        add((access, DCAT.mediaType, URIRef(_IANA + "application/sparql-results+json")))
        add((service, RDF.type, DCAT.DataService))
        add((service, DCAT.endpointURL, service))
        add((service, DCAT.servesDataset, ds))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint (kg serve, read-only)", lang="en")))
    for dump in sorted(dumps, key=lambda x: x.path):
        url = URIRef(base + dump.path)
        node = part["dump-" + re.sub(r"[^A-Za-z0-9_.-]", "-", dump.path)]
        media = MEDIA_TYPES[dump.format][1]
        add((ds, VOID.dataDump, url))
        add((ds, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCAT.downloadURL, url))
        add((node, DCAT.accessURL, url))
        add((node, DCAT.mediaType, URIRef(_IANA + media)))
        add((node, DCTERMS["format"], Literal(media)))
        add((node, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        what = "asserted and inferred triples" if dump.inferred else "asserted triples"
        graphs = ", named graphs kept" if dump.format in ("nquads", "trig") else ""
        add((node, DCTERMS.title, Literal(f"{dump.format} dump: {what}{graphs}", lang="en")))
        if header is not None:
            for value in ontology.objects(header, DCTERMS.license):
                add((node, DCTERMS.license, value))
    add((ds, RDFS.seeAlso, URIRef(base + "ontology.html")))
    return d


def to_turtle(description: Graph) -> str:
    """The description as Turtle, byte-stable (sorted triples fed to rdflib's ``longturtle``)."""
    ordered = bind_prefixes(Graph(store="SimpleMemory"))
    for prefix, ns in _BINDINGS:
        ordered.bind(prefix, ns)
    for triple in sorted(description, key=lambda t: tuple(x.n3() for x in t)):
        ordered.add(triple)
    return ordered.serialize(format="longturtle")


def service_description(graphs: list[Graph], endpoint: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint: its dataset, every named graph with ``sd:name``."""
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    part = Namespace(endpoint + "#")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                 "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + name)))
    dataset = part["dataset"]
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = part["default-graph"]
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, DCTERMS.description, Literal("The union of all the named graphs.", lang="en")))
    for graph in sorted(graphs, key=lambda x: str(x.identifier)):
        slug = re.sub(r"[^A-Za-z0-9_.-]", "-", str(graph.identifier)[len(str(GRAPH)):])
        node, content = part["named-" + slug], part["graph-" + slug]
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, graph.identifier))
        g.add((node, SD.graph, content))
        g.add((content, RDF.type, SD.Graph))
        g.add((content, VOID.triples, Literal(len(graph))))
    g.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 Query endpoint; the default graph is the union of all named graphs "
        "(ontology, data files, inferred). No updates, SERVICE, FROM or LOAD; time, size and per-client limits.",
        lang="en")))
    return g
