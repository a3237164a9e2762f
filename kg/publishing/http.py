"""The HTTP plumbing of ``kg serve``: waitress, with limits that hold against a hostile client.

The standard library's ``ThreadingHTTPServer`` gives every connection a thread for as long as the
client likes and trusts ``Content-Length`` (``-1`` skipped the body limit). Waitress, a
well-kept pure-Python WSGI server, reads requests in one event loop and hands only complete ones
to a fixed pool of threads, so a slow client costs a socket, not a thread; it refuses a
``Content-Length`` that is not digits (400) and bodies over the limit, chunked or not (413), and
caps open connections. Added here: a cap on connections per client address, and a deadline for
receiving a request's headers and body (``header_timeout``), so that headers trickled a byte at a
time (slowloris) are cut even though the connection is never idle; waitress's own ``channel_timeout`` closes idle keep-alive connections.
"""

from __future__ import annotations

import logging
import threading
import time
import types

from waitress import wasyncore
from waitress.server import create_server

__all__ = ["HTTPServer"]


def _maintenance(server, now: float, *, header_timeout: float, original) -> None:
    """Waitress's idle sweep, plus: a request still arriving after ``header_timeout`` s closes its connection."""
    original(now)
    for channel in list(server.active_channels.values()):
        request = channel.request
        if request is None or channel.requests or request.completed:
            continue
        started = getattr(request, "_kg_started", None)
        if started is None:
            request._kg_started = started = now  # first seen by this sweep, which runs every second
        if now - started > header_timeout:
            channel.will_close = True


def _channel_factory(server, channel_class, per_client: int):
    """Waitress's channel class, refusing a client address that already holds ``per_client`` connections.

    Without it one address could take every connection slot with trickled requests and make everyone
    else wait in the listen queue until the header timeout frees them.
    """

    def make(srv, conn, addr, adj, map=None):  # noqa: A002 - waitress's signature
        host = addr[0] if isinstance(addr, tuple) else addr
        mine = sum(1 for channel in list(server.active_channels.values())
                   if isinstance(channel.addr, tuple) and channel.addr[0] == host)
        if mine >= per_client:
            try:
                conn.sendall(b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                             b"Content-Length: 45\r\n\r\ntoo many connections from this address; wait\n")
            except OSError:
                pass
            conn.close()
            return None
        return channel_class(srv, conn, addr, adj, map=map)

    return make


class HTTPServer:
    """A waitress server on ``host:port`` for the WSGI ``app``; ``serve_forever``/``shutdown`` as in http.server."""

    def __init__(self, app, *, host: str, port: int, threads: int, connections: int, max_body: int,
                 max_header: int, header_timeout: float, idle_timeout: float, quiet: bool,
                 connections_per_client: int = 16):
        self.app = app
        self._server = create_server(
            app, host=host, port=port, threads=threads, connection_limit=connections,
            max_request_body_size=max_body, max_request_header_size=max_header, channel_timeout=idle_timeout,
            cleanup_interval=1, ident="kg-serve", expose_tracebacks=False, clear_untrusted_proxy_headers=True,
            asyncore_use_poll=True, _start=True)
        self._server.maintenance = types.MethodType(
            lambda server, now: _maintenance(server, now, header_timeout=header_timeout,
                                             original=type(server).maintenance.__get__(server)), self._server)
        self._server.channel_class = _channel_factory(self._server, type(self._server).channel_class,
                                                      connections_per_client)
        if quiet:
            self._server.log_info = lambda *args, **kwargs: None
            logging.getLogger("waitress").setLevel(logging.ERROR)
        self.server_address = (self._server.effective_host, int(self._server.effective_port))
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        try:
            self._server.run()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop the loop from another thread: the close runs in the loop's own thread, through its trigger."""
        server = self._server

        def close() -> None:
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            wasyncore.close_all(server.map, ignore_all=True)

        server.trigger.pull_trigger(close)
        self._stopped.wait(10)

    def server_close(self) -> None:
        if not self._stopped.is_set():
            self._server.close()

    @property
    def threads(self) -> int:
        return len(self._server.task_dispatcher.threads)

    def open_connections(self) -> int:
        return len(self._server.active_channels)


def wait_until(predicate, timeout: float) -> bool:
    """Poll ``predicate`` until true or ``timeout`` s (for tests and shutdown)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
