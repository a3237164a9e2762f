"""Whole-command wall time on the curated graph, start-up included, and where start-up goes.

Each run is a fresh ``python -m kg …`` process, as a user starts it, after one warm-up run that
fills the inference cache and the operating system's file cache (warm caches). The figure is the
median wall time; peak memory is the largest child's ``ru_maxrss``. ``python -X importtime`` on
``kg query investments`` shows which imports cost the most.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "tests" / "submissions" / "good" / "compute_commitment.ttl"


def commands(store: Path) -> dict[str, list[str]]:
    """Every everyday ``kg`` command, by the name it has in the table (``store``: a built store folder)."""
    return {
        "kg --help": ["--help"],
        "kg info": ["info"],
        "kg queries": ["queries"],
        "kg query investments": ["query", "investments", "--format", "csv"],
        "kg query entity --param entity=ag:nvidia": ["query", "entity", "--param", "entity=ag:nvidia", "--format", "csv"],
        "kg query circular-financing": ["query", "circular-financing", "--format", "csv"],
        "kg sparql 'SELECT …'": ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"],
        "kg reason": ["reason"],
        "kg export": ["export"],
        "kg export --format nquads --inferred": ["export", "--format", "nquads", "--inferred"],
        "kg validate SUBMISSION": ["validate", str(SUBMISSION)],
        "kg add SUBMISSION --dry-run": ["add", str(SUBMISSION), "--dry-run"],
        "kg --store DIR query investments": ["--store", str(store), "query", "investments", "--format", "csv"],
        "kg --store DIR info": ["--store", str(store), "info"],
    }


def _environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _run(argv: list[str], timeout: float) -> tuple[float, int, float] | None:
    """Wall seconds, exit code and peak MB of one run (the process's own accounting); None past ``timeout``."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return time.perf_counter() - started, process.returncode, usage.ru_maxrss / 1024
        if time.perf_counter() - started > timeout:
            process.kill()
            process.wait()
            return None
        time.sleep(0.002)


def time_command(argv: list[str], runs: int, cache: Path, timeout: float) -> dict:
    """Median wall time of ``python -m kg --cache-dir CACHE ARGV`` over ``runs`` runs after a warm-up."""
    full = [sys.executable, "-m", "kg", "--cache-dir", str(cache), *argv]
    times, codes, peak = [], set(), 0.0
    for n in range(runs + 1):
        done = _run(full, timeout)
        if done is None:
            return {"timeout": timeout}
        elapsed, code, rss = done
        codes.add(code)
        peak = max(peak, rss)
        if n:  # the first run warms the caches
            times.append(elapsed)
    return {"times": times, "exit_codes": sorted(codes), "rss_mb": peak}


def build_curated_store(folder: Path, cache: Path) -> None:
    subprocess.run([sys.executable, "-m", "kg", "--cache-dir", str(cache), "load", "--store", str(folder)],
                   cwd=ROOT, env=_environment(), capture_output=True, check=True, timeout=600)


def import_profile(argv: list[str], top: int = 15) -> dict:
    """The costliest imports of one ``python -X importtime -m kg ARGV`` run: by cumulative and by own time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kg", *argv], cwd=ROOT, env=_environment(),
                          capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - started
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append({"module": name.strip(), "depth": depth, "self_ms": int(own) / 1000, "cumulative_ms": int(cumulative) / 1000})
    top_level = sorted((r for r in rows if r["depth"] <= 1), key=lambda r: -r["cumulative_ms"])[:top]
    own = sorted(rows, key=lambda r: -r["self_ms"])[:top]
    imports_ms = sum(r["cumulative_ms"] for r in rows if r["depth"] == 0)
    return {"argv": argv, "wall": wall, "imports_ms": imports_ms, "top_cumulative": top_level, "top_self": own}


def measure_commands(scratch: Path, runs: int, timeout: float, log) -> dict:
    """Every command's median wall time, and the import profile of ``kg query investments``."""
    cache, store = scratch / "curated-cache", scratch / "curated-store"
    build_curated_store(store, cache)
    out = {}
    for label, argv in commands(store).items():
        out[label] = result = time_command(argv, runs, cache, timeout)
        figure = f"{statistics.median(result['times']):.2f} s" if result.get("times") else f">{timeout:.0f} s"
        log(f"  {label}: {figure}")
    return {"commands": out, "imports": import_profile(["query", "investments", "--format", "csv"])}
