"""Each curated data file: parses on its own, cites a source for every fact and figure, and copies
no sentence from the source articles (facts and figures carry over, wording does not)."""

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
AI = Namespace("https://w3id.org/ai-industry/ontology#")
SCHEMA = Namespace("https://schema.org/")
SRC = "https://w3id.org/ai-industry/source/"
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
#: Runs of this many words shared with a source count as copied wording.
SHINGLE = 6


@pytest.fixture(scope="module")
def ontology():
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def everything(ontology):
    graph = Graph()
    graph += ontology
    for path in DATA_FILES:
        graph.parse(path)
    return graph


def subclasses(ontology, root):
    return set(ontology.transitive_subjects(RDFS.subClassOf, root))


def test_there_are_data_files():
    assert {p.name for p in DATA_FILES} >= {"sources.ttl", "organizations.ttl", "products.ttl", "investments.ttl",
                                             "compute.ttl", "partnerships.ttl", "competition.ttl", "claims.ttl"}


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_parses_and_every_fact_and_figure_cites_a_known_source(path, ontology, everything):
    graph = Graph().parse(path)
    assert len(graph) > 0
    sourced = subclasses(ontology, AI.Fact) | subclasses(ontology, AI.Claim)
    known_sources = set(everything.subjects(RDF.type, AI.Source))
    facts = {s for s, o in graph.subject_objects(RDF.type) if o in sourced}
    figures = {s for s, o in graph.subject_objects(RDF.type) if o in (SCHEMA.MonetaryAmount, SCHEMA.QuantitativeValue)}
    uncited = sorted(str(n) for n in facts | figures if not set(graph.objects(n, PROV.wasDerivedFrom)) & known_sources)
    assert uncited == []


def test_every_source_file_is_described_and_every_described_source_exists(everything):
    described = {str(everything.value(s, DCTERMS.identifier)) for s in everything.subjects(RDF.type, AI.Source)}
    on_disk = {p.name for p in SOURCES.glob("*.txt")}
    assert described == on_disk
    for source in everything.subjects(RDF.type, AI.Source):
        assert str(source) == SRC + str(everything.value(source, DCTERMS.identifier)).removesuffix(".txt")


def test_every_source_is_cited(everything):
    cited = {o for o in everything.objects(None, PROV.wasDerivedFrom)}
    assert sorted(str(s) for s in everything.subjects(RDF.type, AI.Source) if s not in cited) == []


def words(text):
    return re.findall(r"[a-z0-9$%]+", text.lower().replace("’", "'"))


def shingles(text):
    w = words(text)
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def test_no_sentence_is_copied_from_the_sources(everything):
    source_shingles = set()
    for path in SOURCES.glob("*.txt"):
        source_shingles |= shingles(path.read_text(encoding="utf-8"))
    copied = [(str(s), str(o)) for s, p, o in everything
              if isinstance(o, Literal) and p != DCTERMS.title and shingles(str(o)) & source_shingles]
    assert copied == []


def test_no_calendar_dates_or_figures_without_a_source_value_node(everything):
    """The sources give no calendar date: none is recorded. Figures live only in value nodes."""
    assert list(everything.subject_objects(AI.announcedOn)) == []
    for prop in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue):
        for node in everything.subjects(prop, None):
            assert isinstance(node, BNode), f"{node} carries a figure outside a value node"
