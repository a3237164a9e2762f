"""The OWL 2 RL inconsistency rules the ontology can trigger, as SPARQL over the closed graph.

Run after the fixpoint (a clash may need inferred types) and before trivial triples are
dropped (a chain's self-pair still breaks irreflexivity). Messages read like owlrl's, so that
:class:`~kg.reasoning.common.ReasoningError` names the same IRIs whichever reasoner ran.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.reasoning.tbox import NOTHING, OWL, TBox, sparql_term

__all__ = ["violations"]

#: Offenders listed per axiom; enough to act on, and a bounded message.
LIMIT = 20


def _show(term) -> str:
    return term.value


def violations(store: ox.Store, box: TBox, graphs: list) -> list[str]:
    """One message per offending individual or pair (cax-dw, cax-adc, prp-irp, prp-asyp, prp-pdw, prp-adp, cls-nothing2)."""
    def rows(text: str) -> list:
        return [tuple(s) for s in store.query(text + f" LIMIT {LIMIT}", default_graph=graphs)]

    messages = []
    for c1, c2 in box.disjoint_classes:
        for (x,) in rows(f"SELECT DISTINCT ?x {{ ?x a {sparql_term(c1)} . ?x a {sparql_term(c2)} }}"):
            messages.append(f"Disjoint classes {_show(c1)} and {_show(c2)} have a common individual {_show(x)}")
    for p in box.kinds[ox.NamedNode(OWL + "IrreflexiveProperty")]:
        for (x,) in rows(f"SELECT DISTINCT ?x {{ ?x {sparql_term(p)} ?x }}"):
            messages.append(f"Irreflexive property used on {_show(x)} with {_show(p)}")
    for p in box.kinds[ox.NamedNode(OWL + "AsymmetricProperty")]:
        for x, y in rows(f"SELECT DISTINCT ?x ?y {{ ?x {sparql_term(p)} ?y . ?y {sparql_term(p)} ?x }}"):
            messages.append(f"Erroneous usage of asymmetric property {_show(p)} on {_show(x)} and {_show(y)}")
    for p1, p2 in box.disjoint_properties:
        for x, y in rows(f"SELECT DISTINCT ?x ?y {{ ?x {sparql_term(p1)} ?y . ?x {sparql_term(p2)} ?y }}"):
            messages.append(f"Erroneous usage of disjoint properties {_show(p1)} and {_show(p2)} on {_show(x)} and {_show(y)}")
    for (x,) in rows(f"SELECT DISTINCT ?x {{ ?x a {sparql_term(NOTHING)} }}"):
        messages.append(f"{_show(x)} is defined of type 'Nothing'")
    return sorted(messages)
