"""Synthetic data shaped like ``data/*.ttl``, at any size, for the scaling benchmark.

The curated graph is too small (~1.8k triples) to show how loading, reasoning, validation and the
stored queries grow, and real data of 100k triples does not exist yet. This module writes a world
of *clusters*: each is a small copy of the curated industry (two labs, two clouds, a chip maker and
a fund, with investments, compute commitments whose value nodes cite sources, supply, partnerships,
competition, two rival camps with membership nodes, model availability, a stake, a valuation,
temporal orders, claims, sources; details that not every source of their node states, reified with
their own sources, and a rivalry that is one reading of an ambiguous passage, as in the curated data),
so every analyst query returns rows: money loops direct and
through the supply chain, rival backers, frenemies, shared suppliers of rival camps.

Clusters are tied to their neighbour (the fund backs the next cluster's lab, which competes with
its own; chip makers compete across clusters), and a few global hubs (one chip maker supplying
clouds everywhere, one fund backing labs everywhere) give the skewed degrees real industries have:
NVIDIA supplies everyone. Hub degrees grow with the graph, as they would.

Deterministic: the same ``clusters`` and ``seed`` give byte-identical files. Run alone to write a
folder, e.g. ``python benchmarks/synthetic.py --triples 10000 OUT``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

__all__ = ["write", "clusters_for"]

#: Asserted data triples one cluster adds (measured; the ontology adds 826 more).
TRIPLES_PER_CLUSTER = 477
ONTOLOGY_TRIPLES = 826

PREFIXES = """@prefix ag:      <https://w3id.org/ai-industry/agent/> .
@prefix ai:      <https://w3id.org/ai-industry/ontology#> .
@prefix claim:   <https://w3id.org/ai-industry/claim/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix deal:    <https://w3id.org/ai-industry/deal/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix prod:    <https://w3id.org/ai-industry/product/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix src:     <https://w3id.org/ai-industry/source/> .
@prefix unit:    <http://qudt.org/vocab/unit/> .

