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
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from kg.errors import InputError, KGError

__all__ = ["main", "command", "open_graph", "Command", "COMMAND_MODULES", "EXIT_CODES"]

#: Modules whose import registers commands; append yours to add commands.
COMMAND_MODULES = ["kg.cli.commands", "kg.cli.store", "kg.cli.submissions", "kg.cli.publishing", "kg.analysis.report"]

EXIT_CODES = """exit codes:
  0  success
  1  the data does not conform (SHACL violations, or the reasoner found an inconsistency)
  2  usage error, unreadable input (missing folder, file that does not parse) or a malformed query
  3  internal error (run with --debug or KG_DEBUG=1 for the traceback)

environment: KG_DATA, KG_ONTOLOGY, KG_SHAPES, KG_QUERIES (folders), KG_CACHE_DIR (inference cache),
KG_DEBUG=1 (tracebacks)."""


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
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("folders and cache")
    for folder in ("data", "ontology", "shapes", "queries"):
        group.add_argument(f"--{folder}", metavar="DIR", default=default,
                           help=f"read {folder} from DIR (default: $KG_{folder.upper()}, else the repository's {folder}/)")
    group.add_argument("--cache-dir", metavar="DIR", default=default, help="cache folder of the owlrl reasoner (default: $KG_CACHE_DIR or ~/.cache/kg)")
    group.add_argument("--no-cache", action="store_true", default=default or False, help="neither read nor write the owlrl reasoner's cache")
    group.add_argument("--store", metavar="DIR", default=default,
                       help="answer from the on-disk store built by `kg load --store DIR` (default: the folders, in memory)")
    if "--endpoint" not in skip:
        group.add_argument("--endpoint", metavar="URL", default=default,
                           help="answer from a SPARQL 1.1 endpoint filled by `kg push` (read-only)")
    group.add_argument("--reasoner", choices=("rules", "owlrl"), default=default,
                       help="rules: OWL 2 RL rules compiled from the ontology, run on the store (default); "
                            "owlrl: the reference closure (slow, cached)")
    group.add_argument("--debug", action="store_true", default=default or False, help="show tracebacks of internal errors")


def build_parser() -> argparse.ArgumentParser:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(
        prog="kg", description="Query, reason over and export the AI-industry knowledge graph.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_common(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in _REGISTRY.values():
        # A command may give a common option its own meaning (kg publish --endpoint names the endpoint
        # in the description): it then gets the common options without that one.
        parent = common
        if cmd.overrides:
            parent = argparse.ArgumentParser(add_help=False)
            _add_common(parent, suppress=True, skip=cmd.overrides)
        sub = subparsers.add_parser(cmd.name, help=cmd.help, description=cmd.help, parents=[parent],
                                    epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
        if cmd.configure:
            cmd.configure(sub)
        sub.set_defaults(run=cmd.run)
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


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the process arguments) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # argparse: 0 after --help, 2 on a usage error (already printed)
        return int(exit.code or 0)
    debug = args.debug or os.environ.get("KG_DEBUG") == "1"
    try:
        return args.run(args)
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

