"""``kg sparql`` with the server's limits: one query in a killable Oxigraph worker process.

A query typed on the command line is as able to run for ever as one sent over HTTP (an analyst's
natural query ran over ten minutes), so it gets the same treatment as on the server: the same
refusals (SERVICE, FROM, LOAD, updates), a time limit enforced by killing the worker, a cap on the
rows read, and a memory cap. The answer comes back as standard SPARQL JSON (or N-Triples for a
graph) and is read into the :class:`~kg.analysis.results.QueryResult` the other commands print.
"""

from __future__ import annotations

import multiprocessing

from kg.errors import QueryError
from kg.publishing.sparql_worker import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Answer, Worker

__all__ = ["run_limited", "limited_query", "DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS"]


def run_limited(nquads: bytes, text: str, *, bindings: dict | None = None, timeout: float = DEFAULT_TIMEOUT,
                max_rows: int = DEFAULT_MAX_ROWS, memory_mb: int = 4096, source: str = "query"):
    """``(kind, count, payload)``: kind SELECT/ASK with SPARQL JSON bytes, or GRAPH with N-Triples bytes.

    Raises :class:`QueryError` (exit 2) for a refused, malformed, too slow or too large query;
    ``timeout`` counts from when the data is loaded, and 0 means no limit.
    """
    worker = Worker(multiprocessing.get_context("spawn"), nquads, memory_mb, "cli")
    try:
        if not worker.wait_ready(120):
            raise QueryError(f"{source}: the query process did not start (out of memory?)")
        try:
            reply = worker.ask((text, dict(bindings or {}), max_rows), timeout if timeout > 0 else None)
        except (EOFError, OSError):
            raise QueryError(f"{source}: the query process died (over the {memory_mb} MB memory limit?)") from None
        if reply is None:
            raise QueryError(f"{source}: the query took longer than the limit of {timeout:g} s and was stopped; "
                             f"make it more selective, add a LIMIT, or raise --timeout")
        if isinstance(reply, Answer):
            message = reply.body.decode("utf-8").strip()
            raise QueryError(source + message[len("query"):] if message.startswith("query:") else f"{source}: {message}")
        kind, count, payload = reply
        if count > max_rows:
            raise QueryError(f"{source}: the result has more than the limit of {max_rows} rows or triples; add a "
                             f"LIMIT, or raise --max-rows")
        return kind, count, payload
    finally:
        worker.kill()


def limited_query(kg, text: str, params: dict | None = None, *, reasoning: bool = True,
                  timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, source: str = "query"):
    """What ``KnowledgeGraph.sparql`` answers, under the limits; ``params`` are parsed as ``--param`` values."""
    from rdflib import Graph
    import pyoxigraph as ox

    from kg.analysis.queries import bind_adhoc
    from kg.analysis.sparql_text import keywords
    from kg.analysis.results import QueryResult
    from kg.namespaces import bind_prefixes

    # the project's own preparation first, for the same messages as `kg query` (syntax errors with
    # line and column, refusals, unknown parameters); the engine then runs in the worker
    bindings = bind_adhoc(text, params, source=source)
    nquads = kg.export("nquads", inferred=reasoning).encode("utf-8")
    kind, _, payload = run_limited(nquads, text, bindings=bindings, timeout=timeout, max_rows=max_rows, source=source)
    if kind == "GRAPH":
        graph = bind_prefixes(Graph())
        graph.parse(data=payload.decode("utf-8"), format="nt")
        kind = "DESCRIBE" if "DESCRIBE" in keywords(text) else "CONSTRUCT"
        return QueryResult(kind, [], [], None, graph)
    return QueryResult.from_oxigraph(ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON))
