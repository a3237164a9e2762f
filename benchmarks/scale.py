"""kg on Oxigraph, the old rdflib path and pyoxigraph direct, side by side, from 10k to 1M triples.

For each size of synthetic data shaped like ours (``synthetic.py``, seeded) this times, in one run:

* **kg** (``engines.py``): loading the Turtle files into memory, reasoning with the compiled
  ``rules`` and with
  ``owlrl`` (the reference), building the persistent store and opening it, exporting N-Quads with
  the inferences, every stored query with reasoning on the opened store, full SHACL validation,
  and a ~1k-triple submission checked (``kg validate``) and merged (``kg add``);
* **rdflib**: every stored query by rdflib's evaluator over a Dataset read from that export;
* **pyoxigraph**: every stored query on a bare ``pyoxigraph.Store`` read from that export;

and on the curated graph, every everyday ``kg`` command as a whole process, start-up included,
with warm caches (``commands.py``), plus the import profile of ``kg query investments``.

Each stage runs in a child process (peak memory per stage, killed at its time limit and reported
as ``>T s``). Figures are medians over ``--runs``; a stage whose first run takes longer than
``--once-over`` runs once. A stage or query is not tried at a larger size when it timed out at a
smaller one, or when its time grown linearly with the size would exceed its limit (reported as
"skip", with the reason in the JSON). The record goes to ``benchmarks/results/scale-<date>.json``
with the machine's load average; the tables and the issue's targets are printed as Markdown.

    python benchmarks/scale.py [--sizes 10000,100000,1000000] [--runs 3] [--runs-large 1]
                               [--timeout 30] [--stage-timeout 300] [--no-commands] [--commands-only]

Timings are for comparing engines and sizes on one machine, never for asserting in unit tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import commands  # noqa: E402  (the benchmark folder is not a package)
import engines  # noqa: E402
import report  # noqa: E402
import synthetic  # noqa: E402
from harness import QueryWorker, in_child  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Sizes:
    """Runs the stages of each size, remembering what timed out (or would) so larger sizes skip it."""

    def __init__(self, args, context, scratch: Path):
        self.args, self.context, self.scratch = args, context, scratch
        self.previous: dict[str, tuple[int, float]] = {}  # stage -> (triples, seconds) at the last size
        self.failed: set[str] = set()
        self.earlier: dict[int, dict] = {}  # size -> its entry in the record being updated

    def skip_reason(self, key: str, triples: int, limit: float) -> str | None:
        if key in self.failed:
            return "timed out at a smaller size"
        if key in self.previous:
            n, seconds = self.previous[key]
            if seconds * triples / n > limit:
                return f"{seconds:.1f} s at {n:,} triples grown linearly exceeds {limit:.0f} s"
        return None

    def stage(self, key: str, triples: int, limit: float, target, args: tuple) -> dict:
        """One stage in a child process, unless it is predicted to exceed ``limit``."""
        reason = "--skip" if key in self.args.skip else self.skip_reason(key, triples, limit)
        if reason:
            log(f"    {key}: skipped ({reason})")
            return {"skipped": reason}
        result = in_child(self.context, target, args, limit)
        self.note(key, triples, result)
        if "error" in result:
            log(f"    {key}: error ({result['error']})")
        elif report.cell(result):
            log(f"    {key}: {report.cell(result)} s")
        return result

    def keep_earlier(self, entry: dict) -> None:
        """With ``--update``, a stage left out by ``--skip`` keeps its result from the earlier run of that size."""
        earlier = self.earlier.get(entry["target"], {})
        for key, result in list(entry.get("kg", {}).items()):
            if result.get("skipped") == "--skip" and key in earlier.get("kg", {}):
                entry["kg"][key] = {**earlier["kg"][key], "from_earlier_run": True}
        for key in ("submission",):
            if (entry.get(key) or {}).get("skipped") == "--skip" and key in earlier:
                entry[key] = {**earlier[key], "from_earlier_run": True}

    def remember(self, sizes: list[dict]) -> None:
        """Carry on from the sizes of an earlier run (``--update``): what timed out there, and the figures."""
        for size in sizes:
            n = size.get("asserted", size["target"])
            for key in ("load", "reason_rules", "reason_owlrl", "build", "export", "validate"):
                self.note(key, n, size.get("kg", {}).get(key) or {})
            submission = size.get("submission") or {}
            self.note("submission", n, submission)
            if submission.get("add") is not None:
                self.previous["submission"] = (n, submission["validate"] + submission["add"])
            for engine in ("kg-store", "kg-memory", "rdflib", "pyoxigraph"):
                self.note(f"{engine}:setup", n, size.get(engine, {}).get("setup") or {})
                for name, result in size.get(engine, {}).get("queries", {}).items():
                    self.note(f"{engine}:{name}", n, result)

    def note(self, key: str, triples: int, result: dict) -> None:
        if "timeout" in result:
            self.failed.add(key)
        elif result.get("times"):
            self.previous[key] = (triples, result["times"][0])

    def queries(self, engine: str, triples: int, setup, setup_args: tuple, runs: int) -> dict:
        """Every stored query on one engine, warmed up once in a child process."""
        args = self.args
        reason = "--skip" if engine in args.skip else self.skip_reason(f"{engine}:setup", triples, args.stage_timeout)
        if reason:
            log(f"    {engine}: skipped ({reason})")
            return {"setup": {"skipped": reason}, "queries": {}}
        worker = QueryWorker(self.context, setup, setup_args, args.stage_timeout)
        started = worker.start()
        setup_result = {"times": [started["setup"]], "rss_mb": started["rss_mb"]} if "setup" in started else started
        self.note(f"{engine}:setup", triples, setup_result)
        out = {"setup": setup_result, "queries": {}}
        log(f"    {engine} set-up: {report.cell(setup_result) or setup_result.get('error', '')} s")
        for name in sorted(p.stem for p in (HERE.parent / "queries").glob("*.rq")):
            key = f"{engine}:{name}"
            reason = self.skip_reason(key, triples, args.timeout)
            if reason:
                out["queries"][name] = {"skipped": reason}
                continue
            out["queries"][name] = result = worker.run(name, runs, args.once_over, args.timeout)
            self.note(key, triples, result)
        worker.close()
        log(f"    {engine}: " + ", ".join(f"{n} {report.cell(r, 3)}" for n, r in out["queries"].items()))
        return out

    def measure(self, size: int) -> dict:
        """All figures for one size of synthetic graph."""
        args, scratch = self.args, self.scratch
        runs = args.runs if size < args.large else args.runs_large
        clusters = synthetic.clusters_for(size)
        data, store, nquads = scratch / f"data-{size}", scratch / f"store-{size}", scratch / f"export-{size}.nq"
        cache = scratch / f"cache-{size}"
        submission = scratch / f"submission-{size}.ttl"
        started = time.perf_counter()
        synthetic.write(data, clusters, seed=args.seed)
        submission.write_text(engines.submission_text(clusters), encoding="utf-8")
        entry = {"target": size, "clusters": clusters, "runs": runs, "generate": time.perf_counter() - started,
                 "loadavg_before": os.getloadavg()}
        log(f"size ~{size:,} triples ({clusters} clusters, {runs} run(s)), load average {os.getloadavg()[0]:.1f}")
        estimate = size
        kg = entry["kg"] = {}
        kg["load"] = self.stage("load", estimate, args.stage_timeout, engines.kg_load, (data, runs, args.once_over))
        self.keep_earlier(entry)
        entry["asserted"] = kg["load"].get("asserted", self.earlier.get(size, {}).get("asserted", size))
        n = entry["asserted"]
        kg["reason_rules"] = self.stage("reason_rules", n, args.stage_timeout, engines.kg_reason, (data, "rules", runs, args.once_over))
        self.keep_earlier(entry)
        kg["reason_owlrl"] = self.stage("reason_owlrl", n, args.timeout, engines.kg_reason, (data, "owlrl", runs, args.once_over))
        reasoner = "rules"
        reasoned = kg[f"reason_{reasoner}"]
        entry["reasoner"] = reasoner
        entry["inferred"] = reasoned.get("inferred") or self.earlier.get(size, {}).get("inferred")
        if not reasoned.get("times") and "--skip" not in reasoned.get("skipped", ""):
            why = f"no reasoner finished ({reasoner}: {report.cell(reasoned) or reasoned.get('error')})"
            kg["build"] = {"skipped": why}
        else:
            kg["build"] = self.stage("build", n, args.stage_timeout, engines.kg_build, (data, store, reasoner, cache))
        if kg["build"].get("times"):
            opens = [in_child(self.context, engines.kg_open, (store, data), args.stage_timeout) for _ in range(runs)]
            kg["open"] = {"times": [t for o in opens for t in o.get("times", [])], "rss_mb": max(o.get("rss_mb", 0) for o in opens)}
            log(f"    open: {report.cell(kg['open'])} s")
            kg["export"] = self.stage("export", n, args.stage_timeout, engines.kg_export, (store, data, nquads))
            if not kg["export"].get("times"):
                kg["dump"] = self.stage("dump", n, args.stage_timeout, engines.dump_quads, (store, data, nquads))
                entry["nquads_from"] = "Oxigraph's dump of the store's graphs but graph/asserted (kg export had no figure)"
            entry["kg-store"] = self.queries("kg-store", n, engines.kg_queries, (store, data), runs)
        if reasoned.get("times") or "--skip" in reasoned.get("skipped", ""):
            entry["kg-memory"] = self.queries("kg-memory", n, engines.kg_memory_queries, (data, reasoner, cache), runs)
        if nquads.exists():
            entry["rdflib"] = self.queries("rdflib", n, engines.rdflib_queries, (nquads,), runs)
            entry["pyoxigraph"] = self.queries("pyoxigraph", n, engines.pyoxigraph_queries, (nquads,), runs)
        kg["validate"] = self.stage("validate", n, args.stage_timeout, engines.kg_validate, (data, runs, args.once_over))
        entry["submission"] = self.stage("submission", n, args.stage_timeout, engines.kg_submission,
                                         (data, submission, scratch, reasoner))
        if entry["submission"].get("add") is not None:
            self.previous["submission"] = (n, entry["submission"]["validate"] + entry["submission"]["add"])
            log(f"    submission ({entry['submission'].get('added_triples')} triples added, conforms "
                f"{entry['submission'].get('conforms')}): validate {entry['submission']['validate']:.2f} s, "
                f"add {entry['submission']['add']:.2f} s")
        self.keep_earlier(entry)
        entry["loadavg_after"] = os.getloadavg()
        nquads.unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
        return entry


def render(record: dict) -> str:
    parts = ["## Stages", report.stages_table(record["sizes"])]
    for size in record["sizes"]:
        parts += ["", f"## Stored queries at {size.get('asserted', size['target']):,} asserted triples (seconds, median)",
                  report.queries_table(size)]
        mismatches = report.row_mismatches(size)
        parts += ["", "Row counts differ: " + "; ".join(mismatches) if mismatches else
                  "Every engine that answered a query returned the same number of rows."]
    if len(record["sizes"]) > 1:
        parts += ["", "## Growth exponent k of each query between the two largest sizes", report.growth_table(record["sizes"])]
    if record.get("curated"):
        parts += ["", "## Commands on the curated graph", report.commands_table(record["curated"]["commands"]),
                  "", "## Start-up imports of `kg query investments`", report.imports_table(record["curated"]["imports"])]
    parts += ["", "## Targets (issue 9)", report.targets_table(record)]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="about how many asserted triples, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median) below --large triples")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per measure at --large triples and above")
    parser.add_argument("--large", type=int, default=500_000, help="where --runs-large starts")
    parser.add_argument("--once-over", type=float, default=10.0, help="a measure whose first run is slower runs once")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per query and for owlrl reasoning")
    parser.add_argument("--stage-timeout", type=float, default=300.0, help="seconds for any other stage")
    parser.add_argument("--command-runs", type=int, default=5, help="runs per command on the curated graph")
    parser.add_argument("--no-commands", action="store_true", help="skip the curated commands")
    parser.add_argument("--commands-only", action="store_true", help="only the curated commands")
    parser.add_argument("--skip", type=lambda text: set(text.split(",")), default=set(),
                        help="stages or engines not to run, comma-separated (e.g. reason_owlrl,kg-memory,validate,submission)")
    parser.add_argument("--update", action="store_true",
                        help="keep the sizes and commands already in --json that this run does not measure")
    parser.add_argument("--label", default="", help="what code this measures, for the record (e.g. a merge of branches)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, default=HERE / "results" / f"scale-{datetime.date.today()}.json")
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    record = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "argv": sys.argv[1:],
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
              "versions": {p: version(p) for p in ("rdflib", "owlrl", "pyshacl", "pyoxigraph")},
              "code": _code(), "label": args.label,
              "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, "sizes": []}
    earlier = json.loads(args.json.read_text(encoding="utf-8")) if args.update and args.json.exists() else None
    if earlier:
        record["earlier_runs"] = earlier.pop("earlier_runs", []) + [{k: v for k, v in earlier.items() if k not in ("sizes", "curated", "tables")}]
        measured = {int(s) for s in args.sizes.split(",")} if not args.commands_only else set()
        record["sizes"] = [s for s in earlier.get("sizes", []) if s["target"] not in measured]
        replaced = {s["target"]: s for s in earlier.get("sizes", []) if s["target"] in measured}
        record["curated"] = earlier.get("curated") if args.no_commands else None
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as scratch:
        if not args.commands_only:
            sizes = Sizes(args, context, Path(scratch))
            sizes.remember(record["sizes"])
            sizes.earlier = replaced if earlier else {}
            for size in (int(s) for s in args.sizes.split(",")):
                record["sizes"].append(sizes.measure(size))
                record["sizes"].sort(key=lambda s: s["target"])
                write(record, args.json)  # keep what is done if a later size is interrupted
        if not args.no_commands:
            log("commands on the curated graph")
            record["curated"] = commands.measure_commands(Path(scratch), args.command_runs, args.stage_timeout, log)
    record["machine"]["loadavg_end"] = os.getloadavg()
    text = render(record)
    record["tables"] = text.splitlines()
    write(record, args.json)
    print(text)
    log(f"wrote {args.json}")


def _code() -> dict:
    """The commit measured, and whether ``kg/`` differs from it."""
    import subprocess

    def git(*argv):
        done = subprocess.run(["git", *argv], cwd=HERE.parent, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    return {"commit": git("rev-parse", "HEAD"), "kg_changed": bool(git("status", "--short", "kg"))}


def write(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
