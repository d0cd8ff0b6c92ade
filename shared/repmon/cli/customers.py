"""`repmon customers apply FILE`: the known-customer table (README, "Known customers").

Each good row is stored as a keyed hash under the stack's pseudonym key (never the raw handle); each
bad row is one line on stderr naming its line, the rest are applied, and the exit is 2 if any was
bad. A file with no good row at all changes nothing: a CSV in the wrong shape must not empty the table.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from repmon.domain.customers import Customer
from repmon.domain.errors import InvalidConfig

HELP = (
    "Replace the known-customer table with a CSV of platform,handle,tier (vip, customer, churn-risk). "
    "Handles are stored only as keyed hashes; Reddit rows are refused (its terms).",
    "example:\n  repmon customers apply customers.csv --stack repmon\n"
    "  repmon customers apply customers.csv --table repmon-Table-1ABC --key-secret repmon/pseudonym-key",
)
EXIT_BAD_ROWS = 2


def add_arguments(customers: argparse.ArgumentParser) -> None:
    actions = customers.add_subparsers(dest="action", required=True)
    apply = actions.add_parser("apply", help="replace the known-customer table with a CSV file")
    apply.add_argument("file", type=Path, help="CSV: platform,handle,tier")
    target = apply.add_mutually_exclusive_group()
    target.add_argument(
        "--table",
        default=os.environ.get("TABLE_NAME"),
        metavar="NAME",
        help="the stack's TableName output (default: $TABLE_NAME); with --key-secret",
    )
    target.add_argument(
        "--stack", metavar="NAME", help="a deployed stack's name: its outputs are used (default: none)"
    )
    apply.add_argument(
        "--key-secret",
        default=os.environ.get("PSEUDONYM_KEY_NAME"),
        metavar="NAME",
        help="the pseudonym key's secret, the stack's PseudonymKeyArn output (default: $PSEUDONYM_KEY_NAME)",
    )


def run(args: argparse.Namespace, output_of: Callable[[str, str], str], out: TextIO = sys.stdout) -> int:
    from repmon.domain.customers import parse_csv

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidConfig(f"{args.file}: cannot read it ({type(exc).__name__})") from None
    good, bad = parse_csv(text)
    for row in bad:
        print(f"error: {args.file}:{row.line}: {row.problem}", file=sys.stderr)
    if not good:
        print(f"{args.file}: no valid row; the stored table is unchanged", file=out)
        return EXIT_BAD_ROWS if bad else 0
    table, secret = _target(args, output_of)
    stored, removed = _replace(table, secret, good)
    bad_note = f"; {len(bad)} bad row(s) not applied" if bad else ""
    print(f"{args.file}: stored {stored} customer(s) in {table}, removed {removed}{bad_note}", file=out)
    return EXIT_BAD_ROWS if bad else 0


def _target(args: argparse.Namespace, output_of: Callable[[str, str], str]) -> tuple[str, str]:
    if args.stack:
        return output_of(args.stack, "TableName"), output_of(args.stack, "PseudonymKeyArn")
    if not args.table or not args.key_secret:
        raise InvalidConfig(
            "customers apply: give --stack NAME, or --table and --key-secret "
            "(or set TABLE_NAME and PSEUDONYM_KEY_NAME)"
        )
    return args.table, args.key_secret


def _replace(table: str, secret: str, good: Sequence[Customer]) -> tuple[int, int]:
    """Store the rows; AWS's refusals become one line naming the table (exit 2)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from repmon.adapters.aws import cli_client, sdk_problem
    from repmon.adapters.customers import DynamoKnownCustomers
    from repmon.adapters.pseudonym import secret_pseudonymiser

    try:
        pseudonymise = secret_pseudonymiser(secret, cli_client("secretsmanager"))
        return DynamoKnownCustomers(table, cli_client("dynamodb"), pseudonymise).replace(good)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InvalidConfig(f"table {table!r}: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:  # no region, no credentials, no endpoint
        raise InvalidConfig(f"table {table!r}: {sdk_problem(exc)}") from None
