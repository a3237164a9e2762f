"""Timing in child processes: medians, peak memory per stage, and a kill at the time limit.

Every stage of the scaling benchmark runs in its own process (``fork``), so that its peak memory
(``ru_maxrss``) is its own and a stage that blows up is killed at ``--timeout`` and reported as
``>T s`` rather than hanging the whole run.
"""

from __future__ import annotations

import math
import resource
import statistics
import time

__all__ = ["peak_mb", "repeat", "in_child", "QueryWorker", "median", "exponent"]


def peak_mb() -> float:
    """This process's peak resident memory in MB."""
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


def _child(target, args, send) -> None:
    try:
        result = target(*args)
    except Exception as error:  # reported, not raised: the parent carries on with the next stage
        result = {"error": f"{type(error).__name__}: {error}"[:500]}
    result.setdefault("rss_mb", peak_mb())
    send.send(result)


def in_child(context, target, args: tuple, timeout: float) -> dict:
    """``target(*args)`` (a dict) computed in a child process, or ``{"timeout": timeout}`` if it takes longer."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(target, args, send), daemon=True)
    started = time.perf_counter()
    process.start()
    result = receive.recv() if receive.poll(timeout) else None
    if result is None:
        process.kill()
        result = {"timeout": timeout}
    process.join()
    result["wall"] = time.perf_counter() - started
    return result


def _serve(setup, args, conn) -> None:
    """Child process: ``setup(*args)`` gives a function name -> rows; then answer the parent's requests."""
    try:
        started = time.perf_counter()
        run = setup(*args)
        conn.send({"setup": time.perf_counter() - started, "rss_mb": peak_mb()})
    except Exception as error:
        conn.send({"error": f"{type(error).__name__}: {error}"[:500]})
        return
    while (request := conn.recv()) is not None:
        name, runs, once_over = request
        rows = []
        try:
            times = repeat(lambda: rows.append(run(name)), runs, once_over)
            conn.send({"times": times, "rows": rows[-1], "rss_mb": peak_mb()})
        except Exception as error:
            conn.send({"error": f"{type(error).__name__}: {error}"[:500]})


class QueryWorker:
    """An engine warmed up in a child process; a query over the time limit kills it, the next starts a new one."""

    def __init__(self, context, setup, args: tuple, setup_timeout: float):
        self.context, self.setup, self.args, self.setup_timeout = context, setup, args, setup_timeout
        self.process, self.started = None, None

    def start(self) -> dict:
        """Start the child; its set-up time and memory (or an error or a timeout)."""
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(target=_serve, args=(self.setup, self.args, child), daemon=True)
        self.process.start()
        if not self.conn.poll(self.setup_timeout):
            self.close(kill=True)
            return {"timeout": self.setup_timeout}
        ready = self.conn.recv()
        if "error" in ready:
            self.close(kill=True)
        self.started = ready
        return ready

    def run(self, name: str, runs: int, once_over: float, timeout: float) -> dict:
        if self.process is None:
            ready = self.start()
            if self.process is None:
                return {key: ready[key] for key in ("error", "timeout") if key in ready}
        self.conn.send((name, runs, once_over))
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.close(kill=True)
        return {"timeout": timeout}

    def close(self, *, kill: bool = False) -> None:
        if self.process is not None:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
            self.process.join()
            self.process = None


def median(values) -> float | None:
    return statistics.median(values) if values else None


def exponent(points: list[tuple[float, float | None]]) -> float | None:
    """k in time ~ triples^k between the two largest sizes that have a figure."""
    points = [(n, t) for n, t in points if t]
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = points[-2], points[-1]
    return math.log(t2 / t1) / math.log(n2 / n1) if n2 != n1 else None
