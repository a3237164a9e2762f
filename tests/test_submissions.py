"""Issue 4: submissions are validated before they are merged, merged safely, and every problem explained.

Each bad file holds one problem. ``kg add`` is run on it against a temporary copy of ``data/`` and
must report that problem (kind, entity, line), exit with the expected code, and leave every file
of the copy byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from kg.cli.main import main

HERE = Path(__file__).parent
REPO = HERE.parent
BAD = HERE / "submissions" / "bad"
GOOD = HERE / "submissions" / "good"
DEAL = "deal:openai-google-compute"

# file: (exit code, kind, entity, line) of the finding the file is about
CASES = {
    "syntax_missing_dot.ttl": (2, "syntax", None, 24),  # the line missing its ";"
    "syntax_unterminated_string.ttl": (2, "syntax", None, 19),
    "syntax_unbound_prefix.ttl": (2, "syntax", None, 17),
    "syntax_unclosed_bracket.ttl": (2, "syntax", None, 25),
    "syntax_bad.jsonld": (2, "syntax", None, 30),
    "syntax_bad.nt": (2, "syntax", None, 4),
    "syntax_bad.rdf": (2, "syntax", None, 32),
    "empty.ttl": (2, "empty", None, None),
    "whitespace_only.ttl": (2, "empty", None, None),
    "no_triples.ttl": (2, "empty", None, None),
    "binary.ttl": (2, "binary", None, None),
    "latin1.ttl": (2, "encoding", None, 19),
    "unknown_extension.txt": (2, "format", None, None),
    "deep_nesting.ttl": (2, "limit", None, 18),
    "deep_nesting.jsonld": (2, "limit", None, 1),
    "remote_context.jsonld": (2, "unsafe", None, 2),
    "relative_context.jsonld": (2, "unsafe", None, 14),
    "context_import.jsonld": (2, "unsafe", None, 12),
    "external_entity.rdf": (2, "unsafe", None, 2),
    "entity_expansion.rdf": (2, "unsafe", None, 2),
    "wrong_datatype_decimal.ttl": (1, "literal", DEAL, 22),
    "nan_amount.ttl": (1, "literal", DEAL, 22),
    "date_with_time.ttl": (1, "literal", DEAL, 24),
    "impossible_date.ttl": (1, "literal", DEAL, 24),
    "integer_amount.ttl": (1, "shape", DEAL, 22),
    "string_amount.ttl": (1, "shape", DEAL, 22),
    "negative_amount.ttl": (1, "shape", DEAL, 22),
    "date_out_of_range.ttl": (1, "shape", DEAL, 24),
    "bad_currency.ttl": (1, "shape", DEAL, 22),
    "percentage_over_100.ttl": (1, "shape", "deal:microsoft-nvidia-stake-fixture", 22),
    "self_investment.ttl": (1, "shape", "deal:openai-self-investment", 20),
    "self_dealing.ttl": (1, "shape", DEAL, 20),
    "missing_buyer.ttl": (1, "shape", DEAL, 18),
    "two_providers.ttl": (1, "shape", DEAL, 21),
    "unknown_company.ttl": (1, "reference", DEAL, 21),
    "unknown_source.ttl": (1, "reference", DEAL, 25),
    "unknown_property.ttl": (1, "vocabulary", DEAL, 20),
    "unknown_class.ttl": (1, "vocabulary", DEAL, 18),
    "missing_source.ttl": (1, "provenance", DEAL, 23),
    "source_without_title.ttl": (1, "provenance", "src:900_fixture0000000000", 13),
    "duplicate_source.ttl": (1, "duplicate", "src:900_fixture0000000000", 14),
    "duplicate_deal.ttl": (1, "duplicate", "deal:openai-amazon-cloud-deal", 18),
    "duplicate_entity.ttl": (1, "duplicate", "ag:nvidia-corporation", 19),
    "conflicting_figure.ttl": (1, "conflict", "deal:openai-aws-compute", 18),
    "relative_iri.ttl": (1, "iri", DEAL, 21),
    "wrong_namespace.ttl": (1, "iri", DEAL, 21),
    "foreign_subject.ttl": (1, "iri", "<http://example.org/deal/1>", 18),
    "schema_equivalence.ttl": (1, "schema", "ai:Organization", 19),
    "schema_deactivate_shape.ttl": (1, "schema", "aish:Investment", 20),
    "schema_new_class.ttl": (1, "schema", "deal:MegaDeal", 19),
    "schema_same_as.ttl": (1, "schema", "ag:openai", 19),
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".kg-add.lock"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def findings(report: dict) -> list[dict]:
    return [f for group in report["groups"] for f in group["findings"]]


def test_corpus_is_complete():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_submission_is_refused_and_explained(name: str, data: Path):
    code, kind, entity, line = CASES[name]
    before = snapshot(data)
    status, out, err = run("add", "--data", str(data), "--no-cache", "--format", "json", str(BAD / name))
    assert status == code, out + err
    report = json.loads(out)
    assert report["conforms"] is False
    errors = [f for f in findings(report) if f["severity"] == "error"]
    assert errors, out
    first = errors[0]
    assert (first["kind"], first.get("entity"), first.get("line")) == (kind, entity, line), json.dumps(errors, indent=1)
    assert first["message"] and first["fix"]
    assert "Traceback" not in err and "Failed to convert" not in err
    assert snapshot(data) == before  # byte for byte, and no new file


@pytest.mark.parametrize("name", sorted(p.name for p in GOOD.iterdir()))
def test_good_twin_conforms(name: str, data: Path):
    status, out, err = run("validate", "--data", str(data), "--no-cache", str(GOOD / name))
    assert status == 0, out + err
    assert "ERROR" not in out


def test_text_report_names_file_line_entity_and_fix(data: Path):
    status, out, _ = run("validate", "--data", str(data), "--no-cache", str(BAD / "unknown_company.ttl"))
    assert status == 1
    assert f"unknown_company.ttl:18: {DEAL}" in out
    assert "ag:gogle is not in the graph or in the submission — did you mean ag:google (Google)?" in out
    assert "fix: write ag:google" in out


def test_vocabulary_near_miss_ignores_case(data: Path, tmp_path: Path):
    sub = tmp_path / "case.ttl"
    sub.write_text((GOOD / "compute_commitment.ttl").read_text().replace("ai:buyer ag:openai", "ai:BUYER ag:openai"))
    status, out, _ = run("validate", "--data", str(data), "--no-cache", str(sub))
    assert status == 1 and "did you mean ai:buyer?" in out


def test_warnings_fail_only_when_strict(data: Path):
    sub = str(GOOD / "redefined_prefix.ttl")
    assert run("validate", "--data", str(data), "--no-cache", sub)[0] == 0
    assert run("validate", "--data", str(data), "--no-cache", "--strict", sub)[0] == 1


def test_size_limit(data: Path):
    status, out, _ = run("validate", "--data", str(data), "--max-bytes", "100", str(GOOD / "compute_commitment.ttl"))
    assert status == 2 and "over the limit of 100" in out


def test_usage_error_is_exit_2(data: Path):
    assert run("validate", "--data", str(data), "--format", "xml", str(GOOD / "compute_commitment.ttl"))[0] == 2
    assert run("add", "--data", str(data), "--into", "/etc/passwd.ttl", str(GOOD / "compute_commitment.ttl"))[0] == 2


def test_shape_findings_name_the_rule_even_for_anonymous_property_shapes(data: Path):
    """aish:PositiveMoney's property shapes are anonymous: the fix names the node shape that owns them."""
    status, out, _ = run("validate", "--data", str(data), "--no-cache", "--format", "json", str(BAD / "negative_amount.ttl"))
    assert status == 1
    fixes = {f["fix"] for f in findings(json.loads(out)) if f["severity"] == "error"}
    assert "do as the message says (rule aish:PositiveMoney in shapes/)" in fixes
