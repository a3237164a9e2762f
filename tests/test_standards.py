"""Issue 12, "Standard tools disagree with us": each fix checked with a second implementation.

pyoxigraph parses the service description and the VoID/DCAT description and runs the SHACL rule's
SPARQL; pyrudof reads the service description as a SPARQL Service Description.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import KnowledgeGraph
from kg.namespaces import PREFIXES
from kg.publishing.describe import describe, service_description, to_turtle

ROOT = Path(__file__).resolve().parents[1]
ENDPOINT = "http://127.0.0.1:8000/sparql"
PREFIX_TEXT = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items()) + (
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\nPREFIX dcat: <http://www.w3.org/ns/dcat#>\n")


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    return KnowledgeGraph(cache_folder=tmp_path_factory.mktemp("cache"))


def _store(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def test_service_description_names_every_named_graph(kg):
    graphs = kg.asserted_graphs() + [kg.inferred()]
    turtle = to_turtle(service_description(graphs, ENDPOINT))
    store = _store(turtle)
    named = list(store.query(PREFIX_TEXT + "SELECT ?g ?name WHERE { ?d sd:namedGraph ?g . OPTIONAL { ?g sd:name ?name } }"))
    assert len(named) == len(graphs) and all(row["name"] is not None for row in named), "sd:name is required"
    assert {row["name"].value for row in named} == {str(g.identifier) for g in graphs}
    assert store.query(PREFIX_TEXT + "ASK { ?s sd:defaultDataset/sd:defaultGraph ?g . ?s sd:feature sd:UnionDefaultGraph }")


def test_pyrudof_reads_the_service_description(kg):
    pyrudof = pytest.importorskip("pyrudof", reason="pyrudof is a test extra (pip install .[test])")
    graphs = kg.asserted_graphs() + [kg.inferred()]
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_service_description(to_turtle(service_description(graphs, ENDPOINT)))
    text = rudof.serialize_service_description()
    assert f"endpoint: {ENDPOINT}" in text
    assert sorted(re.findall(r"name: (\S+)", text)) == sorted(str(g.identifier) for g in graphs)


def test_dcat_access_service_sits_on_a_distribution(kg):
    graphs = kg.asserted_graphs() + [kg.inferred()]
    store = _store(to_turtle(describe(graphs, kg.ontology, endpoint=ENDPOINT)))
    assert not store.query(PREFIX_TEXT + "ASK { ?d a dcat:Dataset ; dcat:accessService ?s }")
    assert store.query(PREFIX_TEXT + f"ASK {{ ?d a dcat:Dataset ; dcat:distribution ?x . ?x a dcat:Distribution ; "
                                     f"dcat:accessService <{ENDPOINT}> ; dcat:accessURL <{ENDPOINT}> . "
                                     f"<{ENDPOINT}> a dcat:DataService ; dcat:servesDataset ?d }}")


def test_every_ontology_term_the_pages_link_to_has_an_anchor(kg):
    from kg.publishing.ontodoc import ontology_html

    anchors = set(re.findall(r'id="([^"]+)"', ontology_html(kg.ontology)))
    ai = str(PREFIXES["ai"])
    used = {str(t)[len(ai):] for g in kg.asserted_graphs() + [kg.inferred()] for triple in g for t in triple
            if str(t).startswith(ai) and len(str(t)) > len(ai)}
    assert sorted(used - anchors) == [], "ontology.html#X links that land nowhere"
    assert "ChiefExecutiveOfficer" in anchors


def _disagreement_select() -> str:
    shapes = (ROOT / "shapes" / "recommended.ttl").read_text(encoding="utf-8")
    start = shapes.index("aish:SourcesDisagree a sh:NodeShape")
    return re.search(r'sh:select """(.*?)"""', shapes[start:], re.S)[1]


def test_the_disagreement_rule_runs_on_a_strict_engine(kg):
    """STR() of a blank node is an error in SPARQL: Oxigraph dropped every result of the old rule."""
    store = ox.Store()
    store.load(kg.export("nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    rows = list(store.query(PREFIX_TEXT + _disagreement_select(), use_default_graph_as_union=True))
    assert rows, "the rule finds the figures the sources state differently"
    focus = {row["this"].value for row in rows}
    pyshacl = {str(f.focus) for f in kg.validate().findings if str(f.shape).endswith("SourcesDisagree")
               or "differently" in f.message}
    assert focus == pyshacl, "Oxigraph and pySHACL find the same disagreements"
    assert "https://w3id.org/ai-industry/deal/microsoft-anthropic-investment" in focus


def test_an_ill_typed_date_in_data_does_not_conform(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "zz-bad-date.ttl").write_text(
        "@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/ai-industry/deal/nvidia-anthropic-investment> ai:announcedOn "2025-13-45"^^xsd:date .\n')
    graph = KnowledgeGraph(data=data, cache=False)
    result = graph.validate()
    assert not result.conforms
    assert any("2025-13-45" in str(f.value) or "2025-13-45" in f.message for f in result.violations)
    assert graph.info(reasoning=False).conforms is False


def test_validate_help_says_what_conforms_means(capsys):
    from kg.cli import main

    assert main(["validate", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "sh:Violation" in text and "sh:Info" in text and "--strict" in text
