"""The pure part of the BI export: row shapes, pseudonyms, partition days, the run's planning."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from repmon.domain import flat
from repmon.services.export import (
    COMPLETED,
    FAILED,
    FULL,
    IN_PROGRESS,
    INCREMENTAL,
    ExportPolicy,
    FlatRun,
    NativeExport,
    PartitionStats,
    export_days,
    plan_native,
)

AT = datetime(2026, 11, 10, 2, tzinfo=UTC)
LAG = timedelta(minutes=15)
MENTION = {
    "pk": "BRAND#acme",
    "sk": "MENTION#reddit#t3_1",
    "gsi1pk": "BRAND#acme#MENTIONS",
    "gsi1sk": "2026-11-01T09:00:00Z#reddit#t3_1",
    "type": "mention",
    "brand_id": "acme",
    "source": "reddit",
    "native_id": "t3_1",
    "created_at": "2026-11-01T09:00:00Z",
    "polled_at": "2026-11-01T09:05:00Z",
    "text": "broken again",
    "title": "acme",
    "author_id": "u1",
    "author_handle": "alice",
    "author_verified": False,
    "score": Decimal("3"),
    "comments": Decimal("0"),
    "shares": Decimal("0"),
    "votes": Decimal("0"),
    "sentiment_label": "negative",
    "sentiment_score": Decimal("-0.5"),
    "language": "en",
    "influence": Decimal("12.5"),
    "expires_at": Decimal("1767258000"),
}


def test_given_a_stored_mention_when_flattened_then_keys_go_and_types_are_plain():
    row = flat.mention_row(MENTION)
    assert list(row) == list(flat.COLUMNS["mentions"])
    assert not {"pk", "sk", "gsi1pk", "gsi1sk", "type"} & set(row)
    assert (row["score"], row["influence"], row["sentiment_score"]) == (3, 12.5, -0.5)
    assert type(row["score"]) is int and type(row["influence"]) is float
    assert (
        row["expires_at"] == "2026-01-01T09:00:00Z" and row["community_size"] is None and row["reasons"] == []
    )


def test_given_an_unlabelled_mention_when_flattened_then_its_label_is_unscored():
    assert flat.mention_row({**MENTION, "sentiment_label": None})["sentiment_label"] == "unscored"


def test_given_a_key_when_pseudonymised_then_same_input_same_hash_and_sources_do_not_collide():
    hide = flat.hmac_pseudonymiser(b"k" * 32)
    a = flat.mention_row(MENTION, hide)
    b = flat.mention_row({**MENTION, "source": "hackernews"}, hide)
    assert a["author_handle"] == flat.mention_row(MENTION, hide)["author_handle"] != "alice"
    assert a["author_handle"] != b["author_handle"]
    assert (
        a["author_handle"] != flat.mention_row(MENTION, flat.hmac_pseudonymiser(b"x" * 32))["author_handle"]
    )


def test_given_text_excluded_when_flattened_then_text_and_title_are_null():
    row = flat.mention_row(MENTION, include_text=False)
    assert row["text"] is None and row["title"] is None


def test_given_an_aggregate_with_missing_counters_when_flattened_then_they_are_zero():
    item = {"type": "aggregate", "brand_id": "acme", "hour": "2026-11-01T09:00:00Z", "mentions": Decimal(2)}
    row = flat.hourly_row(item | {"source_reddit": Decimal(2)})
    assert (row["mentions"], row["negative"], row["mentions_reddit"], row["weight_sum"]) == (2, 0, 2, 0.0)


def test_given_items_when_placed_then_each_goes_to_the_day_of_its_own_time():
    assert flat.day_of(MENTION) == ("mentions", "acme", date(2026, 11, 1))
    hour = {"type": "aggregate", "brand_id": "b", "hour": "2026-11-02T23:00:00Z"}
    assert flat.day_of(hour) == ("brand_hourly", "b", date(2026, 11, 2))
    assert flat.day_of({"type": "cursor", "brand_id": "b"}) is None


@given(st.dictionaries(st.text(max_size=12), st.one_of(st.none(), st.text(max_size=20), st.integers())))
def test_given_any_item_when_placed_then_a_partition_or_none_never_a_crash(item):
    assert flat.day_of(item) is None or len(flat.day_of(item)) == 3  # type: ignore[arg-type]


def test_given_no_export_when_planned_then_full_up_to_the_lag():
    assert plan_native([], AT, LAG) == NativeExport(to_time=AT - LAG, export_type=FULL)


def test_given_a_completed_export_when_planned_then_incremental_from_its_end_capped_at_a_day():
    done = NativeExport(to_time=AT - timedelta(days=3), export_type=FULL, status=COMPLETED)
    nxt = plan_native([done], AT, LAG)
    assert nxt is not None and nxt.export_type == INCREMENTAL
    assert (nxt.from_time, nxt.to_time) == (done.to_time, done.to_time + timedelta(hours=24))


def test_given_a_running_or_too_recent_export_when_planned_then_nothing_starts():
    running = NativeExport(to_time=AT - timedelta(days=1), export_type=FULL, status=IN_PROGRESS)
    assert plan_native([running], AT, LAG) is None
    recent = NativeExport(to_time=AT - LAG - timedelta(minutes=5), export_type=FULL, status=COMPLETED)
    assert plan_native([recent], AT, LAG) is None


def test_given_only_failed_exports_when_planned_then_full_again():
    failed = NativeExport(to_time=AT - timedelta(days=1), export_type=FULL, status=FAILED)
    assert plan_native([failed], AT, LAG).export_type == FULL  # type: ignore[union-attr]


class ListReader:
    def __init__(self, items: list[dict]) -> None:
        self.items = items

    def brand_ids(self) -> set[str]:
        return {"acme"}

    def items_on(self, table: str, brand_id: str, day: date) -> Iterable[dict]:
        return [i for i in self.items if flat.day_of(i) == (table, brand_id, day)]

    def late_days(self, brand_id: str, polled_since: datetime, created_since: datetime) -> set[date]:
        return set()


class MemorySink:
    def __init__(self, fail: str = "") -> None:
        self.parts: dict[tuple[str, date], list[flat.Row]] = {}
        self.fail = fail

    def write(self, table: str, day: date, rows: Iterable[flat.Row]) -> PartitionStats:
        if table == self.fail:
            raise OSError("disk full")
        self.parts[(table, day)] = list(rows)
        return PartitionStats(len(self.parts[(table, day)]), 1)


def test_given_days_when_exported_then_every_table_of_every_day_is_written_even_empty():
    sink = MemorySink()
    result = export_days(
        ListReader([MENTION]), sink, ["acme"], [date(2026, 11, 2), date(2026, 11, 1)], ExportPolicy()
    )
    assert result.days == [date(2026, 11, 1), date(2026, 11, 2)] and result.partitions == 6
    assert (
        len(sink.parts[("mentions", date(2026, 11, 1))]) == 1
        and sink.parts[("alerts", date(2026, 11, 2))] == []
    )


def test_given_a_failing_table_when_exported_then_the_others_are_still_written():
    sink = MemorySink(fail="alerts")
    result = export_days(ListReader([MENTION]), sink, ["acme"], [date(2026, 11, 1)], ExportPolicy())
    assert list(result.failed) == ["alerts/dt=2026-11-01"] and result.partitions == 2


def test_flat_run_defaults_to_no_brands():
    assert FlatRun(at=AT).brands == frozenset()
