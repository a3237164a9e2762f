"""The command line end to end: every command, every format, every exit code, bad arguments.

Outputs are parsed back (SPARQL JSON/XML/CSV/TSV results, RDF serializations) and compared with
what the Python API or the data says, not just checked for being non-empty.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rdflib import Dataset, Graph, Literal, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.namespaces import AG, AI, DEAL, INFERRED_GRAPH

from conftest import FIXTURE_ARGS, FIXTURES, python_kg

NVIDIA_ANTHROPIC = str(DEAL["nvidia-anthropic-investment"])


def test_info_counts(kg, real_graph):
    code, out, _ = kg("info")
    assert code == 0
    counts = {line.rsplit(None, 1)[0].strip(): line.rsplit(None, 1)[1] for line in out.splitlines() if line.strip()}
    assert int(counts["asserted triples"]) == len(set(real_graph.asserted()))
    assert int(counts["inferred triples"]) == len(real_graph.inferred())
    assert counts["conforms"] == "yes"
    assert int(counts["ai:Investment"]) == len({r["investment"] for r in real_graph.query("investments").rows})
    assert int(counts["sources"]) == 5


def test_queries_lists_titles_descriptions_params(kg):
    code, out, _ = kg("queries")
    assert code == 0
    for name in ("entity", "investments", "compute-commitments", "competitors"):
        assert f"\n{name} — " in "\n" + out
    assert "--param entity=…  (iri, required)" in out
    assert "--param investor=…  (iri, optional)" in out


def _nvidia_row(rows):
    """NVIDIA's "up to $10 bn" row (001's "multi-billion" magnitude is a row of its own)."""
    return [r for r in rows if r["investment"] == NVIDIA_ANTHROPIC and str(r["qualifier"]) == str(AI.UpTo)]


def test_query_json_is_sparql_json_with_nvidia_up_to_10_billion(kg):
    code, out, _ = kg("query", "investments", "--format", "json")
    assert code == 0
    result = Result.parse(io.StringIO(out), format="json")
    rows = [{str(k): v for k, v in b.items()} for b in result.bindings]
    (row,) = _nvidia_row([{k: str(v) for k, v in r.items()} | {"_max": r.get("maxValue")} for r in rows])
    assert row["investor"] == str(AG.nvidia) and row["investee"] == str(AG.anthropic)
    assert row["_max"] == Literal("10000000000.0", datatype=XSD.decimal)
    assert row["qualifier"] == str(AI.UpTo)


def test_query_xml_tsv_csv_agree_with_json(kg):
    parsed = {}
    for fmt in ("json", "xml", "tsv"):
        code, out, _ = kg("query", "investments", "--format", fmt)
        assert code == 0, fmt
        result = Result.parse(io.StringIO(out), format=fmt)
        parsed[fmt] = {tuple(sorted((str(k), v) for k, v in b.items() if k != "sources")) for b in result.bindings}
    assert parsed["json"] == parsed["xml"] == parsed["tsv"] and len(parsed["json"]) >= 5
    code, out, _ = kg("query", "investments", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["investment"] for r in rows} == {str(dict(t)["investment"]) for t in parsed["json"]}
    assert _nvidia_row(rows)[0]["maxValue"] == "10000000000.0"


def test_query_table_and_non_terminal_default(kg):
    code, out, _ = kg("query", "investments", "--format", "table")
    assert code == 0 and "deal:nvidia-anthropic-investment" in out and "ag:nvidia" in out
    rows = int(out.rstrip().rsplit("(", 1)[1].split()[0])
    code, default_out, _ = kg("query", "investments")  # stdout is captured, not a terminal: csv
    assert len(list(csv.DictReader(io.StringIO(default_out)))) == rows


def test_table_shows_literals_as_read_not_as_turtle(kg):
    """The NVIDIA row's qualifier label is "up to"@en: a table shows the words, csv/json keep the tag."""
    _, out, _ = kg("query", "investments", "--param", "investor=ag:nvidia", "--param", "investee=ag:anthropic",
                   "--format", "table", "--columns", "investment,value")
    rows = [line for line in out.splitlines() if line.startswith("deal:nvidia-anthropic-investment")]
    assert any("│ up to $10 bn" in row for row in rows) and "@en" not in out
    _, json_out, _ = kg("query", "investments", "--param", "investor=ag:nvidia", "--param", "investee=ag:anthropic",
                        "--format", "json")
    cells = [b["qualifierLabel"] for b in json.loads(json_out)["results"]["bindings"]]
    assert {"type": "literal", "value": "up to", "xml:lang": "en"} in cells


