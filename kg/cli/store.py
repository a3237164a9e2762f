"""``kg load`` and ``kg push``: put the graph where it can outgrow one process, or one machine."""

from __future__ import annotations

import argparse

from kg.cli.main import command, open_graph, progress, write


def _load_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", metavar="DIR", help="the store folder (same as --store DIR)")


@command("load", help="build an on-disk store from the folders (asserted and inferred graphs); "
                      "then `kg --store DIR COMMAND` opens it in well under a second", configure=_load_args)
def load(args: argparse.Namespace) -> int:
    from kg.errors import InputError
    from kg.knowledge_graph import KnowledgeGraph

    target = args.target or args.store
    if not target:
        raise InputError("kg load: name the store folder: kg load --store DIR")
    if args.endpoint:
        raise InputError("kg load builds a local store; to fill an endpoint use kg push --endpoint URL")
    graph = KnowledgeGraph.build_store(target, ontology=args.ontology, data=args.data, shapes=args.shapes,
                                       queries=args.queries, cache=not args.no_cache, cache_folder=args.cache_dir,
                                       progress=progress, **({"reasoner": args.reasoner} if args.reasoner else {}))
    from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH

    write(f"store        {target}\nfiles        {len(graph.files)}\n"
          f"asserted     {graph.store.count(ASSERTED_GRAPH)}\ninferred     {graph.store.count(INFERRED_GRAPH)}\n")
    return 0


def _push_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph-store", metavar="URL",
                        help="the Graph Store Protocol address (default: the endpoint's sibling /store, as on Oxigraph server)")


@command("push", help="load the asserted and inferred graphs into a SPARQL store (Graph Store Protocol PUT, "
                      "one graph per file, plus graph/asserted and graph/inferred)", configure=_push_args)
def push_command(args: argparse.Namespace) -> int:
    from kg.errors import InputError
    from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
    from kg.store.endpoint import graph_store_url, push

    if not args.endpoint:
        raise InputError("kg push: name the endpoint: kg push --endpoint URL [--graph-store URL]")
    url = graph_store_url(args.endpoint, args.graph_store)
    endpoint, args.endpoint = args.endpoint, None  # read the graph from the folders (or --store), push it there
    graph = open_graph(args)
    graph.reason()
    names = [f.graph for f in graph.files] + [ASSERTED_GRAPH, INFERRED_GRAPH]
    pushed = push(graph.store, sorted(set(names)), url, progress=progress)
    for name, count in pushed.items():
        write(f"{count:>9}  {name}\n")
    write(f"pushed {len(pushed)} graphs ({sum(pushed.values())} triples) to {url}; query them with --endpoint {endpoint}\n")
    return 0
