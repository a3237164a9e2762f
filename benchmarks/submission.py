"""Checking and merging a 1k-triple submission against a large synthetic graph (issue 9 item 3).

Writes ``benchmarks/synthetic.py`` data at the given size into a temporary folder, a submission of
about 1k triples (new compute commitments between existing organizations, citing a new source),
then times, in one process: opening the graph, ``kg validate`` (:func:`kg.submissions.api.check`,
with the reasoner's consistency check) and ``kg add`` (:func:`kg.submissions.api.add`: check,
derive, write, prove). Past ``FULL_GRAPH_LIMIT`` triples the shapes and the reasoner see only the
submission's neighbourhood; ``--full`` forces the whole graph for comparison.

    python benchmarks/submission.py --triples 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

from kg import KnowledgeGraph  # noqa: E402
from kg.submissions import api, consistency  # noqa: E402

HEAD = """@prefix ag: <https://w3id.org/ai-industry/agent/> .
@prefix ai: <https://w3id.org/ai-industry/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix deal: <https://w3id.org/ai-industry/deal/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix src: <https://w3id.org/ai-industry/source/> .

src:990_benchmark00000000 a ai:Source ; dcterms:identifier "990_benchmark00000000.txt" ;
    dcterms:title "[Benchmark: an invented announcement]"@en ; ai:sourceKind ai:Commentary .
"""


def submission(clusters: int, deals: int) -> str:
    parts = [HEAD]
    for n in range(deals):
        a, b = (n * 7) % clusters, (n * 13 + 1) % clusters
        parts.append(f"""deal:bench-{n}-compute a ai:ComputeCommitment ;
    rdfs:label "Benchmark compute deal {n}" ;
    ai:buyer ag:syn{a}-lab-a ; ai:provider ag:syn{b}-cloud-y ;
    ai:amount [ a schema:MonetaryAmount ; schema:value {n + 1}000000000.0 ; schema:currency "USD" ; ai:qualifier ai:Exact ;
                prov:wasDerivedFrom src:990_benchmark00000000 ] ;
    ai:term [ a schema:QuantitativeValue ; schema:value 5.0 ; schema:unitText "years" ; ai:qualifier ai:Exact ;
              prov:wasDerivedFrom src:990_benchmark00000000 ] ;
    prov:wasDerivedFrom src:990_benchmark00000000 .
""")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=65, help="deals in the submission (about 15 triples each)")
    parser.add_argument("--full", action="store_true", help="check against the whole graph, not the neighbourhood")
    args = parser.parse_args()
    if args.full:
        consistency.FULL_GRAPH_LIMIT = 10**9
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        clusters = synthetic.clusters_for(args.triples)
        synthetic.write(data, clusters)
        sub = Path(tmp) / "submission.ttl"
        sub.write_text(submission(clusters, args.deals), encoding="utf-8")
        record = {"triples_target": args.triples, "clusters": clusters, "scope": "graph" if args.full else "auto"}
        t = time.perf_counter()
        graph = KnowledgeGraph(data=data, cache=False)
        record["asserted_triples"] = len(graph.asserted())
        record["open_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        report = api.check(graph, sub)
        record["validate_s"] = round(time.perf_counter() - t, 2)
        record["validate_exit"] = report.exit_code
        record["errors"] = [f.message for f in report.errors][:3]
        t = time.perf_counter()
        outcome = api.add(graph, sub)
        record["add_s"] = round(time.perf_counter() - t, 2)
        record["add_exit"] = outcome.exit_code
        record["added_triples"] = outcome.report.summary.get("added_triples")
        record["reasoned_over"] = outcome.report.summary.get("reasoned_over")
        record["derived"] = len(outcome.report.summary.get("derived") or [])
        print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
