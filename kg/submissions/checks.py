"""Checks of a submission against the existing graph that SHACL cannot express or words badly.

Each check takes a :class:`Context` and returns findings: schema changes (refused: a submission
adds instance data only), names outside the project's namespaces, relative IRIs, vocabulary
(every ``ai:`` term exists; a near miss gets a suggestion), references (every organization,
product, deal or source pointed to exists), and literals checked as written (rdflib accepts
``"NaN"^^xsd:decimal`` and a date with a time; the XSD lexical spaces do not).
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from kg.validation.findings import ERROR, WARNING, Finding
from kg.submissions.locate import Locator, short
from kg.namespaces import AG, AI, AISH, CLAIM, DEAL, ORG, PREFIXES, PROD, SCHEMA, SRC
from kg.submissions.parse import RELATIVE_BASE, Submission

__all__ = ["Context", "ENTITY_NAMESPACES", "schema_changes", "namespaces", "vocabulary", "references", "literals"]

ENTITY_NAMESPACES = tuple(str(ns) for ns in (AG, PROD, DEAL, CLAIM, SRC))
ONTOLOGY_IRI = URIRef("https://w3id.org/ai-industry/ontology")
_ALLOWED = {RDF.type, RDF.first, RDF.rest, RDF.value, RDFS.label, RDFS.comment, RDFS.seeAlso, OWL.differentFrom,
            RDF.subject, RDF.predicate, RDF.object}  # reification: statement-level sources (docs/model-guide.md)
_FOREIGN = tuple(str(ns) for ns in (RDFS, SKOS, PROV, DCTERMS, SCHEMA, ORG, RDF, OWL))
_PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}


@dataclass
class Context:
    """What every check needs: the submission (union of files), the existing graph, where things are."""

    files: list[Submission]
    submission: Graph
    existing: Graph
    ontology: Graph
    shapes: Graph
    locator: Locator = field(init=False)
    covered: set = field(default_factory=set)

    def __post_init__(self):
        self.locator = Locator(self.files)
        supers: dict = {}
        for c in set(self.ontology.subjects(RDF.type, OWL.Class)) | set(self.ontology.subjects(RDFS.subClassOf, None)):
            supers[c] = set(self.ontology.transitive_objects(c, RDFS.subClassOf))
        self._supers = supers

    # helpers ---------------------------------------------------------------------------------
    def is_a(self, node, cls) -> bool:
        types = set(self.submission.objects(node, RDF.type)) | set(self.existing.objects(node, RDF.type))
        return any(cls in self._supers.get(t, {t}) for t in types)

    def typed(self, node) -> bool:
        return (node, RDF.type, None) in self.submission or (node, RDF.type, None) in self.existing

    def is_new(self, node) -> bool:
        return (node, RDF.type, None) not in self.existing

    def finding(self, severity: str, kind: str, node, message: str, fix: str = "", *, path: list | None = None,
                value=None) -> Finding:
        """A finding about ``node`` (a blank node is reported under the entity above it)."""
        entity, above = self.locator.anchor(node, self.submission) if isinstance(node, BNode) else (node, [])
        if isinstance(entity, BNode):
            entity, more = self.locator.anchor(entity, self.existing)
            above = more + above
        path = above + (path or [])
        file = self.locator.file_of(node) if node is not None else None
        line = entity_line = None
        if file is not None:
            entity_line = self.locator.line(file, entity)
            line = self.locator.field_line(file, entity, path, value) if path else entity_line
        return Finding(severity, kind, message, fix, file=file.name if file else None, line=line, entity_line=entity_line,
                       entity=short(entity) if isinstance(entity, URIRef) else None,
                       field=" / ".join(short(p) for p in path) or None,
                       value=_cap(short(value)) if value is not None else None)


def _cap(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def suggest(word: str, candidates: dict[str, object], cutoff: float = 0.75) -> object | None:
    """The candidate whose key is the same ignoring case, or else the closest one above ``cutoff``."""
    lowered = {k.lower(): v for k, v in candidates.items()}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def _local(term) -> str:
    return re.split(r"[/#]", str(term))[-1]


# schema changes -----------------------------------------------------------------------------
def schema_changes(ctx: Context) -> list[Finding]:
    """A submission that declares or changes classes, properties, axioms or shapes is refused."""
    out, seen = [], set()
    fix = "submissions add instance data only; propose vocabulary or shape changes as a change to ontology/ or shapes/"
    for s, p, o in sorted(ctx.submission):
        why = None
        if isinstance(s, URIRef) and (str(s).startswith((str(AI), str(AISH))) or s == ONTOLOGY_IRI):
            why = f"it makes statements about {short(s)}, a term of the ontology or the shapes"
        elif any(isinstance(t, URIRef) and str(t).startswith(str(SH)) for t in (p, o)):
            why = "it uses SHACL terms (shapes live in shapes/, never in data)"
        elif p == OWL.differentFrom and all(isinstance(t, URIRef) and str(t).startswith(ENTITY_NAMESPACES) for t in (s, o)):
            pass  # "these two are different entities": instance data, and what the look-alike check asks for
        elif str(p).startswith(str(OWL)) or (str(p).startswith((str(RDFS), str(RDF))) and p not in _ALLOWED):
            why = f"{short(p)} is an axiom, not instance data"
        elif p == RDF.type and isinstance(o, URIRef) and str(o).startswith((str(OWL), str(RDFS))):
            why = f"typing a node as {short(o)} declares vocabulary"
        if why and (s, p) not in seen:
            seen.add((s, p))
            ctx.covered.update({s, (s, p)})
            out.append(ctx.finding(ERROR, "schema", s, f"refused: {why}.", fix, path=[p]))
    return out


# namespaces and relative IRIs ----------------------------------------------------------------
def namespaces(ctx: Context) -> list[Finding]:
    """Relative IRIs, near misses of the project's namespaces, and entities named outside them."""
    out, seen = [], set()
    known = {str(ns): prefix for prefix, ns in PREFIXES.items()}
    for s, p, o in sorted(ctx.submission):
        for term, as_object in ((s, False), (o, True)):
            if not isinstance(term, URIRef) or term in seen:
                continue
            iri, problem = str(term), None
            if iri.startswith(RELATIVE_BASE):
                problem = (f"<{iri[len(RELATIVE_BASE):]}> is a relative IRI; it would be resolved against wherever "
                           "the file happens to be", "write a full IRI or a prefixed name such as ag:anthropic")
            elif "ai-industry" in iri and not iri.startswith(tuple(known)) and term != ONTOLOGY_IRI:
                stem = iri.split("#")[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/"
                guess = difflib.get_close_matches(stem, list(known), n=1, cutoff=0.6)
                problem = (f"<{iri}> is not in any of the project's namespaces",
                           f"did you mean {known[guess[0]]}: <{guess[0]}{iri[len(stem):]}>?" if guess
                           else "use the namespaces in docs/DESIGN.md")
            elif not as_object and not iri.startswith(ENTITY_NAMESPACES + (str(AI), str(AISH))) and term != ONTOLOGY_IRI:
                problem = (f"{short(term)} is not in the project's namespaces for entities",
                           "name organizations ag:…, products prod:…, deals deal:…, claims claim:…, sources src:…")
            if problem:
                seen.add(term)
                ctx.covered.add(term)
                if as_object:
                    out.append(ctx.finding(ERROR, "iri", s, problem[0], problem[1], path=[p], value=term))
                else:
                    out.append(ctx.finding(ERROR, "iri", term, problem[0], problem[1]))
    return out


# vocabulary -----------------------------------------------------------------------------------
def vocabulary(ctx: Context) -> list[Finding]:
    """Every ``ai:`` term exists in the ontology and is used in its role; foreign near misses are noted."""
    onto = ctx.ontology
    defined = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(AI))}
    properties = {s for s in defined if any((s, RDF.type, t) in onto for t in _PROPERTY_TYPES)}
    classes = {s for s in defined if (s, RDF.type, OWL.Class) in onto}
    individuals = defined - properties - classes
    derived_props = {s for s in properties if (s, OWL.propertyChainAxiom, None) in onto
                     or "; derived" in str(onto.value(s, SKOS.definition) or "")}
    derived_classes = {s for s in classes if (s, OWL.equivalentClass, None) in onto}
    known_foreign = {t for g in (ctx.existing, ctx.shapes) for triple in g for t in triple
                     if isinstance(t, URIRef) and str(t).startswith(_FOREIGN)}
    out, seen = [], set()

    def report(severity, node, path, term, message, fix, pool):
        if (term, tuple(path)) in seen:
            return
        seen.add((term, tuple(path)))
        ctx.covered.add(term)
        if pool is not None:
            guess = suggest(_local(term), {_local(c): c for c in pool})
            if guess is not None and guess != term:
                ctx.covered.add((node, guess))  # the shape saying guess is missing adds nothing
                message += f" — did you mean {short(guess)}?"
                fix = f"write {short(guess)}"
        out.append(ctx.finding(severity, "vocabulary", node, message, fix, path=path, value=term if path[-1:] != [term] else None))

    for s, p, o in sorted(ctx.submission):
        if (s, p) in ctx.covered:
            continue  # refused as a schema change already
        ours_p = str(p).startswith(str(AI))
        if ours_p and p not in defined:
            report(ERROR, s, [p], p, f"{short(p)} is not a property of the ontology", "check the spelling in ontology/ai-industry.ttl",
                   properties)
        elif ours_p and p not in properties:
            report(ERROR, s, [p], p, f"{short(p)} is {'a class' if p in classes else 'a concept'}, not a property",
                   "use a property of the ontology", properties)
        elif p in derived_props:
            report(WARNING, s, [p], p, f"{short(p)} is derived by the reasoner and never asserted",
                   "describe the deal as a node (e.g. a ai:ComputeCommitment with ai:buyer and ai:provider); "
                   "the shortcut follows", None)
        elif not ours_p and str(p).startswith(_FOREIGN) and p not in known_foreign and p not in _ALLOWED:
            report(WARNING, s, [p], p, f"{short(p)} is not used anywhere in the graph or its shapes",
                   "check the spelling", {t for t in known_foreign if str(t).startswith(str(p)[: len(str(p)) - len(_local(p))])})
        if not isinstance(o, URIRef) or not str(o).startswith(str(AI)):
            continue
        if p == RDF.type:
            if o not in defined:
                report(ERROR, s, [p], o, f"{short(o)} is not a class of the ontology", "check the spelling", classes)
            elif o not in classes:
                report(ERROR, s, [p], o, f"{short(o)} is not a class", "type the node with a class such as ai:Investment", classes)
            elif o in derived_classes:
                report(WARNING, s, [p], o, f"{short(o)} is derived by the reasoner and never asserted",
                       "leave this type out; the reasoner adds it", None)
        elif o not in defined:
            report(ERROR, s, [p], o, f"{short(o)} is not defined in the ontology", "check the spelling", individuals)
    return out


