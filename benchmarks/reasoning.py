"""Reasoning time and memory: the rules on Oxigraph (``infer_in_store``) against owlrl, on synthetic data.

Writes ``benchmarks/synthetic.py`` data of about ``--triples`` asserted triples into a temporary
folder, loads it (not timed) and reasons ``--runs`` times with each reasoner, printing the median
wall-clock and CPU seconds (on a shared machine the CPU time is the steadier figure), the number
of inferred triples and the peak resident memory, overall and over the process's size before
reasoning. owlrl runs only up to ``--owlrl-max`` triples (it took about 100 s at 100k).
Run from the repository root, e.g. ``PYTHONPATH=. python benchmarks/reasoning.py --triples 100000``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_graph  # noqa: E402
from kg.reasoning.fixpoint import infer_in_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files(folder: Path) -> list[tuple[Path, str]]:
    ontology = [(p, str(ONTOLOGY_GRAPH)) for p in sorted((ROOT / "ontology").glob("*.ttl"))]
    return ontology + [(p, str(data_graph(p.stem))) for p in sorted(folder.glob("*.ttl"))]


def rules(folder: Path, runs: int) -> dict:
    """Median seconds of ``infer_in_store`` on an in-memory store (each run clears and refills the inferred graph)."""
    store = ox.Store()
    for path, graph in _files(folder):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    asserted = sorted({ox.NamedNode(g) for _, g in _files(folder)}, key=str)
    before, times, cpu = _rss_mb(), [], []
    for _ in range(runs):
        started = time.process_time()
        report = infer_in_store(store, ontology=ox.NamedNode(str(ONTOLOGY_GRAPH)), asserted=asserted,
                                target=ox.NamedNode(str(INFERRED_GRAPH)))
        times.append(report.seconds)
        cpu.append(time.process_time() - started)
    return {"seconds": round(statistics.median(times), 3), "cpu_seconds": round(statistics.median(cpu), 3),
            "inferred": report.inferred, "asserted": len(store) - report.inferred,
            "peak_mb_over_loaded": round(max(0.0, _peak_mb() - before), 1), "peak_mb": round(_peak_mb(), 1)}


def owlrl(folder: Path, runs: int) -> dict:
    """Median seconds of the reference path (``kg.reasoning.reference.infer``) on one rdflib graph."""
    from rdflib import Graph

    from kg.reasoning.reference import infer

    graph = Graph()
    for path, _ in _files(folder):
        graph.parse(path, format="turtle")
    before, times, cpu = _rss_mb(), [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        inferred = infer(graph)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"seconds": round(statistics.median(times), 3), "cpu_seconds": round(statistics.median(cpu), 3),
            "inferred": len(inferred), "asserted": len(graph),
            "peak_mb_over_loaded": round(max(0.0, _peak_mb() - before), 1), "peak_mb": round(_peak_mb(), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10000, help="about how many asserted triples")
    parser.add_argument("--data", type=Path, help="reason over this data folder (e.g. data/) instead of synthetic data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--owlrl-max", type=int, default=20000, help="skip owlrl above this size")
    parser.add_argument("--reasoner", choices=["both", "rules", "owlrl"], default="both",
                        help="run one reasoner only (run them in separate processes for honest peak memory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or synthetic.write(Path(tmp), synthetic.clusters_for(args.triples))
        result = {"data": str(args.data) if args.data else f"synthetic, about {args.triples} triples", "runs": args.runs}
        if args.reasoner in ("both", "rules"):
            result["rules"] = rules(folder, args.runs)
        if args.reasoner in ("both", "owlrl") and (args.data or args.triples <= args.owlrl_max):
            result["owlrl"] = owlrl(folder, args.runs)
        if "rules" in result and "owlrl" in result:
            result["speedup"] = round(result["owlrl"]["seconds"] / result["rules"]["seconds"], 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
