"""Issue 6: ``kg serve`` on a free loopback port, queried with clients nobody here wrote
(SPARQLWrapper, rdflib's SPARQLStore, plain urllib): answers, every result format, content
negotiation of entity IRIs, refusals (update, SERVICE and FROM to a watched loopback listener),
the time limit, and a slow query not blocking a fast one."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlencode

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper, TURTLE, JSONLD, N3
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg import KnowledgeGraph
from kg.publishing.server import Limits, make_server

ANTHROPIC = URIRef("https://w3id.org/ai-industry/agent/anthropic")
SELECT = """PREFIX ai: <https://w3id.org/ai-industry/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?deal ?label WHERE { ?deal a ai:Investment ; ai:investee <https://w3id.org/ai-industry/agent/anthropic> ;
  rdfs:label ?label } ORDER BY ?label"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0
_SERVERS: list = []


def wait_for_idle_workers() -> None:
    """After a worker was killed, wait (bounded) for its replacement so the next test has the full pool."""
    pool = _SERVERS[-1].app.pool
    for _ in range(300):
        if pool.idle() >= pool.size:
            return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    kg = KnowledgeGraph(cache_folder=tmp_path_factory.mktemp("cache"))
    server = make_server(kg, host="127.0.0.1", port=0, limits=Limits(timeout=TIMEOUT, workers=2, max_rows=2000),
                         quiet=True)
    _SERVERS.append(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = "http://127.0.0.1:%d/" % server.server_address[1]
    yield base
    server.shutdown()
    server.server_close()
    server.app.pool.close()


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def sparqlwrapper(base: str, query: str, fmt, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(base + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


EXPECTED = {"Amazon investment in Anthropic", "Google investment in Anthropic", "Microsoft investment in Anthropic",
            "NVIDIA investment in Anthropic", "Sequoia investment in Anthropic"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_and_xml(endpoint, method):
    rows = sparqlwrapper(endpoint, SELECT, JSON, method).queryAndConvert()["results"]["bindings"]
    assert {r["label"]["value"] for r in rows} == EXPECTED
    document = sparqlwrapper(endpoint, SELECT, XML, method).queryAndConvert()  # an xml.dom Document
    assert {n.firstChild.data for n in document.getElementsByTagName("literal")} == EXPECTED


def test_sparqlwrapper_csv_tsv_and_ask(endpoint):
    text = sparqlwrapper(endpoint, SELECT, CSV).queryAndConvert().decode("utf-8")
    assert {row["label"] for row in csv.DictReader(io.StringIO(text))} == EXPECTED
    tsv = sparqlwrapper(endpoint, SELECT, TSV).queryAndConvert().decode("utf-8").splitlines()
    assert tsv[0] == "?deal\t?label" and len(tsv) == 1 + len(EXPECTED)
    ask = "ASK { <https://w3id.org/ai-industry/agent/nvidia> <https://w3id.org/ai-industry/ontology#investsIn> ?x }"
    assert sparqlwrapper(endpoint, ask, JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, XML])
def test_sparqlwrapper_construct_in_graph_formats(endpoint, fmt):
    query = f"CONSTRUCT {{ <{ANTHROPIC}> ?p ?o }} WHERE {{ <{ANTHROPIC}> ?p ?o }}"
    result = sparqlwrapper(endpoint, query, fmt).queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="json-ld" if fmt == JSONLD else "turtle")
    assert (ANTHROPIC, RDFS.label, Literal("Anthropic")) in graph


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(endpoint + "sparql", returnFormat="xml")
    graph = Graph(store=store)
    assert {str(r.label) for r in graph.query(SELECT)} == EXPECTED
    assert graph.value(ANTHROPIC, RDFS.label) == Literal("Anthropic")
    assert len(list(graph.triples((ANTHROPIC, None, None)))) > 5


def test_service_description_on_plain_get(endpoint):
    status, headers, body = get(endpoint + "sparql", accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = Graph().parse(data=body, format="turtle")
    service = URIRef(endpoint + "sparql")
    assert (service, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"), service) in sd


@pytest.mark.parametrize("accept,media,parser", [
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html", None),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_entity_iri_content_negotiation(endpoint, accept, media, parser):
    status, headers, body = get(endpoint + "agent/anthropic", accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(media) and "Accept" in headers["Vary"]
    if parser is None:
        assert "<h1>Anthropic</h1>" in body and "application/ld+json" in body
    else:
        assert (ANTHROPIC, RDFS.label, Literal("Anthropic")) in Graph().parse(data=body, format=parser)


def test_entity_suffixes_format_parameter_and_unknown(endpoint):
    assert get(endpoint + "agent/anthropic.ttl")[1]["Content-Type"].startswith("text/turtle")
    assert get(endpoint + "agent/anthropic?format=jsonld")[1]["Content-Type"].startswith("application/ld+json")
    assert get(endpoint + "ontology", accept="text/turtle")[0] == 200
    assert get(endpoint + "agent/no-such-entity")[0] == 404
    assert get(endpoint + "agent/anthropic", accept="image/png")[0] == 406


def test_stored_query_by_name(endpoint):
    status, headers, body = get(endpoint + "queries/investments?format=json&investee=ag:anthropic")
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"], "the stored query answers over HTTP"
    listing = json.loads(get(endpoint + "queries")[2])
    assert {q["name"] for q in listing} >= {"investments"}
    assert get(endpoint + "queries/no-such-query")[0] == 400


def test_updates_are_refused(endpoint):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    status, _, body = get(endpoint + "sparql", data=urlencode({"update": update}).encode(),
                          content_type="application/x-www-form-urlencoded")
    assert status == 403 and "read-only" in body
    status, _, body = get(endpoint + "sparql", data=update.encode(), content_type="application/sparql-update")
    assert status == 403
    status, _, body = get(endpoint + "sparql?" + urlencode({"query": "LOAD <http://127.0.0.1:9/x>"}))
    assert status == 403 and "refused" in body
    client = sparqlwrapper(endpoint, update, JSON, "POST")
    with pytest.raises(Exception):
        client.query()
    assert get(endpoint + "sparql?" + urlencode({"query": "ASK { <urn:a> <urn:b> <urn:c> }"}),
               accept="application/sparql-results+json")[2].count("false") == 1


class _Watcher(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_service_and_from_never_reach_a_watched_listener(endpoint):
    watcher = HTTPServer(("127.0.0.1", 0), _Watcher)
    thread = threading.Thread(target=watcher.serve_forever, daemon=True)
    thread.start()
    target = "http://127.0.0.1:%d/sparql" % watcher.server_address[1]
    try:
        queries = [f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                   f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
                   f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
                   f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                   "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"]
        for query in queries:
            with pytest.raises(QueryBadFormed) as refused:
                sparqlwrapper(endpoint, query, JSON).query()
            assert "refused" in str(refused.value)
        time.sleep(0.3)
        assert _Watcher.hits == [], "the server opened a URL named in a query"
    finally:
        watcher.shutdown()
        watcher.server_close()


def test_time_limit_stops_a_runaway_query_and_the_server_recovers(endpoint):
    started = time.monotonic()
    status, _, body = get(endpoint + "sparql?" + urlencode({"query": SLOW}), accept="application/sparql-results+json")
    elapsed = time.monotonic() - started
    assert status == 503 and "limit" in body
    assert elapsed < TIMEOUT + 3
    rows = sparqlwrapper(endpoint, SELECT, JSON).queryAndConvert()["results"]["bindings"]  # still answering
    assert len(rows) == len(EXPECTED)


def test_a_slow_query_does_not_block_a_fast_one(endpoint):
    """Another client's fast query is answered while a slow one runs (one client runs one query at a time)."""
    wait_for_idle_workers()
    port = int(endpoint.rsplit(":", 1)[1].strip("/"))
    slow = threading.Thread(target=get_from, args=("127.0.0.2", port, "/sparql?" + urlencode({"query": SLOW})), daemon=True)
    slow.start()
    time.sleep(0.3)
    started = time.monotonic()
    rows = sparqlwrapper(endpoint, SELECT, JSON).queryAndConvert()["results"]["bindings"]
    assert len(rows) == len(EXPECTED)
    assert time.monotonic() - started < TIMEOUT / 2 and slow.is_alive()
    slow.join(TIMEOUT + 10)
    wait_for_idle_workers()


def get_from(source: str, port: int, path: str, accept: str = "application/sparql-results+json"):
    """GET from a given loopback source address (a different client to the server's fair queue)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_request_limits(endpoint):
    too_long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    assert get(endpoint + "sparql", data=too_long.encode(), content_type="application/sparql-query")[0] == 413
    assert get(endpoint + "sparql", data=b"q" * 70000, content_type="application/sparql-query")[0] == 413
    status, _, body = get(endpoint + "sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
    assert status == 413 and "LIMIT" in body, "over max_rows"
    assert get(endpoint + "sparql?" + urlencode({"query": "SELEKT nonsense"}))[0] == 400


def test_query_page_works_offline(endpoint):
    status, _, body = get(endpoint + "query")
    assert status == 200 and "<script" in body and "investments" in body
    assert "<script src" not in body and "<link" not in body and "@import" not in body, "nothing loaded from a CDN"


def test_the_entity_example_of_the_query_page_works(endpoint):
    """Issue 12: /query's `entity` example ended in 503; its parameter is not selected, and Oxigraph's
    substitution refuses such a variable, so it is bound by a VALUES block inside the WHERE pattern."""
    status, _, body = get(endpoint + "queries/entity?entity=ag:nvidia", accept="application/sparql-results+json")
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    expected = KnowledgeGraph().query("entity", {"entity": "ag:nvidia"})
    assert len(rows) == len(expected.rows) > 10
    assert {r["value"]["value"] for r in rows if "value" in r} == {str(r["value"]) for r in expected.rows if r["value"]}
    status, _, body = get(endpoint + "queries/entity", accept="application/sparql-results+json")
    assert status == 400 and "entity" in body, "the required parameter is asked for"


def test_values_go_to_the_pattern_not_a_string_or_template():
    from rdflib import URIRef

    from kg.store.terms import inline_values

    for query in ['SELECT ?x WHERE { ?x ?p "WHERE {" }', "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
                  "PREFIX a: <urn:WHERE> SELECT * { ?x ?p ?o }", "ASK { ?x ?p ?o }", "# WHERE {\nSELECT * WHERE {?x ?p ?o}"]:
        bound = inline_values(query, {"x": URIRef("urn:a")})
        at = bound.index(" VALUES (?x)")
        assert bound[at - 1] == "{" and bound[at:].split("}", 1)[1].lstrip().startswith("?x"), bound