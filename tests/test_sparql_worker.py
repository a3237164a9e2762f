"""Issue 10: the SPARQL workers on Oxigraph, the lexical guard in front of them, and ``kg sparql``'s limits.

pyoxigraph evaluates SERVICE by calling the URL (shown here against a watched listener), so the
guard must stop it before the engine sees the text; the guard is a parser of untrusted input,
so hypothesis tries it on generated text too.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.analysis.sparql_text import refusal, skeleton


class _Watcher(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def watched():
    server = HTTPServer(("127.0.0.1", 0), _Watcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Watcher.hits.clear()
    yield "http://127.0.0.1:%d/sparql" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_pyoxigraph_would_call_out_for_service(watched):
    """Why the guard exists: without it the engine fetches the URL a query names."""
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{watched}> {{ ?s ?p ?o }} }}"))
    assert _Watcher.hits == ["/sparql"] or _Watcher.hits[0].startswith("/sparql")


@pytest.mark.parametrize("query,keyword", [
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { service silent <http://x/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o .SERVICE<http://x/>{?s ?p ?o} }", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://x/> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://x/> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("LOAD <http://x/>", "LOAD"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("CLEAR ALL", "CLEAR"),
])
def test_refused(query, keyword):
    assert refusal(query)[0] == keyword


@pytest.mark.parametrize("query", [
    "SELECT ?service ?from WHERE { ?service ai:from ?from }",
    'SELECT * WHERE { ?s rdfs:label "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { } FROM <x>",
    "SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:from ?o }",
    "SELECT * WHERE { ?s ?p \"\"\"multi\nline FROM\"\"\"@en }",
    "SELECT * WHERE { ?s ?p 'load' }",
    "SELECT * WHERE { _:from ?p ?o }",
])
def test_allowed(query):
    assert refusal(query) is None


_KEYWORDS = st.sampled_from(["SERVICE", "service", "Service", "FROM", "from", "LOAD", "INSERT", "DELETE"])
_FILLER = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(_FILLER)
def test_anything_inside_a_string_or_comment_or_iri_is_harmless(text):
    quoted = text.replace("\\", "").replace('"', "").replace("\n", "").replace("\r", "")
    iri = "".join(c for c in text if c not in '<>"{}|^`\\' and ord(c) > 0x20)
    query = f'SELECT * WHERE {{ ?s <http://x/{iri}> "{quoted}" }} # {quoted}\n'
    assert refusal(query) is None


@settings(max_examples=200, deadline=None)
@given(_KEYWORDS, st.sampled_from([" ", "\n", "\t", "{", "}", ".", ";", "("]), st.sampled_from([" ", "\n", "<", "{"]))
def test_a_keyword_between_delimiters_is_always_refused(keyword, before, after):
    assert refusal(f"SELECT * WHERE {{ ?s ?p ?o{before}{keyword}{after}<http://x/> {{ }} }}") is not None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_the_scanner_never_fails_and_never_grows_the_text(text):
    assert len(skeleton(text, decode=False)) == len(text)
    refusal(text)


def test_kg_sparql_refuses_service_before_the_engine(watched, capsys):
    assert main(["sparql", f"SELECT * WHERE {{ SERVICE <{watched}> {{ ?s ?p ?o }} }}"]) == 2
    assert "SERVICE is refused" in capsys.readouterr().err
    assert _Watcher.hits == []


def test_kg_sparql_time_and_row_limits(capsys):
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    assert main(["sparql", heavy, "--timeout", "1"]) == 2
    assert "longer than the limit of 1 s" in capsys.readouterr().err
    assert main(["sparql", "SELECT * WHERE { ?s ?p ?o }", "--max-rows", "5"]) == 2
    assert "more than the limit of 5 rows" in capsys.readouterr().err
    assert main(["sparql", "SELECT ?l WHERE { ag:anthropic rdfs:label ?l }", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["l", "Anthropic"]


def test_kg_sparql_binds_unprojected_parameters_in_the_engine(capsys):
    """Oxigraph substitutes only selected variables; the others are bound by a VALUES clause."""
    query = "SELECT ?label WHERE { ?org rdfs:label ?label }"
    assert main(["sparql", query, "--param", "org=ag:anthropic", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["label", "Anthropic"]
