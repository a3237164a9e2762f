"""Issue 11: the analyst queries show the source of each fact they print, per statement.

A query used to print a detail of a deal (the hardware of a compute commitment, whether an investment
includes equity, the field of a rivalry, the day a partnership was announced …) beside the deal's
sources, the union of every article that reports the deal: a detail one article states appeared
attributed to four. Each detail now carries the sources that state it by the statement-level rule
(docs/model-guide.md). Checked two ways on the curated data: against what the ledgers
(docs/sources/*.md) record for the passages in question, and against ``queries/statement-sources.rq``,
a second implementation of the rule (a UNION of reified, value-node and node statements, where the
analyst queries filter each node source). Rows that rest only on one reading of an ambiguous passage
(001's "direct competitors") name the passage in ``readingOf``; stated rivalries do not.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from kg.namespaces import AG, AI, DEAL, PROD

S0, S1, S2, S3, S4 = ("000_344770c96ebca10a", "001_c1ac4854148f4206", "002_028c8e945d95a55f",
                      "003_a34db32fd225aef0", "004_9fb578446bd148d3")
DIRECT_COMPETITORS = "https://w3id.org/ai-industry/claim/ambiguity-001-direct-competitors"
SCHEMA = "https://schema.org/"
_ENTRY = re.compile(r"(.+?) \[([^\]]*)\](?:; |$)")


def entries(cell: str | None) -> dict[str, set[str]]:
    """A list cell, "label [source, source]; label [source]", as {label: {source, …}}."""
    if not cell:
        return {}
    found = {m[1]: set(m[2].split(", ")) for m in _ENTRY.finditer(cell)}
    assert "; ".join(f"{k} [{', '.join(sorted(v))}]" for k, v in found.items()) == cell, f"not entries: {cell!r}"
    return found


def ids(cell: str | None) -> set[str]:
    """A sources cell, "a; b", as {a, b}."""
    return set(cell.split("; ")) if cell else set()


def records(graph, name, params=None):
    return list(graph.query(name, params or {}).records())


@pytest.fixture(scope="module")
def stated(real_graph):
    """(subject, predicate, object) -> the source ids that state it, from queries/statement-sources.rq."""
    table = defaultdict(set)
    for row in records(real_graph, "statement-sources"):
        if row["source"]:
            table[(row["subject"], row["predicate"], row["object"])].add(row["source"].rsplit("/", 1)[1])
    return table


@pytest.fixture(scope="module")
def labels(real_graph):
    rows = real_graph.sparql("SELECT ?x ?label WHERE { ?x rdfs:label ?label }", reasoning=False).records()
    found = {row["x"]: str(row["label"]) for row in rows}
    return lambda iri: found.get(iri) or iri.removeprefix(SCHEMA)


def expected_entries(stated, labels, subject, predicate) -> dict[str, set[str]]:
    return {labels(o): sources for (s, p, o), sources in stated.items() if s == subject and p == predicate}


# --- details stated by fewer sources than their deal -------------------------------------------------------

def test_nvidia_hardware_under_the_azure_commitment_is_003_and_004_only(real_graph, stated):
    """000 and 002 report the Azure commitment; only 003 and 004 tie NVIDIA's GPUs to it."""
    rows = records(real_graph, "compute-commitments", {"buyer": "ag:anthropic", "provider": "ag:microsoft"})
    assert rows
    for row in rows:
        assert entries(row["hardware"]) == {"NVIDIA GPU": {S3, S4}}
        assert ids(row["sources"]) == {S0, S2, S3, S4}
    assert stated[(str(DEAL["anthropic-azure-compute"]), str(AI.hardware), str(PROD["nvidia-gpu"]))] == {S3, S4}
    (product,) = [r for r in records(real_graph, "supplied-products", {"product": "prod:nvidia-gpu"})
                  if r["deal"] == str(DEAL["anthropic-azure-compute"])]
    assert ids(product["productSources"]) == {S3, S4} and ids(product["sources"]) == {S0, S2, S3, S4}


