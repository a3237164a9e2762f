"""``kg info``'s "conforms" is remembered per digest of the files validation reads, never trusted blindly.

pySHACL takes seconds even on the curated graph; the verdict only changes when the ontology, data
or shapes files do. These tests run real validation on copies of the fixture folders and prove the
cache answers only for the exact files it was computed from.
"""

from __future__ import annotations

import shutil

import pytest

from kg import KnowledgeGraph
from kg.validation import shacl

from conftest import FIXTURES, ROOT


@pytest.fixture
def folders(tmp_path):
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


def _graph(folders, cache):
    return KnowledgeGraph(ontology=folders / "ontology", data=folders / "data", shapes=folders / "shapes",
                          queries=ROOT / "queries", cache_folder=cache)


def _count_validations(monkeypatch) -> list:
    calls = []
    real = shacl.validate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("kg.knowledge_graph.validate", counting)
    return calls


def test_the_verdict_is_computed_once_per_set_of_files(folders, tmp_path, monkeypatch):
    calls = _count_validations(monkeypatch)
    cache = tmp_path / "cache"
    assert _graph(folders, cache).info().conforms is True
    assert _graph(folders, cache).info().conforms is True
    assert len(calls) == 1 and len(list(cache.glob("conforms-*.json"))) == 1


def test_a_changed_data_or_shapes_file_is_validated_again(folders, tmp_path, monkeypatch):
    calls = _count_validations(monkeypatch)
    cache = tmp_path / "cache"
    assert _graph(folders, cache).info().conforms is True
    # an investment without its investee: a violation of the fixture's core shapes
    data = folders / "data" / "deals.ttl"
    text = data.read_text()
    assert "ai:investee ag:beta-lab ;" in text
    data.write_text(text.replace("ai:investee ag:beta-lab ;", ""))
    assert _graph(folders, cache).info().conforms is False
    data.write_text(text)
    assert _graph(folders, cache).info().conforms is True  # the first verdict again, from the cache
    shape = next(iter(sorted((folders / "shapes").glob("*.ttl"))))
    shape.write_text(shape.read_text() + "\n# edited\n")
    assert _graph(folders, cache).info().conforms is True
    assert len(calls) == 3  # first files, changed data, changed shapes


def test_a_damaged_verdict_is_recomputed(folders, tmp_path, monkeypatch):
    calls = _count_validations(monkeypatch)
    cache = tmp_path / "cache"
    _graph(folders, cache).info()
    (entry,) = cache.glob("conforms-*.json")
    for damage in ("", "{\"conforms\": \"yes\"}", "not json"):
        entry.write_text(damage)
        assert _graph(folders, cache).info().conforms is True
    assert len(calls) == 4


def test_without_a_cache_every_call_validates(folders, monkeypatch):
    calls = _count_validations(monkeypatch)
    graph = KnowledgeGraph(ontology=folders / "ontology", data=folders / "data", shapes=folders / "shapes",
                           queries=ROOT / "queries", cache=False)
    assert graph.info().conforms is True and graph.info().conforms is True
    assert len(calls) == 2
