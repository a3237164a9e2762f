"""``kg serve``: a read-only linked-data server and SPARQL 1.1 endpoint on the embedded store.

A WSGI application served by waitress (:mod:`kg.publishing.http`: bounded threads, connections,
bodies, header and idle timeouts); SPARQL runs in killable Oxigraph worker processes shared
fairly between clients (:mod:`kg.publishing.sparql_worker`). The paths mirror the IRIs and the
static site: ``/agent/anthropic`` answers with HTML, Turtle, JSON-LD, N-Triples or RDF/XML as the
``Accept`` header (or ``?format=``, or a ``.ttl``/``.jsonld``/``.nt`` suffix) asks. No header is
trusted for the server's own address: links and ``/void.ttl`` use the configured base URL
(default: the address it listens on). Every HTML page carries a Content-Security-Policy.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from http import HTTPStatus
from urllib.parse import parse_qs, unquote

from rdflib import URIRef

from kg.analysis.queries import bind
from kg.errors import InputError, KGError
from kg.publishing import jsonld
from kg.publishing.conneg import MEDIA, negotiate
from kg.publishing.describe import BASE, MEDIA_TYPES, describe, service_description, to_turtle
from kg.publishing.export import export_graphs
from kg.publishing.http import HTTPServer
from kg.publishing.ontodoc import ontology_html
from kg.publishing.pages import KINDS, EntityIndex, csp
from kg.publishing.site import dump_path, query_page
from kg.publishing.sparql_worker import QueryPool

__all__ = ["make_server", "serve", "Limits"]

RDF_OFFERS = ["turtle", "jsonld", "nt", "rdfxml"]
_SUFFIXES = {".html": "html", ".ttl": "turtle", ".jsonld": "jsonld", ".nt": "nt", ".rdf": "rdfxml"}
_IGNORED_GRAPH_PARAMS = {"urn:x-rdflib:default"}  # what rdflib's SPARQLStore sends for "the default graph"
_PAGING = {"limit": 10000, "offset": 10 ** 9}  # query-string numbers the stored-query route accepts


class Limits:
    """Request limits; the defaults suit a laptop and a small graph (README, "Server")."""

    def __init__(self, *, timeout: float = 10.0, max_rows: int = 10000, max_query: int = 20000,
                 max_body: int = 65536, workers: int = 3, per_client: int = 1, threads: int = 8,
                 connections: int = 64, connections_per_client: int = 16, header_timeout: float = 10.0,
                 idle_timeout: float = 15.0, cache_entries: int = 512):
        self.timeout, self.max_rows, self.max_query, self.max_body, self.workers = (
            timeout, max_rows, max_query, max_body, workers)
        self.per_client, self.threads, self.connections = per_client, threads, connections
        self.connections_per_client = connections_per_client
        self.header_timeout, self.idle_timeout, self.cache_entries = header_timeout, idle_timeout, cache_entries
        for name, value in vars(self).items():
            if not value > 0:
                raise InputError(f"server limit {name.replace('_', '-')} must be positive, got {value!r}")


class Response(Exception):
    """A finished answer; raised from deep in a route to end the request."""

    def __init__(self, status: int, content_type: str, body: bytes, headers: dict | None = None):
        super().__init__(status)
        self.status, self.content_type, self.body, self.headers = status, content_type, body, headers or {}


def text(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


class App:
    """The WSGI application: the graph, its entity index, the query pool and a bounded page cache."""

    def __init__(self, kg, limits: Limits, base_url: str):
        self.kg, self.limits, self.base = kg, limits, base_url
        self.inferred = kg.inferred()
        self.context = jsonld.build_context(kg.ontology)
        self.index = EntityIndex(kg.asserted_graphs(), self.inferred, kg.ontology, self.context)
        self.pool = QueryPool(kg.export("nquads", inferred=True).encode("utf-8"), workers=limits.workers,
                              timeout=limits.timeout, max_rows=limits.max_rows, per_client=limits.per_client)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        try:
            self.catalogue = dict(sorted(kg.queries.items()))
        except KGError:
            self.catalogue = {}

    def cached(self, key: str, build) -> bytes:
        """A built document, kept in a least-recently-used cache of ``cache_entries`` (keys never come from headers)."""
        with self._lock:  # builds stay serial: rdflib's memory store is not meant for concurrent use
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            body = build()
            body = body if isinstance(body, bytes) else body.encode("utf-8")
            self._cache[key] = body
            while len(self._cache) > self.limits.cache_entries:
                self._cache.popitem(last=False)
            return body

    # WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            response = Exchange(self, environ).handle()
        except Response as done:
            response = done
        except Exception as error:  # noqa: BLE001 - a bug must not leak a traceback to the client
            print(f"kg serve: internal error: {type(error).__name__}: {error}", file=sys.stderr)
            response = text(500, "internal error")
        headers = {"Content-Type": response.content_type, "Content-Length": str(len(response.body)),
                   "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer"}
        if response.content_type.startswith("text/html"):
            headers["Content-Security-Policy"] = csp(response.body.decode("utf-8"))
        headers.update(response.headers)
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", list(headers.items()))
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else response.body]


def _rdf(triples, format: str, context: dict) -> str:
    if format == "jsonld":
        return jsonld.dumps(jsonld.compact(triples, context))
    if format == "rdfxml":
        return export_graphs([(None, triples)], "xml")
    return export_graphs([(None, triples)], format)


class Exchange:
    """One request. Routes: /, /sparql, /queries[/NAME], /query, /ontology, /void, /dumps/…, entities."""

    def __init__(self, app: App, environ: dict):
        self.app, self.environ = app, environ
        self.method = environ["REQUEST_METHOD"]
        self.accept = environ.get("HTTP_ACCEPT")
        self.client = environ.get("REMOTE_ADDR") or "unknown"  # the socket's peer; no X-Forwarded-For

    def handle(self) -> Response:
        if self.method == "OPTIONS":  # CORS preflight for POST application/sparql-query from a browser
            return Response(204, "text/plain", b"", {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                     "Access-Control-Allow-Headers": "Content-Type, Accept"})
        if self.method not in ("GET", "HEAD", "POST"):
            return Response(405, "text/plain; charset=utf-8", b"read-only: GET, HEAD, POST (queries) only\n",
                            {"Allow": "GET, HEAD, POST, OPTIONS"})
        path = unquote(self.environ.get("PATH_INFO") or "/")
        params = parse_qs(self.environ.get("QUERY_STRING") or "", keep_blank_values=True)
        if self.method == "POST":
            self.read_body(params)
        try:
            return self.route(path, params)
        except KGError as error:
            return text(400, str(error))

    def read_body(self, params: dict) -> None:
        """The form or query in the body; waitress has already refused a bad or oversized Content-Length."""
        try:
            length = int(self.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise text(400, "Content-Length is not a number") from None
        if length > self.app.limits.max_body:
            raise text(413, f"request body of {length} bytes is over this endpoint's limit of {self.app.limits.max_body}")
        body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        kind = (self.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            raise text(403, "SPARQL Update is refused: this endpoint is read-only")
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif (self.environ.get("PATH_INFO") or "").rstrip("/") == "/sparql":
            raise text(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")

    # routes ----------------------------------------------------------------------------------
    def route(self, path: str, params: dict) -> Response:
        app = self.app
        if path in ("/sparql", "/sparql/"):
            return self.sparql(params)
        if path == "/queries" or path.startswith("/queries/"):
            return self.stored(path[len("/queries/"):], params)
        if path in ("/query", "/query.html"):
            page = app.cached("query page", lambda: query_page(app.catalogue, endpoint="sparql", labels=app.index.labels_json(),
                                                                local=True))
            return Response(200, "text/html; charset=utf-8", page)
        if path in ("/", "/index.html"):
            return Response(200, "text/html; charset=utf-8", app.cached("index", self.index_page))
        if path == "/context.jsonld":
            return Response(200, "application/ld+json", jsonld.dumps(app.context).encode("utf-8"))
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

    def index_page(self) -> str:
        app = self.app
        listing = [(f"dumps/{p.split('/')[-1]}", f"{MEDIA_TYPES[f][1]}, {'with inferences' if i else 'asserted'}")
                   for f in MEDIA_TYPES for i in (False, True) for p in [dump_path(f, i)]]
        listing += [("void.ttl", "VoID + DCAT dataset description"), ("context.jsonld", "JSON-LD context"),
                    ("ontology.html", "ontology documentation"), ("sparql", "SPARQL 1.1 endpoint (service description)")]
        counts = {"triples asserted": sum(len(g) for g in app.kg.asserted_graphs()), "triples inferred": len(app.inferred)}
        note = 'SPARQL endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol); <a href="query.html">query page</a>.'
        return app.index.index_page(counts=counts, dumps=listing, endpoint_note=note)

    def negotiated(self, suffix, params, offers) -> str:
        fmt = suffix or (params.get("format") or [None])[0]
        chosen = negotiate(offers, self.accept, fmt)
        if chosen is None:
            raise text(406, "available formats: " + ", ".join(MEDIA[o] for o in offers))
        return chosen

    def entity(self, stem: str, suffix, params) -> Response:
        app = self.app
        kind, _, name = stem.strip("/").partition("/")
        iri = URIRef(BASE + stem.strip("/"))
        if kind not in KINDS or not name or "/" in name or iri not in app.index.out:
            return text(404, f"nothing is published at {stem}; see / for the index")
        chosen = self.negotiated(suffix, params, ["html"] + RDF_OFFERS)
        ending = {v: k for k, v in _SUFFIXES.items()}[chosen]
        headers = {"Vary": "Accept", "Content-Location": f"/{kind}/{name}{ending}", "Link": f'<{iri}>; rel="canonical"'}
        if chosen == "html":
            body = app.cached(f"{iri} html", lambda: app.index.page(iri))
        else:
            body = app.cached(f"{iri} {chosen}", lambda: _rdf(app.index.description(iri), chosen, app.context))
        return Response(200, MEDIA[chosen] + "; charset=utf-8", body, headers)

    def ontology(self, suffix, params) -> Response:
        app = self.app
        chosen = self.negotiated(suffix, params, ["html"] + RDF_OFFERS)
        if chosen == "html":
            body = app.cached("ontology html", lambda: ontology_html(app.kg.ontology))
        else:
            body = app.cached(f"ontology {chosen}", lambda: _rdf(set(app.kg.ontology), chosen, app.context))
        return Response(200, MEDIA[chosen] + "; charset=utf-8", body, {"Vary": "Accept"})

    def describe(self, suffix, params) -> Response:
        app = self.app
        chosen = self.negotiated(suffix, params, RDF_OFFERS)

        def build() -> str:
            graphs = list(app.kg.asserted_graphs()) + [app.inferred]
            description = describe(graphs, app.kg.ontology, base=app.base, endpoint=app.base + "sparql")
            return to_turtle(description) if chosen == "turtle" else _rdf(set(description), chosen, app.context)

        return Response(200, MEDIA[chosen] + "; charset=utf-8", app.cached(f"void {chosen}", build), {"Vary": "Accept"})

    def dump(self, path: str) -> Response:
        for format in MEDIA_TYPES:
            for inferred in (False, True):
                if dump_path(format, inferred) == path:
                    body = self.app.cached(path, lambda: self.app.kg.export(format, inferred=inferred))
                    return Response(200, MEDIA_TYPES[format][1] + "; charset=utf-8", body)
        return text(404, f"no dump {path}; see / for the list")

    def sparql(self, params: dict) -> Response:
        app = self.app
        if "update" in params:
            return text(403, "SPARQL Update is refused: this endpoint is read-only")
        graphs = [g for key in ("default-graph-uri", "named-graph-uri") for g in params.get(key, [])]
        if any(g not in _IGNORED_GRAPH_PARAMS for g in graphs):
            return text(400, "default-graph-uri and named-graph-uri are not supported: the default graph is "
                             "the union of all named graphs; use GRAPH <name> { … } in the query")
        queries = params.get("query") or []
        if not queries:
            chosen = self.negotiated(None, {}, RDF_OFFERS)
            g = service_description(list(app.kg.asserted_graphs()) + [app.inferred], app.base + "sparql")
            body = to_turtle(g) if chosen == "turtle" else _rdf(set(g), chosen, app.context)
            return Response(200, MEDIA[chosen] + "; charset=utf-8", body.encode("utf-8"), {"Vary": "Accept"})
        if len(queries) > 1:
            return text(400, "give exactly one query parameter")
        return self.run(queries[0], {}, params)

    def run(self, query: str, bindings: dict, params: dict) -> Response:
        limit = self.app.limits.max_query
        if len(query) > limit:
            return text(413, f"the query is {len(query)} characters long, over this endpoint's limit of {limit}")
        fmt = (params.get("format") or [None])[0] or None
        answer = self.app.pool.run(query, bindings=bindings, accept=self.accept, format=fmt, client=self.client)
        return Response(answer.status, answer.content_type, answer.body, {"Vary": "Accept"})

    def stored(self, name: str, params: dict) -> Response:
        app = self.app
        if not name:
            listing = [{"name": q.name, "title": q.title, "description": q.description,
                        "params": [{"name": p.name, "type": p.type, "required": p.required} for p in q.params],
                        "url": f"/queries/{q.name}"} for q in app.catalogue.values()]
            return Response(200, "application/json", json.dumps(listing, indent=2).encode("utf-8"))
        query = app.kg.stored(name)
        values = {k: v[0] for k, v in params.items() if k != "format"}
        for key, most in _PAGING.items():  # a stored query's own numeric parameters, checked before any work
            if key in values and query.param(key) is not None:
                value = values[key]
                if not value.isdigit() or not 0 <= int(value) <= most:
                    return text(400, f"{key} must be a whole number from 0 to {most}, got {value!r}")
        return self.run(query.text, bind(query, values), params)


def make_server(kg, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
                quiet: bool = False, base_url: str | None = None) -> HTTPServer:
    """A server ready for ``serve_forever()``; close it with ``shutdown()``, ``server_close()`` and ``app.pool.close()``.

    ``base_url`` is where clients reach the server (links, ``/void.ttl``); default: the listening address.
    """
    limits = limits or Limits()
    holder: dict = {}

    def wsgi(environ, start_response):
        return holder["app"](environ, start_response)

    server = HTTPServer(wsgi, host=host, port=port, threads=limits.threads, connections=limits.connections,
                        max_body=limits.max_body, max_header=max(16384, 3 * limits.max_query + 4096),
                        header_timeout=limits.header_timeout, idle_timeout=limits.idle_timeout, quiet=quiet,
                        connections_per_client=limits.connections_per_client)
    if base_url is None:
        shown = server.server_address[0]
        shown = f"[{shown}]" if ":" in shown else shown
        base_url = f"http://{shown}:{server.server_address[1]}/"
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    if not base_url.startswith(("http://", "https://")):
        server.server_close()
        raise InputError(f"--base-url must be an http(s) URL, got {base_url!r}")
    try:
        holder["app"] = server.app = App(kg, limits, base_url)
    except BaseException:
        server.server_close()
        raise
    return server


def serve(kg, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
          base_url: str | None = None) -> None:
    """Run until interrupted, printing the address to try first."""
    server = make_server(kg, host=host, port=port, limits=limits, base_url=base_url)
    address = server.app.base
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
