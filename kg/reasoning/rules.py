"""The ontology compiled into SPARQL rules, one per derived relation, in the order they must run.

One rule per *key*: a property (``?s ai:investsIn ?o``) or a class (``?s a ai:Investor``). Its body
is the union of every way the ontology gives to derive it, each through *direct* links only
(a direct subclass, a direct subproperty, an inverse, a chain, a restriction, a declared domain or
range); what is inherited from further up arrives through the keys it reads, which run first.
So each inferred triple is found about once and inserted once: on Oxigraph an insert costs far
more than a lookup, and the rule filters out what the union of asserted and inferred graphs
already holds (which also keeps asserted triples out of the inferred graph).

Keys read each other; mutual reads (inverse pairs, symmetric and transitive properties,
equivalent classes) form strongly connected components, evaluated to a fixpoint together; every
other rule runs exactly once, after the keys it reads are complete.

OWL 2 RL rules covered: cax-sco, cax-eqc1/2, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp, prp-trp,
prp-spo2, prp-dom, prp-rng, cls-svf1/2, cls-hv1/2, cls-int1/2, cls-uni; the schema rules are in
``tbox.py``, the inconsistency rules in ``consistency.py``.

Triples with a literal subject, which owlrl derives and then drops from its output
(``reference.is_trivial``), are never derived here (a template cannot hold them). The outputs
differ only if a chain passes *through* such a triple, that is, if the data used a literal where
the shapes require an individual.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.reasoning.common import UnsupportedOntology
from kg.reasoning.tbox import RESOURCE, THING, TBox, sparql_term

__all__ = ["Rule", "compile_rules", "prune", "strata"]


@dataclass(frozen=True)
class Rule:
    """How to derive one key: ``("type", class)`` or ``("property", property)``."""

    key: tuple
    bodies: tuple  # (SPARQL group pattern binding ?s, and ?o for a property; the keys it reads)
    mirror: ox.NamedNode | None = None  # an inverse (or, for a symmetric property, itself) written alongside

    @property
    def keys(self) -> tuple:
        return (self.key,) + ((("property", self.mirror),) if self.mirror is not None else ())

    @property
    def reads(self) -> frozenset:
        return frozenset(k for _, reads in self.bodies for k in reads)

    @property
    def head(self) -> str:
        kind, term = self.key
        return f"?s a {sparql_term(term)}" if kind == "type" else f"?s {sparql_term(term)} ?o"

    def update(self, target: ox.NamedNode, using: str, *, changed: set | None = None, asserted: list | None = None) -> str:
        """``INSERT`` into ``target`` what the bodies find (``target`` holds each triple once anyway).

        With ``changed``, only the bodies that read one of those keys (semi-naive re-firing).
        With ``asserted`` (the graphs, when they hold triples of this key), what they hold is
        left out, so that no asserted triple is copied into the inferred graph. Nothing else is
        checked first: on Oxigraph, checking a triple costs as much as inserting it again.
        """
        variables = "?s" if self.key[0] == "type" else "?s ?o"
        bodies = [text for text, reads in self.bodies if changed is None or reads & changed]
        union = " UNION ".join("{ %s }" % body for body in bodies)
        minus = ""
        if asserted:
            minus = "MINUS { GRAPH ?g { %s } VALUES ?g { %s } }" % (self.head, " ".join(str(g) for g in asserted))
        template = self.head + (f" . ?o {sparql_term(self.mirror)} ?s" if self.mirror is not None else "")
        return (f"INSERT {{ GRAPH {target} {{ {template} }} }} {using} WHERE {{ "
                f"{{ SELECT DISTINCT {variables} {{ {union} }} }} {minus} }}")

    def ask(self) -> str:
        return f"ASK {{ {self.head} }}"

    def count(self, target: ox.NamedNode) -> str:
        return f"SELECT (COUNT(*) AS ?n) {{ GRAPH {target} {{ {self.head} }} }}"


def _named(term) -> bool:
    return isinstance(term, ox.NamedNode)


def _property(term) -> str:
    if not _named(term):
        raise UnsupportedOntology(f"property expression {term} outside a property chain: reason with owlrl instead")
    return sparql_term(term)


def _rule(key: tuple, bodies: list) -> Rule | None:
    return Rule(key, tuple((text, frozenset(reads)) for text, reads in bodies)) if bodies else None


def _class_rule(box: TBox, cls, down: dict, domains: dict, ranges: dict) -> Rule | None:
    """cax-sco/eqc from direct named subclasses; through anonymous classes to their restrictions."""
    bodies, seen, todo = [], {cls}, [cls]
    while todo:
        node = todo.pop()
        if node in box.some_values:  # cls-svf1/2
            prop, filler = box.some_values[node]
            if filler == THING:
                bodies.append((f"?s {_property(prop)} []", {("property", prop)}))
            elif _named(filler):
                bodies.append((f"?s {_property(prop)} ?y . ?y a {sparql_term(filler)}", {("property", prop), ("type", filler)}))
            else:
                raise UnsupportedOntology(f"someValuesFrom an anonymous class ({node}): reason with owlrl instead")
        if node in box.has_value:  # cls-hv1
            prop, value = box.has_value[node]
            bodies.append((f"?s {_property(prop)} {sparql_term(value)}", {("property", prop)}))
        if node in box.intersections:  # cls-int1
            members = box.intersections[node]
            if not all(_named(m) for m in members):
                raise UnsupportedOntology(f"intersection of anonymous classes ({node}): reason with owlrl instead")
            bodies.append((" . ".join(f"?s a {sparql_term(m)}" for m in members), {("type", m) for m in members}))
        for prop in domains.get(node, ()):  # prp-dom
            bodies.append((f"?s {_property(prop)} []", {("property", prop)}))
        for prop in ranges.get(node, ()):  # prp-rng
            bodies.append((f"[] {_property(prop)} ?s FILTER(!isLiteral(?s))", {("property", prop)}))
        for child in down.get(node, ()):
            if child in seen:
                continue
            seen.add(child)
            if _named(child):
                bodies.append((f"?s a {sparql_term(child)}", {("type", child)}))
            else:
                todo.append(child)
    return _rule(("type", cls), bodies)


def _property_rule(box: TBox, prop, down: dict, class_down: dict) -> Rule | None:
    """prp-spo1/eqp from direct subproperties, plus inverses, symmetry, transitivity, chains, cls-hv2."""
    bodies, p = [], _property(prop)
    for child in down.get(prop, ()):
        bodies.append((f"?s {_property(child)} ?o", {("property", child)}))
    for a, b in box.inverses:
        for this, other in ((a, b), (b, a)):
            if this == prop:
                bodies.append((f"?o {_property(other)} ?s", {("property", other)}))
    if prop in box.symmetric:
        bodies.append((f"?o {p} ?s", {("property", prop)}))
    if prop in box.kinds[ox.NamedNode("http://www.w3.org/2002/07/owl#TransitiveProperty")]:
        bodies.append((f"?s {p} ?m . ?m {p} ?o", {("property", prop)}))
    for head, steps in box.chains:
        if head != prop:
            continue
        names = ["?s"] + [f"?v{i}" for i in range(1, len(steps))] + ["?o"]
        bodies.append((" . ".join(f"{names[i + 1]} {_property(step)} {names[i]}" if inverted
                                  else f"{names[i]} {_property(step)} {names[i + 1]}"
                                  for i, (step, inverted) in enumerate(steps)), {("property", step) for step, _ in steps}))
    for restriction, (on, value) in box.has_value.items():  # cls-hv2: members of the restriction get the value
        if on != prop:
            continue
        seen, todo = {restriction}, [restriction]
        while todo:
            node = todo.pop()
            if _named(node):
                bodies.append((f"?s a {sparql_term(node)} BIND({sparql_term(value)} AS ?o)", {("type", node)}))
                continue
            for child in class_down.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
    return _rule(("property", prop), bodies)


def compile_rules(box: TBox) -> list[Rule]:
    """One rule per class and property that anything in the ontology derives."""
    class_down, prop_down = box.down_edges(), box.down_edges(properties=True)
    domains, ranges = defaultdict(list), defaultdict(list)
    for pairs, table in ((box.domains, domains), (box.ranges, ranges)):
        for prop, cls in pairs:
            table[cls].append(prop)
    defined = set(class_down) | set(domains) | set(ranges) | set(box.intersections) | set(box.some_values) | set(box.has_value)
    classes = {n for n in defined if _named(n)} - {THING, RESOURCE}
    props = set(prop_down) | {x for pair in box.inverses for x in pair} | box.symmetric | {h for h, _ in box.chains} \
        | {p for p, _ in box.has_value.values()} \
        | box.kinds[ox.NamedNode("http://www.w3.org/2002/07/owl#TransitiveProperty")]
    rules = [_class_rule(box, c, class_down, domains, ranges) for c in sorted(classes, key=str)]
    rules += [_property_rule(box, p, prop_down, class_down) for p in sorted(props, key=str)]
    return [rule for rule in rules if rule is not None]


def prune(rules: list[Rule], asserted: set) -> list[Rule]:
    """Drop the way back of a pure inverse: if ``q`` only mirrors ``p`` (and holds nothing asserted), ``p`` need not read ``q``.

    ``p ← inverse(q)`` would only find ``p`` again, yet it makes ``p`` and ``q`` one recursive
    component, evaluated twice over; without it each runs once.
    """
    mirrors = {}
    for rule in rules:
        if rule.key[0] == "property" and rule.key not in asserted and len(rule.bodies) == 1:
            (text, reads), = rule.bodies
            source = next(iter(reads))
            if len(reads) == 1 and source != rule.key and text == f"?o {sparql_term(source[1])} ?s":
                mirrors[source] = rule.key
    out = []
    for rule in rules:
        mirror = mirrors.get(rule.key)
        if mirror is not None and mirrors.get(mirror) != rule.key:  # two pure mirrors of each other: keep one way
            back = f"?o {sparql_term(mirror[1])} ?s"
            rule = Rule(rule.key, tuple(b for b in rule.bodies if b[0] != back or b[1] != frozenset({mirror})))
        if rule.bodies:
            out.append(rule)
    return _merge_mirrors(out, asserted)


def _swap(text: str) -> str:
    return re.sub(r"\?([so])\b", lambda m: "?o" if m.group(1) == "s" else "?s", text)


def _merge_mirrors(rules: list[Rule], asserted: set) -> list[Rule]:
    """One rule, writing both directions, for a symmetric property or a pair of inverses.

    Otherwise each direction must be re-derived from the other until nothing changes: a second
    pass over every pair. Only for properties with nothing asserted (no triple to keep out of
    the inferred graph, and none whose mirror image the rule would have to read back).
    """
    by_key = {rule.key: rule for rule in rules}

    def back(rule: Rule, other: tuple) -> tuple:
        return (f"?o {sparql_term(other[1])} ?s", frozenset({other}))

    def plain(rule: Rule) -> bool:  # reads itself at most through the mirror body
        return rule.key[0] == "property" and rule.key not in asserted and rule.mirror is None
    merged, done = [], set()
    for rule in rules:
        if rule.key in done:
            continue
        if plain(rule) and back(rule, rule.key) in rule.bodies:  # symmetric
            bodies = tuple(b for b in rule.bodies if b != back(rule, rule.key))
            if all(rule.key not in reads for _, reads in bodies):
                rule = Rule(rule.key, bodies, mirror=rule.key[1])
        elif plain(rule):
            for text, reads in rule.bodies:
                other = by_key.get(next(iter(reads))) if len(reads) == 1 else None
                if other is None or other.key == rule.key or other.key in done or not plain(other) \
                        or (text, reads) != back(rule, other.key) or back(other, rule.key) not in other.bodies:
                    continue
                mine = tuple(b for b in rule.bodies if b != back(rule, other.key))
                theirs = tuple((_swap(t), r) for t, r in other.bodies if (t, r) != back(other, rule.key))
                if any(k in (rule.key, other.key) for _, r in mine + theirs for k in r):
                    continue
                rule = Rule(rule.key, mine + theirs, mirror=other.key[1])
                done.add(other.key)
                break
        done.add(rule.key)
        merged.append(rule)
    return merged


def strata(rules: list[Rule]) -> list[list[Rule]]:
    """Strongly connected components of the read graph, each after every component it reads (Tarjan)."""
    writer = {key: rule.key for rule in rules for key in rule.keys}
    by_key = {rule.key: rule for rule in rules}
    reads = {rule.key: sorted({writer[k] for k in rule.reads if k in writer}, key=str) for rule in rules}
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in by_key:
        if root in index:
            continue
        work = [(root, iter(reads[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(reads[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    key = stack.pop()
                    on_stack.discard(key)
                    component.append(by_key[key])
                    if key == node:
                        break
                out.append(component)
    return out
