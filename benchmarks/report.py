"""The scaling record as tables (Markdown, for the terminal and the README) and the issue's targets, met or not."""

from __future__ import annotations

import math
import statistics

from harness import exponent, median


def figure(result: dict | None) -> float | None:
    """The median seconds of a stage or query result, None when it has none."""
    return median(result.get("times")) if result else None


def cell(result: dict | None, digits: int = 2) -> str:
    """Seconds as text; ``>T s`` for a timeout; why there is no figure otherwise."""
    if not result:
        return ""
    if result.get("times"):
        return f"{median(result['times']):.{digits}f}"
    if "timeout" in result:
        return f">{result['timeout']:.0f}"
    if "skipped" in result:
        return "n/a" if result["skipped"] == "unavailable" else "skip"
    return "error" if "error" in result else ""


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _k(sizes: list[dict], pick) -> str:
    k = exponent([(s.get("asserted") or s["target"], pick(s)) for s in sizes])
    return f"{k:.2f}" if k is not None else ""


def _label(target: int) -> str:
    return f"~{target // 1_000_000}M" if target >= 1_000_000 else f"~{target // 1000}k"


def stages_table(sizes: list[dict]) -> str:
    """One row per stage, one column per size, then the growth exponent between the two largest sizes."""
    stages = [("load from Turtle (memory)", "kg", "load"), ("reasoning, rules", "kg", "reason_rules"),
              ("reasoning, owlrl", "kg", "reason_owlrl"), ("build persistent store", "kg", "build"),
              ("open persistent store", "kg", "open"), ("export N-Quads --inferred", "kg", "export"),
              ("kg memory: load + reason (cached)", "kg-memory", "setup"), ("kg store: open for queries", "kg-store", "setup"),
              ("rdflib: read the N-Quads", "rdflib", "setup"), ("pyoxigraph: read the N-Quads", "pyoxigraph", "setup"),
              ("full SHACL validation", "kg", "validate")]
    head = ["seconds (median)"] + [_label(s["target"]) for s in sizes] + ["k"]
    rows = [["asserted triples"] + [f"{s.get('asserted', 0):,}" for s in sizes] + [""],
            ["inferred triples"] + [f"{s.get('inferred', 0) or 0:,}" for s in sizes] + [""]]
    for label, engine, stage in stages:
        pick = lambda s, e=engine, st=stage: figure(s.get(e, {}).get(st))  # noqa: E731
        rows.append([label] + [cell(s.get(engine, {}).get(stage)) for s in sizes] + [_k(sizes, pick)])
    sub = [("submission: kg validate (open + check)", "validate"), ("submission: kg add (check + merge)", "add")]
    for label, key in sub:
        rows.append([label] + [_submission_cell(s.get("submission"), key) for s in sizes] + [""])
    memory = [("peak MB: load + rules", "kg", "reason_rules"), ("peak MB: load + owlrl", "kg", "reason_owlrl"),
              ("peak MB: kg store queries", "kg-store", "setup"), ("peak MB: kg memory queries", "kg-memory", "setup"),
              ("peak MB: rdflib", "rdflib", "setup"),
              ("peak MB: pyoxigraph", "pyoxigraph", "setup"), ("peak MB: validation", "kg", "validate")]
    for label, engine, stage in memory:
        rows.append([label] + [_mb(s.get(engine, {}).get(stage), s.get(engine, {}).get("queries")) for s in sizes] + [""])
    return _table(head, rows)


def _submission_cell(result: dict | None, key: str) -> str:
    if not result:
        return ""
    if key in result and result[key] is not None:
        return f"{result[key]:.2f}"
    return cell(result)


def _mb(stage: dict | None, queries: dict | None) -> str:
    peaks = [r.get("rss_mb", 0) for r in [stage or {}, *(queries or {}).values()] if r.get("rss_mb")]
    return f"{max(peaks):.0f}" if peaks else ""


ENGINES = ("kg-memory", "kg-store", "pyoxigraph", "rdflib")


def _query(size: dict, engine: str, name: str) -> dict | None:
    return size.get(engine, {}).get("queries", {}).get(name)


