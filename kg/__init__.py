"""An open knowledge graph of the AI industry: load, reason, query, export and validate.

>>> from kg import KnowledgeGraph
>>> graph = KnowledgeGraph()
>>> rows = graph.query("investments", {"investee": "ag:anthropic"}).rows
"""

from kg.errors import InputError, KGError, NonConformingError, QueryError
from kg.knowledge_graph import Info, KnowledgeGraph
from kg.store.files import LoadError
from kg.analysis.queries import Param, StoredQuery
from kg.reasoning.reference import ReasoningError, ReasoningReport
from kg.analysis.results import QueryResult
from kg.validation.shacl import Finding, ValidationResult

__all__ = [
    "KnowledgeGraph",
    "Info",
    "QueryResult",
    "StoredQuery",
    "Param",
    "ReasoningReport",
    "ValidationResult",
    "Finding",
    "KGError",
    "InputError",
    "QueryError",
    "LoadError",
    "NonConformingError",
    "ReasoningError",
]
