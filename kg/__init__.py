"""An open knowledge graph of the AI industry: load, reason, query, export and validate.

>>> from kg import KnowledgeGraph
>>> graph = KnowledgeGraph()
>>> rows = graph.query("investments", {"investee": "ag:anthropic"}).rows
"""

from .errors import InputError, KGError, NonConformingError, QueryError
from .knowledge_graph import Info, KnowledgeGraph
from .load import LoadError
from .queries import Param, StoredQuery
from .reason import ReasoningError, ReasoningReport
from .results import QueryResult
from .validate import Finding, ValidationResult

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
