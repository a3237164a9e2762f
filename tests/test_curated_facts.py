"""Facts from each of the five sources, asked of the curated graph and answered exactly.

Each test names the source file(s) that state the fact, so a failure points at what to re-read.
Figures are compared as Decimals: the data writes money in whole currency units.
"""

from collections import defaultdict
from decimal import Decimal

import pytest

from kg import KnowledgeGraph

PREFIXES = """
PREFIX ai: <https://w3id.org/ai-industry/ontology#>
PREFIX ag: <https://w3id.org/ai-industry/agent/>
PREFIX prod: <https://w3id.org/ai-industry/product/>
PREFIX deal: <https://w3id.org/ai-industry/deal/>
PREFIX src: <https://w3id.org/ai-industry/source/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX claim: <https://w3id.org/ai-industry/claim/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

S000, S001, S002, S003, S004 = (
    "000_344770c96ebca10a", "001_c1ac4854148f4206", "002_028c8e945d95a55f",
    "003_a34db32fd225aef0", "004_9fb578446bd148d3")


@pytest.fixture(scope="module")
def graph():
    return KnowledgeGraph()


def select(graph, body, *, reasoning=False, **params):
    return graph.sparql(PREFIXES + body, params, reasoning=reasoning).records()


def short(iri):
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def value_claims(graph, deal, prop="ai:amount"):
    """(qualifier, value, min, max, currency, source) for each value node of ``deal``, sorted."""
    rows = select(graph, f"""
        SELECT ?q ?v ?min ?max ?cur ?src WHERE {{
          ?deal {prop} ?a . ?a prov:wasDerivedFrom ?src .
          OPTIONAL {{ ?a ai:qualifier ?q }} OPTIONAL {{ ?a schema:value ?v }}
          OPTIONAL {{ ?a schema:minValue ?min }} OPTIONAL {{ ?a schema:maxValue ?max }}
          OPTIONAL {{ ?a schema:currency ?cur }} OPTIONAL {{ ?a schema:unitCode ?cur }}
        }}""", deal=deal)
    return sorted((short(r["q"]) if r["q"] else None, r["v"], r["min"], r["max"],
                   short(r["cur"]) if r["cur"] and "/" in r["cur"] else r["cur"], short(r["src"]))
                  for r in rows)


def test_anthropic_azure_commitment_roughly_30_billion_and_1_gigawatt(graph):
    """000, 002, 003, 004: Anthropic commits ~$30B to Azure; 003 says up to 1 GW more, 004 says 1 GW."""
    deal = "deal:anthropic-azure-compute"
    parties = select(graph, "SELECT ?b ?p ?pl WHERE { ?deal ai:buyer ?b ; ai:provider ?p ; ai:platform ?pl }", deal=deal)
    assert [(short(r["b"]), short(r["p"]), short(r["pl"])) for r in parties] == [("anthropic", "microsoft", "azure")]
    assert value_claims(graph, deal) == [
        ("Exact", Decimal("30000000000.0"), None, None, "USD", S002),
        ("Exact", Decimal("30000000000.0"), None, None, "USD", S003),
        ("Roughly", Decimal("30000000000.0"), None, None, "USD", S004),
    ]
    assert value_claims(graph, deal, "ai:capacity") == [
        ("Exact", Decimal("1.0"), None, None, "GigaW", S004),
        ("UpTo", None, None, Decimal("1.0"), "GigaW", S003),
    ]
    hardware = select(graph, "SELECT ?h WHERE { ?deal ai:hardware ?h }", deal=deal)
    assert [short(r["h"]) for r in hardware] == ["nvidia-gpu"]


def test_nvidia_up_to_10_billion_and_microsoft_5_billion_both_versions_kept(graph):
    """002 gives Microsoft's $5B flat, 004 'up to $5B': both kept. NVIDIA: up to $10B in both.

    001 calls NVIDIA's deals multi-billion, 003 says Microsoft puts billions into each of two labs: magnitudes
    only (floor one billion, no other number). 003's "billions more" is ambiguous (from each, or together):
    its readings are ai:readingAmount, never ai:amount, so that no total rests on a reading."""
    billions = ("OrderOfMagnitude", None, Decimal("1000000000.0"), None, "USD")
    assert value_claims(graph, "deal:nvidia-anthropic-investment") == [
        billions + (S001,),
        ("UpTo", None, None, Decimal("10000000000.0"), "USD", S002),
        ("UpTo", None, None, Decimal("10000000000.0"), "USD", S004),
    ]
    assert value_claims(graph, "deal:microsoft-anthropic-investment") == [
        ("Exact", Decimal("5000000000.0"), None, None, "USD", S002),
        billions + (S003,),
        ("UpTo", None, None, Decimal("5000000000.0"), "USD", S004),
    ]
    rows = select(graph, """SELECT ?investor ?equity WHERE {
        ?d ai:investee ag:anthropic ; ai:investor ?investor ; ai:includesEquity ?equity }""")
    assert sorted((short(r["investor"]), r["equity"]) for r in rows) == [("microsoft", True), ("nvidia", True)]


def test_anthropic_valued_at_350_billion(graph):
    """002: the resulting valuation is $350 billion."""
    assert value_claims(graph, "deal:anthropic-valuation") == [("Exact", Decimal("350000000000.0"), None, None, "USD", S002)]
    rows = select(graph, "SELECT ?c WHERE { deal:anthropic-valuation ai:company ?c }")
    assert [short(r["c"]) for r in rows] == ["anthropic"]


def test_microsoft_owns_27_percent_of_openai(graph):
    """000: Microsoft owns 27% of OpenAI."""
    rows = select(graph, """SELECT ?company ?v ?unit ?src WHERE {
        ?stake ai:holder ag:microsoft ; ai:company ?company ; ai:percentage ?p .
        ?p schema:value ?v ; schema:unitCode ?unit ; prov:wasDerivedFrom ?src }""")
    assert [(short(r["company"]), r["v"], short(r["unit"]), short(r["src"])) for r in rows] == [
        ("openai", Decimal("27.0"), "PERCENT", S000)]


def test_openai_aws_38_billion_two_terms_no_equity(graph):
    """002: $38B, 7-year, no equity from AWS; 004: $38B multiyear agreement with AWS."""
    deal = "deal:openai-aws-compute"
    assert value_claims(graph, deal) == [("Exact", Decimal("38000000000.0"), None, None, "USD", S002),
                                         ("Exact", Decimal("38000000000.0"), None, None, "USD", S004)]
    terms = select(graph, """SELECT ?desc ?v ?src WHERE {
        ?deal ai:term ?t . ?t schema:description ?desc ; prov:wasDerivedFrom ?src . OPTIONAL { ?t schema:value ?v } }""", deal=deal)
    assert sorted((r["desc"], r["v"], short(r["src"])) for r in terms) == [
        ("7-year", Decimal("7.0"), S002), ("multiyear", None, S004)]
    equity = select(graph, "SELECT ?e WHERE { ?deal ai:includesEquity ?e }", deal=deal)
    assert [r["e"] for r in equity] == [False]
    parties = select(graph, "SELECT ?b ?p ?pl WHERE { ?deal ai:buyer ?b ; ai:provider ?p ; ai:platform ?pl }", deal=deal)
    assert [(short(r["b"]), short(r["p"]), short(r["pl"])) for r in parties] == [("openai", "amazon", "aws")]


def test_two_headline_totals_each_with_its_source(graph):
    """002 headlines $35B ('soaring past' in the body), 004 headlines $45B."""
    assert value_claims(graph, "deal:microsoft-nvidia-anthropic-partnership", "ai:headlineTotal") == [
        ("Exact", Decimal("45000000000.0"), None, None, "USD", S004),
        ("MoreThan", None, Decimal("35000000000.0"), None, "USD", S002),
    ]


def test_claude_on_all_three_major_clouds(graph):
    """002: Claude is available on Azure, AWS and Google Cloud (derived ai:availableOn)."""
    rows = select(graph, "SELECT ?platform WHERE { prod:claude ai:availableOn ?platform . ?platform a ai:CloudPlatform }",
                  reasoning=True)
    assert sorted(short(r["platform"]) for r in rows) == ["aws", "azure", "google-cloud"]
    gpt = select(graph, "SELECT ?platform WHERE { prod:gpt ai:availableOn ?platform }", reasoning=True)
    assert [short(r["platform"]) for r in gpt] == ["azure"]


def test_google_million_tpu_deal(graph):
    """000: Anthropic's deal to use 1 million Google TPUs, worth billions of dollars."""
    deal = "deal:anthropic-google-tpu-compute"
    assert value_claims(graph, deal, "ai:hardwareQuantity") == [("Exact", Decimal("1000000.0"), None, None, None, S000)]
    assert value_claims(graph, deal) == [("OrderOfMagnitude", None, Decimal("1000000000.0"), None, "USD", S000)]
    rows = select(graph, "SELECT ?b ?p ?h WHERE { ?deal ai:buyer ?b ; ai:provider ?p ; ai:hardware ?h }", deal=deal)
    assert [(short(r["b"]), short(r["p"]), short(r["h"])) for r in rows] == [("anthropic", "google", "google-tpu")]


