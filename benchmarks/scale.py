"""How load, reasoning, validation, the stored queries and memory grow with the size of the graph.

The curated data is ~1.8k triples; contributors will add more. This runs the product on synthetic
data shaped like ours (``synthetic.py``) at several sizes and reports medians, ratios to the
smallest size and the growth exponent k of time ~ triples^k between the two largest sizes that
finished (k≈1 linear, k≈2 quadratic), so that a super-linear query shows up before users meet it.

Each size runs in child processes, so that peak memory (``ru_maxrss``) is per size and a query
that blows up can be killed at ``--timeout`` and reported as ``>T s`` instead of hanging the run;
a query that timed out is not tried again at larger sizes. Stages are repeated ``--runs`` times
for a median, except that a stage whose first run takes longer than ``--once-over`` seconds runs
once (the 100k reasoning run: minutes). Reasoning is cold: a fresh cache folder, and its time
includes writing the cache file, as a user's first ``kg reason`` does. Queries run with reasoning,
on the warm inferred graph; optional parameters are left unbound (the whole answer, the worst case).

    python benchmarks/scale.py [--sizes 2000,10000,30000,100000] [--runs 3] [--timeout 60]
                               [--json benchmarks/results/scale-DATE.json]

Timings are for comparing sizes and runs on one machine, never for asserting in unit tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import multiprocessing
import platform
import resource
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synthetic  # noqa: E402  (the benchmark folder is not a package)

#: Values for required parameters (entity, exposure): an organization every synthetic graph has.
REQUIRED = {"entity": "ag:syn0-lab-a", "org": "ag:syn0-lab-a"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def repeat(action, runs: int, once_over: float) -> list[float]:
    """Time ``action`` up to ``runs`` times; a first run slower than ``once_over`` seconds is the only one."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        if times[0] > once_over:
            break
    return times


def build(data: Path, cache: Path, runs: int, once_over: float, out) -> None:
    """Child process: time loading and cold reasoning; fill ``cache`` for the query worker."""
    from kg import KnowledgeGraph

    graphs = []
    load = repeat(lambda: graphs.append(KnowledgeGraph(data=data, cache_folder=cache)), runs, once_over)
    graph = graphs[-1]
    del graphs[:-1]
    result = {"load": load, "asserted": sum(1 for _ in graph.asserted().triples((None, None, None))),
              "rss_load": peak_mb()}
    first = [True]

    def reason():
        graph.reason(refresh=not first[0])  # the first run finds the fresh cache folder empty
        first[0] = False

    result["reason"] = repeat(reason, runs, once_over)
    result["inferred"], result["rss_reason"] = graph.reason().inferred, peak_mb()
    out.send(result)


def check(data: Path, runs: int, once_over: float, out) -> None:
    """Child process: time SHACL validation (pyshacl) of the asserted graphs."""
    from kg import KnowledgeGraph

    graph, conforms = KnowledgeGraph(data=data, cache=False), []
    times = repeat(lambda: conforms.append(graph.validate().conforms), runs, once_over)
    out.send({"validate": times, "conforms": conforms[-1], "rss_validate": peak_mb()})