def _ratio(size: dict, a: str, b: str, name: str) -> str:
    x, y = figure(_query(size, a, name)), figure(_query(size, b, name))
    return f"{x / y:.1f}" if x and y else ""


def queries_table(size: dict) -> str:
    """One size: per query, kg in memory and on the store (with reasoning), pyoxigraph direct, rdflib, and ratios."""
    names = sorted({n for e in ENGINES for n in size.get(e, {}).get("queries", {})})
    head = ["query", "kg memory", "kg store", "pyoxigraph", "rdflib", "memory/pyox", "store/pyox", "rdflib/memory"]
    rows = [[name] + [cell(_query(size, e, name), 3) for e in ENGINES]
            + [_ratio(size, "kg-memory", "pyoxigraph", name), _ratio(size, "kg-store", "pyoxigraph", name),
               _ratio(size, "rdflib", "kg-memory", name)] for name in names]
    rows.append(["total; geometric mean of ratios"] + _totals(size))
    return _table(head, rows)


def row_mismatches(size: dict) -> list[str]:
    """Queries whose row counts differ between engines that answered them (a sign of non-standard SPARQL)."""
    out = []
    for name in sorted({n for e in ENGINES for n in size.get(e, {}).get("queries", {})}):
        rows = {e: _query(size, e, name).get("rows") for e in ENGINES if (_query(size, e, name) or {}).get("times")}
        if len(set(rows.values())) > 1:
            out.append(f"{name}: " + ", ".join(f"{e} {n}" for e, n in rows.items()))
    return out


def growth_table(sizes: list[dict]) -> str:
    """Growth exponent k (time ~ triples^k) of each query between the two largest sizes, per engine."""
    names = sorted({n for s in sizes for e in ENGINES for n in s.get(e, {}).get("queries", {})})
    rows = [[name] + [_k(sizes, lambda s, e=e, n=name: figure(_query(s, e, n))) for e in ENGINES] for name in names]
    return _table(["query: k"] + list(ENGINES), rows)


def ratios(size: dict, a: str, b: str) -> list[float]:
    """Per-query ratio of engine ``a``'s median to engine ``b``'s, where both have one."""
    out = []
    for name, result in size.get(a, {}).get("queries", {}).items():
        x, y = figure(result), figure(size.get(b, {}).get("queries", {}).get(name))
        if x and y:
            out.append(x / y)
    return out


def _totals(size: dict) -> list[str]:
    def total(engine):
        values = [figure(r) for r in size.get(engine, {}).get("queries", {}).values()]
        return f"{sum(v for v in values if v):.2f}" + ("+" if any(v is None for v in values) else "") if values else ""

    def geo(a, b):
        values = ratios(size, a, b)
        return f"{math.exp(statistics.fmean(math.log(r) for r in values)):.1f}" if values else ""

    return [total(e) for e in ENGINES] + [geo("kg-memory", "pyoxigraph"), geo("kg-store", "pyoxigraph"), geo("rdflib", "kg-memory")]


def commands_table(commands: dict) -> str:
    rows = [[f"`{label}`", cell(r), f"{r.get('rss_mb', 0):.0f}", "yes" if figure(r) and figure(r) < 0.5 else "no"]
            for label, r in commands.items()]
    return _table(["command (curated graph, warm)", "wall s (median)", "peak MB", "< 0.5 s"], rows)


def imports_table(profile: dict, top: int = 10) -> str:
    rows = [[f"`{r['module']}`", f"{r['cumulative_ms']:.0f}", f"{r['self_ms']:.0f}"] for r in profile["top_cumulative"][:top]]
    return _table(["import (top level)", "cumulative ms", "own ms"], rows)


def _size(record: dict, target: int) -> dict | None:
    return next((s for s in record["sizes"] if s["target"] == target), None)


def _why(result: dict | None) -> str:
    """Why a stage has no figure, in a few words."""
    result = result or {}
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s"
    if result.get("skipped") == "unavailable":
        return "rules reasoner not available"
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    if "error" in result:
        message = result["error"].split(": ", 1)[-1]  # without the exception's type
        message = message.split(": ", 1)[-1] if message.startswith("/") else message  # nor the file's path
        return f"error: {message[:50]}"
    return "no figure"


