"""The compiled rules on Oxigraph (``kg.reasoning.fixpoint``) against owlrl (``kg.reasoning.reference``).

owlrl is the second implementation: both reason over the same triples, loaded once with the same
blank node labels, and must derive the same set of triples (after owlrl's trivial output is
filtered, as ``reference.infer`` does), raise on the same inconsistencies and name the same IRIs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg.namespaces import AG, AI, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reasoning.common import ReasoningError, UnsupportedOntology
from kg.reasoning.fixpoint import infer_in_store
from kg.reasoning.reference import infer, kinds
from kg.paths import resolve_paths
from kg.store.open import load_files
from kg.store.oxigraph import OxigraphStore
from kg.store.terms import to_oxigraph, triples_from_oxigraph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

TARGET = to_oxigraph(INFERRED_GRAPH)


def _both(ontology: Path, data: Path):
    """The asserted triples as an rdflib graph, and the Oxigraph store kg loads them into (same blank nodes)."""
    holder = OxigraphStore()
    files = load_files(holder, resolve_paths(ontology=ontology, data=data))
    graphs = list(dict.fromkeys(f.graph for f in files))
    asserted = Graph()
    for name in graphs:
        for triple in holder.triples(name):
            asserted.add(triple)
    return asserted, holder.oxigraph, [to_oxigraph(g) for g in graphs]


def _fast(store: ox.Store, graphs: list) -> set:
    infer_in_store(store, ontology=to_oxigraph(ONTOLOGY_GRAPH), asserted=graphs, target=TARGET)
    return set(triples_from_oxigraph(store.quads_for_pattern(None, None, None, TARGET)))


def _differences(fast: set, reference: set) -> str:
    missing, extra = sorted(reference - fast)[:10], sorted(fast - reference)[:10]
    return f"owlrl only: {[' '.join(t.n3() for t in x) for x in missing]}; rules only: {[' '.join(t.n3() for t in x) for x in extra]}"


@pytest.fixture(scope="module")
def curated():
    dataset, store, graphs = _both(ROOT / "ontology", ROOT / "data")
    return _fast(store, graphs), infer(dataset.triples((None, None, None))), store, graphs


def test_curated_inferences_equal_owlrl(curated):
    fast, reference, _, _ = curated
    assert len(reference) > 500  # the curated graph does derive a great deal
    assert fast == set(reference), _differences(fast, set(reference))


def test_synthetic_10k_inferences_equal_owlrl(tmp_path):
    folder = synthetic.write(tmp_path / "data", synthetic.clusters_for(10_000))
    dataset, store, graphs = _both(ROOT / "ontology", folder)
    assert 9_000 < len(dataset) < 11_000
    fast, reference = _fast(store, graphs), set(infer(dataset.triples((None, None, None))))
    assert len(reference) > 5_000
    assert fast == reference, _differences(fast, reference)


def test_named_inferences(curated):
    fast, _, _, _ = curated
    assert (AG.amd, AI.competesWith, AG.nvidia) in fast and (AG.nvidia, AI.competesWith, AG.amd) in fast  # symmetry
    assert (AG.anthropic, AI.buysComputeFrom, AG.google) in fast  # chain: buyerIn then provider
    assert (AG.google, AI.sellsComputeTo, AG.anthropic) in fast  # its inverse
    assert (AG.amazon, RDF.type, AI.Investor) in fast  # derived class: someValuesFrom restriction
    assert (AG.anthropic, RDF.type, AI.ComputeBuyer) in fast
    assert not any(s == o for s, p, o in fast if p == AI.competesWith)  # trivial self-pairs dropped


def test_only_the_target_graph_changes(curated):
    _, reference, store, graphs = curated
    before = {g: len(list(store.quads_for_pattern(None, None, None, g))) for g in graphs}
    store.add(ox.Quad(ox.NamedNode("urn:stale"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"), TARGET))
    report = infer_in_store(store, ontology=to_oxigraph(ONTOLOGY_GRAPH), asserted=graphs, target=TARGET)
    assert {g: len(list(store.quads_for_pattern(None, None, None, g))) for g in graphs} == before
    assert not list(store.quads_for_pattern(ox.NamedNode("urn:stale"), None, None, TARGET))  # cleared first
    assert report.inferred == len(list(store.quads_for_pattern(None, None, None, TARGET)))
    assert report.kinds == kinds(reference)  # the same report as the owlrl path gives
    assert not set(triples_from_oxigraph(store.quads_for_pattern(None, None, None, TARGET))) & {
        t for g in graphs for t in triples_from_oxigraph(store.quads_for_pattern(None, None, None, g))}


def _raises_on_both(ontology: Path, data: Path) -> tuple[ReasoningError, ReasoningError]:
    dataset, store, graphs = _both(ontology, data)
    with pytest.raises(ReasoningError) as fast:
        _fast(store, graphs)
    assert not list(store.quads_for_pattern(None, None, None, TARGET))  # nothing half-made left behind
    with pytest.raises(ReasoningError) as reference:
        infer(dataset.triples((None, None, None)))
    return fast.value, reference.value


def test_disjoint_classes_raise_on_both_paths():
    fast, reference = _raises_on_both(FIXTURES / "inconsistent" / "ontology", FIXTURES / "inconsistent" / "data")
    named = {str(AG["confused-lab"]), str(AI.AILab), str(AI.Deal)}
    assert named <= set(fast.resources) and fast.resources == reference.resources
    assert fast.messages == reference.messages


def _write(folder: Path, ontology: str, data: str) -> tuple[Path, Path]:
    prefixes = ("@prefix ai: <https://w3id.org/ai-industry/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                "@prefix ag: <https://w3id.org/ai-industry/agent/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    (folder / "ontology").mkdir()
    (folder / "data").mkdir()
    (folder / "ontology" / "o.ttl").write_text(prefixes + ontology, encoding="utf-8")
    (folder / "data" / "d.ttl").write_text(prefixes + data, encoding="utf-8")
    return folder / "ontology", folder / "data"


@pytest.mark.parametrize("ontology, data, named", [
    ("ai:rivalOf a owl:ObjectProperty, owl:IrreflexiveProperty .", "ag:a ai:rivalOf ag:a .", ["agent/a", "rivalOf"]),
    ("ai:owns a owl:ObjectProperty, owl:AsymmetricProperty .", "ag:a ai:owns ag:b . ag:b ai:owns ag:a .", ["agent/a", "owns"]),
    # the clash needs inference: a lab through the domain, a deal through the subclass
    ("ai:Lab owl:disjointWith ai:Deal . ai:Buyout rdfs:subClassOf ai:Deal . ai:runs rdfs:domain ai:Lab .",
     "ag:x a ai:Buyout ; ai:runs ag:y .", ["agent/x", "ontology#Lab", "ontology#Deal"]),
    ("[] a owl:AllDisjointClasses ; owl:members ( ai:A ai:B ai:C ) .", "ag:x a ai:A , ai:C .", ["agent/x", "#A", "#C"]),
    ("ai:Impossible rdfs:subClassOf owl:Nothing .", "ag:x a ai:Impossible .", ["agent/x"]),
])
def test_inconsistencies_raise_on_both_paths(tmp_path, ontology, data, named):
    fast, reference = _raises_on_both(*_write(tmp_path, ontology, data))
    assert fast.resources == reference.resources
    for part in named:
        assert any(iri.endswith(part) for iri in fast.resources), (part, fast.resources)


def test_unsupported_construct_is_refused(tmp_path):
    _, store, graphs = _both(*_write(tmp_path, "ai:ceo a owl:FunctionalProperty .", "ag:x ai:ceo ag:y , ag:z ."))
    with pytest.raises(UnsupportedOntology, match="FunctionalProperty"):
        _fast(store, graphs)


def test_transitive_chain_and_has_value_equal_owlrl(tmp_path):
    """Constructs the curated ontology uses lightly or not at all: long transitive chains, hasValue both ways,
    intersection, union, a chain through an inverse, equivalent properties, someValuesFrom over a superproperty."""
    ontology = ("ai:before a owl:TransitiveProperty ; owl:inverseOf ai:after . ai:after a owl:TransitiveProperty .\n"
                "ai:Open owl:equivalentClass [ a owl:Restriction ; owl:onProperty ai:license ; owl:hasValue ai:MIT ] .\n"
                "ai:Both owl:intersectionOf ( ai:Open ai:Lab ) . ai:Any owl:unionOf ( ai:Lab ai:Deal ) .\n"
                "ai:buysFrom owl:propertyChainAxiom ( [ owl:inverseOf ai:buyer ] ai:seller ) ; owl:equivalentProperty ai:purchasesFrom .\n"
                "ai:purchasesFrom rdfs:subPropertyOf ai:trades . ai:trades rdfs:domain ai:Trader ; rdfs:range ai:Trader .\n"
                "ai:Customer owl:equivalentClass [ a owl:Restriction ; owl:onProperty ai:trades ; owl:someValuesFrom ai:Lab ] .\n")
    data = "".join(f"ag:e{i} ai:before ag:e{i + 1} .\n" for i in range(12)) + \
        "ag:m ai:license ai:MIT ; a ai:Lab . ag:n a ai:Open . ag:d a ai:Deal ; ai:buyer ag:n ; ai:seller ag:m .\n"
    dataset, store, graphs = _both(*_write(tmp_path, ontology, data))
    fast, reference = _fast(store, graphs), set(infer(dataset.triples((None, None, None))))
    assert (AG.e0, AI.before, AG.e12) in fast and (AG.n, AI.license, AI.MIT) in fast and (AG.m, RDF.type, AI.Both) in fast
    assert (AG.n, AI.purchasesFrom, AG.m) in fast and (AG.n, RDF.type, AI.Customer) in fast
    assert fast == reference, _differences(fast, reference)


def test_inferred_graph_is_not_asserted():
    store = ox.Store()
    with pytest.raises(ValueError):
        infer_in_store(store, ontology=TARGET, asserted=[TARGET], target=TARGET)



def test_different_from_is_accepted_and_adds_nothing(real_graph):
    """Regression (issue 10): a submission says a look-alike is another entity with owl:differentFrom;
    the rules refused the whole submission as an unsupported ontology. OWL 2 RL derives nothing from it."""
    from rdflib import Graph
    from rdflib.namespace import OWL

    from kg.namespaces import AG
    from kg.reasoning.reference import infer
    from kg.reasoning.run import infer_triples

    data = Graph()
    data += real_graph.asserted()
    data.add((AG.openai, OWL.differentFrom, AG.anthropic))
    assert set(infer_triples(data)) == set(infer(data)) == set(real_graph.inferred())
