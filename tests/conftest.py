"""Shared fixtures: the real graph and a small fixture graph, both reasoned once per session.

A session-wide temporary inference cache keeps the suite from re-reasoning for every test and
from touching the user's ~/.cache/kg.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_ARGS = ["--ontology", str(FIXTURES / "ontology"), "--data", str(FIXTURES / "data"),
                "--shapes", str(FIXTURES / "shapes"), "--queries", str(ROOT / "queries")]


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory):
    """Point KG_CACHE_DIR at a temporary folder for the whole session (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("kg-cache")
    previous = os.environ.get("KG_CACHE_DIR")
    os.environ["KG_CACHE_DIR"] = str(folder)
    for name in ("KG_DATA", "KG_ONTOLOGY", "KG_SHAPES", "KG_QUERIES"):
        os.environ.pop(name, None)
    yield folder
    if previous is None:
        os.environ.pop("KG_CACHE_DIR", None)
    else:
        os.environ["KG_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def real_graph(cache_dir) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.reason()
    return graph


@pytest.fixture(scope="session")
def fixture_graph(cache_dir) -> KnowledgeGraph:
    graph = KnowledgeGraph(ontology=FIXTURES / "ontology", data=FIXTURES / "data", shapes=FIXTURES / "shapes",
                           queries=ROOT / "queries")
    graph.reason()
    return graph


@pytest.fixture
def kg(capsys, real_graph):
    """Run ``kg`` in-process: ``kg("query", "investments")`` -> (exit code, stdout, stderr)."""

    def run(*argv: str):
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def python_kg(*argv: str, **kwargs):
    """Run ``python -m kg`` in a subprocess (for the entry point and real exit codes)."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "kg", *argv], capture_output=True, text=True, cwd=kwargs.get("cwd", ROOT),
                          env={**os.environ, **kwargs.get("env", {})}, timeout=300)