def test_openai_and_anthropic_compete_in_ai_models(graph):
    """000-003: OpenAI and Anthropic compete; the symmetric edge exists only with reasoning."""
    ask = PREFIXES + "ASK { ag:anthropic ai:competesWith ag:openai . ag:openai ai:competesWith ag:anthropic }"
    assert graph.sparql(ask, reasoning=True).boolean is True
    assert graph.sparql(ask, reasoning=False).boolean is False
    rows = select(graph, """SELECT ?field ?src WHERE {
        ?c ai:competitor ag:openai , ag:anthropic ; ai:field ?field ; prov:wasDerivedFrom ?src }""")
    assert sorted({short(r["field"]) for r in rows}) == ["AIModelsField"]
    assert sorted(short(r["src"]) for r in rows) == [S000, S001, S002, S003]


def test_sequoia_backs_both_openai_and_anthropic(graph):
    """001: Sequoia invests in the direct competitors OpenAI and Anthropic."""
    rows = select(graph, "SELECT ?investee ?src WHERE { ?i ai:investor ag:sequoia ; ai:investee ?investee ; prov:wasDerivedFrom ?src }")
    assert sorted((short(r["investee"]), short(r["src"])) for r in rows) == [("anthropic", S001), ("openai", S001)]


def test_google_and_amazon_are_investors_in_anthropic(graph):
    """000 and 001: Google and Amazon are major investors in Anthropic; no source gives the amounts."""
    rows = select(graph, """SELECT ?investor (COUNT(?a) AS ?amounts) WHERE {
        ?i ai:investee ag:anthropic ; ai:investor ?investor . OPTIONAL { ?i ai:amount ?a }
        FILTER(?investor IN (ag:google, ag:amazon)) } GROUP BY ?investor""")
    assert sorted((short(r["investor"]), r["amounts"]) for r in rows) == [("amazon", 0), ("google", 0)]


