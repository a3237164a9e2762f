"""Issue 10 ("Server"): ``kg serve`` against a hostile client, on a real server on 127.0.0.1.

Each case is one the issue measured on the old server: a negative or huge Content-Length, a
chunked body over the limit, headers trickled a byte at a time, idle connections, a thread per
connection, the Host header copied into /void.ttl and keying a cache, two clients' heavy queries
starving a third's trivial ones, updates and SERVICE. Every loop here is bounded and stops by itself.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from kg import KnowledgeGraph
from kg.cli import main
from kg.publishing.http import wait_until
from kg.publishing.server import Limits, make_server

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK { <https://w3id.org/ai-industry/agent/anthropic> ?p ?o }"
LIMITS = Limits(timeout=4.0, workers=3, per_client=1, threads=4, connections=24, connections_per_client=14,
                header_timeout=2.0, idle_timeout=3.0, max_body=65536, cache_entries=50)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    kg = KnowledgeGraph(cache_folder=tmp_path_factory.mktemp("cache"))
    server = make_server(kg, host="127.0.0.1", port=0, limits=LIMITS, quiet=True,
                         base_url="https://kg.example.org/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    server.app.pool.close()


def request(server, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None,
            source: str = "127.0.0.1", timeout: float = 30):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw(server, data: bytes, *, wait: float = 10) -> bytes:
    """Send bytes as they are (no client library fixing them) and read the reply."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def test_negative_content_length_is_refused(server):
    reply = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        b"Content-Length: -1\r\n\r\n" + b"q" * 1000)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:100]


def test_huge_content_length_is_refused_before_the_body_is_read(server):
    started = time.monotonic()
    reply = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        b"Content-Length: 400000000\r\n\r\nSELECT")
    assert reply.startswith(b"HTTP/1.1 413"), reply[:100]
    assert time.monotonic() - started < 5


def test_chunked_body_over_the_limit_is_refused(server):
    chunk = b"x" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"  # 160 KiB
    reply = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n" + body)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:100]


