"""Issue 4: ``kg add`` merges a conforming submission into data/ and nothing else; never loses data;
untrusted input triggers no network or file access."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.knowledge_graph import KnowledgeGraph
from test_submissions import GOOD, REPO, data, findings, run, snapshot  # noqa: F401 - fixture reused

AI = "https://w3id.org/ai-industry/ontology#"
AG = "https://w3id.org/ai-industry/agent/"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "KG_DEBUG": "1"}


def test_real_new_deal_end_to_end(data: Path):
    """Validate, add, query back, see the derived relation; a second add adds nothing."""
    sub = str(GOOD / "compute_commitment.ttl")
    before = snapshot(data)
    assert run("validate", "--data", str(data), "--no-cache", sub)[0] == 0
    status, out, err = run("add", "--data", str(data), "--no-cache", sub)
    assert status == 0, out + err
    assert "OpenAI buys compute from Google  (ag:openai ai:buysComputeFrom ag:google)" in out
    after = snapshot(data)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["compute.ttl", "sources.ttl"]
    for name in changed:  # existing bytes untouched: the new facts are appended
        assert after[name].startswith(before[name])
    graph = KnowledgeGraph(data=data, cache=False)
    rows = graph.sparql("ASK { <%sopenai> <%sbuysComputeFrom> <%sgoogle> }" % (AG, AI, AG))
    assert rows.boolean is True
    assert graph.validate().conforms
    status, out, _ = run("add", "--data", str(data), "--no-cache", sub)
    assert status == 0 and "already in the graph; nothing to add" in out
    assert snapshot(data) == after


def test_money_loop_is_reported(data: Path):
    assert run("add", "--data", str(data), "--no-cache", str(GOOD / "compute_commitment.ttl"))[0] == 0
    status, out, _ = run("add", "--data", str(data), "--no-cache", str(GOOD / "investment_money_loop.ttl"))
    assert status == 0
    assert "Amazon funds a customer of Amazon — a money loop" in out


def test_dry_run_writes_nothing(data: Path):
    before = snapshot(data)
    status, out, _ = run("add", "--dry-run", "--data", str(data), "--no-cache", str(GOOD / "compute_commitment.ttl"))
    assert status == 0 and "would add" in out and "--- would append to" in out
    assert snapshot(data) == before


def test_into_and_deterministic_output(data: Path, tmp_path: Path):
    status, _, _ = run("add", "--data", str(data), "--no-cache", "--into", "submissions.ttl", str(GOOD / "compute_commitment.ttl"))
    assert status == 0
    first = (data / "submissions.ttl").read_bytes()
    other = tmp_path / "again"
    import shutil
    shutil.copytree(REPO / "data", other)
    run("add", "--data", str(other), "--no-cache", "--into", "submissions.ttl", str(GOOD / "compute_commitment.jsonld"))
    assert (other / "submissions.ttl").read_bytes() == first  # same facts, other syntax: same bytes


def test_blank_nodes_never_collide(data: Path, tmp_path: Path):
    """A blank node used twice gets a label derived from the submission's content, not the one written."""
    sub = tmp_path / "shared.ttl"
    sub.write_text((GOOD / "compute_commitment.ttl").read_text() + textwrap.dedent("""
        deal:openai-google-compute ai:headlineTotal _:b0 ; ai:equityTotal _:b0 .
        _:b0 a schema:MonetaryAmount ; schema:value 5000000000.0 ; schema:currency "USD" ; ai:qualifier ai:Exact ;
            prov:wasDerivedFrom src:900_fixture0000000000 .
    """))
    status, out, err = run("add", "--data", str(data), "--no-cache", str(sub))
    assert status == 0, out + err
    text = (data / "compute.ttl").read_text()
    assert "_:b0" not in text and text.count("_:s") == 3  # two uses and its description
    graph = Graph().parse(data / "compute.ttl")
    deal = URIRef("https://w3id.org/ai-industry/deal/openai-google-compute")
    assert graph.value(deal, URIRef(AI + "headlineTotal")) == graph.value(deal, URIRef(AI + "equityTotal"))
    assert run("add", "--data", str(data), "--no-cache", str(sub))[1].count("nothing to add") == 1