def test_stock_moves_on_the_news(graph):
    """004: Microsoft shares down around 3%, NVIDIA around 2%, midday."""
    rows = select(graph, """SELECT ?company ?v ?q WHERE {
        ?m ai:company ?company ; ai:priceChange ?c ; ai:timeOfDay "midday" . ?c schema:value ?v ; ai:qualifier ?q }""")
    assert sorted((short(r["company"]), r["v"], short(r["q"])) for r in rows) == [
        ("microsoft", Decimal("-3.0"), "Roughly"), ("nvidia", Decimal("-2.0"), "Roughly")]


def test_relative_order_without_dates(graph):
    """002: weeks after OpenAI's deal with Amazon; 004: OpenAI's AWS deal earlier the same month."""
    rows = select(graph, """SELECT ?earlier ?later ?interval ?src WHERE {
        ?o ai:earlier ?earlier ; ai:later ?later ; ai:interval ?interval ; prov:wasDerivedFrom ?src }""")
    assert sorted((short(r["earlier"]), short(r["later"]), r["interval"], short(r["src"])) for r in rows) == [
        ("anthropic-datacenter-plan", "microsoft-nvidia-anthropic-partnership", "recently", S000),
        ("anthropic-google-tpu-compute", "microsoft-nvidia-anthropic-partnership", "just before", S000),
        ("openai-aws-compute", "microsoft-nvidia-anthropic-partnership", "earlier the same month", S004),
        ("openai-aws-compute", "microsoft-nvidia-anthropic-partnership", "weeks", S002),
    ]
    assert not select(graph, "SELECT ?d WHERE { ?f ai:announcedOn ?d }"), "no source gives a calendar date"


