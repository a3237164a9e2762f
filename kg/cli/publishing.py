"""``kg publish DIR`` and ``kg serve``: the linked-data commands (registered through kg.cli)."""

from __future__ import annotations

import argparse
import sys

from kg.cli.main import command, open_graph
from kg.publishing.describe import BASE
from kg.errors import InputError


def _publish_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", metavar="DIR", help="folder to write the site into (created if missing)")
    parser.add_argument("--base-url", default=BASE, help=f"where the site will be hosted, for the dataset "
                        f"description's links (default: {BASE})")
    parser.add_argument("--endpoint", metavar="URL", dest="describe_endpoint",
                        help="SPARQL endpoint to name in the description (default: BASE-URL + sparql); "
                             "here it names the endpoint, the graph is read from the folders or --store")


@command("publish", help="write a static linked-data site: entity pages (HTML + Turtle + JSON-LD), dumps, "
         "VoID/DCAT, ontology docs", configure=_publish_args, overrides=("--endpoint",))
def publish(args: argparse.Namespace) -> int:
    from kg.publishing.site import publish as write_site

    base = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    report = write_site(open_graph(args), args.dir, base=base, endpoint=args.describe_endpoint)
    print(f"kg: wrote {report.files} files ({report.entities} entity pages, {len(report.dumps)} dumps) to "
          f"{args.dir}; open {args.dir}/index.html", file=sys.stderr)
    return 0


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                        "machine only; 0.0.0.0 opens it to the network)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--base-url", metavar="URL", help="the address clients use, for links and /void.ttl "
                        "(default: http://HOST:PORT/; the Host header is never trusted)")
    limits = parser.add_argument_group("limits (see the README's Server section)")
    limits.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run, waiting included "
                        "(default: 10)")
    limits.add_argument("--max-rows", type=int, default=10000, help="largest result, rows or triples (default: 10000)")
    limits.add_argument("--workers", type=int, default=3, help="query worker processes (default: 3)")
    limits.add_argument("--per-client", type=int, default=1, help="queries one client address may run at once "
                        "(default: 1; two more may wait)")
    limits.add_argument("--threads", type=int, default=8, help="request threads (default: 8)")
    limits.add_argument("--connections", type=int, default=64, help="open connections (default: 64)")
    limits.add_argument("--connections-per-client", type=int, default=16, help="open connections from one client "
                        "address (default: 16; past that 429)")


#: Upper bounds for the limits a user may set: beyond them a typo, not a wish.
_BOUNDS = {"timeout": 3600, "max_rows": 1_000_000, "workers": 32, "per_client": 32, "threads": 64,
           "connections": 1024, "connections_per_client": 1024}


@command("serve", help="read-only HTTP server: SPARQL 1.1 endpoint at /sparql, entity IRIs by content "
         "negotiation, stored queries at /queries/NAME", configure=_serve_args)
def serve(args: argparse.Namespace) -> int:
    from kg.publishing.server import Limits, serve as run

    for name, most in _BOUNDS.items():
        value = getattr(args, name)
        if not 0 < value <= most:
            raise InputError(f"--{name.replace('_', '-')} must be more than 0 and at most {most}, got {value:g}")
    if not 0 <= args.port < 65536:
        raise InputError(f"--port must be 0-65535, got {args.port}")
    limits = Limits(timeout=args.timeout, max_rows=args.max_rows, workers=args.workers, per_client=args.per_client,
                    threads=args.threads, connections=args.connections,
                    connections_per_client=args.connections_per_client)
    try:
        run(open_graph(args), host=args.host, port=args.port, limits=limits, base_url=args.base_url)
    except OSError as error:
        raise InputError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    return 0
