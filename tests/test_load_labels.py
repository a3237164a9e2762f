"""Blank node labels come from the graph, not from the parse: the same file always loads the same.

Value nodes (trees under one IRI) take the linear-time labelling; every other shape must fall
back to the canonical form and still give stable labels and the same graph.
"""

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from kg.store.files import _tree_labels, stable_bnodes

PREFIX = "@prefix ex: <https://example.org/> .\n"
CASES = {
    "value nodes": "ex:deal ex:amount [ ex:value 1.0 ; ex:unit [ ex:code \"USD\" ] ] , [ ex:value 2.0 ] .\n"
                   "ex:other ex:amount [ ex:value 1.0 ; ex:unit [ ex:code \"USD\" ] ] .",
    "list": "ex:p ex:chain ( ex:a ex:b ex:c ) .",
    "identical siblings": "ex:deal ex:amount [ ex:value 1.0 ] , [ ex:value 1.0 ] .",
    "shared": "ex:a ex:p _:x . ex:b ex:p _:x . _:x ex:value 1.0 .",
    "root": "_:x ex:value 1.0 .",
    "cycle": "ex:a ex:p _:x . _:x ex:p _:y . _:y ex:p _:x .",
}
TREES = {"value nodes", "list"}


def labelled(text: str) -> Graph:
    return stable_bnodes(Graph().parse(data=PREFIX + text, format="turtle"), tag="t")


@pytest.mark.parametrize("name", sorted(CASES))
def test_labels_are_stable_and_the_graph_unchanged(name):
    original = Graph().parse(data=PREFIX + CASES[name], format="turtle")
    first, second = labelled(CASES[name]), labelled(CASES[name])
    assert sorted(first) == sorted(second)  # same labels from two independent parses
    assert isomorphic(first, original) and len(first) == len(original)
    assert all(str(t).startswith("bt") for triple in first for t in triple if isinstance(t, BNode))


@pytest.mark.parametrize("name", sorted(CASES))
def test_only_trees_take_the_fast_path(name):
    assert (_tree_labels(Graph().parse(data=PREFIX + CASES[name], format="turtle")) is not None) == (name in TREES)
