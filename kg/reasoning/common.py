"""What both reasoners share: the inconsistency error and the report, free of rdflib and owlrl.

The reference reasoner (owlrl, ``reference.py``) and the rules on Oxigraph (``fixpoint.py``) raise
the same error and return the same report, so that the caller does not know which one ran; this
module imports nothing heavy, so choosing the fast path costs no rdflib start-up.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kg.errors import InputError, NonConformingError

__all__ = ["ReasoningError", "ReasoningReport", "UnsupportedOntology"]


class ReasoningError(NonConformingError):
    """The data is inconsistent with the ontology; ``messages`` are the notes, ``resources`` the IRIs they name."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        self.resources = sorted({iri for m in messages for iri in re.findall(r"https?://[^\s,;'\"()<>]+", m)})
        super().__init__("the reasoner found the data inconsistent with the ontology:\n  " + "\n  ".join(messages))


class UnsupportedOntology(InputError):
    """The ontology uses an OWL construct the rule compiler does not translate; owlrl still handles it."""


@dataclass
class ReasoningReport:
    """What reasoning added: triple counts by kind (predicate, or ``rdf:type`` with its class)."""

    inferred: int
    seconds: float
    cached: bool
    kinds: Counter = field(default_factory=Counter)
