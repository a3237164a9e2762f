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
from kg.reasoning.rules import Rule, compile_rules, prune, strata
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
    using = " ".join([*(f"USING {g}" for g in [*graphs, target]), *(f"USING NAMED {g}" for g in graphs)])
    store.extend(ox.Quad(s, p, o, target) for s, p, o in box.inferences())
    rules = compile_rules(box)
    asserted_keys = {rule.key for rule in rules if store.query(rule.ask(), default_graph=graphs)}
    for component in strata(prune(rules, asserted_keys)):
        _fixpoint(store, component, target, using, graphs, asserted_keys)
    messages = violations(store, box, [*graphs, target])
    if messages:
        store.update(f"DROP SILENT GRAPH {target}")
        raise ReasoningError(messages)
    _drop_trivial(store, box, target, ontology)
    kinds = _kinds(store, target)
    return ReasoningReport(inferred=sum(kinds.values()), seconds=time.perf_counter() - started, cached=False, kinds=kinds)


def _count(store: ox.Store, rule: Rule, target: ox.NamedNode) -> int:
    return int(next(iter(store.query(rule.count(target))))[0].value)


def _fixpoint(store: ox.Store, component: list[Rule], target: ox.NamedNode, using: str, graphs: list,
              asserted_keys: set) -> None:
    """Run a component's rules until none adds a triple; a rule re-fires only the bodies whose inputs grew since it last fired."""
    asserted = {rule.key: graphs if rule.key in asserted_keys else None for rule in component}
    if len(component) == 1 and not set(component[0].keys) & component[0].reads:
        rule = component[0]  # reads only finished keys: once is enough
        store.update(rule.update(target, using, asserted=asserted[rule.key]))
        return
    version = {key: 0 for rule in component for key in rule.keys}
    seen: dict = {}
    fired = True
    while fired:
        fired = False
        for rule in component:
            inner = [key for key in rule.reads if key in version]
            changed = None
            if rule.key in seen:
                changed = {key for key in inner if version[key] > seen[rule.key][key]}
                if not changed:
                    continue
            seen[rule.key] = {key: version[key] for key in inner}
            before = _count(store, rule, target)
            store.update(rule.update(target, using, changed=changed, asserted=asserted[rule.key]))
            fired = True
            if _count(store, rule, target) != before:
                for key in rule.keys:
                    version[key] += 1


def _drop_trivial(store: ox.Store, box: TBox, target: ox.NamedNode, ontology: ox.NamedNode) -> None:
    """Remove what ``reference.is_trivial`` filters and the rules derive.

    That is a symmetric property's self-pairs, and statements about terms of the OWL, RDF, RDFS
    and XSD vocabularies. Those terms are looked for in the ontology graph, where they occur;
    finding them in the data would cost a scan of all of it, testing the text of every IRI (and
    the data's shapes use none of them as an individual).
    """
    built_in = " || ".join(f'STRSTARTS(STR(?t), "{ns}")' for ns in BUILT_IN)
    terms = [row[0] for row in store.query(f"SELECT DISTINCT ?t {{ {{ ?t ?p ?o }} UNION {{ ?s ?p ?t }} "
                                           f"FILTER(isIRI(?t) && ({built_in})) }}", default_graph=[ontology])]
    for prop in sorted(box.symmetric, key=str):
        store.update(f"DELETE WHERE {{ GRAPH {target} {{ ?x {sparql_term(prop)} ?x }} }}")
    for term in terms:
        store.update(f"DELETE WHERE {{ GRAPH {target} {{ {sparql_term(term)} ?p ?o }} }}")


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
