"""SPARQL on Oxigraph in worker processes that can be killed, so a time limit really holds.

Oxigraph cannot interrupt a running query and a thread cannot be stopped, so each worker is a
separate process holding its own ``pyoxigraph.Store`` (loaded once from an N-Quads dump); a query
that overruns its deadline gets its worker killed and replaced. Workers are started with
``spawn`` (no fork of a threaded server) and their address space is capped where the platform
allows. The default graph is the union of the named graphs; parameters are bound by the engine
(``substitutions=``), never pasted into the text. Oxigraph *would* call out over HTTP for
``SERVICE``, so :mod:`kg.analysis.sparql_text` refuses that (and FROM, LOAD, updates) before
the text reaches the engine. Results are capped at ``max_rows`` while they are read, so a huge
answer costs at most that many rows of memory. The server (:mod:`kg.publishing.server`) and
``kg sparql`` (:mod:`kg.publishing.limited`) share this code and these limits.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from dataclasses import dataclass

from kg.publishing.fair import Busy, FairQueue

__all__ = ["Answer", "QueryPool", "Worker", "GRAPH_OFFERS", "TABLE_OFFERS", "DEFAULT_TIMEOUT",
           "DEFAULT_MAX_ROWS"]

TABLE_OFFERS = {"SELECT": ["json", "xml", "csv", "tsv"], "ASK": ["json", "xml"]}
GRAPH_OFFERS = ["turtle", "nt", "jsonld", "rdfxml"]
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10000


@dataclass(frozen=True)
class Answer:
    """An HTTP-ready answer: status, media type and body."""

    status: int
    content_type: str
    body: bytes


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def _cap_memory(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still applies


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    raise ValueError(f"a result term of kind {type(term).__name__} cannot be written here")


def _results_json(variables: list[str], rows: list | None, boolean: bool | None) -> bytes:
    """SPARQL 1.1 Query Results JSON; Oxigraph re-reads it to write XML, CSV and TSV."""
    if boolean is not None:
        return json.dumps({"head": {}, "boolean": boolean}).encode("utf-8")
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def execute(store, text: str, bindings: dict, max_rows: int):
    """``(kind, variables, rows, boolean, triples)`` or an error :class:`Answer`; rows capped at max_rows + 1."""
    import pyoxigraph as ox

    from kg.analysis.sparql_text import refusal
    from kg.namespaces import PREFIXES
    from kg.store.terms import inline_values, to_oxigraph

    refused = refusal(text)
    if refused:
        status = 400 if refused[0] in ("SERVICE", "FROM") else 403  # a refused query; an update is forbidden
        return _error(status, f"query: {refused[1]} (found the keyword {refused[0]})")
    substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in bindings.items()}
    options = {"prefixes": {k: str(v) for k, v in PREFIXES.items()}, "use_default_graph_as_union": True}
    try:
        try:
            result = store.query(text, substitutions=substitutions, **options)
        except RuntimeError as error:
            if "projection" not in str(error) or not substitutions:
                raise
            # Oxigraph substitutes only selected variables; bind the others with a VALUES block at the
            # head of the WHERE pattern (kg.store.terms.inline_values, the store's own way)
            result = store.query(inline_values(text, bindings), **options)
    except SyntaxError as error:
        return _error(400, f"query: SPARQL syntax {error}")
    if isinstance(result, ox.QueryBoolean):
        return "ASK", [], [], bool(result), None
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append([solution[i] for i in range(len(variables))])
            if len(rows) > max_rows:
                break
        return "SELECT", variables, rows, None, None
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > max_rows:
            break
    return "GRAPH", [], [], None, triples


def _answer(store, context, text: str, bindings: dict, accept: str | None, format: str | None,
            max_rows: int) -> Answer:
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES
    from kg.publishing.conneg import MEDIA, negotiate

    done = execute(store, text, bindings, max_rows)
    if isinstance(done, Answer):
        return done
    kind, variables, rows, boolean, triples = done
    if len(rows if triples is None else triples) > max_rows:
        return _error(413, f"the result has more than this endpoint's limit of {max_rows} rows or triples: "
                           f"add a LIMIT (and OFFSET to page through it)")
    if triples is not None:
        chosen = negotiate(GRAPH_OFFERS, accept, format)
        if chosen is None:
            return _error(406, f"this query's result is a graph: ask for one of "
                               f"{', '.join(MEDIA[o] for o in GRAPH_OFFERS)}")
        if chosen == "jsonld":
            from kg.publishing import jsonld
            from kg.store.terms import triples_from_oxigraph

            body = jsonld.dumps(jsonld.compact(list(triples_from_oxigraph(triples)), context)).encode("utf-8")
        else:
            rdf = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}[chosen]
            prefixes = {k: str(v) for k, v in PREFIXES.items()} if chosen != "nt" else None
            body = ox.serialize(triples, format=rdf, prefixes=prefixes)
        return Answer(200, MEDIA[chosen] + "; charset=utf-8", body)
    offers = TABLE_OFFERS[kind]
    chosen = negotiate(offers, accept, format)
    if chosen is None:
        return _error(406, f"a {kind} result is a table: ask for one of {', '.join(MEDIA[o] for o in offers)}")
    body = _results_json(variables, rows, boolean)
    if chosen != "json":
        target = {"xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
                  "tsv": ox.QueryResultsFormat.TSV}[chosen]
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=target)
    return Answer(200, MEDIA[chosen] + "; charset=utf-8", body)


def _load(nquads: bytes):
    import pyoxigraph as ox

    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def _context(store) -> dict:
    from rdflib import Graph

    import pyoxigraph as ox

    from kg.namespaces import ONTOLOGY_GRAPH
    from kg.publishing import jsonld
    from kg.store.terms import triples_from_oxigraph

    ontology = Graph()
    for triple in triples_from_oxigraph(store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH)))):
        ontology.add(triple)
    return jsonld.build_context(ontology)


def _worker(connection, nquads: bytes, memory_mb: int, mode: str) -> None:
    """A worker's life: load the dataset once, then answer jobs until the pipe closes."""
    _cap_memory(memory_mb)
    store = _load(nquads)
    del nquads
    context = _context(store) if mode == "http" else None
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if mode == "http":
                answer = _answer(store, context, *job)
            else:
                text, bindings, max_rows = job
                done = execute(store, text, bindings, max_rows)
                answer = done if isinstance(done, Answer) else _plain(done)
        except MemoryError:
            answer = _error(503, "the query needed more memory than this endpoint allows")
        except Exception as error:  # noqa: BLE001 - the engine raises plain errors for bad queries
            answer = _error(400, f"query failed: {type(error).__name__}: {error}")
        connection.send(answer)