def test_equity_is_stated_by_002_alone(real_graph):
    """002 says both investments in Anthropic buy equity and that OpenAI's AWS deal does not; 001, 003, 004 say neither."""
    equity = {(r["investment"], r["includesEquity"], r["includesEquitySources"]) for r in records(real_graph, "investments")
              if r["includesEquity"] is not None}
    assert equity == {(str(DEAL["microsoft-anthropic-investment"]), True, S2), (str(DEAL["nvidia-anthropic-investment"]), True, S2)}
    (aws,) = {(r["includesEquity"], r["includesEquitySources"], r["sources"]) for r in records(real_graph, "compute-commitments")
              if r["includesEquity"] is not None}
    assert aws == (False, S2, f"{S2}; {S4}")


def test_the_weekday_is_004s(real_graph):
    """Only 004 says the three-way partnership was announced on a Tuesday; 000, 002 and 003 report the partnership too."""
    (row,) = [r for r in records(real_graph, "timeline") if r["dayOfWeek"]]
    assert (row["fact"], row["dayOfWeek"], row["dayOfWeekSources"]) == (str(DEAL["microsoft-nvidia-anthropic-partnership"]), "Tuesday", S4)
    (partnership,) = [r for r in records(real_graph, "partnerships", {"party": "ag:nvidia"})
                      if r["partnership"] == str(DEAL["microsoft-nvidia-anthropic-partnership"])]
    assert entries(partnership["dayOfWeek"]) == {"Tuesday": {S4}}
    assert ids(partnership["sources"]) == {S0, S2, S3, S4}


def test_the_third_announcer_is_named_by_000_alone(real_graph):
    (row,) = [r for r in records(real_graph, "partnerships")
              if r["partnership"] == str(DEAL["microsoft-nvidia-anthropic-partnership"])]
    announcers = entries(row["announcedBy"])
    assert announcers["Jensen Huang"] == {S0}
    assert announcers["Satya Nadella"] == announcers["Dario Amodei"] == {S0, S4}
    assert entries(row["status"]) == {"finalized": {S2}, "new": {S0}}
    assert entries(row["kinds"]) == {"strategic partnership": {S2, S3}}
    (claude,) = [r for r in records(real_graph, "partnerships")
                 if r["partnership"] == str(DEAL["microsoft-anthropic-claude-partnership"])]
    assert entries(claude["kinds"]) == {"distribution": {S0, S2, S3}, "go-to-market": {S4}}


def test_fields_and_products_of_a_rivalry_keep_their_own_sources(real_graph):
    """000 says Microsoft and Anthropic compete in models (with Microsoft's own models), 001 in productivity tools;
    only 000 names the NVIDIA GPU against Google's TPUs."""
    rows = {r["competition"]: r for r in records(real_graph, "rivalries")}
    microsoft = rows[str(DEAL["microsoft-anthropic-competition"])]
    assert entries(microsoft["fields"]) == {"AI models": {S0}, "AI productivity tools": {S1}}
    assert set(map(frozenset, entries(microsoft["products"]).values())) == {frozenset({S0}), frozenset({S1})}
    assert ids(microsoft["sources"]) == {S0, S1}
    chips = rows[str(DEAL["google-nvidia-competition"])]
    assert entries(chips["products"]) == {"Google TPU": {S0, S1}, "NVIDIA GPU": {S0}}


def test_a_camps_kind_and_terms_come_from_002(real_graph):
    """003 names the Anthropic, Microsoft and NVIDIA camp; only 002 calls it deal-backed and names its deals."""
    (camp,) = [r for r in records(real_graph, "alliances") if r["alliance"] == str(AG["anthropic-microsoft-nvidia-camp"])]
    assert camp["kindSources"] == S2 and ids(camp["sources"]) == {S2, S3}
    assert set(map(frozenset, entries(camp["deals"]).values())) == {frozenset({S2})}
    assert entries(camp["members"]) == {m: {S2, S3} for m in ("Anthropic", "Microsoft", "NVIDIA")}


