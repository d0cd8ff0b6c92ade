"""`repmon alerts list | mute | unmute`: what was sent and what is firing, and mutes that expire by
themselves, against a deployed stack (--stack) or a table (--table; AWS_ENDPOINT_URL for a local one).

Every refusal is one line (exit 2): an unknown brand or rule, a bad duration, a missing table.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from repmon.domain.errors import InvalidConfig
from repmon.domain.mutes import ALL_RULES, BadDuration, Mute, parse_duration
from repmon.domain.rules import RULES
from repmon.domain.timeutil import iso

#: `alerts list` looks this far back for sent emails unless told otherwise.
DEFAULT_DAYS = 7
HELP = {
    "alerts": (
        "List recent alert emails, firing rules and mutes; mute or unmute a brand's alerts for a while.",
        "example:\n  repmon alerts list --stack repmon\n"
        "  repmon alerts mute acme --rule volume_spike --for 6h --stack repmon\n"
        "  repmon alerts unmute acme --stack repmon",
    ),
}


def add_arguments(alerts: argparse.ArgumentParser) -> None:
    actions = alerts.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="recent emails, firing rules and mutes, per brand")
    listing.add_argument("--brand", metavar="ID", help="one brand (default: every brand)")
    listing.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help="emails of the last N days (default: %(default)s)",
    )
    mute = actions.add_parser("mute", help="hold back a brand's alert emails (or one rule's) for a while")
    mute.add_argument("brand", metavar="BRAND", help="the brand's id")
    mute.add_argument("--rule", metavar="R", help=f"one rule: {', '.join(RULES)} (default: every rule)")
    mute.add_argument(
        "--for", dest="duration", required=True, metavar="DURATION", help="30m, 6h, 2d, 1w (at most 90d)"
    )
    mute.add_argument("--by", default=os.environ.get("USER", ""), metavar="NAME", help="who (default: $USER)")
    unmute = actions.add_parser("unmute", help="end a mute now")
    unmute.add_argument("brand", metavar="BRAND", help="the brand's id")
    unmute.add_argument("--rule", metavar="R", help="the muted rule (default: the all-rules mute)")
    for sub in (listing, mute, unmute):
        target = sub.add_mutually_exclusive_group()
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


def run(
    args: argparse.Namespace, table_of: Callable[[str], str], out: TextIO, now: datetime | None = None
) -> int:
    at = now or datetime.now(UTC)
    rule = _rule(getattr(args, "rule", None))
    duration = parse_for(args.duration) if args.action == "mute" else None
    table = table_of(args.stack) if args.stack else args.table
    if not table:
        raise InvalidConfig(
            f"alerts {args.action}: give --stack NAME or --table (the TableName output), or set TABLE_NAME"
        )
    with _aws(table):
        stores = _Stores(table)
        if args.action == "list":
            return _list(stores, args.brand, timedelta(days=args.days), at, out)
        _known_brand(stores, args.brand, table)
        if duration is not None:
            mute = Mute(args.brand, rule, at + duration, at, args.by)
            stores.mutes.put(mute)
            print(f"muted {args.brand}: {mute.what} until {iso(mute.until)}", file=out)
            return 0
        removed = stores.mutes.remove(args.brand, rule)
        what = "all rules" if rule == ALL_RULES else f"rule {rule}"
        print(f"{'unmuted' if removed else 'no mute of'} {args.brand}: {what}", file=out)
        return 0


def parse_for(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except BadDuration as exc:
        raise InvalidConfig(f"--for {exc}") from None


def _rule(rule: str | None) -> str:
    if rule is None:
        return ALL_RULES
    if rule not in RULES:
        raise InvalidConfig(f"--rule {rule!r} is not a rule; one of: {', '.join(RULES)}")
    return rule


class _Stores:
    def __init__(self, table: str) -> None:
        from repmon.adapters.aws import cli_client
        from repmon.adapters.dynamo_notices import DynamoAlertLog, DynamoMuteStore
        from repmon.adapters.dynamo_state import DynamoAlertLedger, DynamoWatchlist

        client = cli_client("dynamodb")
        self.watchlist = DynamoWatchlist(table, client)
        self.ledger = DynamoAlertLedger(table, client)
        self.mutes = DynamoMuteStore(table, client)
        self.log = DynamoAlertLog(table, client)


def _known_brand(stores: _Stores, brand_id: str, table: str) -> None:
    ids = stores.watchlist.brand_ids()
    if brand_id not in ids:
        known = ", ".join(sorted(ids)) or "none: run repmon brands apply"
        raise InvalidConfig(f"no brand {brand_id!r} in table {table!r} (brands: {known})")


def _list(stores: _Stores, brand_id: str | None, days: timedelta, at: datetime, out: TextIO) -> int:
    ids = sorted(stores.watchlist.brand_ids())
    if brand_id is not None and brand_id not in ids:
        raise InvalidConfig(f"no brand {brand_id!r} (brands: {', '.join(ids) or 'none'})")
    for one in [brand_id] if brand_id else ids:
        print(one, file=out)
        for mute in stores.mutes.active(one, at):
            by = f", by {mute.by}" if mute.by else ""
            print(
                f"  muted: {mute.what} until {iso(mute.until)} ({_left(mute.until - at)} left){by}", file=out
            )
        _incident(stores, one, at, out)
        for rule, severity, since in stores.log.firing(one):
            print(f"  firing: {rule} ({severity}) since {iso(since)}", file=out)
        sent = list(reversed(stores.log.sent_between(one, at - days, at + timedelta(seconds=1))))
        if not sent:
            print(f"  no email in the last {days.days} days", file=out)
        for a in sent:
            print(
                f"  {iso(a.fired_at)} {a.severity:<8} {a.rule:<19} {a.alert_id}  {a.summary[:80]}", file=out
            )
    return 0


def _incident(stores: _Stores, brand_id: str, at: datetime, out: TextIO) -> None:
    incident = stores.ledger.incident(brand_id)
    if incident is None or incident.closed:
        return
    state = f"resolved {iso(incident.resolved_at)}" if incident.resolved_at else "open"
    rules = ", ".join(sorted(incident.firing)) or "none firing now"
    print(
        f"  incident {incident.incident_id}: {state} since {iso(incident.opened_at)} "
        f"({_left(at - incident.opened_at)}), {incident.severity.value}, rules: {rules}, "
        f"emails sent: {incident.emails_sent}",
        file=out,
    )


def _left(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m"


@contextmanager
def _aws(table: str) -> Iterator[None]:
    """AWS's refusals as one line naming the table (exit 2), as `brands apply` says them."""
    from botocore.exceptions import BotoCoreError, ClientError

    from repmon.adapters.aws import sdk_problem

    try:
        yield
    except ClientError as exc:
        error: Any = exc.response.get("Error", {})
        if error.get("Code") == "ResourceNotFoundException":
            raise InvalidConfig(
                f"table {table!r} not found: give the stack's TableName output or --stack NAME, and check "
                "the region (AWS_DEFAULT_REGION or your AWS profile's)"
            ) from None
        raise InvalidConfig(f"table {table!r}: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise InvalidConfig(f"table {table!r}: {sdk_problem(exc)}") from None
