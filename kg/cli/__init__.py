"""The ``kg`` command line: a thin shell over :class:`kg.KnowledgeGraph` (``main`` is the entry point)."""

from kg.cli.main import main

__all__ = ["main"]
