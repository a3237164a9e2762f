"""OWL 2 RL reasoning inside Oxigraph: the compiled rules run to a fixpoint on the store itself.

owlrl closes an rdflib graph triple by triple in Python (about 100 s at 100k triples). Here the
ontology is compiled once (``tbox.py``, ``rules.py``) and every join is Oxigraph's: each rule is a
SPARQL ``INSERT … WHERE`` reading the asserted graphs and the inferred graph and writing only
into the inferred graph. The result equals owlrl's filtered output
(:func:`kg.reasoning.reference.infer`); ``tests/test_reasoning_rules.py`` holds the two side by side.
"""

from __future__ import annotations

import time
from collections import Counter

import pyoxigraph as ox

from kg.reasoning.common import ReasoningError, ReasoningReport
from kg.reasoning.consistency import violations
from kg.reasoning.rules import Rule, compile_rules, strata
from kg.reasoning.tbox import BUILT_IN, RDF, TBox, read_tbox, sparql_term

__all__ = ["infer_in_store"]


def infer_in_store(store: ox.Store, *, ontology: ox.NamedNode, asserted: list[ox.NamedNode],
                   target: ox.NamedNode) -> ReasoningReport:
    """Replace graph ``target`` with what OWL 2 RL derives from ``asserted`` (which should include ``ontology``).

    Raises :class:`ReasoningError` (``target`` left empty) when the data is inconsistent, and
    :class:`~kg.reasoning.common.UnsupportedOntology` for axioms the compiler does not translate.
    """
    started = time.perf_counter()
    graphs = list(dict.fromkeys([ontology, *asserted]))
    if target in graphs:
        raise ValueError(f"the inferred graph {target} is also an asserted graph")
    store.update(f"DROP SILENT GRAPH {target}")
    box = read_tbox(store, graphs)
    using = " ".join(f"USING {g}" for g in [*graphs, target])
    store.extend(ox.Quad(s, p, o, target) for s, p, o in box.inferences())
    for component in strata(compile_rules(box)):
        _fixpoint(store, component, target, using)
    messages = violations(store, box, [*graphs, target])
    if messages:
        store.update(f"DROP SILENT GRAPH {target}")
        raise ReasoningError(messages)
    _drop_trivial(store, box, target)
    kinds = _kinds(store, target)
    return ReasoningReport(inferred=sum(kinds.values()), seconds=time.perf_counter() - started, cached=False, kinds=kinds)


def _count(store: ox.Store, rule: Rule, target: ox.NamedNode) -> int:
    return int(next(iter(store.query(rule.count(target))))[0].value)


def _fixpoint(store: ox.Store, component: list[Rule], target: ox.NamedNode, using: str) -> None:
    """Run a component's rules until none adds a triple, re-firing only rules whose inputs grew."""
    if len(component) == 1 and component[0].key not in component[0].reads:
        store.update(component[0].update(target, using))  # reads only finished keys: once is enough
        return
    changed = None
    while changed != set():
        grew = set()
        for rule in component:
            if changed is None or rule.reads & changed:
                before = _count(store, rule, target)
                store.update(rule.update(target, using))
                if _count(store, rule, target) != before:
                    grew.add(rule.key)
        changed = grew


def _drop_trivial(store: ox.Store, box: TBox, target: ox.NamedNode) -> None:
    """Remove what ``reference.is_trivial`` filters: symmetric self-pairs, statements about the built-in vocabularies."""
    for prop in sorted(box.symmetric, key=str):
        store.update(f"DELETE WHERE {{ GRAPH {target} {{ ?x {sparql_term(prop)} ?x }} }}")
    built_in = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in BUILT_IN)
    store.update(f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} "
                 f"FILTER(isIRI(?s) && ({built_in})) }}")


def _kinds(store: ox.Store, target: ox.NamedNode) -> Counter:
    """Inferred triples by predicate, ``rdf:type`` split by class, in prefixed names (as ``reference.kinds``)."""
    from kg.namespaces import PREFIXES  # rdflib underneath: only once there is something to report

    def short(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(str(namespace)) and iri != str(namespace):
                return f"{prefix}:{iri[len(str(namespace)):]}"
        return f"<{iri}>"

    counter: Counter = Counter()
    query = (f"SELECT ?p ?c (COUNT(*) AS ?n) {{ GRAPH {target} {{ ?s ?p ?o }} "
             f"BIND(IF(?p = <{RDF}type>, ?o, ?p) AS ?c) }} GROUP BY ?p ?c")
    for p, c, n in store.query(query):
        key = short(p.value) + (" " + short(c.value) if p.value == RDF + "type" and isinstance(c, ox.NamedNode) else "")
        counter[key] += int(n.value)
    return counter
