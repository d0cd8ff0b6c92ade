"""`repmon`: the command line. Subcommands import their heavy modules only when they run."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from repmon.domain.errors import InvalidConfig, RepmonError

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repmon", description="Serverless reputation monitoring.")
    sub = parser.add_subparsers(dest="command", required=True)
    brands = sub.add_parser("brands", help="validate or apply a watchlist file").add_subparsers(
        dest="action", required=True
    )
    validate = brands.add_parser("validate", help="check a watchlist file; exit 2 on any problem")
    validate.add_argument("file", type=Path)
    apply = brands.add_parser("apply", help="store a watchlist where the functions read it")
    apply.add_argument("file", type=Path)
    target = apply.add_mutually_exclusive_group()
    target.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="the stack's TableName output")
    target.add_argument("--stack", help="a deployed stack's name: its TableName output is used")
    sub.add_parser(
        "sentiment", help="score JSON lines from stdin (see `repmon sentiment --help`)", add_help=False
    )
    demo = sub.add_parser("demo", help="run the pipeline end to end on an embedded local stack")
    demo.add_argument("--cycles", type=int, default=None, help="scheduled cycles to simulate")
    backtest = sub.add_parser("backtest", help="replay historical mentions and print the alerts they raise")
    backtest.add_argument("--brands", type=Path, required=True, help="watchlist YAML")
    backtest.add_argument("--mentions", type=Path, required=True, help="JSON lines, one mention each")
    backtest.add_argument("--export-dir", type=Path, default=None, help="also write the flat BI export here")
    backtest.add_argument("--step-minutes", type=int, default=5, help="evaluator schedule to simulate")
    return parser


def _brands(args: argparse.Namespace) -> int:
    from repmon.adapters.watchlist_file import load_watchlist

    brands = load_watchlist(args.file)
    if args.action == "validate":
        print(f"{args.file}: {len(brands)} brand(s) valid: {', '.join(b.id for b in brands)}")
        return 0
    table = _table_of(args.stack) if args.stack else args.table
    if not table:
        raise InvalidConfig(
            "brands apply: give --stack NAME or --table (the TableName output), or set TABLE_NAME"
        )
    from repmon.adapters.dynamo_state import DynamoWatchlist

    stored, removed = DynamoWatchlist(table).replace(brands)
    print(f"{args.file}: stored {stored} brand(s) in {table}, removed {removed}")
    return 0


def _table_of(stack: str) -> str:
    from repmon.adapters.stack_outputs import stack_output

    return stack_output(stack, "TableName")


def _dispatch(argv: Sequence[str]) -> int:
    if argv[:1] == ["sentiment"]:
        from repmon.cli import sentiment

        return sentiment.main(list(argv[1:]), sys.stdin, sys.stdout)
    args = _parser().parse_args(argv)
    if args.command == "brands":
        return _brands(args)
    if args.command == "demo":
        from repmon.cli.demo import run as run_demo

        return run_demo(cycles=args.cycles)
    from repmon.cli.backtest import run as run_backtest

    return run_backtest(args.brands, args.mentions, args.export_dir, args.step_minutes)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except InvalidConfig as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RepmonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, not a traceback, unless asked
        if os.environ.get("REPMON_DEBUG"):
            traceback.print_exc()
        print(f"error: {type(exc).__name__}: {exc} (set REPMON_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