def _verdict(label: str, value: float | None, limit: float, text: str, result: dict | None = None) -> tuple:
    if value is not None:
        return label, text, "met" if value < limit else "not met"
    why = _why(result)
    return label, why, "not met" if why.startswith(">") else "not measured"


def _queries_target(label: str, size: dict | None, engine: str, limit: float) -> tuple:
    results = (size or {}).get(engine, {}).get("queries", {})
    if not results:
        return _verdict(label, None, limit, "", (size or {}).get(engine, {}).get("setup"))
    values = {n: figure(r) for n, r in results.items()}
    missing = sorted(n for n, v in values.items() if v is None)
    worst = max((n for n in values if values[n] is not None), key=values.get, default=None)
    text = (f"slowest {worst} {values[worst]:.2f} s" if worst else "") + (
        f"; no figure for {', '.join(f'{n} ({_why(results[n])})' for n in missing)}" if missing else "")
    if missing:
        timed_out = any("timeout" in results[n] for n in missing)
        return label, text, "not met" if timed_out or (worst and values[worst] >= limit) else "not measured"
    return _verdict(label, values[worst], limit, text)


def targets(record: dict) -> list[tuple[str, str, str]]:
    """The issue's targets: (target, measured figure, met / not met / not measured)."""
    out = []
    label = "curated: every command < 0.5 s warm incl. start-up"
    commands = (record.get("curated") or {}).get("commands", {})
    if commands:
        values = {name: figure(r) for name, r in commands.items()}
        worst = max(values, key=lambda k: values[k] if values[k] is not None else math.inf)
        over = sorted(name for name, v in values.items() if v is None or v >= 0.5)
        out.append(_verdict(label, values[worst] if values[worst] is not None else math.inf, 0.5,
                            f"slowest `{worst}` {cell(commands[worst])} s; {len(over)} of {len(values)} at or over 0.5 s"))
    else:
        out.append(_verdict(label, None, 0.5, ""))
    hundred, million = _size(record, 100_000), _size(record, 1_000_000)
    for engine in ("kg-memory", "kg-store"):
        out.append(_queries_target(f"100k: every stored query < 1 s ({engine})", hundred, engine, 1.0))
    for engine in ("kg-memory", "kg-store"):
        out.append(_queries_target(f"1M: every stored query < 2 s ({engine})", million, engine, 2.0))
    big = million or {}
    kg = big.get("kg", {})
    out.append(_verdict("1M: open persistent store < 5 s", figure(kg.get("open")), 5.0, f"{cell(kg.get('open'))} s", kg.get("open")))
    out.append(_verdict("1M: load from Turtle < 15 s", figure(kg.get("load")), 15.0, f"{cell(kg.get('load'))} s", kg.get("load")))
    for engine in ("kg-memory", "kg-store"):
        values = ratios(big, engine, "pyoxigraph")
        text = (f"worst {max(values):.1f}x, geometric mean {math.exp(statistics.fmean(math.log(r) for r in values)):.1f}x"
                f" over {len(values)} queries") if values else ""
        out.append(_verdict(f"1M: every stored query within 2x of pyoxigraph direct ({engine})",
                            max(values) if values else None, 2.0, text, big.get(engine, {}).get("setup")))
    rules = kg.get("reason_rules")
    out.append(_verdict("1M: reasoning < 10 s (rules)", figure(rules), 10.0, f"{cell(rules)} s", rules))
    rss = (rules or {}).get("rss_mb") if figure(rules) else None
    out.append(_verdict("1M: reasoning < 2 GB (peak of load + rules)", rss / 1024 if rss else None, 2.0,
                        f"{rss:.0f} MB" if rss else "", rules))
    sub = big.get("submission")
    add = (sub or {}).get("add")
    out.append(_verdict("1M: 1k-triple submission checked and merged < 2 s", add, 2.0,
                        f"kg add {add:.1f} s (kg validate {sub['validate']:.1f} s)" if add is not None else "", sub))
    validation = kg.get("validate")
    out.append(_verdict("1M: full validation < 60 s", figure(validation), 60.0, f"{cell(validation)} s", validation))
    return out


def targets_table(record: dict) -> str:
    return _table(["target", "measured", "verdict"], [list(t) for t in targets(record)])
