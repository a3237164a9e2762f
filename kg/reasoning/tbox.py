"""The ontology's axioms (the TBox), read from the store and closed in Python.

The schema is a few hundred triples however large the data grows, so its closure (sub-class and
sub-property hierarchies, inherited domains and ranges, equivalences) is cheap to compute here,
and it decides which rules the data needs (``rules.py``). Axioms are read from every asserted
graph, not only the ontology's, because owlrl does not tell them apart either. Constructs the
compiler does not translate raise :class:`UnsupportedOntology` instead of being ignored silently:
owlrl (``--reasoner owlrl``) remains the path for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.reasoning.common import UnsupportedOntology

__all__ = ["OWL", "RDF", "RDFS", "TBox", "read_tbox", "sparql_term", "is_trivial"]

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUILT_IN = (OWL, RDF, RDFS, XSD)

TYPE, SUBCLASS, SUBPROPERTY = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "subClassOf"), ox.NamedNode(RDFS + "subPropertyOf")
EQUIVALENT_CLASS, EQUIVALENT_PROPERTY = ox.NamedNode(OWL + "equivalentClass"), ox.NamedNode(OWL + "equivalentProperty")
DOMAIN, RANGE = ox.NamedNode(RDFS + "domain"), ox.NamedNode(RDFS + "range")
THING, RESOURCE, NOTHING = ox.NamedNode(OWL + "Thing"), ox.NamedNode(RDFS + "Resource"), ox.NamedNode(OWL + "Nothing")

#: Schema predicates the compiler reads (lists are read separately).
_READ = ["rdfs:subClassOf", "owl:equivalentClass", "rdfs:subPropertyOf", "owl:equivalentProperty", "rdfs:domain",
         "rdfs:range", "owl:inverseOf", "owl:propertyChainAxiom", "owl:onProperty", "owl:someValuesFrom", "owl:hasValue",
         "owl:intersectionOf", "owl:unionOf", "owl:disjointWith", "owl:propertyDisjointWith", "owl:members"]
_KINDS = ["owl:SymmetricProperty", "owl:TransitiveProperty", "owl:IrreflexiveProperty", "owl:AsymmetricProperty",
          "owl:AllDisjointClasses", "owl:AllDisjointProperties"]
#: OWL 2 RL vocabulary with rules the compiler does not have (equality, cardinality, keys, negation...).
#: ``owl:differentFrom`` and ``owl:AllDifferent`` are not here: OWL 2 RL derives nothing from them and
#: they can only clash with ``owl:sameAs`` (eq-diff1-3), which is refused; a submission uses them to
#: say that a look-alike name is a different entity.
_UNSUPPORTED = ["owl:sameAs", "owl:hasKey", "owl:allValuesFrom",
                "owl:maxCardinality", "owl:maxQualifiedCardinality", "owl:complementOf", "owl:oneOf",
                "owl:sourceIndividual", "owl:datatypeComplementOf", "owl:onDataRange"]
_UNSUPPORTED_KINDS = ["owl:FunctionalProperty", "owl:InverseFunctionalProperty", "owl:NegativePropertyAssertion"]
_PREFIXES = {"owl": OWL, "rdf": RDF, "rdfs": RDFS}


def _iri(name: str) -> ox.NamedNode:
    prefix, local = name.split(":")
    return ox.NamedNode(_PREFIXES[prefix] + local)


def sparql_term(term) -> str:
    """An IRI or literal in SPARQL syntax (Oxigraph's own N-Triples form, escaped by it); a blank node is refused.

    The compiled rules name ontology terms; they come from the store as terms, never from text.
    """
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise UnsupportedOntology(f"a rule would need to name the blank node {term}: compile this ontology with owlrl")


def is_trivial(s, p, o, symmetric: set) -> bool:
    """``kg.reasoning.reference.is_trivial`` on Oxigraph terms: closure output true of any graph."""
    if isinstance(s, ox.Literal) or isinstance(s, ox.NamedNode) and s.value.startswith(BUILT_IN):
        return True
    if s == o and (p.value in (OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty",
                               RDFS + "subClassOf", RDFS + "subPropertyOf") or p in symmetric):
        return True
    if p == TYPE and o in (RESOURCE, THING) or p in (SUBCLASS, DOMAIN, RANGE) and o in (RESOURCE, THING):
        return True
    if p in (TYPE, SUBCLASS, EQUIVALENT_CLASS) and isinstance(o, ox.BlankNode):
        return True
    return p in (SUBCLASS, EQUIVALENT_CLASS) and isinstance(s, ox.BlankNode)


@dataclass
class TBox:
    """The axioms, by kind, with the class and property hierarchies as direct edges (child -> parents)."""

    asserted: set = field(default_factory=set)
    class_up: dict = field(default_factory=lambda: defaultdict(set))
    prop_up: dict = field(default_factory=lambda: defaultdict(set))
    domains: list = field(default_factory=list)
    ranges: list = field(default_factory=list)
    inverses: list = field(default_factory=list)
    chains: list = field(default_factory=list)  # (property, [(step property, inverted?)])
    some_values: dict = field(default_factory=dict)  # restriction -> (property, filler)
    has_value: dict = field(default_factory=dict)  # restriction -> (property, value)
    intersections: dict = field(default_factory=dict)  # class -> member classes
    kinds: dict = field(default_factory=lambda: defaultdict(set))  # owl:XProperty / owl:AllDisjointX -> subjects
    disjoint_classes: list = field(default_factory=list)
    disjoint_properties: list = field(default_factory=list)

    def up(self, node, *, properties: bool = False) -> set:
        """``node`` and everything above it (reflexive, transitive)."""
        edges, seen, todo = (self.prop_up if properties else self.class_up), {node}, [node]
        while todo:
            for parent in edges.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def down_edges(self, *, properties: bool = False) -> dict:
        """Direct edges parent -> children."""
        down = defaultdict(set)
        for child, parents in (self.prop_up if properties else self.class_up).items():
            for parent in parents:
                down[parent].add(child)
        return down

    @property
    def symmetric(self) -> set:
        return self.kinds[_iri("owl:SymmetricProperty")]

    def inferences(self) -> list[tuple]:
        """What owlrl's schema rules add (scm-sco, -eqc, -spo, -eqp, -dom, -rng), minus the trivial and asserted."""
        out = set()
        for properties, sub, eq in ((False, SUBCLASS, EQUIVALENT_CLASS), (True, SUBPROPERTY, EQUIVALENT_PROPERTY)):
            edges = self.prop_up if properties else self.class_up
            nodes = set(edges) | {p for parents in edges.values() for p in parents}
            ups = {node: self.up(node, properties=properties) for node in nodes}
            for node, above in ups.items():
                for parent in above - {node}:
                    out.add((node, sub, parent))
                    if node in ups.get(parent, ()):
                        out.add((node, eq, parent))
        prop_down = self.down_edges(properties=True)
        for pairs, predicate in ((self.domains, DOMAIN), (self.ranges, RANGE)):
            for prop, cls in pairs:
                below, todo = {prop}, [prop]
                while todo:
                    for child in prop_down.get(todo.pop(), ()):
                        if child not in below:
                            below.add(child)
                            todo.append(child)
                out.update((p, predicate, c) for p in below for c in self.up(cls))
        return sorted((t for t in out if t not in self.asserted and not is_trivial(*t, self.symmetric)), key=str)


def _select(store: ox.Store, graphs: list, text: str) -> list:
    query = "PREFIX owl: <%s> PREFIX rdf: <%s> PREFIX rdfs: <%s> " % (OWL, RDF, RDFS) + text
    return [tuple(solution) for solution in store.query(query, default_graph=graphs)]


def read_tbox(store: ox.Store, graphs: list) -> TBox:
    """Read the axioms from ``graphs`` and add the hierarchy edges that restrictions imply."""
    found = _select(store, graphs, "SELECT DISTINCT ?p ?s { VALUES ?p { %s } ?s ?p [] } LIMIT 20" % " ".join(_UNSUPPORTED)) \
        + _select(store, graphs, "SELECT DISTINCT ?t ?s { VALUES ?t { %s } ?s a ?t } LIMIT 20" % " ".join(_UNSUPPORTED_KINDS))
    if found:
        uses = "; ".join(f"{s} uses {p}" for p, s in found)
        raise UnsupportedOntology(f"the rule compiler does not translate: {uses} (reason with owlrl instead)")
    box = TBox()
    triples = _select(store, graphs, "SELECT DISTINCT ?s ?p ?o { VALUES ?p { %s } ?s ?p ?o }" % " ".join(_READ))
    box.asserted = set(triples)
    lists = {node: (first, rest) for node, first, rest in _select(store, graphs, """SELECT DISTINCT ?l ?f ?r {
        ?x owl:propertyChainAxiom|owl:intersectionOf|owl:unionOf|owl:members ?h . ?h rdf:rest* ?l .
        ?l rdf:first ?f ; rdf:rest ?r }""")}

    def members(head) -> list:
        out = []
        while head in lists and len(out) <= len(lists):
            out.append(lists[head][0])
            head = lists[head][1]
        return out

    on_property = {s: o for s, p, o in triples if p.value == OWL + "onProperty"}
    inverse_expressions = {s: o for s, p, o in triples if p.value == OWL + "inverseOf" and isinstance(s, ox.BlankNode)}
    for kind, subject in _select(store, graphs, "SELECT DISTINCT ?t ?s { VALUES ?t { %s } ?s a ?t }" % " ".join(_KINDS)):
        box.kinds[kind].add(subject)
    for s, p, o in triples:
        name = p.value
        if name == RDFS + "subClassOf":
            box.class_up[s].add(o)
        elif name == OWL + "equivalentClass":
            box.class_up[s].add(o)
            box.class_up[o].add(s)
        elif name == RDFS + "subPropertyOf":
            box.prop_up[s].add(o)
        elif name == OWL + "equivalentProperty":
            box.prop_up[s].add(o)
            box.prop_up[o].add(s)
        elif name == RDFS + "domain":
            box.domains.append((s, o))
        elif name == RDFS + "range":
            box.ranges.append((s, o))
        elif name == OWL + "inverseOf" and s not in inverse_expressions:
            box.inverses.append((s, o))
        elif name == OWL + "propertyChainAxiom":
            steps = [(inverse_expressions[m], True) if m in inverse_expressions else (m, False) for m in members(o)]
            box.chains.append((s, steps))
        elif name == OWL + "someValuesFrom":
            box.some_values[s] = (on_property[s], o)
        elif name == OWL + "hasValue":
            box.has_value[s] = (on_property[s], o)
        elif name == OWL + "intersectionOf":
            box.intersections[s] = members(o)
            box.class_up[s].update(box.intersections[s])  # scm-int
        elif name == OWL + "unionOf":
            for member in members(o):
                box.class_up[member].add(s)  # scm-uni
        elif name == OWL + "disjointWith":
            box.disjoint_classes.append((s, o))
        elif name == OWL + "propertyDisjointWith":
            box.disjoint_properties.append((s, o))
    for group in box.kinds[_iri("owl:AllDisjointClasses")] | box.kinds[_iri("owl:AllDisjointProperties")]:
        head = next((o for s, p, o in triples if s == group and p.value == OWL + "members"), None)
        found = members(head)
        pairs = [(a, b) for i, a in enumerate(found) for b in found[i + 1:]]
        target = box.disjoint_classes if group in box.kinds[_iri("owl:AllDisjointClasses")] else box.disjoint_properties
        target.extend(pairs)
    _restriction_edges(box)
    return box


def _restriction_edges(box: TBox) -> None:
    """scm-svf1/2 and scm-hv: one restriction under another when its property and filler (or value) are."""
    while True:
        added = False
        for table, classes in ((box.some_values, True), (box.has_value, False)):
            for r1, (p1, x1) in table.items():
                for r2, (p2, x2) in table.items():
                    same_property = p1 == p2 and classes and x2 in box.up(x1)  # scm-svf1
                    same_filler = x1 == x2 and p2 in box.up(p1, properties=True)  # scm-svf2, scm-hv
                    if r1 != r2 and r2 not in box.class_up[r1] and (same_property or same_filler):
                        box.class_up[r1].add(r2)
                        added = True
        if not added:
            return