def test_executives_and_their_roles(graph):
    """000: the joint statement by the three CEOs; 000 also names Google's CEO Sundar Pichai."""
    rows = select(graph, """PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?name ?orgname WHERE { ?e org:member ?p ; org:organization ?o ; org:role ai:ChiefExecutiveOfficer .
                                      ?p rdfs:label ?name . ?o rdfs:label ?orgname }""")
    assert sorted((r["name"], r["orgname"]) for r in rows) == [
        ("Dario Amodei", "Anthropic"), ("Jensen Huang", "NVIDIA"), ("Satya Nadella", "Microsoft"),
        ("Sundar Pichai", "Google")]


def test_spellings_the_sources_use_are_alternative_labels(graph):
    """Nvidia (002, 004), Azure AI Foundry (002), the typo Cladue (000); no alias that no source uses."""
    rows = select(graph, """SELECT ?thing ?alt WHERE {
        ?thing skos:altLabel|skos:hiddenLabel ?alt FILTER(?thing IN (ag:nvidia, prod:microsoft-foundry, prod:claude)) }""")
    assert sorted((short(r["thing"]), r["alt"]) for r in rows) == [
        ("claude", "Cladue"), ("microsoft-foundry", "Azure AI Foundry"),
        ("nvidia", "Nvidia")]


def test_claims_are_kept_apart_from_facts(graph):
    """Attributed words (Nadella, Amodei, Pichai) and analysis are ai:Claim, never ai:Fact."""
    rows = select(graph, """SELECT ?who (COUNT(?c) AS ?n) WHERE {
        ?c ai:claimant ?p . ?p rdfs:label ?who } GROUP BY ?who""")
    assert sorted((r["who"], r["n"]) for r in rows) == [
        ("Dario Amodei", 1), ("Satya Nadella", 3), ("Sundar Pichai", 1)]
    suspicion = select(graph, """SELECT ?src WHERE { ?c a ai:Analysis ; ai:topic ai:CircularFinancing ;
        rdfs:label "Public markets distrust circular AI financing" ; prov:wasDerivedFrom ?src }""")
    assert [short(r["src"]) for r in suspicion] == [S001]
    both = select(graph, "SELECT ?x WHERE { ?x a/rdfs:subClassOf* ai:Claim . ?x a/rdfs:subClassOf* ai:Fact }",
                  reasoning=False)
    assert both == []


def test_money_loops_derived_by_the_reasoner(graph):
    """Microsoft funds Anthropic, which buys Azure compute: ai:fundsCustomerOf points back at Microsoft."""
    rows = select(graph, "SELECT ?x WHERE { ?x ai:fundsCustomerOf ?x }", reasoning=True)
    assert sorted(short(r["x"]) for r in rows) == ["google", "microsoft"]
    assert select(graph, "SELECT ?x WHERE { ?x ai:fundsCustomerOf ?x }", reasoning=False) == []
    # OpenAI's AWS deal has no equity and Amazon does not invest in OpenAI: no loop through Amazon.
    assert not select(graph, "SELECT ?x WHERE { ag:amazon ai:fundsCustomerOf ag:amazon }", reasoning=True)


# Issue 11: every sentence of every source, read faithfully (docs/sources/ has the ledgers).

