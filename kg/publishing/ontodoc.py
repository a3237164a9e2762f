"""The ontology as one HTML page, built from its own labels, definitions and axioms.

Each term gets an anchor named by its local name, so that the term IRI
``https://w3id.org/ai-industry/ontology#Investment`` maps to ``ontology.html#Investment`` on the
site and on the server (a browser never sends the fragment, it scrolls to it).
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.namespaces import AI
from kg.publishing.pages import esc, layout

__all__ = ["ontology_html"]

_SECTIONS = (("classes", "Classes", OWL.Class), ("object-properties", "Object properties", OWL.ObjectProperty),
             ("datatype-properties", "Datatype properties", OWL.DatatypeProperty))
_CHARACTERISTICS = (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.IrreflexiveProperty,
                    OWL.AsymmetricProperty, OWL.ReflexiveProperty)


def _local(term) -> str:
    return str(term)[len(str(AI)):]


def _label(g: Graph, term) -> str:
    label = g.value(term, RDFS.label)
    return str(label) if label is not None else _local(term) if str(term).startswith(str(AI)) else g.namespace_manager.normalizeUri(term)


def _ref(g: Graph, term) -> str:
    """A link to a term: an anchor on this page for ai: terms, the IRI otherwise."""
    if isinstance(term, BNode):
        if (term, OWL.inverseOf, None) in g:
            return "inverse of " + _ref(g, g.value(term, OWL.inverseOf))
        if (term, OWL.onProperty, None) in g:
            some = g.value(term, OWL.someValuesFrom)
            return f"{_ref(g, g.value(term, OWL.onProperty))} some {_ref(g, some) if some else '…'}"
        return "(anonymous)"
    if str(term).startswith(str(AI)):
        return f'<a href="#{esc(_local(term))}">{esc(_label(g, term))}</a>'
    return f'<a href="{esc(term)}" class="iri">{esc(g.namespace_manager.normalizeUri(term))}</a>'


def _term(g: Graph, term: URIRef) -> str:
    rows = []

    def row(name: str, values: list[str]) -> None:
        if values:
            rows.append(f"<tr><th>{name}</th><td>{', '.join(values)}</td></tr>")

    row("IRI", [f'<span class="iri">{esc(term)}</span>'])
    row("definition", [esc(v) for v in sorted(g.objects(term, SKOS.definition))])
    row("also called", [esc(v) for v in sorted(g.objects(term, SKOS.altLabel))])
    row("example", [esc(v) for v in sorted(g.objects(term, SKOS.example))])
    row("subclass of", [_ref(g, v) for v in sorted(g.objects(term, RDFS.subClassOf), key=str)])
    row("superclass of", [_ref(g, v) for v in sorted(g.subjects(RDFS.subClassOf, term), key=str)])
    row("equivalent to", [_ref(g, v) for v in sorted(g.objects(term, OWL.equivalentClass), key=str)])
    row("disjoint with", [_ref(g, v) for v in sorted(g.objects(term, OWL.disjointWith), key=str)])
    row("subproperty of", [_ref(g, v) for v in sorted(g.objects(term, RDFS.subPropertyOf), key=str)])
    row("domain", [_ref(g, v) for v in sorted(g.objects(term, RDFS.domain), key=str)])
    row("range", [_ref(g, v) for v in sorted(g.objects(term, RDFS.range), key=str)])
    row("inverse of", [_ref(g, v) for v in sorted(g.objects(term, OWL.inverseOf), key=str)])
    row("characteristics", [esc(str(c)[len(str(OWL)):]) for c in _CHARACTERISTICS if (term, RDF.type, c) in g])
    chains = []
    for chain in g.objects(term, OWL.propertyChainAxiom):
        chains.append(" ∘ ".join(_ref(g, step) for step in Collection(g, chain)))
    row("property chain", chains)
    row("instances", [_ref(g, v) for v in sorted(g.subjects(RDF.type, term), key=str) if str(v).startswith(str(AI))])
    kinds = [_ref(g, c) for c in sorted(g.objects(term, RDF.type), key=str) if str(c).startswith(str(AI))]
    row("instance of", kinds)
    if (term, OWL.deprecated, None) in g:
        row("deprecated", ["yes; replaced by " + ", ".join(_ref(g, v) for v in g.objects(term, DCTERMS.isReplacedBy))])
    label = esc(_label(g, term))
    return f'<section id="{esc(_local(term))}"><h3>{label}</h3><table>{"".join(rows)}</table></section>'


def ontology_html(g: Graph) -> str:
    """The documentation page of the ontology graph ``g`` (one page, sections per kind of term)."""
    header = next(g.subjects(RDF.type, OWL.Ontology), None)
    meta = []
    for name, prop in (("IRI", None), ("version", OWL.versionInfo), ("version IRI", OWL.versionIRI),
                       ("licence", DCTERMS.license), ("creator", DCTERMS.creator), ("modified", DCTERMS.modified),
                       ("preferred prefix", URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")),
                       ("namespace", URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))):
        values = [header] if prop is None else list(g.objects(header, prop)) if header is not None else []
        if values:
            meta.append(f"<tr><th>{name}</th><td>{', '.join(_ref(g, v) if isinstance(v, URIRef) else esc(v) for v in values)}</td></tr>")
    title = str(g.value(header, DCTERMS.title) or "Ontology") if header is not None else "Ontology"
    description = esc(g.value(header, DCTERMS.description) or "") if header is not None else ""
    groups = []
    seen: set = set()
    for anchor, heading, kind in _SECTIONS:
        terms = sorted((t for t in g.subjects(RDF.type, kind) if isinstance(t, URIRef) and str(t).startswith(str(AI))),
                       key=lambda t: _label(g, t).lower())
        seen.update(terms)
        groups.append((anchor, heading, terms))
    # every other term the ontology defines gets a section too, whatever its type (ai:ChiefExecutiveOfficer
    # is an org:Role): a link to ontology.html#Name must land somewhere
    individuals = sorted({s for s in g.subjects(RDF.type, None) if s not in seen and isinstance(s, URIRef)
                          and str(s).startswith(str(AI)) and _local(s)}, key=lambda t: _label(g, t).lower())
    groups.append(("individuals", "Concepts (named individuals)", individuals))
    toc = "".join(f'<li><a href="#{a}">{h}</a> ({len(t)}): ' + ", ".join(_ref(g, x) for x in t) + "</li>"
                  for a, h, t in groups)
    body = [f"<h1>{esc(title)}</h1>", f"<p>{description}</p>", f"<table>{''.join(meta)}</table>",
            '<p>Also as <a href="ontology.ttl">Turtle</a> and <a href="ontology.jsonld">JSON-LD</a>.</p>',
            f"<h2>Contents</h2><ul>{toc}</ul>"]
    for anchor, heading, terms in groups:
        body.append(f'<h2 id="{anchor}">{heading}</h2>')
        body.extend(_term(g, t) for t in terms)
    return layout(title, "\n".join(body), depth=0)
