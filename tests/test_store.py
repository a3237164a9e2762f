"""The store under kg: in memory, on disk, and a real SPARQL endpoint (Oxigraph server) give the same answers.

The second implementation here is pyoxigraph's own parsers and Oxigraph's server, both from PyPI:
exports are re-read by a strict W3C parser and compared as canonicalised datasets; the endpoint is
a separate process reached over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode

from kg import KnowledgeGraph, QueryError
from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from kg.store.terms import quads_to_oxigraph, triples_from_oxigraph

from conftest import ROOT

#: Every stored query with the parameters the README and the tests use.
CALLS = [("investments", {}), ("investments", {"investee": "ag:anthropic"}), ("competitors", {"organization": "ag:anthropic"}),
         ("compute-commitments", {}), ("circular-financing", {}), ("entity", {"entity": "ag:nvidia"}),
         ("frenemies", {}), ("rival-backers", {}), ("model-availability", {}), ("alliances", {}), ("timeline", {})]


def _canonical(text: str, fmt) -> ox.Dataset:
    dataset = ox.Dataset(ox.parse(text.encode("utf-8"), format=fmt))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _rows(result) -> Counter:
    """Rows as a multiset, blank nodes replaced by one placeholder (each engine names them its own way)."""
    return Counter(tuple("_:" if isinstance(row[v], BNode) else row[v] for v in result.vars) for row in result.rows)


def test_terms_survive_the_boundary(real_graph):
    triples = set(real_graph.asserted())
    back = set(triples_from_oxigraph(quads_to_oxigraph(triples, ASSERTED_GRAPH)))
    assert back == triples and len(triples) > 1500


def test_asserted_and_inferred_never_share_a_triple(real_graph):
    real_graph.reason()
    shared = set(real_graph.asserted()) & set(real_graph.inferred())
    assert not shared, sorted(shared)[:5]


@pytest.mark.parametrize("fmt", ["trig", "turtle", "nt", "xml", "jsonld"])
def test_every_export_format_is_isomorphic_to_the_nquads_export(real_graph, fmt):
    reference = _canonical(real_graph.export("nquads", inferred=True), ox.RdfFormat.N_QUADS)
    text = real_graph.export(fmt, inferred=True)
    parsed = {"trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
              "xml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    if fmt == "trig":
        assert _canonical(text, parsed) == reference
    else:  # the other formats merge the graphs: compare with the union of the N-Quads graphs
        union = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in reference)
        union.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        assert _canonical(text, parsed) == union


def test_exports_are_byte_identical_from_run_to_run():
    first, second = KnowledgeGraph(cache=False), KnowledgeGraph(cache=False)
    for fmt in ("trig", "nquads", "turtle"):
        assert first.export(fmt, inferred=True) == second.export(fmt, inferred=True)


def test_parameters_not_returned_by_the_query_are_bound_too(real_graph):
    """Oxigraph substitutes only returned variables; the others are bound by a VALUES block."""
    found = real_graph.sparql("SELECT ?b WHERE { ?a ai:investsIn ?b }", {"a": "ag:nvidia"})
    assert {str(row["b"]).rsplit("/", 1)[1] for row in found.rows} == {"anthropic", "openai"}
    counted = real_graph.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a ai:investsIn ?b }", {"a": "ag:nvidia"})
    assert int(counted.rows[0]["n"]) == 2


def test_service_is_refused_before_the_engine_sees_it(real_graph):
    for text in ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
                 "SELECT * WHERE { ?s ?p ?o .SERVICE SILENT <http://127.0.0.1:1/> { ?a ?b ?c } }",
                 "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }"):
        with pytest.raises(QueryError, match="SERVICE is refused"):
            real_graph.sparql(text)


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store") / "kg-store"
    KnowledgeGraph.build_store(folder, cache=False)
    return folder


def test_disk_store_answers_like_memory(real_graph, disk_store):
    opened = KnowledgeGraph(store=disk_store)
    assert opened.store.read_only
    assert opened.store.count(ASSERTED_GRAPH) == real_graph.store.count(ASSERTED_GRAPH)
    assert opened.reason().inferred == real_graph.reason().inferred
    for name, params in CALLS:
        assert _rows(opened.query(name, params)) == _rows(real_graph.query(name, params)), name


def test_kg_load_then_store_flag(tmp_path):
    folder = tmp_path / "built"
    run = lambda *argv: subprocess.run([sys.executable, "-m", "kg", *argv], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    built = run("load", "--store", str(folder), "--no-cache")
    assert built.returncode == 0, built.stderr
    assert "inferred" in built.stdout and (folder / "manifest.json").is_file()
    answered = run("--store", str(folder), "query", "competitors", "--param", "organization=ag:anthropic", "--format", "csv")
    assert answered.returncode == 0, answered.stderr
    assert "https://w3id.org/ai-industry/agent/openai" in answered.stdout
    missing = run("query", "investments", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "kg load --store" in missing.stderr


def test_disk_store_warns_when_the_files_changed(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    folder = tmp_path / "store"
    KnowledgeGraph.build_store(folder, data=data, cache=False)
    (data / "links.ttl").write_text((data / "links.ttl").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg", "--store", str(folder), "info", "--no-reasoning"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "links.ttl" in done.stderr and "rebuild" in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A real Oxigraph server on 127.0.0.1, filled by kg push; stopped at the end."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = _free_port()
    server = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        pushed = subprocess.run([sys.executable, "-m", "kg", "push", "--endpoint", base + "/query", "--no-cache"],
                                capture_output=True, text=True, cwd=ROOT)
        assert pushed.returncode == 0, pushed.stderr
        yield base + "/query"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_endpoint_answers_like_memory(real_graph, endpoint):
    remote = KnowledgeGraph(endpoint=endpoint)
    assert remote.store.count(ASSERTED_GRAPH) == real_graph.store.count(ASSERTED_GRAPH)
    assert remote.store.count(INFERRED_GRAPH) == real_graph.reason().inferred
    for name, params in CALLS:
        assert _rows(remote.query(name, params)) == _rows(real_graph.query(name, params)), name
    without = remote.query("competitors", {"organization": "ag:anthropic"}, reasoning=False)
    assert without.rows == []


def test_endpoint_errors_are_input_errors(tmp_path):
    port = _free_port()  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "kg", "--endpoint", f"http://127.0.0.1:{port}/query", "query", "investments"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "cannot reach the endpoint" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "kg", "--endpoint", "file:///etc/passwd", "query", "investments"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "expected an http(s) URL" in bad.stderr