def test_figures_keep_their_value_nodes_sources(real_graph):
    rows = [r for r in records(real_graph, "investments", {"investor": "ag:nvidia", "investee": "ag:anthropic"})]
    assert {(r["qualifierLabel"], r["amountSources"]) for r in rows} == {("up to", f"{S2}; {S4}"), ("order of magnitude", S1)}


# --- every per-statement cell agrees with queries/statement-sources.rq --------------------------------------

def test_scalar_source_columns_follow_the_rule(real_graph, stated):
    checked = 0
    for query, node in (("investments", "investment"), ("compute-commitments", "commitment")):
        for row in records(real_graph, query):
            if row["includesEquity"] is not None:
                assert ids(row["includesEquitySources"]) == stated[(row[node], str(AI.includesEquity), row["includesEquity"])]
                checked += 1
    roles = {"supplied product": AI.suppliedProduct, "hardware": AI.hardware, "platform": AI.platform}
    for row in records(real_graph, "supplied-products"):
        assert ids(row["productSources"]) == stated[(row["deal"], str(roles[row["role"]]), row["product"])]
        checked += 1
    for row in records(real_graph, "timeline"):
        if row["dayOfWeek"]:
            assert ids(row["dayOfWeekSources"]) == stated[(row["fact"], str(AI.announcedOnDayOfWeek), SCHEMA + row["dayOfWeek"])]
            checked += 1
    assert checked >= 12


def test_list_cells_follow_the_rule(real_graph, stated, labels):
    checked = 0
    for row in records(real_graph, "compute-commitments"):
        assert entries(row["hardware"]) == expected_entries(stated, labels, row["commitment"], str(AI.hardware))
        checked += 1
    for row in records(real_graph, "rivalries"):
        assert entries(row["fields"]) == expected_entries(stated, labels, row["competition"], str(AI.field))
        assert entries(row["products"]) == expected_entries(stated, labels, row["competition"], str(AI.competingProduct))
        checked += 1
    details = {"parties": AI.party, "kinds": AI.partnershipKind, "status": AI.dealStatus, "announcedBy": AI.announcedBy,
               "dayOfWeek": AI.announcedOnDayOfWeek, "timeHorizon": AI.timeHorizon, "partOf": AI.partOfDeal}
    for row in records(real_graph, "partnerships"):
        for column, predicate in details.items():
            assert entries(row[column]) == expected_entries(stated, labels, row["partnership"], str(predicate)), column
        checked += 1
    for row in records(real_graph, "alliances"):
        assert entries(row["deals"]) == expected_entries(stated, labels, row["alliance"], str(AI.allianceDeal))
        checked += 1
    assert checked >= 30


# --- rows that rest on one reading of an ambiguous passage -------------------------------------------------

READING_PAIRS = {(AG.anthropic, AG.amazon), (AG.anthropic, AG.google), (AG.anthropic, AG.nvidia)}


def test_competitors_resting_on_the_001_reading_are_flagged(real_graph):
    rows = records(real_graph, "competitors")
    flagged = {(r["organization"], r["competitor"]): r for r in rows if r["readingOf"]}
    assert set(flagged) == {(str(a), str(b)) for pair in READING_PAIRS for a, b in (pair, pair[::-1])}
    for row in flagged.values():
        assert row["readingOf"] == DIRECT_COMPETITORS and row["sources"] == S1
        assert row["readingOfLabel"] == "Whose competitors are Anthropic's investors?"
    stated = {(r["organization"], r["competitor"]): r for r in rows if not r["readingOf"]}
    assert ids(stated[(str(AG.anthropic), str(AG.openai))]["sources"]) == {S0, S1, S2, S3}
    assert ids(stated[(str(AG.anthropic), str(AG.microsoft))]["sources"]) == {S0, S1}
    assert ids(stated[(str(AG.google), str(AG.nvidia))]["sources"]) == {S0, S1}
    assert (str(AG.amazon), str(AG.google)) in stated  # 001 states the cloud rivalry itself