@pytest.mark.parametrize("value", ["ag:anthropic", "<https://w3id.org/ai-industry/agent/anthropic>",
                                   "https://w3id.org/ai-industry/agent/anthropic"])
def test_query_param_forms(kg, value):
    code, out, _ = kg("query", "investments", "--param", f"investee={value}", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and {r["investee"] for r in rows} == {str(AG.anthropic)}
    assert {r["investor"] for r in rows} >= {str(AG.nvidia), str(AG.microsoft)}


def test_compute_commitments_and_entity(kg):
    code, out, _ = kg("query", "compute-commitments", "--param", "buyer=ag:anthropic", "--param", "provider=ag:microsoft",
                      "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["value"] for r in rows} == {"30000000000.0"} and {r["currency"] for r in rows} == {"USD"}
    code, out, _ = kg("query", "entity", "--param", "entity=ag:anthropic", "--format", "json")
    bindings = json.loads(out)["results"]["bindings"]
    assert {"type": "literal", "value": "Anthropic"} in [b["value"] for b in bindings if b["property"]["value"].endswith("#label")]


def test_query_reasoning_switch(kg):
    code, out, _ = kg("query", "competitors", "--param", "organization=ag:openai", "--format", "csv")
    assert code == 0 and str(AG.anthropic) in {r["competitor"] for r in csv.DictReader(io.StringIO(out))}
    code, out, err = kg("query", "competitors", "--no-reasoning", "--format", "csv")
    assert code == 0 and list(csv.DictReader(io.StringIO(out))) == [] and "needs reasoning" in err


@pytest.mark.parametrize("argv, message", [
    (["query", "investment"], "Did you mean 'investments'? Known queries: alliances, camp-money-loops, circular-financing, claims, "
                                 "co-investing-rivals, competitors, compute-commitments, conflicting-claims, entity, exposure, frenemies, "
                                 "investments, model-availability, network, partnerships, rival-backers, rivalries, share-price-moves, stakes, "
                                 "statement-sources, supplied-products, timeline, totals, valuations"),
    (["query", "entity"], "needs the parameter 'entity' (iri)"),
    (["query", "investments", "--param", "lab=ag:x"], "has no parameter 'lab'; its parameters: investor, investee"),
    (["query", "investments", "--param", "investor"], "--param 'investor': expected NAME=VALUE"),
    (["query", "investments", "--param", "investor=42"], "parameter 'investor' takes an IRI"),
    (["query", "investments", "--param", "investor=nope:x"], "cannot read 'nope:x'"),
    (["query", "investments", "--format", "yaml"], "invalid choice: 'yaml'"),
    (["sparql"], "either as an argument or with --file"),
    (["sparql", "SELECT * WHERE {\n  ?s ?p\n}"], "SPARQL syntax error at line 3, column 1"),
    (["sparql", "DELETE WHERE { ?s ?p ?o }"], "update requests are refused"),
    (["sparql", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"], "SERVICE is refused"),
    (["sparql", "SELECT ?s WHERE { ?s nope:p ?o }"], "unknown prefix 'nope:'"),
    (["sparql", "ASK { ?s ?p ?o }", "--format", "csv"], "CSV holds SELECT results only"),
    (["sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "jsonld"], "result is a table"),
    (["sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "json"], "result is a graph"),
    (["sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--param", "x=1"], "parameter 'x' is not a variable of the query"),
    (["sparql", "--file", "/nonexistent/q.rq"], "/nonexistent/q.rq: cannot read"),
    (["export", "-o", "/nonexistent/dir/out.ttl"], "/nonexistent/dir/out.ttl: cannot write"),
    (["--data", "/nonexistent/data", "info"], "/nonexistent/data: not a folder"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_usage_errors_exit_2_and_name_the_problem(kg, argv, message):
    code, out, err = kg(*argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_syntax_error_points_at_the_position(kg):
    code, _, err = kg("sparql", "SELECT ?s WHERE { ?s ?p ?o . FILTER( }")
    lines = err.splitlines()
    assert code == 2 and "line 1, column" in lines[0]
    column = int(lines[0].split("column ")[1].split(":")[0])
    assert lines[2].index("^") - 2 == column - 1  # the caret sits under the reported column


@pytest.mark.parametrize("query, fmt, kind", [
    ("CONSTRUCT { ?a ai:investsIn ?b } WHERE { ?a ai:investsIn ?b }", "turtle", "turtle"),
    ("CONSTRUCT { ?a ai:investsIn ?b } WHERE { ?a ai:investsIn ?b }", "nt", "nt"),
    ("CONSTRUCT { ?a ai:investsIn ?b } WHERE { ?a ai:investsIn ?b }", "jsonld", "json-ld"),
    ("DESCRIBE ag:nvidia", "turtle", "turtle"),
])
def test_sparql_graph_results_parse_back(kg, real_graph, query, fmt, kind):
    code, out, _ = kg("sparql", query, "--format", fmt)
    assert code == 0
    parsed = Graph().parse(data=out, format=kind)
    assert isomorphic(parsed, real_graph.sparql(query).graph)
    assert len(parsed) > 0


def test_sparql_select_ask_file_and_params(kg, tmp_path):
    code, out, _ = kg("sparql", "ASK { ag:nvidia ai:investsIn ag:anthropic }", "--format", "json")
    assert code == 0 and json.loads(out)["boolean"] is True
    code, out, _ = kg("sparql", "ASK { ag:nvidia ai:investsIn ag:anthropic }", "--format", "json", "--no-reasoning")
    assert json.loads(out)["boolean"] is False
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?b WHERE { ?a ai:investsIn ?b }")
    code, out, _ = kg("sparql", "--file", str(query), "--param", "a=ag:nvidia", "--format", "tsv")
    values = {b[Variable("b")] for b in Result.parse(io.StringIO(out), format="tsv").bindings}
    assert code == 0 and values == {AG.anthropic, AG.openai}


def test_reason_reports_kinds_and_reuses_the_cache(kg):
    code, out, _ = kg("reason")
    assert code == 0 and "computed" in out
    counts = {line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1]) for line in out.splitlines()[1:]}
    total = int(out.split()[2])
    assert sum(counts.values()) == total and counts["ai:competesWith"] >= 2
    kg("reason", "--reasoner", "owlrl")
    code, cached, _ = kg("reason", "--reasoner", "owlrl")  # the reference reasoner caches its closure
    assert code == 0 and "read from the cache" in cached and int(cached.split()[2]) == total


def test_inconsistent_data_exits_1(kg):
    inconsistent = FIXTURES / "inconsistent"
    code, _, err = kg("--ontology", str(inconsistent / "ontology"), "--data", str(inconsistent / "data"), "reason")
    assert code == 1 and "confused-lab" in err


def test_internal_error_exits_3(kg, monkeypatch):
    from kg.knowledge_graph import KnowledgeGraph

    monkeypatch.setattr(KnowledgeGraph, "reason", lambda self, **kw: 1 / 0)
    code, _, err = kg("reason")
    assert code == 3 and "internal error: ZeroDivisionError" in err and "Traceback" not in err
    code, _, err = kg("reason", "--debug")
    assert code == 3 and "Traceback" in err


EXPORT_PARSERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


@pytest.mark.parametrize("fmt", sorted(EXPORT_PARSERS))
def test_export_graph_formats_parse_back(kg, fixture_graph, fmt):
    code, out, _ = kg(*FIXTURE_ARGS, "export", "--format", fmt)
    assert code == 0
    assert isomorphic(Graph().parse(data=out, format=EXPORT_PARSERS[fmt]), Graph() + fixture_graph.asserted())
    code, out, _ = kg(*FIXTURE_ARGS, "export", "--format", fmt, "--inferred")
    expected = Graph() + fixture_graph.asserted() + fixture_graph.inferred()
    assert isomorphic(Graph().parse(data=out, format=EXPORT_PARSERS[fmt]), expected)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_export_quad_formats_keep_the_named_graphs(kg, fixture_graph, fmt, tmp_path):
    target = tmp_path / f"out.{fmt}"
    code, out, _ = kg(*FIXTURE_ARGS, "export", "--format", fmt, "--inferred", "-o", str(target))
    assert code == 0 and out == ""
    parsed = Dataset()
    parsed.parse(target, format=fmt)
    for graph in fixture_graph.asserted_graphs() + [fixture_graph.inferred()]:
        assert isomorphic(parsed.graph(graph.identifier), graph), graph.identifier
    assert len(parsed.graph(INFERRED_GRAPH)) == len(fixture_graph.inferred())


def test_export_is_byte_identical_across_processes(tmp_path):
    script = ("import sys; from kg import KnowledgeGraph; g = KnowledgeGraph(); "
              "[open(f'{sys.argv[1]}/{f}', 'w').write(g.export(f, inferred=True)) "
              "for f in ('turtle', 'nt', 'nquads', 'trig', 'jsonld', 'xml')]")
    import subprocess
    import sys

    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True, timeout=300)
    for fmt in ("turtle", "nt", "nquads", "trig", "jsonld", "xml"):
        assert (tmp_path / "a" / fmt).read_bytes() == (tmp_path / "b" / fmt).read_bytes(), fmt


def test_export_uses_project_prefixes(kg):
    code, out, _ = kg("export", "--format", "turtle")
    assert code == 0
    for line in ("PREFIX ag: <https://w3id.org/ai-industry/agent/>", "PREFIX schema: <https://schema.org/>",
                 "PREFIX deal: <https://w3id.org/ai-industry/deal/>"):
        assert line in out


def test_environment_variables_choose_folders(kg, monkeypatch):
    monkeypatch.setenv("KG_DATA", str(FIXTURES / "data"))
    monkeypatch.setenv("KG_ONTOLOGY", str(FIXTURES / "ontology"))
    code, out, _ = kg("sparql", "SELECT ?b WHERE { ag:chipco ai:investsIn ?b }", "--format", "csv")
    assert code == 0 and out.split() == ["b", str(AG["acme-lab"])]


def test_entry_point_subprocess_exit_codes():
    done = python_kg("--help")
    assert done.returncode == 0 and "exit codes:" in done.stdout and "3  internal error" in done.stdout
    done = python_kg("query", "nope")
    assert done.returncode == 2 and "no stored query named 'nope'" in done.stderr and done.stdout == ""
    done = python_kg("query", "investments", "--param", "investee=ag:anthropic", "--format", "json")
    assert done.returncode == 0
    investors = {b["investor"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]}
    assert str(AG.nvidia) in investors and str(AG.microsoft) in investors
    inconsistent = FIXTURES / "inconsistent"
    done = python_kg("--ontology", str(inconsistent / "ontology"), "--data", str(inconsistent / "data"), "info")
    assert done.returncode == 1 and "inconsistent" in done.stderr


# --- issue 12: command line basics ------------------------------------------------------------

def test_version(kg):
    from kg.cli.main import version

    code, out, _ = kg("--version")
    assert code == 0 and out.strip() == f"kg {version()}" and version()[0].isdigit()


@pytest.mark.parametrize("argv", [["query", "investments", "--format", "json"], ["sparql", "ASK { ?s ?p ?o }", "--format", "json"],
                                  ["info", "--no-reasoning"], ["reason"], ["queries"], ["export", "--format", "nt"]])
def test_output_file_holds_what_stdout_would(kg, tmp_path, argv):
    _, expected, _ = kg(*argv)
    target = tmp_path / "result"
    target.write_text("old contents")
    code, out, _ = kg(*argv, "-o", str(target))
    assert code == 0 and out == ""
    untimed = lambda text: re.sub(r"in \d+\.\d+ s", "", text)  # noqa: E731 - kg reason says how long it took
    assert untimed(target.read_text(encoding="utf-8")) == untimed(expected)
    assert [p.name for p in tmp_path.iterdir()] == ["result"]  # no temporary file left behind


def test_output_file_of_a_failing_command_is_left_alone(kg, tmp_path):
    target = tmp_path / "result.csv"
    target.write_text("old contents")
    code, _, err = kg("query", "investments", "--param", "investee=ag:antropic", "-o", str(target))
    assert code == 2 and target.read_text() == "old contents"
    code, _, err = kg("query", "investments", "-o", str(tmp_path / "missing" / "x.csv"))
    assert code == 2 and "cannot write" in err


def test_validate_writes_its_report_to_a_file(kg, tmp_path):
    submission = tmp_path / "bad.ttl"
    submission.write_text("@prefix ag: <https://w3id.org/ai-industry/agent/> .\n"
                          "@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n"
                          "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
                          "ag:x a ai:AILab ; prov:wasDerivedFrom src:001_c1ac4854148f4206 .\n")
    code, out, _ = kg("validate", str(submission), "-o", str(tmp_path / "report.txt"))
    report = (tmp_path / "report.txt").read_text()
    assert code == 2 and out == ""
    assert "line 4, col 39" in report  # the position of src:, on the line written
    assert "@prefix src: <https://w3id.org/ai-industry/source/>" in report and "@prefix ag:" not in report.split("fix:")[1]


def test_each_command_shows_its_own_options_first(capsys):
    from kg.cli.main import main

    assert main(["query", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.index("--param") < text.index("folders, store and cache") and text.index("--columns") < text.index("folders, store and cache")
    usage = text.split("\n\n")[0]
    assert "--data" not in usage and "-o FILE" in usage
    assert len(text.splitlines()) < 35 and text.count("--data") == 1  # the common options in one short line
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "read data from DIR" in text and "--version" in text  # explained once, in kg --help
    assert main(["query", "investments", "--data", "data", "--no-cache", "--format", "csv"]) == 0  # still accepted


def test_loader_syntax_error_at_the_end_of_a_file_has_a_real_position(kg, tmp_path):
    """A missing final dot once gave 'col -1047': rdflib reports the end of input as offset -1."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "facts.ttl").write_text("@prefix ag: <https://w3id.org/ai-industry/agent/> .\n"
                                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                                    "ag:acme rdfs:label \"Acme\" \n\n")
    code, _, err = kg("--data", str(data), "info", "--no-reasoning")
    assert code == 2 and "facts.ttl: line 3, column 26:" in err and "final '.'" in err


def test_loader_names_the_undeclared_prefix(kg, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "facts.ttl").write_text("@prefix ag: <https://w3id.org/ai-industry/agent/> .\n"
                                    "ag:acme <http://www.w3.org/ns/prov#wasDerivedFrom> src:001_x .\n")
    code, _, err = kg("--data", str(data), "info", "--no-reasoning")
    assert code == 2 and "line 2" in err and "@prefix src: <https://w3id.org/ai-industry/source/>" in err


@pytest.mark.parametrize("argv, message", [
    (["query", "entity", "--param", "entity=ag:nvidiaa"], "ag:nvidiaa is not in the graph — did you mean ag:nvidia (NVIDIA)?"),
    (["query", "investments", "--param", "investee=ag:antropic"], "did you mean ag:anthropic (Anthropic)?"),
    (["query", "model-availability", "--param", "onAllOf=ai:CloudPlatfrom"], "did you mean ai:CloudPlatform"),
    (["query", "investments", "--param", "investee=ag:qqqqqqqq"], "ag:qqqqqqqq is not in the graph (no IRI"),
])
def test_unknown_iri_parameters_get_suggestions(kg, argv, message):
    code, out, err = kg(*argv)
    assert code == 2 and out == "" and message in err


def test_group_concat_distinct_over_an_unbound_optional_variable(kg, real_graph):
    """`kg sparql` crashed (exit 3, NotBoundError in rdflib's evaluator) on a valid GROUP_CONCAT(DISTINCT ?x)
    whose ?x is unbound in some solutions. The answer is compared with pyoxigraph run directly on the triples."""
    import pyoxigraph

    query = ('SELECT ?d (GROUP_CONCAT(DISTINCT ?x; separator=", ") AS ?s) WHERE { ?d a ai:Investment '
             'OPTIONAL { ?d ai:amount ?a . ?a schema:currency ?x } } GROUP BY ?d ORDER BY ?d')
    code, out, err = kg("sparql", query, "--format", "csv", "--no-reasoning")
    assert code == 0, err
    got = {(r["d"], r["s"]) for r in csv.DictReader(io.StringIO(out))}
    store = pyoxigraph.Store()
    store.load(real_graph.export("nt").encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    from kg.namespaces import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    expected = {(s["d"].value, s["s"].value if s["s"] is not None else "") for s in store.query(prologue + query)}
    assert got == expected and len(got) == 8
    assert dict(got)["https://w3id.org/ai-industry/deal/microsoft-anthropic-investment"] == "USD"  # two amounts, one currency
    assert dict(got)["https://w3id.org/ai-industry/deal/amazon-anthropic-investment"] == ""


def test_entity_shows_value_nodes_as_figures_with_their_sources(kg):
    """Source 000 says Microsoft owns 27 % of OpenAI: the stake's percentage was a blank node id."""
    code, out, _ = kg("query", "entity", "--param", "entity=deal:microsoft-openai-stake", "--format", "csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["property"].endswith("#percentage")]
    assert code == 0 and rows == [{**rows[0], "value": "27.0", "unit": "http://qudt.org/vocab/unit/PERCENT",
                                   "qualifier": str(AI.Exact), "sources": "000_344770c96ebca10a"}]
    code, out, _ = kg("query", "entity", "--param", "entity=deal:anthropic-azure-compute", "--format", "table",
                      "--columns", "property,value,sources", "--wide")
    assert code == 0 and "_:" not in out
    for figure in ("$30 bn", "$30 bn (roughly)", "1 GW", "up to 1 GW — additional capacity on top of the purchase"):
        assert f"│ {figure} " in out
    (roughly,) = [line for line in out.splitlines() if "$30 bn (roughly)" in line]
    assert roughly.rstrip().endswith("004_9fb578446bd148d3")  # the figure's own source, not the deal's four


def test_sparql_warns_about_an_unknown_iri_but_answers(kg):
    code, out, err = kg("sparql", "SELECT ?b WHERE { ?a ai:investsIn ?b }", "--param", "a=ag:nvida", "--format", "csv")
    assert code == 0 and out.split() == ["b"]
    assert "warning: parameter 'a': ag:nvida is not in the graph — did you mean ag:nvidia (NVIDIA)?" in err