def test_failed_rename_leaves_data_intact(data: Path, monkeypatch):
    before = snapshot(data)
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    status, out, err = run("add", "--data", str(data), "--no-cache", str(GOOD / "compute_commitment.ttl"))
    monkeypatch.undo()
    assert status == 2 and len(calls) == 2  # a full disk is an environment error (exit 2); the first rename was undone
    assert snapshot(data) == before
    assert not list(data.glob(".*.tmp"))


@pytest.mark.parametrize("when", ["fsync", "replace"])
def test_killed_mid_write_leaves_data_intact(data: Path, when: str):
    """SIGKILL while the temporary files are written, or at the first rename: data/ is as before."""
    before = snapshot(data)
    script = textwrap.dedent(f"""
        import os, signal, sys
        target = os.{when}
        def die(*a):
            os.kill(os.getpid(), signal.SIGKILL)
        os.{when} = die
        from kg.cli.main import main
        sys.exit(main(["add", "--data", {str(data)!r}, "--no-cache", {str(GOOD / "compute_commitment.ttl")!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=ENV, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert {k: v for k, v in snapshot(data).items() if not k.endswith(".tmp")} == before
    # the next kg add cleans the leftovers up and merges
    assert run("add", "--data", str(data), "--no-cache", str(GOOD / "compute_commitment.ttl"))[0] == 0
    assert not list(data.glob(".*.tmp"))


def test_two_concurrent_adds_lose_nothing(data: Path):
    cmd = [sys.executable, "-m", "kg", "add", "--data", str(data), "--no-cache"]
    procs = [subprocess.Popen(cmd + [str(GOOD / name)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name in ("compute_commitment.ttl", "investment_money_loop.ttl")]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    graph = KnowledgeGraph(data=data, cache=False)
    deals = {str(s) for s in graph.asserted().subjects(URIRef(AI + "buyer"), None)} | \
            {str(s) for s in graph.asserted().subjects(URIRef(AI + "investor"), None)}
    assert "https://w3id.org/ai-industry/deal/openai-google-compute" in deals
    assert "https://w3id.org/ai-industry/deal/amazon-openai-investment-fixture" in deals
    assert graph.validate().conforms
    assert (data / "sources.ttl").read_text().count("src:900_fixture0000000000 a ai:Source") == 1


def test_lock_refusal_is_clear(data: Path):
    from kg.submissions.merge import data_lock

    with data_lock(data):
        status, out, err = run("add", "--data", str(data), "--no-cache", "--lock-timeout", "0.2",
                               str(GOOD / "compute_commitment.ttl"))
    assert status == 2 and "another kg add is writing" in err


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"ai": "https://w3id.org/ai-industry/ontology#"}}')

    def log_message(self, *args):
        pass


def test_nothing_is_fetched(data: Path, tmp_path: Path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    files = {
        "remote.jsonld": '{"@context": "%s/ctx.jsonld", "@id": "https://w3id.org/ai-industry/deal/x", "ai:label": "x"}' % url,
        "scoped.jsonld": '{"@context": {"ai": {"@id": "https://w3id.org/ai-industry/ontology#", "@context": "%s/s"}}, '
                         '"@id": "https://w3id.org/ai-industry/deal/x"}' % url,
        "external.rdf": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "%s/entity">]>\n'
                        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
                        'rdf:about="https://w3id.org/ai-industry/deal/x"><rdfs:label>&e;</rdfs:label></rdf:Description></rdf:RDF>\n' % url,
        "imports.ttl": "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://w3id.org/ai-industry/deal/x> owl:imports <%s/onto> .\n" % url,
        "service.ttl": '@prefix sh: <http://www.w3.org/ns/shacl#> .\n<https://w3id.org/ai-industry/deal/x> '
                       'sh:select "SELECT * WHERE { SERVICE <%s/sparql> { ?s ?p ?o } }" .\n' % url,
    }
    try:
        for name, text in files.items():
            path = tmp_path / name
            path.write_text(text)
            before = snapshot(data)
            status, out, err = run("add", "--data", str(data), "--no-cache", str(path))
            assert status in (1, 2), (name, out)
            assert snapshot(data) == before
        assert _Counter.hits == []
    finally:
        server.shutdown()