def test_flags_match_the_competition_nodes(real_graph):
    """Second implementation: a pair is flagged when every competition node naming it is a reading."""
    nodes = real_graph.sparql("SELECT ?c ?a ?b ?r WHERE { ?c ai:competitor ?a , ?b FILTER (?a != ?b) "
                              "OPTIONAL { ?c ai:readingOf ?r } }", reasoning=False).records()
    readings = defaultdict(set)
    for row in nodes:
        readings[(row["a"], row["b"])].add(row["r"])
    expected = {pair for pair, found in readings.items() if None not in found}
    assert {(r["organization"], r["competitor"]) for r in records(real_graph, "competitors") if r["readingOf"]} == expected


def test_rows_resting_on_a_reading_are_flagged_elsewhere(real_graph):
    rivalries = {(r["organization"], r["rival"]): r["readingOf"] for r in records(real_graph, "rivalries", {"organization": "ag:anthropic"})}
    assert {pair for pair, reading in rivalries.items() if reading} == {(str(a), str(b)) for a, b in READING_PAIRS}
    network = {r["deal"]: r["readingOf"] for r in records(real_graph, "network") if r["kind"] == "competition"}
    assert {deal for deal, reading in network.items() if reading} == {
        str(DEAL[f"anthropic-{x}-competition"]) for x in ("amazon", "google", "nvidia")}
    claims = {r["claim"]: r["readingOf"] for r in records(real_graph, "claims") if r["readingOf"]}
    assert claims == {"https://w3id.org/ai-industry/claim/investors-compete-with-each-other": DIRECT_COMPETITORS,
                      "https://w3id.org/ai-industry/claim/sequoia-portfolio-approach":
                          "https://w3id.org/ai-industry/claim/ambiguity-001-sequoia-stake-size"}


def test_frenemies_resting_on_the_001_reading_are_flagged(real_graph):
    """A pair is flagged only when every competition it lists, direct or between camps, is a reading:
    Amazon and Anthropic are also rivals through their camps (002), so that pair stands as stated."""
    rows = {(r["aLabel"], r["bLabel"]): r for r in records(real_graph, "frenemies")}
    flagged = {pair for pair, row in rows.items() if row["readingOf"]}
    assert flagged == {("Anthropic", "Google"), ("Anthropic", "NVIDIA")}
    for pair in flagged:
        assert rows[pair]["readingOf"] == DIRECT_COMPETITORS
        assert rows[pair]["readingOfLabel"] == "Whose competitors are Anthropic's investors?"
    assert ("Amazon", "Anthropic") in rows and "camp" in rows[("Amazon", "Anthropic")]["competitions"]


def test_entity_rows_follow_the_rule(real_graph, stated):
    """The entity view: a fact the entity plays a role in, and a name of it, carry only the sources
    of their own statement (000 alone names Jensen Huang's NVIDIA among the announcers; 004 alone
    says "Nvidia accelerators"), and every row agrees with statement-sources."""
    nvidia = records(real_graph, "entity", {"entity": "ag:nvidia"})
    (announced,) = [r for r in nvidia if r["kind"] == "fact" and r["property"] == str(AI.announcedBy)
                    and r["value"] == str(DEAL["microsoft-nvidia-anthropic-partnership"])]
    assert ids(announced["sources"]) == {S0, S4} == stated[(announced["value"], str(AI.announcedBy), str(AG.nvidia))]
    gpu = records(real_graph, "entity", {"entity": "prod:nvidia-gpu"})
    names = {r["value"]: ids(r["sources"]) for r in gpu if r["property"].endswith("altLabel")}
    assert names == {"NVIDIA GPUs": {S0}, "Nvidia accelerators": {S4}}
    for row in gpu + nvidia:
        if row["kind"] == "description" and not row["value"].startswith("_:") and row["sources"]:
            subject = str(PROD["nvidia-gpu"]) if row in gpu else str(AG.nvidia)
            assert ids(row["sources"]) == stated[(subject, row["property"], row["value"])], row


