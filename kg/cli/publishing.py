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
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run (default: 10)")
    parser.add_argument("--max-rows", type=int, default=10000, help="largest result, rows or triples (default: 10000)")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes (default: 2)")


@command("serve", help="read-only HTTP server: SPARQL 1.1 endpoint at /sparql, entity IRIs by content "
         "negotiation, stored queries at /queries/NAME", configure=_serve_args)
def serve(args: argparse.Namespace) -> int:
    from kg.publishing.server import Limits, serve as run

    if args.timeout <= 0 or args.max_rows <= 0 or args.workers <= 0 or not 0 <= args.port < 65536:
        raise InputError("--timeout, --max-rows and --workers must be positive, --port 0-65535")
    limits = Limits(timeout=args.timeout, max_rows=args.max_rows, workers=args.workers)
    try:
        run(open_graph(args), host=args.host, port=args.port, limits=limits)
    except OSError as error:
        raise InputError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    return 0
