"""Issue 10, submissions: every case the issue reports as having reached ``data/`` with exit 0.

Each case is a submission written out below (the text is the case); ``kg add`` runs on it against
a temporary copy of ``data/`` and must refuse it with the stated exit code and finding kind, name
the file and a line, echo no raw control or bidi character, and leave every data file byte for
byte as it was. Cases marked ``validate`` also run ``kg validate``, which must agree with ``kg add``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from kg.cli.main import main

REPO = Path(__file__).resolve().parents[2]
H = (REPO / "tests" / "submissions" / "good" / "compute_commitment.ttl").read_text().split("deal:openai-google-compute a")[0]
GOOD_DEAL = "deal:openai-google-compute a" + (REPO / "tests" / "submissions" / "good" / "compute_commitment.ttl").read_text().split("deal:openai-google-compute a")[1]
XML_HEAD = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'


def deal(old: str, new: str) -> str:
    assert old in GOOD_DEAL, old
    return H + GOOD_DEAL.replace(old, new, 1)


def org(body: str) -> str:
    return H + body


CASES = {
    # --- escape injection: an escaped '>' or space decoded into an IRI (the merge wrote 3 triples for 1) ---
    "escape_injection.ttl": (2, "syntax", org(
        "<https://w3id.org/ai-industry/agent/x\\u003E> <http://www.w3.org/2002/07/owl#sameAs> <https://w3id.org/ai-industry/agent/y> .\n")),
    "escape_injection_sameas.ttl": (2, "syntax", org(
        "ag:openai rdfs:seeAlso <https://example.org/\\u003E . ag:openai <http://www.w3.org/2002/07/owl#sameAs> ag:anthropic . <https://example.org/> .\n")),
    "escape_space.ttl": (2, "syntax", org("ag:openai rdfs:seeAlso <https://example.org/a\\u0020b> .\n")),
    "escape_injection.rdf": (2, "syntax", XML_HEAD + '<rdf:Description rdf:about="https://w3id.org/ai-industry/agent/x&gt; .">\n'
                             '<rdfs:label>X</rdfs:label></rdf:Description>\n</rdf:RDF>\n'),
    # --- N3 that is not W3C Turtle ---
    "literal_subject.ttl": (2, "syntax", org('"Acme AI" a ai:AILab .\n')),
    "blank_node_predicate.ttl": (2, "syntax", org("ag:openai _:p ag:anthropic .\n")),
    "n3_path.ttl": (2, "syntax", org("ag:openai!ai:investee rdfs:label \"x\" .\n")),
    # --- IRIs with spaces or illegal characters, lone surrogates (crashed kg add with exit 3) ---
    "iri_space.ttl": (2, "syntax", org("<https://w3id.org/ai-industry/agent/acme ai> a ai:AILab .\n")),
    "iri_illegal.ttl": (2, "syntax", org("<https://w3id.org/ai-industry/agent/acme{ai}> a ai:AILab .\n")),
    "lone_surrogate.ttl": (2, "syntax", deal('"OpenAI compute commitment to Google Cloud"', '"OpenAI \\uD800 compute"')),
    "lone_surrogate.jsonld": (2, "syntax", '{"@id": "https://w3id.org/ai-industry/agent/openai", '
                              '"http://www.w3.org/2000/01/rdf-schema#comment": "a \\ud800 b"}\n'),
    "jsonld_dropped_iri.jsonld": (2, "syntax", '{"@id": "https://w3id.org/ai-industry/agent/open ai", "@type": '
                                  '"https://w3id.org/ai-industry/ontology#AILab"}\n'),
    # --- hostile text ---
    "raw_nul.ttl": (2, "binary", deal("OpenAI compute commitment", "OpenAI\x00 compute commitment")),
    "raw_escape.ttl": (1, "literal", deal("OpenAI compute commitment", "OpenAI\x1b[2J compute commitment")),
    "escaped_escape.ttl": (1, "literal", deal("OpenAI compute commitment", "OpenAI\\u001B[2J compute commitment")),
    "bidi_override.ttl": (1, "literal", deal("OpenAI compute commitment", "OpenAI \u202ecompute commitment")),
    "not_nfc.ttl": (1, "literal", deal("OpenAI compute commitment", "OpenAI compute commitme\u0301nt")),
    "long_description.ttl": (1, "literal", deal('rdfs:label "OpenAI compute commitment to Google Cloud" ;',
                                                'rdfs:label "OpenAI compute commitment to Google Cloud" ;\n    schema:description "'
                                                + "x" * 300_000 + '" ;')),
    "javascript_same_as.ttl": (1, "literal", org('ag:openai schema:sameAs "javascript:alert(1)"^^xsd:anyURI .\n')),
    "javascript_iri.ttl": (1, "iri", org("ag:openai rdfs:seeAlso <javascript:alert(document.cookie)> .\n")),
    "long_entity_name.ttl": (1, "iri", deal("deal:openai-google-compute a", "deal:" + "x" * 300 + " a")),
    # --- implausible facts ---
    "two_labels.ttl": (1, "shape", deal('rdfs:label "OpenAI compute commitment to Google Cloud" ;',
                                        'rdfs:label "OpenAI compute commitment to Google Cloud" , "Another name" ;')),
    "future_date.ttl": (1, "plausibility", deal('"2026-01-15"^^xsd:date', '"2999-01-15"^^xsd:date')),
    "huge_amount.ttl": (1, "shape", deal("10000000000.0", "1000000000000000000000000.0")),
    "stakes_over_100.ttl": (1, "plausibility", org(
        "deal:amazon-openai-stake-fixture a ai:OwnershipStake ;\n    rdfs:label \"Amazon stake in OpenAI (invented)\" ;\n"
        "    ai:holder ag:amazon ;\n    ai:company ag:openai ;\n    ai:percentage [ a schema:QuantitativeValue ; "
        "schema:value 80.0 ; schema:unitCode unit:PERCENT ; ai:qualifier ai:Exact ;\n"
        "        prov:wasDerivedFrom src:900_fixture0000000000 ] ;\n    prov:wasDerivedFrom src:900_fixture0000000000 .\n")),
    "wikidata_twin.ttl": (1, "duplicate", org(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\nag:acme-ai a ai:AILab ;\n    rdfs:label \"Acme AI\" ;\n"
        "    skos:exactMatch <http://www.wikidata.org/entity/Q21708200> ;\n    prov:wasDerivedFrom src:900_fixture0000000000 .\n")),
    "lookalike_mixed_script.ttl": (1, "lookalike", org(
        "ag:openai-2 a ai:AILab ;\n    rdfs:label \"Оpen AI\" ;\n    prov:wasDerivedFrom src:900_fixture0000000000 .\n")),
    "lookalike_other_script.ttl": (1, "lookalike", org(
        "ag:openai-2 a ai:AILab ;\n    rdfs:label \"ΟΡΕΝΑΙ\" ;\n    prov:wasDerivedFrom src:900_fixture0000000000 .\n")),
    "disjoint_classes.ttl": (1, "consistency", deal("a ai:ComputeCommitment ;", "a ai:ComputeCommitment , ai:Claim ;\n"
                                                    "    ai:statement \"OpenAI says it buys compute from Google\"@en ;")),
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def write_case(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(CASES[name][2].encode("utf-8", "surrogatepass"))
    return path


def errors(out: str) -> list[dict]:
    return [f for g in json.loads(out)["groups"] for f in g["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_is_refused_with_nothing_written(name: str, data: Path, tmp_path: Path):
    code, kind, _ = CASES[name]
    path = write_case(tmp_path, name)
    before = digest(data)
    status, out, err = run("add", "--data", str(data), "--no-cache", "--format", "json", str(path))
    assert status == code, out + err
    found = errors(out)
    assert kind in {f["kind"] for f in found}, json.dumps(found, indent=1)
    first = next(f for f in found if f["kind"] == kind)
    assert first["file"] == str(path) and first["message"] and first["fix"]
    if kind not in ("binary",):
        assert first.get("line", 0) >= 1, first
    assert first.get("column", 1) >= 1
    for text in (out, err):  # nothing hostile is echoed raw
        assert not any(c in text for c in "\x00\x1b\u202e"), text[:400]
    assert "Traceback" not in err
    assert digest(data) == before


@pytest.mark.parametrize("name", ["disjoint_classes.ttl", "escape_injection.ttl", "javascript_same_as.ttl",
                                  "lookalike_other_script.ttl"])
def test_validate_agrees_with_add(name: str, data: Path, tmp_path: Path):
    code, kind, _ = CASES[name]
    path = write_case(tmp_path, name)
    status, out, _ = run("validate", "--data", str(data), "--no-cache", "--format", "json", str(path))
    assert status == code
    assert kind in {f["kind"] for f in errors(out)}


def test_syntax_error_names_line_column_and_text_as_written(tmp_path: Path, data: Path):
    path = write_case(tmp_path, "escape_injection.ttl")
    status, out, _ = run("validate", "--data", str(data), "--no-cache", "--format", "json", str(path))
    finding = errors(out)[0]
    assert (finding["line"], finding["column"]) == (H.count("\n") + 1, 1)
    assert "Invalid IRI code point '>'" in finding["message"]
    assert "x\\u003E>" in finding["message"]  # the text as written, escape and all


def test_control_characters_are_reported_escaped(tmp_path: Path, data: Path):
    path = write_case(tmp_path, "raw_escape.ttl")
    status, out, _ = run("validate", "--data", str(data), "--no-cache", str(path))
    assert status == 1
    assert "U+001B" in out and "\\u001B[2J" in out and "\x1b" not in out


def test_look_alike_accepted_when_said_to_be_different(tmp_path: Path, data: Path):
    """A name that looks like an existing one passes when the submission says the two are different."""
    text = CASES["lookalike_other_script.ttl"][2] + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" \
        "ag:openai-2 owl:differentFrom ag:openai .\n"
    path = tmp_path / "different.ttl"
    path.write_text(text)
    status, out, _ = run("validate", "--data", str(data), "--no-cache", "--format", "json", str(path))
    assert "lookalike" not in {f["kind"] for f in errors(out)}, out
    assert status == 0, out
