"""The report of ``kg validate`` and ``kg add``: findings grouped by the entity they concern.

A contributor reads this, not a SHACL report: every finding says where (file, line), which
entity and field, what is wrong and what to do, in words. ``--format json`` gives the same
content as data for tools. Severity decides the exit code: errors fail the run, warnings only
under ``--strict``; an input problem (unreadable, unparsable, over a limit) is exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace

from kg.submissions.escape import escaped

__all__ = ["Finding", "Report", "ERROR", "WARNING", "INFO", "INPUT_KINDS"]

ERROR, WARNING, INFO = "error", "warning", "info"
_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

#: Kinds that mean the file could not be read as RDF at all (exit code 2, nothing else checked).
INPUT_KINDS = frozenset({"unreadable", "empty", "binary", "encoding", "syntax", "limit", "unsafe", "format"})


@dataclass(frozen=True)
class Finding:
    """One problem. ``entity`` is a prefixed name or IRI (None for file-level problems)."""

    severity: str
    kind: str
    message: str
    fix: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    entity: str | None = None
    field: str | None = None
    value: str | None = None
    entity_line: int | None = None  # where the submission defines the entity (the group's line)

    def shown(self) -> "Finding":
        """The finding with every text field escaped (control and bidi characters as ``\\uXXXX``)."""
        changes = {f.name: escaped(getattr(self, f.name)) for f in fields(self)
                   if isinstance(getattr(self, f.name), str) and f.name not in ("severity", "kind")}
        return replace(self, **changes)

    def sort_key(self) -> tuple:
        return (_RANK.get(self.severity, 3), self.line or 0, self.field or "", self.kind, self.message)


@dataclass
class Report:
    """All findings of one run, plus what was (or would be) added."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    strict: bool = False
    summary: dict = field(default_factory=dict)

    def extend(self, findings: Iterable[Finding]) -> None:
        seen = set(self.findings)
        for finding in findings:
            if finding not in seen:
                seen.add(finding)
                self.findings.append(finding)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def input_failed(self) -> bool:
        return any(f.severity == ERROR and f.kind in INPUT_KINDS for f in self.findings)

    @property
    def conforms(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        if self.input_failed:
            return 2
        return 0 if self.conforms else 1

    def groups(self) -> list[tuple[tuple[str | None, str | None], list[Finding]]]:
        """Findings grouped by (file, entity); file-level groups first, then by first line."""
        grouped: dict[tuple[str | None, str | None], list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault((finding.file, finding.entity), []).append(finding)
        for items in grouped.values():
            items.sort(key=Finding.sort_key)

        def order(item):
            (file, entity), items = item
            lines = [f.entity_line or f.line for f in items if f.entity_line or f.line]
            return (file or "", entity is not None, min(lines) if lines else 0, entity or "")

        return sorted(grouped.items(), key=order)

    # renderers ----------------------------------------------------------------------------
    def to_text(self) -> str:
        out: list[str] = []
        for (file, entity), items in self.groups():
            file, entity, items = escaped(file) if file else file, escaped(entity) if entity else entity, [f.shown() for f in items]
            lines = [f.entity_line for f in items if f.entity_line] or [f.line for f in items if f.line]
            where = f"{file}:{min(lines)}" if file and lines else (file or "submission")
            out.append(f"{where}: {entity}" if entity else where)
            for f in items:
                position = f"line {f.line}" + (f", col {f.column}" if f.column else "") if f.line else ""
                head = "  " + f.severity.upper().ljust(7) + " " + f.kind
                if f.field:
                    head += f" [{f.field}]"
                if position:
                    head += f" ({position})"
                out.append(head)
                out.append("      " + f.message)
                if f.fix:
                    out.append("      fix: " + f.fix)
            out.append("")
        n_err, n_warn = len(self.errors), len(self.warnings)
        n_info = len(self.findings) - n_err - n_warn
        verdict = "conforms" if self.conforms else ("cannot be read" if self.input_failed else "does not conform")
        strict = " (--strict: warnings fail)" if self.strict and n_warn and not n_err else ""
        out.append(f"{escaped(', '.join(self.files)) or 'submission'}: {verdict}{strict} — "
                   f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}, {n_info} note{'s' * (n_info != 1)}")
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        groups = []
        for (file, entity), items in self.groups():
            groups.append({"file": escaped(file) if file else file, "entity": escaped(entity) if entity else entity,
                           "findings": [{k: v for k, v in asdict(f.shown()).items() if v not in (None, "")} for f in items]})
        payload = {
            "files": [escaped(f) for f in self.files],
            "conforms": self.conforms,
            "exit_code": self.exit_code,
            "counts": {"error": len(self.errors), "warning": len(self.warnings),
                       "info": len(self.findings) - len(self.errors) - len(self.warnings)},
            "groups": groups,
        }
        if self.summary:
            payload["changes"] = self.summary
        return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
