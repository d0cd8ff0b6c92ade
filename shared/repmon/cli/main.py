"""`repmon`: the command line. Subcommands import their heavy modules only when they run."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from repmon.domain.errors import InvalidConfig, RepmonError

if TYPE_CHECKING:
    from repmon.domain.brand import Brand

EXIT_USAGE = 2


#: One sentence and an example per command, shown by `repmon COMMAND --help`.
_HELP = {
    "brands": (
        "Check a watchlist file, or store it where the deployed functions read it.",
        "example:\n  repmon brands validate brands.yaml\n  repmon brands apply brands.yaml --stack repmon",
    ),
    "validate": (
        "Check a watchlist file and list every problem with its line, brand and field (exit 2).",
        "example:\n  repmon brands validate brands.yaml",
    ),
    "apply": (
        "Check a watchlist file and replace the deployed stack's watchlist with it.",
        "example:\n  repmon brands apply brands.yaml --stack repmon\n"
        "  repmon brands apply brands.yaml --table repmon-Table-1ABC2DEF3GH4",
    ),
    "demo": (
        "Run the whole pipeline on an embedded local stack: a scripted crisis, its alerts and emails.",
        "example:\n  repmon demo --cycles 3",
    ),
    "backtest": (
        "Replay historical mentions through the evaluator and print the alerts they would have raised.",
        "example:\n  repmon backtest --brands brands.yaml --mentions mentions.jsonl.gz "
        "--sweep thresholds.reputation_low=30,35,40",
    ),
}


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    description, epilog = _HELP[name]
    return sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repmon", description="Serverless reputation monitoring.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    brands = _command(sub, "brands", "validate or apply a watchlist file").add_subparsers(
        dest="action", required=True
    )
    validate = _command(brands, "validate", "check a watchlist file; exit 2 on any problem")
    validate.add_argument("file", type=Path, help="watchlist YAML")
    apply = _command(brands, "apply", "store a watchlist where the functions read it")
    apply.add_argument("file", type=Path, help="watchlist YAML")
    target = apply.add_mutually_exclusive_group()
    target.add_argument(
        "--table",
        default=os.environ.get("TABLE_NAME"),
        metavar="NAME",
        help="the stack's TableName output (default: $TABLE_NAME)",
    )
    target.add_argument(
        "--stack",
        metavar="NAME",
        help="a deployed stack's name: its TableName output is used (default: none)",
    )
    # Parsed by repmon.cli.sentiment (dispatched before this parser); listed here for `repmon --help`.
    sub.add_parser("sentiment", help="score JSON lines from stdin (see `repmon sentiment --help`)")
    demo = _command(sub, "demo", "run the pipeline end to end on an embedded local stack")
    demo.add_argument(
        "--cycles",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="scheduled cycles to simulate, 1 or more (default: all of them)",
    )
    _backtest_arguments(
        _command(sub, "backtest", "replay historical mentions and print the alerts they raise")
    )
    _alerts_arguments(sub)
    _customers_arguments(sub)
    return parser


def _customers_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from repmon.cli import customers

    description, epilog = customers.HELP
    parser = sub.add_parser(
        "customers",
        help="apply the known-customer table (stored as keyed hashes)",
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    customers.add_arguments(parser)


def _alerts_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from repmon.cli import alerts

    description, epilog = alerts.HELP["alerts"]
    parser = sub.add_parser(
        "alerts",
        help="list alert emails and firing rules; mute or unmute a brand",
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    alerts.add_arguments(parser)


def _at_least_one(text: str) -> int:
    """A count of 1 or more; anything else is argparse's usage error (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _backtest_arguments(backtest: argparse.ArgumentParser) -> None:
    backtest.add_argument("--brands", type=Path, required=True, metavar="FILE", help="watchlist YAML")
    backtest.add_argument(
        "--mentions",
        nargs="+",
        required=True,
        metavar="FILE",
        help="JSON lines, one mention each: .jsonl or .jsonl.gz files, folders of them (the BI "
        "export's mentions partitions too), or - for stdin",
    )
    backtest.add_argument(
        "--step-minutes",
        type=int,
        default=5,
        metavar="N",
        help="evaluator schedule to simulate (default: %(default)s)",
    )
    backtest.add_argument(
        "--stack",
        action="store_true",
        help="replay end to end on the local stack (moto server, the real handler); slow, for "
        "small inputs (default: the fast in-memory path)",
    )
    backtest.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="thresholds.NAME=V1,V2",
        help="replay each combination of these threshold values; one table row per setting "
        "(repeatable) (default: the watchlist's thresholds)",
    )
    backtest.add_argument(
        "--events",
        type=Path,
        metavar="FILE",
        help="known events, JSON lines {brand, start, label}: detection latency and likely false alarms "
        "(default: none)",
    )
    backtest.add_argument(
        "--format", choices=("text", "json"), default="text", help="the sweep table's form (default: text)"
    )
    backtest.add_argument(
        "--plot",
        type=Path,
        metavar="FILE",
        help="draw each brand's index, hourly volume, alerts and events to a .png or .svg "
        "(needs matplotlib: pip install 'repmon[plot]') (default: no plot)",
    )
    backtest.add_argument(
        "--workers", type=int, metavar="N", help="processes to replay brands on (default: one per core)"
    )
    backtest.add_argument(
        "--export-dir",
        type=Path,
        metavar="DIR",
        help="also write the flat BI export into this new or empty folder; runs on the local stack, "
        "as --stack (default: no export)",
    )
    authors = backtest.add_mutually_exclusive_group()
    authors.add_argument(
        "--pseudonym-key-file",
        type=Path,
        metavar="FILE",
        help="HMAC key for the export's author pseudonyms, e.g. the stack's PseudonymKey secret "
        "(default: a new random key each run)",
    )
    authors.add_argument(
        "--raw-authors",
        action="store_true",
        help="export author ids and handles as they are (default: pseudonymised)",
    )


