"""What `repmon demo` prints: headers over their data, attributes and mentions readable by people."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from repmon.cli.demo_report import Printer, attributes_line, mention_row
from repmon.domain.brand import Brand
from repmon.domain.models import Mention, ScoredMention, Sentiment
from tests.fakes import InMemoryMentionStore, scored_mention

AT = datetime(2026, 11, 3, 4, 20, tzinfo=UTC)
BRANDS = [
    Brand(id="acme-air", name="Acme Air", query='"acme air"'),
    Brand(id="globex", name="Globex Bank", query="globex"),
]


def _printed(act) -> list[str]:
    out = io.StringIO()
    act(Printer(out))
    return out.getvalue().splitlines()


def _end(line: str, word: str) -> int:
    return line.index(word) + len(word)


def test_progress_headers_sit_over_their_columns():
    def act(say: Printer) -> None:
        say.header(BRANDS)
        say.progress(
            AT, {"reddit": 12, "hackernews": 3, "appstore": 0}, {"acme-air": 31.1, "globex": None}, []
        )
        say.progress(
            AT, {"reddit": 4}, {"acme-air": 47.9, "globex": 63.9}, ["reputation_drop", "volume_spike"]
        )

    header, first, second = _printed(act)[-3:]
    # The group separators line up...
    bars = [i for i, ch in enumerate(header) if ch == "|"]
    assert len(bars) == 3 and all(
        [i for i, ch in enumerate(row) if ch == "|"] == bars for row in (first, second)
    )
    # ...and every number ends where its heading ends
    assert _end(first, "12") == _end(header, "reddit") and _end(first, " 3") == _end(header, "hn")
    assert _end(first, "31.1") == _end(header, "acme-air") and _end(second, "63.9") == _end(header, "globex")
    assert second.endswith("| 2 new: reputation_drop, volume_spike")


def test_the_mentions_table_header_sits_over_its_data_and_title_and_body_stay_apart():
    store = InMemoryMentionStore()
    post = Mention(
        "reddit", "t3_x", AT, "Cancelled at midnight, no staff", title="Stranded in Denver with no refund"
    )
    store.save([ScoredMention("acme-air", post, Sentiment("negative", -0.96), 86.7)])
    store.save([scored_mention("globex", AT, 0.4, 52.8, text="Globex bank app is easy")])

    lines = _printed(lambda say: say.mentions(store, BRANDS, AT.replace(hour=0), AT.replace(hour=23)))
    header, acme, globex = lines[-3:]
    assert acme.startswith("Tue 04:20Z acme-air  reddit")
    for word, value in (("score", "-0.96"), ("influence", "86.7")):
        assert _end(acme, value) == _end(header, word)
    assert acme.index("Stranded") == header.index("text") == globex.index("Globex bank")
    assert acme.endswith("Stranded in Denver with no refund - Cancelled at midnight, no staff")


def test_a_mention_is_listed_once_even_when_it_is_both_negative_and_latest():
    store = InMemoryMentionStore()
    store.save([scored_mention("acme-air", AT, -0.9, 80, text="only one")])
    lines = _printed(lambda say: say.mentions(store, BRANDS[:1], AT.replace(hour=0), AT.replace(hour=23)))
    assert sum("only one" in line for line in lines) == 1


def test_message_attributes_read_as_name_value_pairs():
    envelope = {
        "Message": json.dumps({"text": "body"}),
        "MessageAttributes": {
            "rule": {"Type": "String", "Value": "reputation_drop"},
            "brand": {"Type": "String", "Value": "acme-air"},
            "severity": {"Type": "String", "Value": "warning"},
        },
    }
    assert attributes_line(envelope) == "brand=acme-air rule=reputation_drop severity=warning"
    assert "Attributes: brand=acme-air rule=reputation_drop severity=warning" in _printed(
        lambda say: say.emails([envelope])
    )


def test_a_mention_row_shortens_long_texts():
    row = mention_row(scored_mention("acme-air", AT, -0.5, 10, text="word " * 50))
    assert row.endswith("...") and len(row) < 140