def test_claims_per_source_exactly(graph):
    """Opinions, assessments, predictions and characterisations are claims: how many each source makes."""
    rows = select(graph, "SELECT ?src (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c ai:statement ?s ; prov:wasDerivedFrom ?src } GROUP BY ?src")
    assert sorted((short(r["src"]), r["n"]) for r in rows) == [(S000, 6), (S001, 13), (S002, 22), (S003, 21), (S004, 15)]


def test_characterisations_are_claims_not_competitions(graph):
    """003's 'counterweight' and 001's informal anti-OpenAI alliance are claims; no fact states them."""
    assert not select(graph, "SELECT ?c WHERE { ?c ai:competitor ag:openai , ag:anthropic-microsoft-nvidia-camp }")
    assert not select(graph, "SELECT ?c WHERE { ?c ai:competitor ag:google , ag:anthropic-microsoft-nvidia-camp }")
    assert not select(graph, "SELECT ?m WHERE { ?m ai:member ag:google-deepmind }")
    rows = select(graph, """SELECT ?c ?src WHERE { VALUES ?c { claim:counterweight-alliance claim:informal-anti-openai-alliance }
        ?c a ai:Analysis ; prov:wasDerivedFrom ?src }""")
    assert sorted((short(r["c"]), short(r["src"])) for r in rows) == [
        ("counterweight-alliance", S003), ("informal-anti-openai-alliance", S001)]


def test_contradicting_claims_are_linked(graph):
    rows = select(graph, "SELECT ?a ?b WHERE { ?a ai:contradicts ?b }")
    assert sorted((short(r["a"]), short(r["b"])) for r in rows) == [
        ("anthropic-picked-microsoft", "anthropic-neutral-option"),      # 003 against itself
        ("anthropic-picked-microsoft", "models-will-specialize"),        # 003 vs 001: one cloud or many
        ("counterweight-alliance", "informal-anti-openai-alliance"),     # 003 vs 001: Google's side
        ("hedging-on-technology", "two-camps"),                          # 000 vs 002: no camps / two camps
        ("nadella-models-commoditize", "models-will-specialize"),        # 001 against itself
        ("nvidia-funding-is-rational", "circular-economy-inflates"),     # 001 vs 002: bubble or strategy
    ]
    both_ways = select(graph, "SELECT ?b WHERE { claim:models-will-specialize ai:contradicts ?b }", reasoning=True)
    assert sorted(short(r["b"]) for r in both_ways) == ["anthropic-picked-microsoft", "nadella-models-commoditize"]


def test_deal_status_and_time_horizon_each_from_the_source_that_words_it(graph):
    """new (000), finalized (002), first time (002), expanding (003), remains (003); long-term, upcoming."""
    rows = select(graph, """SELECT DISTINCT ?f ?p ?v ?src WHERE {
        { SELECT ?f ?p ?v WHERE { ?f ?p ?v FILTER (?p IN (ai:dealStatus, ai:timeHorizon)) } }
        OPTIONAL { ?st rdf:subject ?f ; rdf:predicate ?p ; rdf:object ?v ; prov:wasDerivedFrom ?stated }
        ?f prov:wasDerivedFrom ?nodeSource . BIND (COALESCE(?stated, ?nodeSource) AS ?src)
        FILTER (!BOUND(?stated) || ?stated = ?nodeSource) }""")
    got = sorted((short(r["f"]), short(r["v"]), short(r["src"])) for r in rows)
    assert got == [
        ("claude-on-microsoft-copilot", "AlreadyInPlace", S003), ("claude-on-microsoft-copilot", "LongTerm", S003),
        ("claude-on-microsoft-copilot", "NewDeal", S000),
        ("microsoft-anthropic-claude-partnership", "Expanded", S003),
        ("microsoft-anthropic-stake", "LongTerm", S002),
        ("microsoft-nvidia-anthropic-partnership", "Finalized", S002),
        ("microsoft-nvidia-anthropic-partnership", "LongTerm", S002),
        ("microsoft-nvidia-anthropic-partnership", "LongTerm", S003),
        ("microsoft-nvidia-anthropic-partnership", "NewDeal", S000),
        ("microsoft-openai-stake", "LongTerm", S002),
        ("nvidia-anthropic-technology-partnership", "FirstOfItsKind", S002),
        ("vera-rubin", "Upcoming", S002),
    ]


