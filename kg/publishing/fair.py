"""A fair queue for the query workers: one client's heavy queries cannot starve another's light ones.

A plain first-come queue lets whoever sends most occupy every worker; here a client (its address)
runs at most ``per_client`` queries at once and has at most ``waiting_per_client`` more waiting
(beyond that: 429), and a worker that comes free goes to the waiting client with the fewest
queries running, first come first served among equals. The whole wait is bounded (503 after
``max_waiting`` tickets or the caller's timeout).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict

__all__ = ["FairQueue", "Busy"]


class Busy(Exception):
    """Refused without waiting: the client, or everyone, has too many queries queued."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class FairQueue:
    """Hands out workers (any objects) to clients, fairly; see the module docstring."""

    def __init__(self, *, per_client: int = 1, waiting_per_client: int = 2, max_waiting: int = 64):
        self.per_client, self.waiting_per_client, self.max_waiting = per_client, waiting_per_client, max_waiting
        self._free: list = []
        self._running: dict[str, int] = defaultdict(int)
        self._waiting: dict[int, str] = {}  # ticket -> client, tickets in arrival order
        self._tickets = itertools.count()
        self._cond = threading.Condition()

    def idle(self) -> int:
        with self._cond:
            return len(self._free)

    def _turn(self, ticket: int) -> bool:
        if not self._free:
            return False
        running = self._running
        eligible = [(running.get(c, 0), t) for t, c in self._waiting.items() if running.get(c, 0) < self.per_client]
        return bool(eligible) and min(eligible)[1] == ticket

    def acquire(self, client: str, *, timeout: float):
        """A worker for ``client``, or None after ``timeout`` seconds; raises :class:`Busy` if over a cap."""
        with self._cond:
            mine = sum(1 for c in self._waiting.values() if c == client)
            if mine >= self.waiting_per_client:
                raise Busy(429, f"this client already has {self._running.get(client, 0)} queries running and {mine} "
                                f"waiting; wait for them before sending more")
            if len(self._waiting) >= self.max_waiting:
                raise Busy(503, f"{len(self._waiting)} queries are waiting for a worker; try again shortly")
            ticket = next(self._tickets)
            self._waiting[ticket] = client
            deadline = time.monotonic() + timeout
            try:
                while not self._turn(ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._cond.wait(left)
                self._running[client] += 1
                return self._free.pop()
            finally:
                del self._waiting[ticket]
                self._cond.notify_all()

    def done(self, client: str, worker=None) -> None:
        """The client's query finished; ``worker`` goes back to the pool (None: it was killed)."""
        with self._cond:
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            if worker is not None:
                self._free.append(worker)
            self._cond.notify_all()

    def release(self, worker) -> None:
        """A new (or replacement) worker joins the pool."""
        with self._cond:
            self._free.append(worker)
            self._cond.notify_all()
