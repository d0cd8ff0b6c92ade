"""The learned layer: review misfires gone, rules in their context, reasons kept, any input scored.

The weights file must be what `python -m repmon.cli.sentiment_train` builds from GoEmotions and our
own messages: the slow test rebuilds it and compares bytes (it needs ../shared/data/goemotions; CI
has it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repmon.adapters.cx_model import WEIGHTS_FILE, WeightsUnreadable, load_model
from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.cli import sentiment_train
from repmon.domain.cx_learned import MAX_TOKENS, fuse, grams, hashed_features, learned_reason, tokens
from repmon.domain.cx_rules import normalise, rule_hits

GOEMOTIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "goemotions"


@pytest.fixture(scope="module")
def cx() -> CxVaderScorer:
    return CxVaderScorer()


@pytest.mark.parametrize(
    "text",
    [
        "Love how easy it is to play music. Still discovering all the features",
        "What's not to like about this little speaker",
        "Flight delayed 20 min, no big deal",
        "Is the sale still on? Asking for a friend lol",
    ],
)
def test_happy_or_casual_texts_are_not_negative(cx: CxVaderScorer, text: str) -> None:
    verdict = cx.score(text)
    assert verdict.label != "negative", verdict
    assert not any(r.startswith(("sarcasm", "still")) for r in verdict.reasons), verdict


def test_a_failure_mocked_with_praise_is_negative_and_says_why(cx: CxVaderScorer) -> None:
    verdict = cx.score("Cancelled again. Brilliant.")
    assert verdict.label == "negative"
    assert {"sarcasm: praise for a failure", "again", "cancelled"} <= set(verdict.reasons), verdict


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Still discovering new features", "still"),
        ("Just great, best speaker I own", "sarcasm: just great"),
        ("Love it when the kids dance to it", "sarcasm"),
        ("Brilliant.", "sarcasm: praise for a failure"),
    ],
)
def test_sarcasm_and_still_need_a_complaint(text: str, reason: str) -> None:
    assert reason not in {hit.reason for hit in rule_hits(normalise(text))}
    assert reason in {hit.reason for hit in rule_hits(normalise(text), negative_words=True)}


def test_sarcasm_still_fires_on_a_complaint(cx: CxVaderScorer) -> None:
    verdict = cx.score("Thanks for the 3 hour delay, really made my day")
    assert verdict.label == "negative" and "sarcasm: thanks for the failure" in verdict.reasons


def test_every_verdict_names_the_learned_layer(cx: CxVaderScorer) -> None:
    verdict = cx.score("Been on hold for 2 hours, nobody picks up")
    assert verdict.reasons[0].startswith("learned: negative ")
    assert "on hold" in verdict.reasons


def test_rules_alone_have_no_learned_reason() -> None:
    verdict = CxVaderScorer(learned=False).score("Been on hold for 2 hours")
    assert not any(reason.startswith("learned") for reason in verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n ",
        "a" * 1_000_000,
        "great service " * 80_000,
        "\x00\x01\x02\xff\xfe binary \x7f",
        "".join(map(chr, range(0x20))),
        "😀😡🎉👎",
        "Great service Отличный сервис 很好 خدمة",
        "\u202eevil\u202c \ufeff\u200b",
    ],
)
def test_any_input_gets_a_label_or_an_unscored_reason(cx: CxVaderScorer, text: str) -> None:
    verdict = cx.score(text)
    assert verdict.reasons
    assert verdict.label is not None or verdict.reasons[0].startswith("unscored")
    assert -1.0 <= verdict.score <= 1.0


def test_features_are_capped_and_stable() -> None:
    assert len(tokens("word " * 10_000)) == MAX_TOKENS
    slots, value = hashed_features("the crew was lovely", 1024)
    assert slots == sorted(set(slots)) and len(slots) == 7 and value == pytest.approx(7**-0.5)
    assert hashed_features("the crew was lovely", 1024) == (slots, value)
    assert hashed_features("", 1024) == ([], 0.0)


def test_negation_marks_the_words_it_governs_until_punctuation() -> None:
    # "not helpful" must not read as "helpful"; the scope ends at punctuation
    features = grams("The agent wasn't helpful, great app!")
    assert "not_helpful" in features and "helpful" not in features
    assert "great" in features and "not_great" not in features
    assert "!" in features and "," not in features
    assert "wasn't helpful" in features  # pairs read the words as written
    assert "not_one" in grams("never one reply") and "one" in grams("never. one reply")


def test_the_layer_reads_the_rules_signals(cx: CxVaderScorer) -> None:
    reading = cx.rule_reading("Great staff but the app keeps crashing")
    assert reading.signals[0] == reading.score
    assert reading.signals[1] > 0 > reading.signals[2]
    assert "keeps failing" in {hit.reason for hit in reading.hits}


def test_fuse_and_reason() -> None:
    assert fuse(-0.5, (0.8, 0.1, 0.1), 0.5) == pytest.approx(-0.6)
    assert fuse(1.0, (0.0, 0.0, 1.0), 0.3) == 1.0
    assert learned_reason((0.82, 0.1, 0.08)) == "learned: negative 0.82"


def test_a_broken_weights_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(WeightsUnreadable, match="cannot read"):
        load_model(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    document = json.loads(WEIGHTS_FILE.read_text())
    bad.write_text(json.dumps({**document, "buckets": 7}))
    with pytest.raises(WeightsUnreadable, match="for 7 buckets"):
        load_model(bad)


def test_training_refuses_a_folder_without_goemotions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sentiment_train.main(["--data", str(tmp_path), "--out", str(tmp_path / "w.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sentiment train: --data {tmp_path}") and len(err.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.skipif(not GOEMOTIONS.is_dir(), reason=f"GoEmotions not at {GOEMOTIONS}: cannot rebuild")
def test_the_committed_weights_are_what_the_training_builds(tmp_path: Path) -> None:
    rebuilt = tmp_path / "cx_weights.json"
    assert sentiment_train.main(["--data", str(GOEMOTIONS), "--out", str(rebuilt)]) == 0
    assert rebuilt.read_bytes() == WEIGHTS_FILE.read_bytes(), (
        "cx_weights.json differs from a rebuild: run python -m repmon.cli.sentiment_train "
        "--data ../shared/data/goemotions (or make sentiment-model) and commit it (README: Sentiment)"
    )


#: Plain statements about a company: plans, errands, news, logistics. They fill a brand's feed between
#: complaints, and the reputation index is their mean score: a scorer that leans them negative pulls a
#: calm brand's index toward its floor (the second fit, on messages that are 43 % complaints, did so
#: until it was given statements and balanced classes, and kept its bias and signals from GoEmotions).
PLAIN_STATEMENTS = (
    "Acme flight 212 boards at gate 4",
    "Globex branch opens at nine",
    "Heading to Oslo with Fjordline on the 14th",
    "Corvid Telecom will raise its prices in April, says the press release",
    "The Minster Street branch of Halden Bank has moved to number 40",
    "Got the Tamsin desk lamp from Brightway, it arrives Thursday",
    "Tallis Air adds three weekly flights between Boston and Halifax",
    "My train is the 07:42 from platform 6",
    "Staying at the Marlowe Inn for the wedding this weekend",
    "Renewed the car insurance with Perrin online this morning",
    "Dinner reservation at Osteria Nove, 7:30, party of six",
    "Moving my broadband to Kestrel Fibre when the contract ends",
    "Verity Foods announced a new CEO today",
    "Collecting a prescription from Hollis Pharmacy after work",
    "We are flying Meridian to the trade show in Denver",
    "Pembury Outlet opens its second store in Cardiff next spring",
    "How do I add a second card holder to the account?",
    "The Northgate lounge is on the upper level past security",
    "Order 55120 from Larkspur Home was shipped on Monday",
    "Our office switched payroll to Tessera last quarter",
)


def test_plain_statements_are_neutral_and_lean_nowhere(cx: CxVaderScorer) -> None:
    verdicts = [cx.score(text) for text in PLAIN_STATEMENTS]
    assert [v.label for v in verdicts] == ["neutral"] * len(PLAIN_STATEMENTS), verdicts
    mean = sum(v.score for v in verdicts) / len(verdicts)
    assert abs(mean) < 0.05, mean


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # VADER negates what follows "never"; before a comparative or "such" it is the figure of
        # "never so good", which VADER itself keeps as an intensifier
        ("Never been happier with a bank", "positive-ish"),
        ("Never seen such friendly staff", "positive-ish"),
        ("Never had better service", "positive-ish"),
        ("Never had such a bad experience with an airline", "negative"),
        ("service has never been worse", "negative"),
        # and only across a few plain words
        ("it never gets better", "negative"),
    ],
)
def test_never_before_a_comparative_or_such_intensifies(cx: CxVaderScorer, text: str, label: str) -> None:
    verdict = cx.score(text)
    if label == "negative":
        assert verdict.label == "negative", verdict
    else:
        assert verdict.label != "negative" and verdict.score > 0.3, verdict


def test_plain_vader_keeps_vaders_own_negation() -> None:
    # The baseline is nltk's VADER as published: "never been happier" is negative there
    from repmon.adapters.vader_scorer import PlainVaderScorer

    assert PlainVaderScorer().score("Never been happier with a bank").score < 0
