"""The SHACL shapes: valid SHACL themselves, satisfied by the curated data, and each rule firing.

Every invalid fixture breaks one rule and must yield exactly the expected violation (source shape
and result path); its valid twin, the same fact done right, conforms.
"""

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.namespace import SH

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
AI = Namespace("https://w3id.org/ai-industry/ontology#")
AISH = Namespace("https://w3id.org/ai-industry/shapes#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")


def parse(*paths):
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def shapes():
    return parse(*sorted((ROOT / "shapes").glob("*.ttl")))


@pytest.fixture(scope="module")
def base():
    """The ontology and the curated data: fixtures refer to organizations and sources in it."""
    return parse(*sorted((ROOT / "ontology").glob("*.ttl")), *sorted((ROOT / "data").glob("*.ttl")))


def run(data, shapes):
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                           allow_warnings=True)
    violations = [r for r in report.subjects(RDF.type, SH.ValidationResult)
                  if report.value(r, SH.resultSeverity) == SH.Violation]
    return conforms, report, violations


def test_shapes_pass_shacl_meta_validation(shapes):
    """With meta_shacl, pyshacl first checks the shapes against the SHACL-SHACL shapes graph."""
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True,
                                         inference="none")
    assert conforms, text


def test_curated_data_conforms_with_only_info_notes(base, shapes):
    conforms, report, violations = run(base, shapes)
    assert conforms and violations == []
    severities = sorted(str(report.value(r, SH.resultSeverity)).rsplit("#")[-1]
                        for r in report.subjects(RDF.type, SH.ValidationResult))
    # 2 deals with no amount, 1 stake with no percentage, 10 notes on figures that sources state
    # differently; 2 warnings: custom silicon and national AI chips (003), whose makers no source names.
    assert severities == ["Info"] * 13 + ["Warning"] * 2


# fixture file -> (the named shape the violation comes from, or None for an anonymous property
# shape; the result path, or None for a SPARQL-based constraint)
CASES = {
    "investment_self.ttl": (AISH["Investment-investor"], AI.investor),
    "investment_investee_missing.ttl": (AISH["Investment-investee"], AI.investee),
    "investment_no_source.ttl": (AISH["FactProvenance-source"], PROV.wasDerivedFrom),
    "investment_unknown_source.ttl": (AISH["FactProvenance-source"], PROV.wasDerivedFrom),
    "amount_negative.ttl": (None, SCHEMA.value),
    "amount_integer.ttl": (AISH["Value-value"], SCHEMA.value),
    "amount_bad_currency.ttl": (AISH["MonetaryAmount-currency"], SCHEMA.currency),
    "amount_qualifier_mismatch.ttl": (AISH.QualifierMatchesFigure, None),
    "amount_no_source.ttl": (AISH["ValueProvenance-source"], PROV.wasDerivedFrom),
    "stake_over_100.ttl": (None, SCHEMA.value),
    "date_impossible.ttl": (AISH["AnnouncementDate-date"], AI.announcedOn),
    "date_implausible.ttl": (AISH.AnnouncementDate, None),
    "undefined_term.ttl": (AISH.DefinedVocabulary, None),
    "competition_one_party.ttl": (None, AI.competitor),
    "reification_not_asserted.ttl": (AISH.StatementSource, None),
    "reification_outside_node_sources.ttl": (AISH.StatementSource, None),
    "magnitude_unnamed.ttl": (AISH.MagnitudeNamed, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_fixture_yields_exactly_the_expected_violation(name, base, shapes):
    data = Graph()
    data += base
    data.parse(FIXTURES / "invalid" / name)
    conforms, report, violations = run(data, shapes)
    assert not conforms
    assert len(violations) == 1, [str(report.value(v, SH.resultMessage)) for v in violations]
    expected_shape, expected_path = CASES[name]
    result = violations[0]
    if expected_shape is not None:
        assert report.value(result, SH.sourceShape) == expected_shape
    assert report.value(result, SH.resultPath) == expected_path
    assert str(report.value(result, SH.resultMessage))


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "valid").glob("*.ttl")))
def test_valid_twin_conforms(name, base, shapes):
    data = Graph()
    data += base
    data.parse(FIXTURES / "valid" / name)
    conforms, report, violations = run(data, shapes)
    assert conforms, [str(report.value(v, SH.resultMessage)) for v in violations]


def test_every_invalid_fixture_has_a_valid_twin():
    invalid = {p.name for p in (FIXTURES / "invalid").glob("*.ttl")}
    valid = {p.name for p in (FIXTURES / "valid").glob("*.ttl")}
    assert invalid == set(CASES)
    assert invalid == valid
