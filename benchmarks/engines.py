"""The stages the scaling benchmark times, each run in a child process (see ``harness.py``).

Three ways to answer the same stored queries over the same triples:

* **kg** — :class:`kg.KnowledgeGraph` on Oxigraph: load from Turtle, reason (``rules`` and the
  ``owlrl`` reference), build a persistent store and open it, query with reasoning;
* **rdflib** — the old path: an rdflib ``Dataset`` (default graph = union) read from
  ``kg export --format nquads --inferred``, each query run by rdflib's own evaluator;
* **pyoxigraph** — a bare ``pyoxigraph.Store`` on the same N-Quads, queried with the default graph
  as the union of all graphs: the floor kg should stay within 2× of.

Required parameters are bound to an organization every synthetic graph has; optional ones are
left unbound (the whole answer, the worst case).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from harness import repeat

#: Values for required parameters: an organization every synthetic graph (and the curated one) has.
REQUIRED = {"entity": "ag:syn0-lab-a", "org": "ag:syn0-lab-a"}


def _catalogue():
    from kg.analysis.queries import load_catalogue
    from kg.paths import resolve_paths

    return load_catalogue(resolve_paths().queries)


def _required(stored) -> dict:
    from kg.analysis.queries import parse_value

    return {p.name: parse_value(REQUIRED[p.name], name=p.name) for p in stored.params if p.required}


# kg ------------------------------------------------------------------------------------------
def kg_load(data: Path, runs: int, once_over: float) -> dict:
    """Load the Turtle files into an in-memory store (``KnowledgeGraph(data=…)``)."""
    from kg import KnowledgeGraph
    from kg.namespaces import ASSERTED_GRAPH

    graphs = []
    times = repeat(lambda: graphs.append(KnowledgeGraph(data=data, cache=False)), runs, once_over)
    return {"times": times, "asserted": graphs[-1].store.count(ASSERTED_GRAPH)}


def kg_reason(data: Path, reasoner: str, runs: int, once_over: float) -> dict:
    """Reason from scratch on a freshly loaded graph (loading not timed; no inference cache)."""
    from kg import KnowledgeGraph

    times, inferred = [], None
    for _ in range(runs):
        graph = KnowledgeGraph(data=data, cache=False, reasoner=reasoner)
        started = time.perf_counter()
        inferred = graph.reason().inferred
        times.append(time.perf_counter() - started)
        if times[0] > once_over:
            break
    return {"times": times, "inferred": inferred}


def kg_build(data: Path, folder: Path, reasoner: str, cache: Path) -> dict:
    """``KnowledgeGraph.build_store``: load, reason, write the on-disk store (what ``kg load --store`` does).

    owlrl's inferences land in ``cache`` (written after the closure, as a user's first run does),
    so that the in-memory query worker does not compute them again."""
    from kg import KnowledgeGraph

    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    KnowledgeGraph.build_store(folder, data=data, cache_folder=cache, reasoner=reasoner)
    return {"times": [time.perf_counter() - started]}


def kg_open(folder: Path, data: Path) -> dict:
    """Open the persistent store read-only (what every ``kg --store DIR`` command does first)."""
    from kg import KnowledgeGraph

    started = time.perf_counter()
    KnowledgeGraph(store=folder, data=data)
    return {"times": [time.perf_counter() - started]}


def kg_export(folder: Path, data: Path, out: Path) -> dict:
    """``kg export --format nquads --inferred`` from the store, written to ``out`` for the other engines."""
    from kg import KnowledgeGraph

    started = time.perf_counter()
    out.write_text(KnowledgeGraph(store=folder, data=data).export("nquads", inferred=True), encoding="utf-8")
    return {"times": [time.perf_counter() - started], "bytes": out.stat().st_size}


def dump_quads(folder: Path, data: Path, out: Path) -> dict:
    """The quads ``kg export --format nquads --inferred`` writes (every graph but ``graph/asserted``, the
    union of the file graphs), dumped by Oxigraph from the store: for a size where the export is too slow."""
    import pyoxigraph as ox

    from kg import KnowledgeGraph
    from kg.namespaces import ASSERTED_GRAPH

    started = time.perf_counter()
    store, asserted = KnowledgeGraph(store=folder, data=data).store.oxigraph, ox.NamedNode(str(ASSERTED_GRAPH))
    quads = (q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != asserted)
    with out.open("wb") as file:
        ox.serialize(quads, file, ox.RdfFormat.N_QUADS)
    return {"times": [time.perf_counter() - started], "bytes": out.stat().st_size}


def kg_queries(folder: Path, data: Path):
    """Query-worker set-up: the persistent store opened, every stored query run with reasoning."""
    from kg import KnowledgeGraph

    graph = KnowledgeGraph(store=folder, data=data)
    return lambda name: len(graph.query(name, _required(graph.stored(name))).rows)


def kg_memory_queries(data: Path, reasoner: str, cache: Path):
    """Query-worker set-up: the Turtle files loaded into memory and reasoned (owlrl from the cache the
    build filled), every stored query run with reasoning: the default path, without ``--store``."""
    from kg import KnowledgeGraph

    graph = KnowledgeGraph(data=data, reasoner=reasoner, cache_folder=cache)
    graph.reason()
    return lambda name: len(graph.query(name, _required(graph.stored(name))).rows)


def kg_validate(data: Path, runs: int, once_over: float) -> dict:
    """Full SHACL validation of the asserted graphs (``KnowledgeGraph.validate()``, pySHACL)."""
    from kg import KnowledgeGraph

    graph, conforms = KnowledgeGraph(data=data, cache=False), []
    times = repeat(lambda: conforms.append(graph.validate().conforms), runs, once_over)
    return {"times": times, "conforms": conforms[-1]}


def kg_submission(data: Path, submission: Path, scratch: Path, reasoner: str) -> dict:
    """``kg validate`` then ``kg add`` of a submission, on a copy of the data folder, through the Python API.

    Times what the commands do after start-up: open the graph from the folder, check the
    submission against it (``kg.submissions.api.check``), and (for ``add``) open it again under
    the lock, check, plan, derive what the reasoner adds, and write (``kg.submissions.api.add``).
    """
    from kg import KnowledgeGraph
    from kg.submissions import api

    copy = scratch / "submission-data"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy)

    def open_graph():
        return KnowledgeGraph(data=copy, cache=False, reasoner=reasoner)

    started = time.perf_counter()
    graph = open_graph()
    opened = time.perf_counter()
    report = api.check(graph, [submission])
    validate_done = time.perf_counter()
    outcome = api.add(open_graph, [submission], data=copy)
    added = time.perf_counter()
    shutil.rmtree(copy, ignore_errors=True)
    return {"open": opened - started, "check": validate_done - opened, "validate": validate_done - started,
            "add": added - validate_done, "conforms": report.conforms,
            "findings": [f"{f.severity} {f.kind}: {f.message}"[:200] for f in report.findings][:5],
            "added_triples": (outcome.report.summary or {}).get("added_triples"),
            "written": [str(p) for p in outcome.written]}


# the rdflib path and pyoxigraph direct --------------------------------------------------------
def rdflib_queries(nquads: Path):
    """Query-worker set-up: an rdflib Dataset (default graph = union) read from the N-Quads export."""
    from rdflib import Dataset

    from kg.namespaces import PREFIXES

    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    catalogue, namespaces = _catalogue(), dict(PREFIXES)

    def run(name: str) -> int:
        stored = catalogue[name]
        return len(list(dataset.query(stored.text, initNs=namespaces, initBindings=_required(stored))))

    return run


def pyoxigraph_queries(nquads: Path):
    """Query-worker set-up: a bare in-memory ``pyoxigraph.Store`` on the N-Quads, default graph = union.

    Parameters are bound as kg binds them: by Oxigraph's substitutions (which reach into
    sub-selects), or by a ``VALUES`` block for a variable the query does not return. A ``VALUES``
    block alone would leave each sub-select to be evaluated for every entity of the graph (the
    ``entity`` query then took 16 GB at 100k triples), timing a plan kg never runs.
    """
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES
    from kg.store.terms import inline_values, to_oxigraph

    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    catalogue = _catalogue()
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

    def run(name: str) -> int:
        stored = catalogue[name]
        substituted, inline = _required(stored), {}
        while True:
            text = inline_values(stored.text, inline) if inline else stored.text
            try:
                result = store.query(text, use_default_graph_as_union=True, prefixes=prefixes,
                                     substitutions={ox.Variable(k): to_oxigraph(v) for k, v in substituted.items()})
            except RuntimeError as error:  # Oxigraph substitutes only variables the query returns
                missing = next((k for k in substituted if f"?{k} " in str(error)), None)
                if missing is None:
                    raise
                inline[missing] = substituted.pop(missing)
                continue
            return len([list(solution) for solution in result])

    return run


def submission_text(clusters: int, count: int = 2, seed: int = 7) -> str:
    """A valid submission: ``count`` new synthetic clusters (about 450 triples each) in one Turtle file.

    The last new cluster is tied to cluster 0 of the graph (its fund backs that lab, its lab and
    chip maker compete with that cluster's), so the submission references existing entities.
    """
    import random

    import synthetic

    rng, total = random.Random(seed), clusters + count
    parts: dict[str, list[str]] = {}
    for i in range(clusters, total):
        for stem, text in synthetic._cluster(i, total, rng).items():
            parts.setdefault(stem, []).append(text)
    return synthetic.PREFIXES + "".join(text for stem in sorted(parts) for text in parts[stem])

