"""Time ``kg query`` cold (empty inference cache) and warm (cache filled), as medians of several runs.

Each run is a fresh ``python -m kg`` process, as a user would start it, so the figures include
interpreter start-up, imports and loading; only the cache differs. Run from the repository:

    python benchmarks/query_cold_warm.py [--runs 5] [--query investments]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], cache: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *argv], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "KG_CACHE_DIR": cache})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="investments")
    args = parser.parse_args()
    argv = ["query", args.query, "--format", "csv"]
    with tempfile.TemporaryDirectory() as scratch:
        cold = [timed(argv, tempfile.mkdtemp(dir=scratch)) for _ in range(args.runs)]
        warm_cache = tempfile.mkdtemp(dir=scratch)
        timed(argv, warm_cache)  # fill the cache
        warm = [timed(argv, warm_cache) for _ in range(args.runs)]
        no_reasoning = [timed(argv + ["--no-reasoning"], warm_cache) for _ in range(args.runs)]
    cold_m, warm_m, plain_m = (statistics.median(x) for x in (cold, warm, no_reasoning))
    print(f"kg {' '.join(argv)}  ({args.runs} runs each, median)")
    print(f"  cold (no cache)   {cold_m:6.2f} s   runs: {' '.join(f'{t:.2f}' for t in cold)}")
    print(f"  warm (cache)      {warm_m:6.2f} s   runs: {' '.join(f'{t:.2f}' for t in warm)}")
    print(f"  --no-reasoning    {plain_m:6.2f} s   runs: {' '.join(f'{t:.2f}' for t in no_reasoning)}")
    print(f"  cold / warm       {cold_m / warm_m:6.2f} x")


if __name__ == "__main__":
    main()