# references -------------------------------------------------------------------------------------
def _label_index(ctx: Context) -> dict[str, URIRef]:
    index = {}
    for g in (ctx.existing,):
        for s, p, o in g.triples((None, None, None)):
            if p in (RDFS.label, SKOS.altLabel) and isinstance(s, URIRef) and str(s).startswith(ENTITY_NAMESPACES):
                index.setdefault(re.sub(r"[^a-z0-9]+", "-", str(o).lower()).strip("-"), s)
    return index


def _closest_entity(ctx: Context, term: URIRef, labels: dict[str, URIRef]) -> URIRef | None:
    namespace = str(term)[: len(str(term)) - len(_local(term))]
    pool = {_local(s): s for s in set(ctx.existing.subjects(RDF.type, None)) | set(ctx.submission.subjects(RDF.type, None))
            if isinstance(s, URIRef) and str(s).startswith(namespace)}
    pool.update({k: v for k, v in labels.items() if str(v).startswith(namespace)})
    return suggest(_local(term), pool, cutoff=0.7)


def references(ctx: Context) -> list[Finding]:
    """Every organization, product, deal, claim or source pointed to is in the graph or the submission."""
    labels = _label_index(ctx)
    out, seen = [], set()
    for s, p, o in sorted(ctx.submission):
        for term, role in ((o, "object"), (s, "subject")):
            if not isinstance(term, URIRef) or not str(term).startswith(ENTITY_NAMESPACES) or ctx.typed(term):
                continue
            if term in ctx.covered or term in seen:
                continue
            seen.add(term)
            ctx.covered.add(term)
            guess = _closest_entity(ctx, term, labels)
            hint = f" — did you mean {short(guess)}" + (f" ({ctx.existing.value(guess, RDFS.label)})" if ctx.existing.value(guess, RDFS.label) else "") + "?" if guess else ""
            if role == "object":
                out.append(ctx.finding(ERROR, "reference", s, f"{short(term)} is not in the graph or in the submission{hint}",
                                       f"write {short(guess)}" if guess else f"describe {short(term)} (with a type and a label) "
                                       "in the submission, or point to an existing entity", path=[p], value=term))
            else:
                out.append(ctx.finding(ERROR, "reference", term, f"{short(term)} is new but has no type (rdf:type){hint}",
                                       f"write {short(guess)}" if guess else f"add 'a' and a class, e.g. {short(term)} a ai:AILab"))
    return out