def _plain(done) -> tuple:
    """A result as picklable text for the command line: SPARQL JSON, or N-Triples for a graph."""
    import pyoxigraph as ox

    kind, variables, rows, boolean, triples = done
    if triples is not None:
        return kind, len(triples), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return kind, len(rows), _results_json(variables, rows, boolean)


class Worker:
    def __init__(self, ctx, nquads: bytes, memory_mb: int, mode: str):
        self.connection, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, nquads, memory_mb, mode), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.connection.poll(0.2):
                    return self.connection.recv() == "ready"
                if not self.process.is_alive():
                    return False
        except (EOFError, OSError):
            pass
        return False

    def ask(self, job, timeout: float):
        """The worker's reply, or None if it did not come in time (the caller then kills the worker)."""
        self.connection.send(job)
        return self.connection.recv() if self.connection.poll(timeout) else None

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """``workers`` processes shared fairly: each client runs at most ``per_client`` queries at once,
    and a free worker goes to the waiting client with the fewest queries running (then first come)."""

    def __init__(self, nquads: bytes, *, workers: int = 3, timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS, memory_mb: int = 2048, start_timeout: float = 60.0,
                 per_client: int = 1, waiting_per_client: int = 2, max_waiting: int = 64):
        self._ctx = multiprocessing.get_context("spawn")
        self._nquads, self._memory = nquads, memory_mb
        self.timeout, self.max_rows, self.size = timeout, max_rows, workers
        self.queue = FairQueue(per_client=per_client, waiting_per_client=waiting_per_client, max_waiting=max_waiting)
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        started = [self._start() for _ in range(workers)]
        for worker in started:
            if not worker.wait_ready(start_timeout):
                self.close()
                raise RuntimeError("a SPARQL worker process did not start")
            self.queue.release(worker)

    def _start(self) -> Worker:
        worker = Worker(self._ctx, self._nquads, self._memory, "http")
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        self.replaced += 1

        def start() -> None:
            if self._closed:
                return
            worker = self._start()
            if worker.wait_ready(60):
                self.queue.release(worker)

        threading.Thread(target=start, daemon=True).start()

    def idle(self) -> int:
        return self.queue.idle()

    def run(self, text: str, *, bindings: dict | None = None, accept: str | None = None,
            format: str | None = None, client: str = "local") -> Answer:
        """Answer one query for ``client`` (an address); waiting for a worker counts against the time limit."""
        started = time.monotonic()
        try:
            worker = self.queue.acquire(client, timeout=self.timeout)
        except Busy as busy:
            return _error(busy.status, str(busy))
        if worker is None:
            return _error(503, f"all {self.size} query workers stayed busy for {self.timeout:g} s; try again shortly")
        remaining = max(0.5, self.timeout - (time.monotonic() - started))
        try:
            answer = worker.ask((text, dict(bindings or {}), accept, format, self.max_rows), remaining)
        except (EOFError, OSError, BrokenPipeError):
            self.queue.done(client)
            self._replace(worker)
            return _error(503, "the query worker died (out of memory?); the query was not answered")
        if answer is not None:
            self.queue.done(client, worker)
            return answer
        self.queue.done(client)
        self._replace(worker)
        return _error(503, f"the query took longer than this endpoint's limit of {self.timeout:g} s and was "
                           f"stopped; make it more selective or add a LIMIT")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

