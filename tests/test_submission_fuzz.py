"""Property-based fuzzing of the submission path (issue 10), in all four input formats.

Hypothesis mutates a conforming submission (Turtle, N-Triples, JSON-LD, RDF/XML) by inserting
hostile text (escapes that decode to IRI delimiters, control and bidi characters, N3 syntax,
XML entities, lone surrogate escapes), deleting or repeating spans. Whatever comes out, ``add``
on a temporary copy of a data folder must: never raise; on reject return exit code 1 or 2 and
leave every data file byte-identical (a hash of each); on accept return 0, and every written file
must parse with Oxigraph's strict Turtle parser and hold every ground triple of the submission.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg import KnowledgeGraph
from kg.submissions import api
from kg.submissions.parse import read_submission
from rdflib import BNode

REPO = Path(__file__).resolve().parent.parent
GOOD = REPO / "tests" / "submissions" / "good"
#: A small data folder keeps each accepted example to a few seconds: the organizations and sources.
FILES = ("organizations.ttl", "sources.ttl")
HOSTILE = ["\\u003E", "\\u0020", ">", "<", '"', "{", " ", "\\", "_:b", "!", "^^", "@", ".", ";", "\\uD800",
           "&gt;", "&#0;", "&#x202E;", "\x00", "\x1b[2J", "\u202e", "\u200b", "e\u0301", "javascript:", "]]>",
           '"@context": "http://x/"', "<!ENTITY a 'b'>", "ü", "\U0001F600", "\n", "\t"]


def _hash(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    return root


def _fresh(root: Path) -> tuple[Path, KnowledgeGraph]:
    data = root / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir()
    for name in FILES:
        shutil.copy(REPO / "data" / name, data / name)
    return data, KnowledgeGraph(data=data, cache_folder=root / "cache")  # the pristine graph's inferences come from the cache


mutation = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(HOSTILE) | st.text(max_size=4)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 12)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 40)),
)


def mutate(text: str, edits) -> str:
    for op, where, arg in edits:
        at = int(where * len(text))
        if op == "insert":
            text = text[:at] + arg + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + arg:]
        else:
            text = text[:at] + text[at:at + arg] + text[at:]
    return text


def _run(workspace: Path, name: str, edits) -> None:
    text = mutate((GOOD / name).read_text(encoding="utf-8"), edits)
    submission = workspace / ("sub" + Path(name).suffix)
    submission.write_bytes(text.encode("utf-8", "surrogatepass"))
    data, graph = _fresh(workspace) if not hasattr(_run, "state") else _run.state
    before = _hash(data)
    outcome = api.add(graph, [submission], lock_timeout=5)
    if outcome.exit_code != 0:
        assert outcome.exit_code in (1, 2)
        assert _hash(data) == before
        _run.state = (data, graph)
        return
    parsed, _ = read_submission(submission)
    for path in outcome.written:
        written = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
        assert written  # strict parse succeeded
    everything = set()
    for path in data.glob("*.ttl"):
        everything |= {(str(q.subject), str(q.predicate), str(q.object))
                       for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
    from kg.store.terms import to_oxigraph
    for s, p, o in parsed.graph:
        if not isinstance(s, BNode) and not isinstance(o, BNode):
            assert (str(to_oxigraph(s)), str(to_oxigraph(p)), str(to_oxigraph(o))) in everything
    _run.state = _fresh(workspace)  # accepted: start again from the pristine data


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["compute_commitment.ttl", "compute_commitment.nt", "compute_commitment.jsonld",
                                  "compute_commitment.rdf"])
def test_fuzzed_submission_never_crashes_and_never_half_writes(workspace: Path, name: str):
    @SETTINGS
    @given(st.lists(mutation, min_size=1, max_size=3))
    @example([("insert", 0.0, "")])  # the unmutated file: accepted, written, round-tripped
    def check(edits):
        _run(workspace, name, edits)

    check()
