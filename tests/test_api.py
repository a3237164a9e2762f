"""The Python API: loading into named graphs, reasoning kept apart, queries, cache, errors."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from kg import KnowledgeGraph, LoadError, QueryError, ReasoningError
from kg.namespaces import AG, AI, INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph

from conftest import FIXTURES


def test_one_named_graph_per_data_file_and_one_for_the_ontology(fixture_graph):
    fixture_graph.reason()
    names = set(fixture_graph.store.graph_names())
    assert {ONTOLOGY_GRAPH, data_graph("deals"), data_graph("organizations"), INFERRED_GRAPH} <= names
    assert (AG["acme-lab"], RDF.type, AI.AILab) in set(fixture_graph.store.triples(data_graph("organizations")))
    assert (AI.Investment, RDFS.subClassOf, AI.Deal) in fixture_graph.ontology


def test_inferences_live_only_in_the_inferred_graph(fixture_graph):
    derived = (AG.chipco, AI.investsIn, AG["acme-lab"])
    assert derived in fixture_graph.inferred()
    for graph in fixture_graph.asserted_graphs():
        assert derived not in graph
    assert not set(fixture_graph.inferred()) & set(fixture_graph.asserted())


def test_trivial_closure_output_is_left_out(real_graph):
    inferred = real_graph.inferred()
    for s, p, o in inferred:
        assert not (p == OWL.sameAs and s == o), (s, p, o)
        assert not (p == RDF.type and o in (OWL.Thing, RDFS.Resource)), (s, p, o)
        assert not isinstance(s, Literal), (s, p, o)
        assert not str(s).startswith(("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")), (s, p, o)
        assert not (s == o and p in (AI.competesWith, AI.partnersWith, RDFS.subClassOf)), (s, p, o)


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?b WHERE { ag:acme-lab ai:competesWith ?b }", {AG["beta-lab"]}),           # chain + symmetry
    ("SELECT ?b WHERE { ag:beta-lab ai:competesWith ?b }", {AG["acme-lab"]}),
    ("SELECT ?b WHERE { ag:chipco ai:investsIn ?b }", {AG["acme-lab"]}),                 # chain over inverse
    ("SELECT ?b WHERE { ag:acme-lab ai:buysComputeFrom ?b }", {AG["nimbus-cloud"]}),
    ("SELECT ?b WHERE { ?b a ai:Investor }", {AG.chipco, AG["nimbus-cloud"]}),           # derived class
])
def test_answers_that_need_reasoning(fixture_graph, query, expected):
    assert {row["b"] for row in fixture_graph.sparql(query).rows} == expected
    assert fixture_graph.sparql(query, reasoning=False).rows == []


def test_real_competition_needs_reasoning(real_graph):
    with_reasoning = {(r["organization"], r["competitor"]) for r in real_graph.query("competitors").rows}
    assert (AG.anthropic, AG.openai) in with_reasoning and (AG.openai, AG.anthropic) in with_reasoning
    assert real_graph.query("competitors", reasoning=False).rows == []


def test_records_are_plain_python(real_graph):
    rows = real_graph.query("investments", {"investor": "ag:nvidia", "investee": AG.anthropic}).records()
    assert rows and all(isinstance(r["investment"], str) for r in rows)
    # up to 10 bn (002, 004); 001's "multi-billion" is a magnitude: a floor, no ceiling
    assert {(r["maxValue"], r["minValue"]) for r in rows} == {(Decimal("10000000000.0"), None),
                                                               (None, Decimal("1000000000.0"))}
    assert {r["includesEquity"] for r in rows} == {True}


def test_duplicate_triples_across_files_give_one_row(tmp_path):
    for folder in ("ontology", "data"):
        shutil.copytree(FIXTURES / folder, tmp_path / folder)
    shutil.copy(tmp_path / "data" / "organizations.ttl", tmp_path / "data" / "copy.ttl")
    graph = KnowledgeGraph(ontology=tmp_path / "ontology", data=tmp_path / "data", cache=False)
    rows = graph.sparql("SELECT ?l WHERE { ag:acme-lab rdfs:label ?l }", reasoning=False).rows
    assert len(rows) == 1
    named = graph.sparql("SELECT ?g WHERE { GRAPH ?g { ag:acme-lab rdfs:label ?l } }", reasoning=False).rows
    assert {r["g"] for r in named} == {data_graph("organizations"), data_graph("copy")}


def test_cache_is_reused_and_owlrl_not_called(tmp_path, monkeypatch):
    args = dict(ontology=FIXTURES / "ontology", data=FIXTURES / "data", cache_folder=tmp_path, reasoner="owlrl")
    first = KnowledgeGraph(**args).reason()
    assert not first.cached and list(tmp_path.glob("inferred-*.nt"))
    import owlrl

    def fail(*a, **k):
        raise AssertionError("owlrl must not run on a cache hit")

    monkeypatch.setattr(owlrl, "DeductiveClosure", fail)
    second_graph = KnowledgeGraph(**args)
    second = second_graph.reason()
    assert second.cached and second.inferred == first.inferred
    # blank nodes survive the cache: inferred triples about value nodes reconnect to the asserted ones
    assert set(second_graph.inferred()) == set(KnowledgeGraph(**args).inferred())


def test_changed_data_invalidates_the_cache(tmp_path):
    for folder in ("ontology", "data"):
        shutil.copytree(FIXTURES / folder, tmp_path / folder)
    args = dict(ontology=tmp_path / "ontology", data=tmp_path / "data", cache_folder=tmp_path / "cache", reasoner="owlrl")
    assert not KnowledgeGraph(**args).reason().cached
    assert KnowledgeGraph(**args).reason().cached
    with open(tmp_path / "data" / "deals.ttl", "a") as out:
        out.write("\ndeal:extra a ai:Investment ; ai:investor ag:beta-lab ; ai:investee ag:acme-lab .\n")
    graph = KnowledgeGraph(**args)
    assert not graph.reason().cached
    assert (AG["beta-lab"], AI.investsIn, AG["acme-lab"]) in graph.inferred()


def test_inconsistency_becomes_a_reasoning_error():
    graph = KnowledgeGraph(ontology=FIXTURES / "inconsistent" / "ontology", data=FIXTURES / "inconsistent" / "data",
                           cache=False)
    with pytest.raises(ReasoningError) as caught:
        graph.reason()
    assert str(AG["confused-lab"]) in caught.value.resources
    assert caught.value.exit_code == 1


def test_parse_error_names_file_and_line(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.ttl").write_text("@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n\nai:a ai:b .\n")
    with pytest.raises(LoadError, match=r"broken\.ttl: line 3, column \d+"):
        KnowledgeGraph(ontology=FIXTURES / "ontology", data=tmp_path / "data")
    with pytest.raises(LoadError, match="nowhere: not a folder"):
        KnowledgeGraph(ontology=FIXTURES / "ontology", data=tmp_path / "nowhere")


def test_export_round_trips_as_the_same_graph(fixture_graph):
    parsed = Graph().parse(data=fixture_graph.export("turtle"), format="turtle")
    assert isomorphic(parsed, Graph() + fixture_graph.asserted())
    with_inferred = Graph().parse(data=fixture_graph.export("nt", inferred=True), format="nt")
    assert len(with_inferred) == len(set(fixture_graph.asserted())) + len(fixture_graph.inferred())


def test_queries_refuse_updates_service_and_from(fixture_graph):
    for text, message in [("INSERT DATA { ag:a ag:b ag:c }", "update requests are refused"),
                          ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
                          ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM / FROM NAMED are refused")]:
        with pytest.raises(QueryError, match=message):
            fixture_graph.sparql(text)


def test_validation_conforms_and_reports_violations(fixture_graph, tmp_path):
    result = fixture_graph.validate()
    assert result.conforms and not result.violations
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    (tmp_path / "data" / "bad.ttl").write_text(
        "@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n@prefix deal: <https://w3id.org/ai-industry/deal/> .\n"
        "deal:orphan a ai:Investment .\n"
        "deal:no-term a ai:ComputeCommitment .\n")
    bad = KnowledgeGraph(ontology=FIXTURES / "ontology", data=tmp_path / "data", shapes=FIXTURES / "shapes", cache=False)
    result = bad.validate()
    assert not result.conforms
    paths = {(str(f.focus).rsplit("/", 1)[-1], str(f.path).rsplit("#", 1)[-1]) for f in result.violations}
    assert paths == {("orphan", "investee"), ("orphan", "wasDerivedFrom")}
    assert [(f.severity, str(f.path).rsplit("#", 1)[-1]) for f in result.warnings] == [("Warning", "term")]


def test_real_data_conforms(real_graph):
    result = real_graph.validate()
    assert result.conforms, [f.message for f in result.violations]


def test_entity_lookup_for_every_organization(real_graph):
    """The entity query answers for every organization (rdflib's ORDER BY once failed on mixed terms)."""
    orgs = {r["investor"] for r in real_graph.query("investments").rows} | {AG.anthropic}
    for org in orgs:
        rows = real_graph.query("entity", {"entity": org}).rows
        assert any(r["property"] == RDFS.label for r in rows), org
