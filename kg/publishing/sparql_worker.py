"""SPARQL queries run in worker processes that can be killed, so a time limit really holds.

rdflib evaluates a query in pure Python with no way to interrupt it; a thread cannot be
stopped, so a runaway query would keep a core busy (and hold memory) for as long as it likes.
Each worker is a separate process holding its own copy of the dataset (sent once as N-Quads);
a query that overruns its deadline gets its worker killed and replaced. Workers are started with
``spawn`` (no fork of a threaded server) and refuse to open anything: ``SERVICE`` and ``FROM``
are refused when the query is prepared, rdflib's graph loading is switched off and its URL
opener replaced, and the address space is capped where the platform allows.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass

__all__ = ["Answer", "QueryPool", "GRAPH_OFFERS", "TABLE_OFFERS"]

TABLE_OFFERS = {"SELECT": ["json", "xml", "csv", "tsv"], "ASK": ["json", "xml"]}
GRAPH_OFFERS = ["turtle", "nt", "jsonld", "rdfxml"]


@dataclass(frozen=True)
class Answer:
    """An HTTP-ready answer: status, media type and body."""

    status: int
    content_type: str
    body: bytes


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def _lock_down(memory_mb: int) -> None:
    """No graph loading, no URL opening, bounded memory: whatever the query says."""
    import rdflib.plugins.sparql as sparql
    import rdflib.plugins.sparql.evaluate as evaluate

    sparql.SPARQL_LOAD_GRAPHS = False

    def refuse(*args, **kwargs):
        raise PermissionError("this endpoint does not open URLs")

    evaluate.urlopen = refuse
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still applies


def _answer(dataset, context, text: str, bindings: dict, accept: str | None, format: str | None,
            max_rows: int) -> Answer:
    from kg.publishing import jsonld
    from kg.publishing.conneg import MEDIA, negotiate
    from kg.errors import QueryError
    from kg.analysis.queries import prepare
    from kg.analysis.results import QueryResult

    try:
        prepared = prepare(text, source="query")
    except QueryError as error:
        refused = "refused" in str(error)
        return _error(403 if refused and "update" in str(error) else 400, str(error))
    result = QueryResult.from_rdflib(dataset.query(prepared, initBindings=bindings))
    if len(result) > max_rows and result.kind != "ASK":
        return _error(413, f"the result has {len(result)} rows or triples, more than this endpoint's limit of "
                           f"{max_rows}: add a LIMIT (and OFFSET to page through it)")
    if result.graph is not None:
        chosen = negotiate(GRAPH_OFFERS, accept, format) or (None if format else "turtle")
        if chosen is None:
            return _error(406, f"a {result.kind} result is a graph: ask for one of "
                               f"{', '.join(MEDIA[o] for o in GRAPH_OFFERS)}")
        if chosen == "jsonld":
            body = jsonld.dumps(jsonld.compact(result.graph, context))
        elif chosen == "rdfxml":
            body = result.graph.serialize(format="xml")
        else:
            body = result.serialize(chosen)
        return Answer(200, MEDIA[chosen] + "; charset=utf-8", body.encode("utf-8"))
    offers = TABLE_OFFERS[result.kind]
    chosen = negotiate(offers, accept, format) or (None if format else "json")
    if chosen is None:
        return _error(406, f"a {result.kind} result is a table: ask for one of {', '.join(MEDIA[o] for o in offers)}")
    return Answer(200, MEDIA[chosen] + "; charset=utf-8", result.serialize(chosen).encode("utf-8"))


def _worker(connection, nquads: bytes, memory_mb: int) -> None:
    """A worker's life: load the dataset once, then answer jobs until the pipe closes."""
    from rdflib import Dataset, Graph

    from kg.publishing import jsonld
    from kg.namespaces import ONTOLOGY_GRAPH, bind_prefixes

    _lock_down(memory_mb)
    dataset = bind_prefixes(Dataset(default_union=True))
    dataset.parse(data=nquads, format="nquads")
    ontology = Graph()
    for triple in dataset.graph(ONTOLOGY_GRAPH):
        ontology.add(triple)
    context = jsonld.build_context(ontology)
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = _answer(dataset, context, *job)
        except MemoryError:
            answer = _error(503, "the query needed more memory than this endpoint allows")
        except Exception as error:  # noqa: BLE001 - the evaluator raises plain exceptions for bad queries
            answer = _error(400, f"query failed: {type(error).__name__}: {error}")
        connection.send(answer)


class _Worker:
    def __init__(self, ctx, nquads: bytes, memory_mb: int):
        self.connection, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, nquads, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        return self.connection.poll(timeout) and self.connection.recv() == "ready"

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """``workers`` processes; :meth:`run` sends a query to an idle one and waits at most ``timeout`` s."""

    def __init__(self, nquads: bytes, *, workers: int = 2, timeout: float = 10.0, max_rows: int = 10000,
                 memory_mb: int = 2048, start_timeout: float = 60.0):
        self._ctx = multiprocessing.get_context("spawn")
        self._nquads, self._memory = nquads, memory_mb
        self.timeout, self.max_rows, self.size = timeout, max_rows, workers
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        started = [self._start() for _ in range(workers)]
        for worker in started:
            if not worker.wait_ready(start_timeout):
                self.close()
                raise RuntimeError("a SPARQL worker process did not start")
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self._nquads, self._memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        self.replaced += 1

        def start() -> None:
            if self._closed:
                return
            worker = self._start()
            if worker.wait_ready(60):
                self._idle.put(worker)

        threading.Thread(target=start, daemon=True).start()

    def run(self, text: str, *, bindings: dict | None = None, accept: str | None = None,
            format: str | None = None) -> Answer:
        """Answer one query; a busy pool waits up to the time limit for a free worker."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _error(503, f"all {self.size} query workers are busy; try again shortly")
        try:
            worker.connection.send((text, dict(bindings or {}), accept, format, self.max_rows))
            if worker.connection.poll(self.timeout):
                answer = worker.connection.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return _error(503, "the query worker died (out of memory?); the query was not answered")
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