def test_trickled_headers_are_cut_after_the_header_timeout(server):
    """Slowloris: one header byte every 0.3 s; the connection is closed after about header_timeout."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=1) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started, closed = time.monotonic(), False
        for _ in range(60):  # at most 18 s
            try:
                sock.sendall(b"X")
                time.sleep(0.3)
                sock.setblocking(False)
                try:
                    if sock.recv(1024) == b"":
                        closed = True
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
            if closed:
                break
        elapsed = time.monotonic() - started
    assert closed and elapsed < LIMITS.header_timeout + 4, elapsed


def test_idle_connections_are_closed(server):
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=LIMITS.idle_timeout + 5) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # the server hangs up; no data ever came
    assert time.monotonic() - started < LIMITS.idle_timeout + 4


def test_many_slow_connections_hold_no_threads_and_others_are_served(server):
    before = threading.active_count()
    socks = []
    try:
        for _ in range(LIMITS.connections // 2):
            sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
            socks.append(sock)
        wait_until(lambda: server.open_connections() >= len(socks), 5)
        assert threading.active_count() - before <= 1, "a thread per connection"
        assert server.threads == LIMITS.threads
        status, _, _ = request(server, "GET", "/agent/anthropic.ttl")
        assert status == 200
    finally:
        for sock in socks:
            sock.close()


def test_the_host_header_is_not_trusted(server):
    cached_before = len(server.app._cache)
    for number in range(80):
        status, _, body = request(server, "GET", "/void.ttl", headers={"Host": f"evil{number}.example"})
        assert status == 200 and b"evil" not in body
    assert b"https://kg.example.org/sparql" in body
    assert len(server.app._cache) <= LIMITS.cache_entries
    assert len(server.app._cache) <= cached_before + 1, "one cached description, whatever the Host"
    status, _, body = request(server, "GET", "/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert status == 200 and b"evil" not in body and b"<https://kg.example.org/sparql>" in body


@pytest.mark.parametrize("argv", [["--max-rows", "-1"], ["--max-rows", "99999999999"], ["--timeout", "0"],
                                  ["--workers", "0"], ["--port", "70000"], ["--connections", "-5"]])
def test_serve_refuses_limits_out_of_range(argv, capsys):
    assert main(["serve", *argv]) == 2
    assert "must be" in capsys.readouterr().err


def test_limits_validated_in_the_api():
    with pytest.raises(Exception, match="must be positive"):
        Limits(max_rows=-1)


@pytest.mark.parametrize("value", ["-1", "99999999999", "ten"])
def test_query_string_limits_are_refused(server, value):
    status, _, body = request(server, "GET", "/queries/investments?" + urlencode({"limit": value}))
    assert status == 400, body


def test_a_select_the_client_cannot_read_gets_406(server):
    status, _, body = request(server, "GET", "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}),
                              headers={"Accept": "text/turtle"})
    assert status == 406 and b"application/sparql-results+json" in body


def test_html_pages_carry_a_content_security_policy(server):
    for path in ("/", "/agent/anthropic", "/query", "/ontology"):
        status, headers, body = request(server, "GET", path, headers={"Accept": "text/html"})
        policy = headers.get("Content-Security-Policy", "")
        assert status == 200 and "default-src 'none'" in policy and "script-src" in policy, path
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert b'http-equiv="Content-Security-Policy"' in body, "the static copy carries it too"


def test_read_only_methods(server):
    for method in ("PUT", "DELETE", "PATCH"):
        assert request(server, method, "/agent/anthropic")[0] == 405


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . #x\nSERVICE<http://127.0.0.1:9/>{?s ?p ?o} }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/> WHERE { ?s ?p ?o }",
])
def test_service_and_from_refused_in_every_spelling(server, query):
    status, _, body = request(server, "GET", "/sparql?" + urlencode({"query": query}))
    assert status == 400 and b"refused" in body


def test_a_third_clients_trivial_queries_are_not_starved_by_two_heavy_clients(server):
    """Two clients each keep a heavy query running; a third client's trivial queries are answered fast."""
    assert wait_until(lambda: server.app.pool.idle() >= LIMITS.workers, 60)
    stop = time.monotonic() + LIMITS.timeout * 2
    heavy_statuses: list[int] = []

    def heavy(source: str) -> None:
        while time.monotonic() < stop:  # bounded: ends after two time limits
            heavy_statuses.append(request(server, "GET", "/sparql?" + urlencode({"query": HEAVY}), source=source)[0])

    threads = [threading.Thread(target=heavy, args=(s,), daemon=True) for s in ("127.0.0.2", "127.0.0.3")]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    latencies = []
    for _ in range(5):
        started = time.monotonic()
        status, _, body = request(server, "GET", "/sparql?" + urlencode({"query": TRIVIAL}), source="127.0.0.4",
                                  headers={"Accept": "application/sparql-results+json"})
        latencies.append(time.monotonic() - started)
        assert status == 200 and b"true" in body
    for thread in threads:
        thread.join(LIMITS.timeout * 4)
    assert max(latencies) < LIMITS.timeout / 2, latencies
    assert 503 in heavy_statuses, "the heavy queries themselves hit the time limit"
    wait_until(lambda: server.app.pool.idle() >= LIMITS.workers, 60)


def test_one_client_cannot_queue_without_limit(server):
    """A client with one query running and two waiting gets 429 for a fourth, at once."""
    assert wait_until(lambda: server.app.pool.idle() >= LIMITS.workers, 60)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(
        request(server, "GET", "/sparql?" + urlencode({"query": HEAVY}), source="127.0.0.5")[0]), daemon=True)
        for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    started = time.monotonic()
    status, _, body = request(server, "GET", "/sparql?" + urlencode({"query": TRIVIAL}), source="127.0.0.5")
    assert status == 429 and time.monotonic() - started < 2, body
    for thread in threads:
        thread.join(LIMITS.timeout * 4)
    assert sorted(results) == [503, 503, 503]
    wait_until(lambda: server.app.pool.idle() >= LIMITS.workers, 60)


def test_one_address_cannot_take_every_connection(server):
    """Slowloris from one address: past its share the connections are refused; another client is served at once."""
    socks, refused = [], 0
    try:
        for _ in range(LIMITS.connections):  # bounded: as many as the server has in all
            sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5,
                                            source_address=("127.0.0.6", 0))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            socks.append(sock)
        time.sleep(0.5)
        for sock in socks:
            sock.setblocking(False)
            try:
                if sock.recv(1024).startswith(b"HTTP/1.1 429"):
                    refused += 1
            except BlockingIOError:
                pass
        assert refused == LIMITS.connections - LIMITS.connections_per_client
        started = time.monotonic()
        assert request(server, "GET", "/agent/anthropic.ttl", source="127.0.0.7")[0] == 200
        assert time.monotonic() - started < 2
    finally:
        for sock in socks:
            sock.close()