"""


def clusters_for(triples: int) -> int:
    """How many clusters give about ``triples`` asserted triples (ontology included)."""
    return max(1, round((triples - ONTOLOGY_TRIPLES) / TRIPLES_PER_CLUSTER))


def _src(i: int, k: int) -> str:
    return f"src:{i:05d}{k}_{hashlib.sha1(f'{i}/{k}'.encode()).hexdigest()[:16]}"


def _money(field: str, number: float, qualifier: str, source: str) -> str:
    prop = {"Exact": "value", "Roughly": "value", "UpTo": "maxValue", "MoreThan": "minValue",
            "OrderOfMagnitude": "minValue"}[qualifier]
    magnitude = "ai:magnitude ai:Billions ; " if qualifier == "OrderOfMagnitude" else ""  # "billions", as the shapes ask
    return (f'[ a schema:MonetaryAmount ; schema:{prop} {number:.1f} ; schema:currency "USD" ; '
            f"ai:qualifier ai:{qualifier} ; {magnitude}prov:wasDerivedFrom {source} ]")


def _stated(subject: str, predicate: str, obj: str, *sources: str) -> str:
    """A reification naming the sources that state one triple (fewer than its node's; docs/model-guide.md)."""
    return (f"[] a rdf:Statement ; rdf:subject {subject} ; rdf:predicate {predicate} ; rdf:object {obj} ; "
            f"prov:wasDerivedFrom {' , '.join(sources)} .\n")


def _cluster(i: int, n: int, rng: random.Random) -> dict[str, str]:
    """The Turtle of cluster ``i`` of ``n``, by file stem."""
    j = (i + 1) % n
    s = [_src(i, k) for k in range(5)]
    two = f"{s[0]} , {s[1]}"
    lab_a, lab_b, cx, cy, chip, fund = (f"ag:syn{i}-{x}" for x in ("lab-a", "lab-b", "cloud-x", "cloud-y", "chip", "fund"))
    camp_a, camp_b, person = f"ag:syn{i}-camp-a", f"ag:syn{i}-camp-b", f"ag:syn{i}-ceo"
    m_a, m_b, px, py, gpu = (f"prod:syn{i}-{x}" for x in ("model-a", "model-b", "platform-x", "platform-y", "gpu"))
    d = f"deal:syn{i}-"
    b = rng.randint(1, 90)  # vary the figures a little, deterministically
    out = {}
    out["sources"] = "".join(
        f'{x} a ai:Source ; dcterms:identifier "{x[4:]}.txt" ; dcterms:title "Synthetic article {i}.{k}"@en ; '
        f"ai:sourceKind ai:{'NewsArticle' if k % 2 else 'Commentary'} .\n" for k, x in enumerate(s))
    orgs = [(lab_a, "ai:AILab", "Lab A"), (lab_b, "ai:AILab", "Lab B"), (cx, "ai:CloudProvider , ai:TechnologyCompany", "Cloud X"),
            (cy, "ai:CloudProvider , ai:TechnologyCompany", "Cloud Y"), (chip, "ai:ChipMaker", "Chips"), (fund, "ai:InvestmentFirm", "Fund")]
    out["organizations"] = "".join(f'{iri} a {kind} ; rdfs:label "{label} {i}" ; prov:wasDerivedFrom {two} .\n'
                                   for iri, kind, label in orgs) + (
        f'{person} a ai:Person ; rdfs:label "Chief {i}" ; prov:wasDerivedFrom {s[0]} .\n'
        f'{person}-employment a ai:Employment ; rdfs:label "Chief {i}, CEO of Lab A {i}" ; org:member {person} ; '
        f"org:organization {lab_a} ; org:role ai:ChiefExecutiveOfficer ; prov:wasDerivedFrom {s[0]} .\n")
    prods = [(m_a, "ai:ModelFamily", "Model A", lab_a), (m_b, "ai:ModelFamily", "Model B", lab_b),
             (px, "ai:CloudPlatform", "Platform X", cx), (py, "ai:CloudPlatform", "Platform Y", cy), (gpu, "ai:Accelerator", "GPU", chip)]
    out["products"] = "".join(f'{iri} a {kind} ; rdfs:label "{label} {i}" ; ai:maker {maker} ; prov:wasDerivedFrom {s[2]} .\n'
                              for iri, kind, label, maker in prods)
    inv = [("cloud-x-lab-a", cx, lab_a, [_money("amount", b * 1e9, "Exact", s[2]), _money("amount", b * 1e9, "UpTo", s[4])]),
           ("chip-lab-a", chip, lab_a, [_money("amount", 2 * b * 1e9, "UpTo", s[2])]),
           ("fund-lab-a", fund, lab_a, []), ("fund-lab-b", fund, lab_b, []),
           ("cloud-y-lab-b", cy, lab_b, [_money("amount", 1e9, "OrderOfMagnitude", s[1])]),
           ("chip-lab-b", chip, lab_b, []),
           ("fund-next-lab-a", fund, f"ag:syn{j}-lab-a", [_money("amount", 3e8, "MoreThan", s[3])])]
    out["investments"] = "".join(
        f'{d}{name} a ai:Investment ; rdfs:label "Investment {name} {i}" ; ai:investor {a} ; ai:investee {e} ; '
        + "".join(f"ai:amount {m} ; " for m in money) + f"ai:includesEquity true ; prov:wasDerivedFrom {two} .\n"
        for name, a, e, money in inv) + (
        f'{d}cloud-x-lab-b-stake a ai:OwnershipStake ; rdfs:label "Cloud X {i} stake in Lab B {i}" ; ai:holder {cx} ; ai:company {lab_b} ; '
        f'ai:percentage [ a schema:QuantitativeValue ; schema:value 27.0 ; schema:unitCode unit:PERCENT ; ai:qualifier ai:Exact ; '
        f"prov:wasDerivedFrom {s[0]} ] ; prov:wasDerivedFrom {s[0]} .\n"
        f'{d}lab-a-valuation a ai:Valuation ; rdfs:label "Lab A {i} valuation" ; ai:company {lab_a} ; '
        f"ai:amount {_money('amount', 10 * b * 1e9, 'Exact', s[2])} ; prov:wasDerivedFrom {s[2]} .\n"
        + _stated(f"{d}cloud-x-lab-a", "ai:includesEquity", "true", s[1]))
    out["compute"] = (
        f'{d}lab-a-cloud-x-compute a ai:ComputeCommitment ; rdfs:label "Lab A {i} compute on Platform X {i}" ; '
        f"ai:buyer {lab_a} ; ai:provider {cx} ; ai:platform {px} ; ai:hardware {gpu} ; "
        f"ai:amount {_money('amount', 3 * b * 1e9, 'Exact', s[2])} , {_money('amount', 3 * b * 1e9, 'Roughly', s[4])} ; "
        f'ai:capacity [ a schema:QuantitativeValue ; schema:maxValue 1.0 ; schema:unitCode unit:GigaW ; ai:qualifier ai:UpTo ; '
        f'schema:description "additional capacity"@en ; prov:wasDerivedFrom {s[3]} ] ; '
        f"ai:partOfDeal {d}three-way-partnership ; prov:wasDerivedFrom {two} , {s[2]} .\n"
        f'{d}lab-b-cloud-y-compute a ai:ComputeCommitment ; rdfs:label "Lab B {i} compute on Platform Y {i}" ; '
        f"ai:buyer {lab_b} ; ai:provider {cy} ; ai:platform {py} ; ai:amount {_money('amount', 4 * b * 1e9, 'Exact', s[1])} ; "
        f'ai:term [ a schema:QuantitativeValue ; schema:value 7.0 ; schema:unitCode unit:YR ; ai:qualifier ai:Exact ; '
        f'schema:description "7-year"@en ; prov:wasDerivedFrom {s[1]} ] ; ai:includesEquity false ; prov:wasDerivedFrom {s[1]} .\n'
        f'{d}lab-a-cloud-y-compute a ai:ComputeCommitment ; rdfs:label "Lab A {i} compute on Cloud Y {i}" ; '
        f"ai:buyer {lab_a} ; ai:provider {cy} ; ai:hardwareQuantity [ a schema:QuantitativeValue ; schema:value 100000.0 ; "
        f'schema:unitText "GPU" ; ai:qualifier ai:Exact ; prov:wasDerivedFrom {s[0]} ] ; '
        f"ai:amount {_money('amount', 1e9, 'OrderOfMagnitude', s[0])} ; prov:wasDerivedFrom {s[0]} .\n"
        f'{d}chip-cloud-x-supply a ai:SupplyRelationship ; rdfs:label "Chips {i} for Cloud X {i}" ; ai:supplier {chip} ; '
        f"ai:customer {cx} ; ai:suppliedProduct {gpu} ; ai:partOfDeal {d}three-way-partnership ; prov:wasDerivedFrom {s[3]} .\n"
        f'{d}chip-lab-a-supply a ai:SupplyRelationship ; rdfs:label "Chip systems {i} for Lab A {i}" ; ai:supplier {chip} ; '
        f"ai:customer {lab_a} ; ai:amount {_money('amount', 1e9, 'OrderOfMagnitude', s[2])} ; prov:wasDerivedFrom {s[2]} .\n"
        f'{d}chip-camp-b-supply a ai:SupplyRelationship ; rdfs:label "Chips {i} for camp B {i}" ; ai:supplier {chip} ; '
        f"ai:customer {camp_b} ; prov:wasDerivedFrom {s[2]} .\n"
        f'{d}chip-camp-a-supply a ai:SupplyRelationship ; rdfs:label "Chips {i} for camp A {i}" ; ai:supplier {chip} ; '
        f"ai:customer {camp_a} ; prov:wasDerivedFrom {s[2]} .\n"
        + _stated(f"{d}lab-a-cloud-x-compute", "ai:hardware", gpu, s[0], s[2]))
    out["partnerships"] = (
        f'{d}three-way-partnership a ai:Partnership ; rdfs:label "Cloud X, Chips and Lab A {i} partnership" ; '
        f"ai:party {cx} , {chip} , {lab_a} ; ai:partnershipKind ai:StrategicPartnership ; "
        f"ai:headlineTotal {_money('headlineTotal', 5 * b * 1e9, 'MoreThan', s[2])} , {_money('headlineTotal', 6 * b * 1e9, 'Exact', s[4])} ; "
        f"ai:announcedOnDayOfWeek schema:Tuesday ; prov:wasDerivedFrom {two} .\n"
        f'{d}lab-a-cloud-x-partnership a ai:Partnership ; rdfs:label "Lab A and Cloud X {i} partnership" ; ai:party {lab_a} , {cx} ; '
        f"ai:partnershipKind ai:Distribution ; ai:partOfDeal {d}three-way-partnership ; prov:wasDerivedFrom {s[0]} .\n"
        f'{d}lab-b-cloud-y-partnership a ai:Partnership ; rdfs:label "Lab B and Cloud Y {i} partnership" ; ai:party {lab_b} , {cy} ; '
        f"ai:partnershipKind ai:CloudPartnership ; prov:wasDerivedFrom {s[1]} .\n"
        + _stated(f"{d}three-way-partnership", "ai:announcedOnDayOfWeek", "schema:Tuesday", s[1])
        + _stated(f"{d}three-way-partnership", "ai:partnershipKind", "ai:StrategicPartnership", s[0]))
    reading = f"ai:readingOf claim:syn{i}-ambiguity ; "  # Lab A against Cloud Y is one reading of an ambiguous passage
    comps = [("labs", lab_a, lab_b, "AIModelsField"), ("clouds", cx, cy, "CloudField"), ("lab-a-cloud-y", lab_a, cy, "UnspecifiedField"),
             ("lab-a-cloud-x", lab_a, cx, "ProductivityToolsField"), ("camps", camp_a, camp_b, "AIModelsField"),
             ("camp-a-lab-b", camp_a, lab_b, "AIModelsField"), ("next-lab-a", lab_a, f"ag:syn{j}-lab-a", "AIModelsField"),
             ("next-chip", chip, f"ag:syn{j}-chip", "ChipsField")]
    out["competition"] = "".join(
        f'{d}{name}-competition a ai:Competition ; rdfs:label "Competition {name} {i}" ; ai:competitor {x} , {y} ; '
        f"ai:field ai:{field} ; {reading if name == 'lab-a-cloud-y' else ''}prov:wasDerivedFrom {s[k % 5]} .\n"
        for k, (name, x, y, field) in enumerate(comps) if n > 1 or x != y)
    members = [(camp_a, lab_a), (camp_a, cx), (camp_a, chip), (camp_b, lab_b), (camp_b, cy)]
    out["alliances"] = (
        f'{camp_a} a ai:Alliance ; rdfs:label "Camp A {i}" ; ai:allianceKind ai:DealBackedAlliance ; '
        f"ai:allianceDeal {d}lab-a-cloud-x-compute , {d}chip-lab-a ; "
        f"ai:equityTotal {_money('equityTotal', 3 * b * 1e9, 'Exact', s[2])} ; prov:wasDerivedFrom {s[2]} .\n"
        f'{camp_b} a ai:Alliance ; rdfs:label "Camp B {i}" ; ai:allianceKind ai:InformalAlliance ; prov:wasDerivedFrom {s[1]} .\n'
        + "".join(f'{d}{m[3:]}-in-{c[3:]} a ai:AllianceMembership ; rdfs:label "{m[3:]} in {c[3:]}" ; ai:alliance {c} ; '
                  f"ai:member {m} ; prov:wasDerivedFrom {s[2]} .\n" for c, m in members))
    offers = [(m_a, px), (m_a, py), (m_b, py)]
    out["availability"] = "".join(
        f'{d}{m[5:]}-on-{p[5:]} a ai:ModelAvailability ; rdfs:label "{m[5:]} on {p[5:]}" ; ai:model {m} ; ai:platform {p} ; '
        f"prov:wasDerivedFrom {s[3]} .\n" for m, p in offers)
    out["market"] = (
        f'{d}cloud-x-stock-move a ai:StockPriceMove ; rdfs:label "Cloud X {i} shares slip" ; ai:company {cx} ; '
        f'ai:priceChange [ a schema:QuantitativeValue ; schema:value -3.0 ; schema:unitCode unit:PERCENT ; ai:qualifier ai:Roughly ; '
        f"prov:wasDerivedFrom {s[4]} ] ; ai:resultOf {d}three-way-partnership ; prov:wasDerivedFrom {s[4]} .\n"
        f'{d}order-1 a ai:TemporalOrder ; rdfs:label "Lab B {i} compute before the partnership" ; ai:earlier {d}lab-b-cloud-y-compute ; '
        f'ai:later {d}three-way-partnership ; ai:interval "weeks" ; prov:wasDerivedFrom {s[1]} .\n'
        f'{d}order-2 a ai:TemporalOrder ; rdfs:label "Lab A {i} Cloud Y compute before Lab B compute" ; ai:earlier {d}lab-a-cloud-y-compute ; '
        f'ai:later {d}lab-b-cloud-y-compute ; ai:interval "just before" ; prov:wasDerivedFrom {s[0]} .\n')
    out["claims"] = (
        f'claim:syn{i}-ceo-claim a ai:AttributedClaim ; rdfs:label "Chief {i} on Cloud X" ; ai:claimant {person} ; '
        f'ai:statement "Chief {i} called Cloud X {i} a critical partner."@en ; ai:about {lab_a} , {cx} ; '
        f"ai:topic ai:Diversification ; prov:wasDerivedFrom {s[0]} .\n"
        f'claim:syn{i}-analysis a ai:Analysis ; rdfs:label "Circular deals around Lab A {i}" ; '
        f'ai:statement "Money put into Lab A {i} comes back as compute spend."@en ; ai:about {lab_a} , {cx} , {chip} ; '
        f"ai:topic ai:CircularFinancing ; prov:wasDerivedFrom {s[3]} .\n"
        f'claim:syn{i}-ambiguity a ai:Ambiguity ; rdfs:label "Whose rival is Cloud Y {i}?" ; '
        f'schema:description "Cloud Y {i} is called a rival: of Lab A {i}, or of Cloud X {i}."@en ; prov:wasDerivedFrom {s[2]} .\n')
    return out


def _hubs(n: int, rng: random.Random) -> dict[str, str]:
    """Global hubs: one chip maker supplying about half the clouds, one fund backing about a fifth of the labs."""
    src = _src(99999, 0)
    out = {"sources": f'{src} a ai:Source ; dcterms:identifier "{src[4:]}.txt" ; dcterms:title "Synthetic hub article"@en ; '
                      "ai:sourceKind ai:NewsArticle .\n",
           "organizations": f'ag:syn-hub-chip a ai:ChipMaker ; rdfs:label "Hub Chips" ; prov:wasDerivedFrom {src} .\n'
                            f'ag:syn-hub-fund a ai:InvestmentFirm ; rdfs:label "Hub Fund" ; prov:wasDerivedFrom {src} .\n'}
    supply = [f'deal:syn-hub-chip-{i} a ai:SupplyRelationship ; rdfs:label "Hub chips for Cloud X {i}" ; ai:supplier ag:syn-hub-chip ; '
              f"ai:customer ag:syn{i}-cloud-x ; prov:wasDerivedFrom {src} .\n" for i in range(n) if rng.random() < 0.5]
    backing = [f'deal:syn-hub-fund-{i}{x} a ai:Investment ; rdfs:label "Hub fund in Lab {x.upper()} {i}" ; ai:investor ag:syn-hub-fund ; '
               f"ai:investee ag:syn{i}-lab-{x} ; prov:wasDerivedFrom {src} .\n" for i in range(n) for x in "ab" if rng.random() < 0.2]
    out["compute"], out["investments"] = "".join(supply), "".join(backing)
    return out


def write(folder: Path, clusters: int, *, seed: int = 42) -> Path:
    """Write ``clusters`` clusters (plus hubs) into ``folder``, one file per kind like ``data/``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    parts: dict[str, list[str]] = {}
    for i in range(clusters):
        for stem, text in _cluster(i, clusters, rng).items():
            parts.setdefault(stem, []).append(text)
    for stem, text in _hubs(clusters, rng).items():
        parts.setdefault(stem, []).append(text)
    for stem, texts in sorted(parts.items()):
        (folder / f"{stem}.ttl").write_text(PREFIXES + "".join(texts), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--triples", type=int, default=10000, help="about how many asserted triples (ontology included)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    write(args.folder, clusters_for(args.triples), seed=args.seed)


if __name__ == "__main__":
    main()
