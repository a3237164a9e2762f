"""Issue 11: statement-level provenance is written as RDF reification (docs/model-guide.md), and the
submission checks refused ``rdf:subject``/``rdf:predicate``/``rdf:object`` as axioms, so a contributor
could not cite a source per statement the way the curated data does."""

from __future__ import annotations

from pathlib import Path

from kg import KnowledgeGraph

HERE = Path(__file__).parent


def test_a_submission_may_cite_sources_per_statement(real_graph: KnowledgeGraph):
    report = real_graph.check(HERE / "reified_submission.ttl")
    assert report.conforms, report.to_text()
    assert not [f for f in report.errors if "axiom" in f.message]