def in_child(context, target, args: tuple, timeout: float) -> dict | None:
    """Run ``target(*args, pipe)`` in a child process; None if it sends nothing within ``timeout``."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, send), daemon=True)
    process.start()
    result = receive.recv() if receive.poll(timeout) else None
    if result is None:
        process.kill()
    process.join()
    return result


def serve_queries(data: Path, cache: Path, conn) -> None:
    """Child process: load, read the inferences from the cache, then time the queries the parent sends."""
    from kg import KnowledgeGraph

    graph = KnowledgeGraph(data=data, cache_folder=cache)
    graph.reason()
    conn.send("ready")
    while (request := conn.recv()) is not None:
        name, runs, once_over = request
        params = {p.name: REQUIRED[p.name] for p in graph.stored(name).params if p.required}
        rows = []
        times = repeat(lambda: rows.append(len(graph.query(name, params).rows)), runs, once_over)
        conn.send({"times": times, "rows": rows[-1], "rss": peak_mb()})


class QueryWorker:
    """A warm graph in a child process; a query over the time limit kills it, and the next query starts a new one."""

    def __init__(self, context, data: Path, cache: Path):
        self.context, self.data, self.cache, self.process = context, data, cache, None

    def run(self, name: str, runs: int, once_over: float, timeout: float) -> dict:
        if self.process is None:
            self.conn, child = self.context.Pipe()
            self.process = self.context.Process(target=serve_queries, args=(self.data, self.cache, child), daemon=True)
            self.process.start()
            if not self.conn.poll(timeout * 10) or self.conn.recv() != "ready":
                raise RuntimeError(f"the query worker did not start for {self.data}")
        self.conn.send((name, runs, once_over))
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.close(kill=True)
        return {"times": None, "timeout": timeout}

    def close(self, *, kill: bool = False) -> None:
        if self.process is not None:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
            self.process.join()
            self.process = None


def measure(size: int, args, context, scratch: Path, skip: set[str]) -> dict:
    """All figures for one size of synthetic graph."""
    data, cache = scratch / f"data-{size}", scratch / f"cache-{size}"
    started = time.perf_counter()
    synthetic.write(data, synthetic.clusters_for(size), seed=args.seed)
    entry = {"target": size, "clusters": synthetic.clusters_for(size), "generate": time.perf_counter() - started}
    built = in_child(context, build, (data, cache, args.runs, args.once_over), args.build_timeout)
    if built is None:
        return {**entry, "error": f"loading and reasoning took more than {args.build_timeout:.0f} s"}
    entry.update(built)
    print(f"  {size}: {entry['asserted']} asserted, {entry['inferred']} inferred, reasoning "
          f"{median(entry['reason']):.1f} s", file=sys.stderr, flush=True)
    if "validate" in skip:
        entry.update(validate=None, validate_skipped="timed out at a smaller size")
    else:
        checked = in_child(context, check, (data, args.runs, args.once_over), args.validate_timeout)
        entry.update(checked or {"validate": None, "validate_timeout": args.validate_timeout})
        if checked is None:
            skip.add("validate")
    worker, entry["queries"] = QueryWorker(context, data, cache), {}
    for name in sorted(p.stem for p in (HERE.parent / "queries").glob("*.rq")):
        if name in skip:
            entry["queries"][name] = {"times": None, "skipped": "timed out at a smaller size"}
            continue
        entry["queries"][name] = result = worker.run(name, args.runs, args.once_over, args.timeout)
        if result["times"] is None:
            skip.add(name)
        print(f"    {name}: {fmt(result)} s, {result.get('rows', '?')} rows", file=sys.stderr, flush=True)
    worker.close()
    entry["rss_queries"] = max((q.get("rss", 0) for q in entry["queries"].values()), default=0)
    return entry


def median(value) -> float | None:
    return statistics.median(value) if value else None


def fmt(result: dict) -> str:
    if result.get("times"):
        return f"{median(result['times']):.2f}"
    return f">{result['timeout']:.0f}" if "timeout" in result else "skip"


def exponent(entries: list[dict], pick) -> str:
    """k in time ~ triples^k between the two largest sizes that have a figure."""
    points = [(e["asserted"], pick(e)) for e in entries if pick(e)]
    if len(points) < 2:
        return ""
    (n1, t1), (n2, t2) = points[-2], points[-1]
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}" if t1 > 0 and t2 > 0 and n2 != n1 else ""


def report(entries: list[dict]) -> str:
    """The table: one row per measure, one column per size, then ratio largest/smallest and k."""
    done = [e for e in entries if "error" not in e]
    rows = [("asserted triples", lambda e: e["asserted"], "{:.0f}"), ("inferred triples", lambda e: e["inferred"], "{:.0f}"),
            ("load s", lambda e: median(e["load"]), "{:.2f}"), ("validate s", lambda e: median(e["validate"]), "{:.2f}"),
            ("reason (cold) s", lambda e: median(e["reason"]), "{:.2f}"),
            ("peak MB load+reason", lambda e: e["rss_reason"], "{:.0f}"),
            ("peak MB validate", lambda e: e.get("rss_validate"), "{:.0f}"), ("peak MB queries", lambda e: e["rss_queries"], "{:.0f}")]
    names = sorted({n for e in done for n in e["queries"]})
    rows += [(f"query {n} s", lambda e, n=n: median(e["queries"][n].get("times")), "{:.2f}") for n in names]
    head = ["measure"] + [f"~{e['target'] // 1000}k" for e in done] + ["last/first", "k"]
    lines = []
    for label, pick, form in rows:
        cells = []
        for e in done:
            value = pick(e)
            q = e["queries"].get(label[6:-2]) if label.startswith("query ") else None
            if label.startswith("validate") and "validate_timeout" in e:
                q = {"timeout": e["validate_timeout"]}
            cells.append(form.format(value) if value is not None else fmt(q) if q else "")
        first, last = pick(done[0]) if done else None, pick(done[-1]) if done else None
        ratio = f"{last / first:.1f}x" if first and last else ""
        lines.append([label] + cells + [ratio, exponent(done, pick) if "triples" not in label else ""])
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
           for r in [head] + lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    out += [f"{e['target']}: {e['error']}" for e in entries if "error" in e]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000,30000,100000", help="about how many asserted triples, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--once-over", type=float, default=10.0, help="a measure whose first run is slower runs once")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per query before it is killed")
    parser.add_argument("--build-timeout", type=float, default=900.0, help="seconds for loading + reasoning")
    parser.add_argument("--validate-timeout", type=float, default=300.0, help="seconds for validation")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, default=HERE / "results" / f"scale-{datetime.date.today()}.json")
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    entries, skip = [], set()
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"size ~{size} triples", file=sys.stderr, flush=True)
            entries.append(measure(size, args, context, Path(scratch), skip))
    table = report(entries)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "date": datetime.datetime.now().isoformat(timespec="seconds"), "argv": sys.argv[1:],
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": multiprocessing.cpu_count()},
        "versions": {p: version(p) for p in ("rdflib", "owlrl", "pyshacl")},
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "sizes": entries, "table": table.splitlines()}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