def test_magnitude_only_figures_carry_their_word_and_no_other_number(graph):
    """'billions', 'multi-billion', 'billions more', 'hundreds of millions': ai:magnitude, floor only."""
    rows = select(graph, """SELECT ?v ?m ?min ?other WHERE { ?v ai:qualifier ai:OrderOfMagnitude .
        OPTIONAL { ?v ai:magnitude ?m } OPTIONAL { ?v schema:minValue ?min }
        OPTIONAL { ?v schema:value|schema:maxValue ?other } }""")
    assert len(rows) == 11
    assert all(r["m"] is not None and r["other"] is None for r in rows)
    assert sorted({(short(r["m"]), r["min"]) for r in rows}) == [
        ("Billions", Decimal("1000000000.0")), ("HundredsOfMillions", Decimal("100000000.0"))]


def test_ambiguous_passages_keep_every_reading(graph):
    """001 'direct competitors', 001 'hundreds of millions', 003 'billions more': each reading is marked."""
    rows = select(graph, """SELECT ?amb ?reading WHERE { ?r ai:readingOf ?amb .
        OPTIONAL { ?r rdfs:label ?label } BIND (COALESCE(STR(?label), "value node") AS ?reading) }""")
    readings = defaultdict(list)
    for r in rows:
        readings[short(r["amb"])].append(r["reading"])
    assert {k: sorted(v) for k, v in readings.items()} == {
        "ambiguity-001-direct-competitors": ["Amazon as a direct competitor of Anthropic",
                                             "Google as a direct competitor of Anthropic",
                                             "NVIDIA as a direct competitor of Anthropic",
                                             "Reading: Anthropic's investors compete with one another"],
        "ambiguity-001-sequoia-stake-size": ["Late-stage venture firms back rival labs like public-market funds",
                                             "value node", "value node"],
        "ambiguity-003-billions-more": ["value node", "value node", "value node"],
    }
    # no reading is summed: readings hang off ai:readingAmount, never ai:amount
    assert not select(graph, "SELECT ?v WHERE { ?d ai:amount ?v . ?v ai:readingOf ?x }")


def test_unnamed_products_are_entities_with_the_description_their_source_gives(graph):
    rows = select(graph, """SELECT ?p ?src WHERE { ?p rdfs:label ?l ; schema:description ?d ; prov:wasDerivedFrom ?src
        FILTER (CONTAINS(?l, "unnamed in the source")) }""")
    assert sorted((short(r["p"]), short(r["src"])) for r in rows) == [
        ("anthropic-productivity-platform", S001), ("custom-silicon", S003), ("microsoft-own-models", S000),
        ("national-ai-chips", S003), ("nvidia-next-generation-systems", S004)]


def test_negatives_what_no_source_says(graph):
    """No calendar date, no figure for Google's or Amazon's stakes, no weekday but 004's, no 'Foundry' alias."""
    assert not select(graph, "SELECT ?d WHERE { ?f ai:announcedOn ?d }")
    assert not select(graph, """SELECT ?a WHERE { ?i ai:investee ag:anthropic ; ai:investor ?x ; ai:amount|ai:readingAmount ?a
        FILTER (?x IN (ag:google, ag:amazon)) }""")
    assert not select(graph, """SELECT ?x WHERE { ?x skos:altLabel|skos:hiddenLabel|rdfs:label "Foundry" }""")
    weekday = select(graph, """SELECT ?src WHERE { ?st rdf:subject ?f ; rdf:predicate ai:announcedOnDayOfWeek ;
        prov:wasDerivedFrom ?src }""")
    assert [short(r["src"]) for r in weekday] == [S004]
