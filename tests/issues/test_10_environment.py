"""Issue 10, where ``kg add`` writes and what it leaves behind.

Cases: a read-only data folder, a full disk and an unusable lock gave exit code 3 (internal
error) instead of 2; a rejected ``kg add`` left ``data/.kg-add.lock`` behind; after ``pip install .``,
``kg add`` run inside the checkout wrote into the installed package's copy of the data. And the
merge's own proof: a written file that is not exactly the old graph plus the new triples is
never renamed into place.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from kg import paths as kg_paths
from kg.submissions import merge
from tests.issues.test_10_submissions import REPO, digest, run

GOOD = REPO / "tests" / "submissions" / "good" / "compute_commitment.ttl"
BAD = REPO / "tests" / "submissions" / "bad" / "unknown_company.ttl"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("where,code", [("mkstemp", errno.EROFS), ("mkstemp", errno.EACCES), ("fsync", errno.ENOSPC)])
def test_unwritable_or_full_data_folder_is_exit_2(data: Path, monkeypatch, where: str, code: int):
    before = digest(data)
    target = tempfile if where == "mkstemp" else os
    monkeypatch.setattr(target, where, _fail_with(code))
    status, out, err = run("add", "--data", str(data), "--no-cache", str(GOOD))
    monkeypatch.undo()
    assert status == 2, out + err
    assert str(data) in err and "nothing was written" in err
    assert digest(data) == before  # no temporary file either


def test_unusable_lock_is_exit_2(data: Path, monkeypatch):
    monkeypatch.setattr(fcntl, "flock", _fail_with(errno.ENOLCK))
    status, _, err = run("add", "--data", str(data), "--no-cache", str(GOOD))
    assert status == 2 and f"{data}: cannot lock the data folder" in err


def test_missing_data_folder_is_exit_2(tmp_path: Path):
    status, _, err = run("add", "--data", str(tmp_path / "nowhere"), "--no-cache", str(GOOD))
    assert status == 2 and "nowhere" in err


@pytest.mark.parametrize("submission,expected", [(BAD, 1), (GOOD, 0)])
def test_no_lock_or_temporary_file_is_left(data: Path, submission: Path, expected: int):
    names = sorted(p.name for p in data.iterdir())
    assert run("add", "--data", str(data), "--no-cache", str(submission))[0] == expected
    assert sorted(p.name for p in data.iterdir()) == names


def test_refuses_to_write_into_an_installed_package(tmp_path: Path, monkeypatch):
    site = tmp_path / "lib" / "site-packages"
    shutil.copytree(REPO / "data", site / "kg" / "_bundled" / "data")
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    before = digest(site / "kg" / "_bundled" / "data")
    status, _, err = run("add", "--data", str(site / "kg" / "_bundled" / "data"), "--no-cache", str(GOOD))
    assert status == 2 and "inside an installed package" in err
    assert digest(site / "kg" / "_bundled" / "data") == before


def test_checkout_in_current_directory_wins_over_the_bundle(tmp_path: Path, monkeypatch):
    """After ``pip install .`` the package is not in a checkout; run inside one, its folders are used."""
    checkout = tmp_path / "checkout"
    for folder in kg_paths.FOLDERS:
        (checkout / folder).mkdir(parents=True)
    (checkout / "pyproject.toml").write_text('[project]\nname = "ai-industry-kg"\n')
    (checkout / "data" / "sub").mkdir()
    monkeypatch.setattr(kg_paths, "_CHECKOUT", tmp_path / "site-packages")  # the installed package's parent
    monkeypatch.chdir(checkout / "data" / "sub")
    resolved = kg_paths.resolve_paths(environ={})
    assert resolved.data == checkout.resolve() / "data"
    assert resolved.shapes == checkout.resolve() / "shapes"
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    assert kg_paths.resolve_paths(environ={}).data != checkout.resolve() / "data"


def test_merge_proof_refuses_a_file_that_says_more(tmp_path: Path):
    """The escape-injection case at the writer: text that parses to more than old + new is refused."""
    from rdflib import URIRef

    path = tmp_path / "f.ttl"
    old = "<https://w3id.org/ai-industry/agent/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n"
    new = (URIRef("https://w3id.org/ai-industry/agent/b"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
           __import__("rdflib").Literal("B"))
    good = old + "<https://w3id.org/ai-industry/agent/b> <http://www.w3.org/2000/01/rdf-schema#label> \"B\" .\n"
    merge.prove(old, good, [new], path)
    smuggled = good + "<https://w3id.org/ai-industry/agent/a> <http://www.w3.org/2002/07/owl#sameAs> <https://w3id.org/ai-industry/agent/b> .\n"
    with pytest.raises(merge.MergeProofError, match="1 unexpected"):
        merge.prove(old, smuggled, [new], path)


def test_new_blank_node_labels_never_meet_the_files(tmp_path: Path):
    from rdflib import BNode, Graph, Literal, URIRef

    root, p = URIRef("https://w3id.org/ai-industry/deal/x"), URIRef("https://w3id.org/ai-industry/ontology#amount")
    shared = BNode("sabcx0")
    new = Graph()
    new.add((root, p, shared))
    new.add((root, URIRef("https://w3id.org/ai-industry/ontology#equityTotal"), shared))
    new.add((shared, URIRef("https://schema.org/value"), Literal("1.0", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    block = merge.turtle_block(new, [root], {}, taken={"sabcx0"})
    assert "_:sabcx0 " not in block and "_:sabcx0n0" in block
    old = "_:sabcx0 <https://schema.org/value> 2.0 .\n"
    merge.prove(old, old + block, list(new), tmp_path / "f.ttl")
