"""Ontology hygiene (FIBO/Brick style): every term documented, every term used is defined.

Each test fails with the list of offenders, so the fix is obvious from the failure alone.
"""

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
AI = Namespace("https://w3id.org/ai-industry/ontology#")
ONTOLOGY = URIRef("https://w3id.org/ai-industry/ontology")


def parse(*folders):
    graph = Graph()
    for folder in folders:
        for path in sorted((ROOT / folder).glob("*.ttl")):
            graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def ontology():
    return parse("ontology")


def terms(ontology):
    return sorted({s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(AI))})


def test_every_term_has_label_definition_and_is_defined_by(ontology):
    missing = [
        (str(t), what) for t in terms(ontology)
        for what, prop in (("label", RDFS.label), ("definition", SKOS.definition), ("isDefinedBy", RDFS.isDefinedBy))
        if ontology.value(t, prop) is None
    ]
    assert missing == []


def test_labels_are_english_and_unique_among_classes_and_properties(ontology):
    labels = {}
    for t in terms(ontology):
        if (t, RDF.type, OWL.Class) in ontology or (t, RDF.type, OWL.ObjectProperty) in ontology \
                or (t, RDF.type, OWL.DatatypeProperty) in ontology:
            for label in ontology.objects(t, RDFS.label):
                assert isinstance(label, Literal) and label.language == "en", (t, label)
                labels.setdefault((str(label), (t, RDF.type, OWL.Class) in ontology), []).append(str(t))
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}


def test_one_definition_per_term(ontology):
    assert [str(t) for t in terms(ontology) if len(list(ontology.objects(t, SKOS.definition))) != 1] == []


def test_header_has_version_and_namespace_metadata(ontology):
    for prop in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/title"),
                 URIRef("http://purl.org/dc/terms/license"), URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert str(ontology.value(ONTOLOGY, OWL.versionIRI)).endswith(str(ontology.value(ONTOLOGY, OWL.versionInfo)))


def test_no_owl_constructs_that_merge_individuals_under_owl_rl(ontology):
    """owl:sameAs, functional and inverse-functional properties and hasKey make owlrl merge nodes."""
    everything = parse("ontology", "data")
    bad = [(str(s), str(p), str(o)) for s, p, o in everything
           if p in (OWL.sameAs, OWL.hasKey)
           or (p == RDF.type and o in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty))]
    assert bad == []


@pytest.mark.parametrize("folder", ["data", "shapes"])
def test_every_ai_term_used_is_defined(ontology, folder):
    defined = {t for t in terms(ontology) if (t, RDFS.isDefinedBy, ONTOLOGY) in ontology}
    used = parse(folder)
    undefined = sorted({str(t) for triple in used for t in triple
                        if isinstance(t, URIRef) and t.startswith(str(AI)) and t not in defined})
    assert undefined == []


def test_no_blank_node_or_foreign_iri_is_given_facts_it_should_not_have(ontology):
    """Links to Wikidata use skos:exactMatch: nothing in data/ is said *about* a wikidata IRI."""
    data = parse("data")
    foreign = sorted({str(s) for s in data.subjects() if isinstance(s, URIRef) and "wikidata.org" in s})
    assert foreign == []
