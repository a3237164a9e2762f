"""The ``kg`` command line: argument parsing, the command registry, exit codes, error reporting.

Commands register themselves with :func:`command`; a module that adds commands (``kg validate``,
``kg add`` …) only needs its name in :data:`COMMAND_MODULES`. Results go to stdout; progress,
warnings and errors to stderr. Every error the package raises on purpose carries its exit code
(:mod:`kg.errors`); anything else is an internal error (3), with a traceback only under
``--debug`` or ``KG_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass

from kg.errors import InputError, KGError

__all__ = ["main", "command", "open_graph", "Command", "COMMAND_MODULES", "EXIT_CODES", "write", "write_file", "version"]

#: Modules whose import registers commands; append yours to add commands.
COMMAND_MODULES = ["kg.cli.commands", "kg.cli.store", "kg.cli.submissions", "kg.cli.publishing", "kg.analysis.report"]

EXIT_CODES = """exit codes:
  0  success
  1  the data does not conform (SHACL violations, or the reasoner found an inconsistency)
  2  usage error, unreadable input (missing folder, file that does not parse) or a malformed query
  3  internal error (run with --debug or KG_DEBUG=1 for the traceback)

environment: KG_DATA, KG_ONTOLOGY, KG_SHAPES, KG_QUERIES (folders), KG_CACHE_DIR (inference cache),
KG_DEBUG=1 (tracebacks)."""
_SHORT_EXIT_CODES = "exit codes: 0 success, 1 does not conform, 2 bad input or usage, 3 internal error (kg --help)"


@dataclass(frozen=True)
class Command:
    """A subcommand: ``configure`` adds its arguments, ``run`` does the work and returns the exit code."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    configure: Callable[[argparse.ArgumentParser], None] | None = None
    overrides: tuple[str, ...] = ()


_REGISTRY: dict[str, Command] = {}


def command(name: str, *, help: str, configure: Callable[[argparse.ArgumentParser], None] | None = None,
            overrides: tuple[str, ...] = ()):
    """Register the decorated ``run(args) -> int`` as ``kg NAME`` (``overrides``: common options it redefines)."""

    def register(run: Callable[[argparse.Namespace], int]):
        _REGISTRY[name] = Command(name, help, run, configure, overrides)
        return run

    return register


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool, skip: tuple[str, ...] = ()) -> None:
    """The folder, store and cache options: explained in ``kg --help``, one short group in each command's help."""
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group(
        "folders, store and cache", "  --data, --ontology, --shapes, --queries DIR; --store DIR"
        + ("" if "--endpoint" in skip else "; --endpoint URL") + ";\n  --reasoner rules|owlrl; --cache-dir DIR; "
        "--no-cache; --debug (explained in kg --help)" if suppress else None)
    hide = (lambda text: argparse.SUPPRESS) if suppress else (lambda text: text)
    for folder in ("data", "ontology", "shapes", "queries"):
        group.add_argument(f"--{folder}", metavar="DIR", default=default,
                           help=hide(f"read {folder} from DIR (default: $KG_{folder.upper()}, else the repository's {folder}/)"))
    group.add_argument("--cache-dir", metavar="DIR", default=default, help=hide("cache folder of the owlrl reasoner (default: $KG_CACHE_DIR or ~/.cache/kg)"))
    group.add_argument("--no-cache", action="store_true", default=default or False, help=hide("neither read nor write the owlrl reasoner's cache"))
    group.add_argument("--store", metavar="DIR", default=default,
                       help=hide("answer from the on-disk store built by `kg load --store DIR` (default: the folders, in memory)"))
    if "--endpoint" not in skip:
        group.add_argument("--endpoint", metavar="URL", default=default,
                           help=hide("answer from a SPARQL 1.1 endpoint filled by `kg push` (read-only)"))
    group.add_argument("--reasoner", choices=("rules", "owlrl"), default=default,
                       help=hide("rules: OWL 2 RL rules compiled from the ontology, run on the store (default); "
                                 "owlrl: the reference closure (slow, cached)"))
    group.add_argument("--debug", action="store_true", default=default or False, help=hide("show tracebacks of internal errors"))


def version() -> str:
    """The installed package's version (or the checkout's pyproject.toml when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed("ai-industry-kg")
    except PackageNotFoundError:
        import re

        project = Path(__file__).resolve().parents[2] / "pyproject.toml"
        found = re.search(r'^version\s*=\s*"([^"]+)"', project.read_text(encoding="utf-8"), re.M) if project.is_file() else None
        return found.group(1) if found else "unknown"


#: Commands with a destination of their own (a folder, a server) or their own -o.
_OWN_OUTPUT = {"report", "publish", "serve"}


def build_parser() -> argparse.ArgumentParser:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(
        prog="kg", description="Query, reason over and export the AI-industry knowledge graph.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kg {version()}")
    _add_common(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in _REGISTRY.values():
        sub = subparsers.add_parser(cmd.name, help=cmd.help, description=cmd.help, epilog=_SHORT_EXIT_CODES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        if cmd.configure:
            cmd.configure(sub)
        if cmd.name not in _OWN_OUTPUT:
            sub.add_argument("-o", "--output", metavar="FILE",
                             help="write the result to FILE (replaced only once complete) instead of stdout")
        _add_common(sub, suppress=True, skip=cmd.overrides)  # after the command's own options, so that its help shows them first
        sub.set_defaults(run=cmd.run, _writes_result=cmd.name not in _OWN_OUTPUT)
    return parser


def progress(message: str) -> None:
    """Progress notes go to stderr, and only when a person is watching it."""
    if sys.stderr.isatty():
        print(f"kg: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"kg: warning: {message}", file=sys.stderr, flush=True)


def open_graph(args: argparse.Namespace):
    """The KnowledgeGraph for the folders and cache options on the command line."""
    from kg.knowledge_graph import KnowledgeGraph

    return KnowledgeGraph(ontology=args.ontology, data=args.data, shapes=args.shapes, queries=args.queries,
                          cache=not args.no_cache, cache_folder=args.cache_dir, progress=progress,
                          store=args.store, endpoint=getattr(args, "endpoint", None),
                          **({"reasoner": args.reasoner} if args.reasoner else {}))


_OUTPUT: list[str] | None = None  # the result, collected while -o FILE is in effect


def write(text: str) -> None:
    """A command's result: to stdout, or (with ``-o FILE``) collected and written when the command ends."""
    if _OUTPUT is not None:
        _OUTPUT.append(text)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def write_file(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file beside it, renamed over it once complete."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path("."))
    except OSError as error:
        raise InputError(f"{path}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {error.strerror}") from None


def main(argv: list[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the process arguments) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # argparse: 0 after --help, 2 on a usage error (already printed)
        return int(exit.code or 0)
    debug = args.debug or os.environ.get("KG_DEBUG") == "1"
    global _OUTPUT
    output = getattr(args, "output", None) if getattr(args, "_writes_result", False) else None
    try:
        if output is None:
            return args.run(args)
        _OUTPUT = []
        try:
            code = args.run(args)
            text = "".join(_OUTPUT)
        finally:
            _OUTPUT = None
        write_file(output, text)
        return code
    except KGError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return error.exit_code
    except BrokenPipeError:  # e.g. `kg export | head`: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the catch-all that turns a crash into exit code 3
        if debug:
            traceback.print_exc()
        print(f"kg: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)", file=sys.stderr)
        return 3


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``NAME=VALUE`` pairs from ``--param`` into a dict; a malformed or repeated pair is a usage error."""
    params: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        if name.strip() in params:
            raise InputError(f"--param {name.strip()!r} given twice")
        params[name.strip()] = value
    return params

