"""The ``customer-master`` command line.

    customer-master run [--sources DIR] [--store URL]   run the whole pipeline once
    customer-master dev [--port N]                      start the Dagster UI
    customer-master explain CUSTOMER_ID [--unmask]      one customer, with provenance and 360° view
    customer-master export [--since RUN|TIME]           CRM export of what changed
    customer-master db upgrade|current|history          store schema migrations (Alembic)
    customer-master review list|decide ...              the review queue and reviewers' decisions
    customer-master match INPUT.csv [--link OTHER.csv] --id-column COL --field COL=KIND ... --out OUT.csv
                                                        the matching engine on any CSV
"""

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

PROG = "customer-master"
DESCRIPTION = "Customer master data on Dagster: source exports in, golden customers out."


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["match"]:
        code = _match_only(words)
        if argv is None:  # the command line itself, not a caller in Python
            _exit_without_teardown(code)
        return code
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="materialise every asset once, in this process")
    run.add_argument("--sources", help="sources folder (default $CUSTOMER_SOURCES_DIR or data/sources)")
    run.add_argument("--store", help="SQLAlchemy URL of the CRM store (default $CUSTOMER_STORE_URL "
                     "or a SQLite file in output/)")
    run.add_argument("--quiet", action="store_true", help="only print the summary")

    dev = commands.add_parser("dev", help="start the Dagster UI (dagster dev) on this project")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument("--host", default="127.0.0.1")

    from .db_command import add_db_parser
    from .explain import add_explain_parser
    from .export_command import add_export_parser
    from .match_command import add_match_parser
    from .review_command import add_review_parser

    add_explain_parser(commands)
    add_db_parser(commands)
    add_export_parser(commands)
    add_match_parser(commands)
    add_review_parser(commands)

    args = parser.parse_args(words)
    try:
        return _dispatch(args)
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _match_only(words: list[str]) -> int:
    """``match`` without the other commands' imports: they load the Dagster
    assets (about 2 s), which the engine on a CSV never uses and which would be
    counted in every timing of it (the benchmark measures the whole process)."""
    from .match_command import add_match_parser, run_match

    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    add_match_parser(parser.add_subparsers(dest="command", required=True))
    return run_match(parser.parse_args(words))


def _exit_without_teardown(code: int) -> NoReturn:
    """End a command-line ``match`` at once. The interpreter's teardown frees
    every object of every module (pandas, numpy, the parsers' tables) one by
    one: 0.1 s of a 2.5 s run, for nothing, as the process is ending anyway.
    Nothing is left that needs it: the clusters file is written and closed,
    the worker processes are joined; only the standard streams are flushed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed or broken pipe: nothing to save
            pass
    os._exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    from .db_command import run_db
    from .explain import run_explain
    from .export_command import run_export
    from .match_command import run_match
    from .review_command import run_review

    if args.command == "run":
        return _run(args)
    if args.command == "explain":
        return run_explain(args)
    if args.command == "db":
        return run_db(args)
    if args.command == "export":
        return run_export(args)
    if args.command == "match":
        return run_match(args)
    if args.command == "review":
        return run_review(args)
    return _dev(args)


def _run(args: argparse.Namespace) -> int:
    if args.sources:
        os.environ["CUSTOMER_SOURCES_DIR"] = os.path.abspath(args.sources)
    if args.store:
        os.environ["CUSTOMER_STORE_URL"] = args.store
    from .instance import ensure_dagster_home  # imports the assets, hence Dagster

    ensure_dagster_home()
    from .run import run_pipeline  # dagster imports are slow: only for commands that need them

    summary = run_pipeline(quiet=args.quiet)
    print(summary.render())
    return 0 if summary.success else 1


def _dev(args: argparse.Namespace) -> int:
    from .instance import ensure_dagster_home

    home = ensure_dagster_home()
    print(f"Dagster UI on http://{args.host}:{args.port} (instance: {home})", flush=True)
    command = [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions",
               "-h", args.host, "-p", str(args.port)]
    os.execv(sys.executable, command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
