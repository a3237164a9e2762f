"""``kg serve``: a read-only linked-data server and SPARQL 1.1 endpoint on the embedded store.

Standard library only (``http.server.ThreadingHTTPServer``): each request gets a thread, and the
SPARQL queries themselves run in a pool of killable worker processes (:mod:`kg.publishing.sparql_worker`),
so one slow query neither blocks the others nor outlives the time limit. The paths mirror the
IRIs and the static site: ``/agent/anthropic`` answers with HTML, Turtle, JSON-LD, N-Triples or
RDF/XML as the ``Accept`` header (or ``?format=``, or a ``.ttl``/``.jsonld``/``.nt`` suffix) asks.
Safe by default: loopback only, no updates, nothing a query says can open a URL or a file, and
limits on time, result size, query length and request body.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.publishing import jsonld
from kg.publishing.conneg import MEDIA, negotiate
from kg.publishing.describe import BASE, MEDIA_TYPES, SD, describe, to_turtle
from kg.errors import KGError
from kg.publishing.export import export_graphs
from kg.namespaces import bind_prefixes
from kg.publishing.ontodoc import ontology_html
from kg.publishing.pages import KINDS, EntityIndex
from kg.analysis.queries import bind
from kg.publishing.site import dump_path, query_page
from kg.publishing.sparql_worker import QueryPool

__all__ = ["make_server", "serve", "Limits"]

RDF_OFFERS = ["turtle", "jsonld", "nt", "rdfxml"]
_SUFFIXES = {".html": "html", ".ttl": "turtle", ".jsonld": "jsonld", ".nt": "nt", ".rdf": "rdfxml"}
_IGNORED_GRAPH_PARAMS = {"urn:x-rdflib:default"}  # what rdflib's SPARQLStore sends for "the default graph"


class Limits:
    """Request limits; the defaults suit a laptop and a small graph."""

    def __init__(self, *, timeout: float = 10.0, max_rows: int = 10000, max_query: int = 20000,
                 max_body: int = 65536, workers: int = 2):
        self.timeout, self.max_rows, self.max_query, self.max_body, self.workers = (
            timeout, max_rows, max_query, max_body, workers)


class App:
    """What the handlers share: the graph, its entity index, the query pool, cached documents."""

    def __init__(self, kg, limits: Limits):
        self.kg, self.limits = kg, limits
        self.inferred = kg.inferred()
        self.context = jsonld.build_context(kg.ontology)
        self.index = EntityIndex(kg.asserted_graphs(), self.inferred, kg.ontology, self.context)
        self.pool = QueryPool(kg.export("nquads", inferred=True).encode("utf-8"), workers=limits.workers,
                              timeout=limits.timeout, max_rows=limits.max_rows)
        self._lock = threading.Lock()
        self._cache: dict[str, bytes] = {}
        try:
            self.examples = {name: q.text for name, q in sorted(kg.queries.items())}
        except KGError:
            self.examples = {}

    def cached(self, key: str, build) -> bytes:
        with self._lock:  # rdflib's memory store is not meant for concurrent writers; keep builds serial
            if key not in self._cache:
                self._cache[key] = build().encode("utf-8")
            return self._cache[key]

    def description(self, base: str) -> Graph:
        graphs = list(self.kg.asserted_graphs()) + [self.inferred]
        return describe(graphs, self.kg.ontology, base=base, endpoint=base + "sparql")

    def service_description(self, base: str) -> Graph:
        g = bind_prefixes(Graph())
        g.bind("sd", SD)
        service = URIRef(base + "sparql")
        g.add((service, RDF.type, SD.Service))
        g.add((service, SD.endpoint, service))
        g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        g.add((service, SD.feature, SD.UnionDefaultGraph))
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
            g.add((service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + name)))
        dataset = URIRef(base + "dataset")
        g.add((service, SD.defaultDataset, dataset))
        g.add((dataset, RDF.type, SD.Dataset))
        for graph in list(self.kg.asserted_graphs()) + [self.inferred]:
            g.add((dataset, SD.namedGraph, graph.identifier))
        g.add((service, URIRef("http://purl.org/dc/terms/description"), Literal(
            "Read-only SPARQL 1.1 Query endpoint; the default graph is the union of all named graphs "
            "(ontology, data files, inferred). No updates, SERVICE or FROM.", lang="en")))
        return g


def _rdf(triples, format: str, context: dict) -> str:
    if format == "jsonld":
        return jsonld.dumps(jsonld.compact(triples, context))
    if format == "rdfxml":
        return export_graphs([(None, triples)], "xml")
    return export_graphs([(None, triples)], format)


class Handler(BaseHTTPRequestHandler):
    """One request. Routes: /, /sparql, /queries[/NAME], /query, /ontology, /void, /dumps/…, entities."""

    server_version = "kg-serve/1"
    timeout = 30  # seconds a client may take to send its request
    app: App  # set on the subclass by make_server

    # plumbing --------------------------------------------------------------------------------
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)

    def send(self, status: int, content_type: str, body: bytes, *, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def text(self, status: int, message: str) -> None:
        self.send(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))

    def base(self) -> str:
        host = self.headers.get("Host") or "%s:%s" % self.server.server_address[:2]
        return f"http://{host}/"

    # methods ---------------------------------------------------------------------------------
    def do_OPTIONS(self):  # CORS preflight for POST application/sparql-query from a browser
        self.send(204, "text/plain", b"", headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                   "Access-Control-Allow-Headers": "Content-Type, Accept"})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        self.route(unquote(url.path), params)

    def do_POST(self):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.app.limits.max_body:
            self.close_connection = True
            return self.text(413, f"request body of {length} bytes is over this endpoint's limit of "
                                  f"{self.app.limits.max_body}")
        body = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return self.text(403, "SPARQL Update is refused: this endpoint is read-only")
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif urlsplit(self.path).path == "/sparql":
            return self.text(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
        self.route(unquote(url.path), params)

    # routes ----------------------------------------------------------------------------------
    def route(self, path: str, params: dict) -> None:
        try:
            if path in ("/sparql", "/sparql/"):
                return self.sparql(params)
            if path == "/queries" or path.startswith("/queries/"):
                return self.stored(path[len("/queries/"):], params)
            if path in ("/query", "/query.html"):
                return self.page(query_page(self.app.examples, endpoint="sparql"))
            if path in ("/", "/index.html"):
                return self.page(self.app.cached("index", self.index_page))
            if path == "/context.jsonld":
                return self.send(200, "application/ld+json", jsonld.dumps(self.app.context).encode("utf-8"))
            if path.startswith("/dumps/"):
                return self.dump(path[1:])
            stem, suffix = path, None
            for ending in _SUFFIXES:
                if path.endswith(ending):
                    stem, suffix = path[: -len(ending)], _SUFFIXES[ending]
            if stem in ("/void", "/dataset"):
                return self.describe(suffix, params)
            if stem == "/ontology":
                return self.ontology(suffix, params)
            return self.entity(stem, suffix, params)
        except KGError as error:
            return self.text(400, str(error))

    def page(self, html) -> None:
        body = html if isinstance(html, bytes) else html.encode("utf-8")
        self.send(200, "text/html; charset=utf-8", body)

    def index_page(self) -> str:
        listing = [(f"dumps/{p.split('/')[-1]}", f"{MEDIA_TYPES[f][1]}, {'with inferences' if i else 'asserted'}")
                   for f in MEDIA_TYPES for i in (False, True) for p in [dump_path(f, i)]]
        listing += [("void.ttl", "VoID + DCAT dataset description"), ("context.jsonld", "JSON-LD context"),
                    ("ontology.html", "ontology documentation"), ("sparql", "SPARQL 1.1 endpoint (service description)")]
        counts = {"triples asserted": sum(len(g) for g in self.app.kg.asserted_graphs()),
                  "triples inferred": len(self.app.inferred)}
        note = 'SPARQL endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol); <a href="query.html">query page</a>.'
        return self.app.index.index_page(counts=counts, dumps=listing, endpoint_note=note)

    def negotiated(self, suffix, params, offers) -> str | None:
        fmt = suffix or (params.get("format") or [None])[0]
        chosen = negotiate(offers, self.headers.get("Accept"), fmt)
        if chosen is None:
            self.text(406, "available formats: " + ", ".join(MEDIA[o] for o in offers))
        return chosen

    def entity(self, stem: str, suffix, params) -> None:
        kind, _, name = stem.strip("/").partition("/")
        iri = URIRef(BASE + stem.strip("/"))
        if kind not in KINDS or not name or "/" in name or iri not in self.app.index.out:
            return self.text(404, f"nothing is published at {stem}; see / for the index")
        chosen = self.negotiated(suffix, params, ["html"] + RDF_OFFERS)
        if chosen is None:
            return
        ending = {v: k for k, v in _SUFFIXES.items()}[chosen]
        headers = {"Vary": "Accept", "Content-Location": f"/{kind}/{name}{ending}", "Link": f'<{iri}>; rel="canonical"'}
        if chosen == "html":
            body = self.app.cached(f"{iri} html", lambda: self.app.index.page(iri))
        else:
            body = self.app.cached(f"{iri} {chosen}", lambda: _rdf(self.app.index.description(iri), chosen, self.app.context))
        self.send(200, MEDIA[chosen] + "; charset=utf-8", body, headers=headers)

    def ontology(self, suffix, params) -> None:
        chosen = self.negotiated(suffix, params, ["html"] + RDF_OFFERS)
        if chosen == "html":
            self.send(200, "text/html; charset=utf-8", self.app.cached("ontology html", lambda: ontology_html(self.app.kg.ontology)),
                      headers={"Vary": "Accept"})
        elif chosen:
            body = self.app.cached(f"ontology {chosen}", lambda: _rdf(set(self.app.kg.ontology), chosen, self.app.context))
            self.send(200, MEDIA[chosen] + "; charset=utf-8", body, headers={"Vary": "Accept"})

    def describe(self, suffix, params) -> None:
        chosen = self.negotiated(suffix, params, RDF_OFFERS)
        if chosen:
            base = self.base()
            body = self.app.cached(f"void {base} {chosen}", lambda: to_turtle(self.app.description(base)) if chosen == "turtle"
                                   else _rdf(set(self.app.description(base)), chosen, self.app.context))
            self.send(200, MEDIA[chosen] + "; charset=utf-8", body, headers={"Vary": "Accept"})

    def dump(self, path: str) -> None:
        for format in MEDIA_TYPES:
            for inferred in (False, True):
                if dump_path(format, inferred) == path:
                    body = self.app.cached(path, lambda: self.app.kg.export(format, inferred=inferred))
                    return self.send(200, MEDIA_TYPES[format][1] + "; charset=utf-8", body)
        self.text(404, f"no dump {path}; see / for the list")

    def sparql(self, params: dict) -> None:
        if "update" in params:
            return self.text(403, "SPARQL Update is refused: this endpoint is read-only")
        graphs = [g for key in ("default-graph-uri", "named-graph-uri") for g in params.get(key, [])]
        if any(g not in _IGNORED_GRAPH_PARAMS for g in graphs):
            return self.text(400, "default-graph-uri and named-graph-uri are not supported: the default graph is "
                                  "the union of all named graphs; use GRAPH <name> { … } in the query")
        queries = params.get("query") or []
        if not queries:
            chosen = negotiate(RDF_OFFERS, self.headers.get("Accept")) or "turtle"
            base = self.base()
            g = self.app.service_description(base)
            body = to_turtle(g) if chosen == "turtle" else _rdf(set(g), chosen, self.app.context)
            return self.send(200, MEDIA[chosen] + "; charset=utf-8", body.encode("utf-8"))
        if len(queries) > 1:
            return self.text(400, "give exactly one query parameter")
        self.run(queries[0], {}, params)

    def run(self, text: str, bindings: dict, params: dict) -> None:
        if len(text) > self.app.limits.max_query:
            return self.text(413, f"the query is {len(text)} characters long, over this endpoint's limit of "
                                  f"{self.app.limits.max_query}")
        fmt = (params.get("format") or [None])[0] or None
        answer = self.app.pool.run(text, bindings=bindings, accept=self.headers.get("Accept"), format=fmt)
        self.send(answer.status, answer.content_type, answer.body, headers={"Vary": "Accept"})

    def stored(self, name: str, params: dict) -> None:
        if not name:
            listing = [{"name": q.name, "title": q.title, "description": q.description,
                        "params": [{"name": p.name, "type": p.type, "required": p.required} for p in q.params],
                        "url": f"/queries/{q.name}"} for q in self.app.kg.queries.values()]
            return self.send(200, "application/json", json.dumps(listing, indent=2).encode("utf-8"))
        query = self.app.kg.stored(name)
        values = {k: v[0] for k, v in params.items() if k != "format"}
        self.run(query.text, bind(query, values), params)


def make_server(kg, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A server ready for ``serve_forever()``; close it with ``shutdown()`` and ``app.pool.close()``."""
    app = App(kg, limits or Limits())
    handler = type("BoundHandler", (Handler,), {"app": app})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.quiet = quiet
    server.app = app
    return server


def serve(kg, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None) -> None:
    """Run until interrupted, printing the address to try first."""
    server = make_server(kg, host=host, port=port, limits=limits)
    address = "http://%s:%s/" % server.server_address[:2]
    print(f"kg: serving on {address} (SPARQL at {address}sparql, e.g. {address}agent/anthropic); Ctrl-C stops",
          file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"kg: warning: listening on {host}, reachable from other machines", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.pool.close()