def test_every_query_that_reads_a_reified_predicate_applies_the_rule(real_graph):
    """A stored query that names a predicate the data reifies (ai:hardware, ai:field …) narrows its sources by
    the reification (rdf:subject …), rather than printing the node's sources beside it. Names (rdfs:label,
    skos:altLabel) are how rows refer to entities, not details of the row, and are left out."""
    reified = {row["p"] for row in real_graph.sparql("SELECT DISTINCT ?p WHERE { ?st rdf:predicate ?p }", reasoning=False).records()}
    names = {p.removeprefix(str(AI)) for p in reified if p.startswith(str(AI))}
    assert {"hardware", "includesEquity", "field", "announcedBy"} <= names
    offenders = []
    for name in real_graph.queries:
        text = real_graph.stored(name).text
        used = sorted(n for n in names if re.search(rf"\bai:{n}\b", text))
        if used and "rdf:subject" not in text:
            offenders.append(f"{name}: {', '.join(used)}")
    assert not offenders, offenders


def test_rivals_backed_together_rest_on_stated_rivalries(real_graph):
    """The rival pairs of rival-backers and co-investing-rivals are stated rivalries (none rests only on the 001
    reading), and each backing deal and competition carries its own sources."""
    for query in ("rival-backers", "co-investing-rivals"):
        rows = records(real_graph, query)
        assert rows and not [r for r in rows if r["readingOf"] or r["readingOfLabel"]], query
    (sequoia,) = [r for r in records(real_graph, "rival-backers", {"investor": "ag:sequoia"})]
    assert entries(sequoia["backing"]) == {"Sequoia investment in Anthropic": {S1}, "Sequoia investment in OpenAI": {S1}}
    assert entries(sequoia["competitions"]) == {"OpenAI and Anthropic compete in AI models": {S0, S1, S2, S3}}
    chips = [r for r in records(real_graph, "co-investing-rivals") if (r["aLabel"], r["bLabel"]) == ("Google", "NVIDIA")]
    assert [entries(r["fields"]) for r in chips] == [{"AI chips": {S0, S1}}]


def test_the_report_shows_a_details_sources_and_dashes_readings(real_graph, tmp_path):
    from kg.analysis.diagram import edges_from_rows, rivalry_dot
    from kg.analysis.report import build_report

    dot = rivalry_dot(edges_from_rows(real_graph.query("network", reasoning=False).rows))
    names = dict(re.findall(r'  (n\d+) \[label="([^"]*)"', dot))
    dashed = {frozenset((names[a], names[b])) for a, b in re.findall(r"  (n\d+) -> (n\d+) \[[^\]]*style=dashed", dot)}
    assert dashed == {frozenset(("Anthropic", x)) for x in ("Amazon", "Google", "NVIDIA")}
    report = build_report(real_graph, out_dir=tmp_path)
    (investments,) = [rows for title, _, headers, rows in report.sections if "Includes equity" in headers]
    assert {row[3] for row in investments} == {"", f"yes [{S2}]"}


def test_entity_keeps_a_reified_statement_of_a_node_without_sources(tmp_path):
    """A node that cites no source but whose statement is reified kept no row at all (the rule compared the
    reification's sources with the node's, which were unbound): the row now shows the reification's."""
    from kg import KnowledgeGraph

    from conftest import FIXTURES, ROOT

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orgs.ttl").write_text(
        "@prefix ag: <https://w3id.org/ai-industry/agent/> .\n@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix src: <https://w3id.org/ai-industry/source/> .\n"
        'ag:quiet-lab a ai:AILab ; rdfs:label "Quiet Lab" ; skos:altLabel "QL" .\n'
        '[] a rdf:Statement ; rdf:subject ag:quiet-lab ; rdf:predicate skos:altLabel ; rdf:object "QL" ;\n'
        "   prov:wasDerivedFrom src:000_test .\n")
    graph = KnowledgeGraph(ontology=FIXTURES / "ontology", data=tmp_path / "data", queries=ROOT / "queries", cache=False)
    rows = {r["propertyLabel"]: r for r in records(graph, "entity", {"entity": "ag:quiet-lab"}) if r["kind"] == "description"}
    assert rows["altLabel"]["value"] == "QL" and rows["altLabel"]["sources"] == "000_test"
    assert rows["label"]["sources"] in (None, "")