def _version() -> str:
    try:
        return version("repmon")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


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
    stored, removed = _store(table, brands)
    print(f"{args.file}: stored {stored} brand(s) in {table}, removed {removed}")
    return 0


def _store(table: str, brands: Sequence[Brand]) -> tuple[int, int]:
    """Replace the stored watchlist; AWS's refusals become one line naming the table (exit 2)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from repmon.adapters.aws import cli_client, sdk_problem
    from repmon.adapters.dynamo_state import DynamoWatchlist

    try:
        watchlist = DynamoWatchlist(table, client=cli_client("dynamodb"))
        return watchlist.replace(brands)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") == "ResourceNotFoundException":
            raise InvalidConfig(
                f"table {table!r} not found in {watchlist.client.meta.region_name}: give the stack's "
                "TableName output or --stack NAME, and check the region (AWS_DEFAULT_REGION or your "
                "AWS profile's; AWS_REGION is not read here)"
            ) from None
        raise InvalidConfig(f"table {table!r}: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:  # no region, no credentials, no endpoint
        raise InvalidConfig(f"table {table!r}: {sdk_problem(exc)}") from None


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
    if args.command == "alerts":
        from repmon.cli import alerts

        return alerts.run(args, _table_of, sys.stdout)
    if args.command == "customers":
        from repmon.adapters.stack_outputs import stack_output
        from repmon.cli import customers

        return customers.run(args, stack_output, sys.stdout)
    if args.command == "demo":
        from repmon.cli.demo import run as run_demo

        return run_demo(cycles=args.cycles)
    from repmon.cli.backtest import ExportOptions, Options
    from repmon.cli.backtest import run as run_backtest

    export = (
        ExportOptions(args.export_dir, args.pseudonym_key_file, args.raw_authors)
        if args.export_dir is not None
        else None
    )
    options = Options(
        args.brands,
        tuple(args.mentions),
        args.step_minutes,
        export,
        stack=args.stack,
        sweeps=tuple(args.sweep),
        events=args.events,
        fmt=args.format,
        plot=args.plot,
        workers=args.workers,
    )
    return run_backtest(options)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # here, not at exit: a reader that left early is handled below
        return code
    except BrokenPipeError:
        return _reader_left()
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


def _reader_left() -> int:
    """The reader of stdout left (`repmon sentiment | head -1`): stop quietly, as a shell tool does.

    stdout goes to devnull so that the interpreter's last flush at exit does not fail again
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe); 141 is 128 + SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