# literals as written -------------------------------------------------------------------------
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")
_DATETIME = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}


def _literal_problem(lit: Literal) -> tuple[str, str] | None:
    """(what is wrong, how to write it) when the lexical form is outside its datatype's lexical space."""
    lex, dt = str(lit), lit.datatype
    if dt == XSD.decimal and not _DECIMAL.fullmatch(lex):
        return f'"{lex}" is not an xsd:decimal', "write digits with a decimal point and no exponent, e.g. 30000000000.0"
    if dt in _INTEGERS and not _INTEGER.fullmatch(lex):
        return f'"{lex}" is not an {short(dt)}', "write whole digits, e.g. 42"
    if dt in (XSD.double, XSD.float) and not _DOUBLE.fullmatch(lex):
        return f'"{lex}" is not a finite {short(dt)}', "write a finite number; figures use xsd:decimal, e.g. 1.5"
    if dt == XSD.boolean and lex not in ("true", "false", "1", "0"):
        return f'"{lex}" is not an xsd:boolean', "write true or false"
    if dt == XSD.date:
        m = _DATE.fullmatch(lex)
        if not m:
            return f'"{lex}" is not an xsd:date', "write YYYY-MM-DD with no time, e.g. \"2025-11-18\"^^xsd:date"
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return f'"{lex}" is not a day of the calendar', "check the month and day"
    if dt == XSD.dateTime:
        m = _DATETIME.fullmatch(lex)
        try:
            if not m:
                raise ValueError
            datetime.datetime(*(int(m.group(i)) for i in range(1, 7)))
        except ValueError:
            return f'"{lex}" is not an xsd:dateTime', "write YYYY-MM-DDThh:mm:ss"
    if lit.ill_typed:
        return f'"{lex}" is not a valid {short(dt)}', f"write a valid {short(dt)}"
    return None


def literals(ctx: Context) -> list[Finding]:
    out = []
    for s, p, o in sorted(ctx.submission):
        if isinstance(o, Literal) and o.datatype is not None:
            problem = _literal_problem(o)
            if problem:
                ctx.covered.update({(s, p), o, Literal(str(o))})  # SHACL sees it as a plain string
                out.append(ctx.finding(ERROR, "literal", s, problem[0], problem[1], path=[p], value=o))
    return out
