"""`repmon sentiment`: one JSON line out per line in, whatever comes in."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repmon.adapters.vader_scorer import CxVaderScorer
from repmon.cli.main import main as cli_main
from repmon.cli.sentiment import main, score_line
from repmon.cli.sentiment_eval import metrics
from repmon.domain.errors import InvalidConfig

SCORER = CxVaderScorer()


def run(argv: list[str], stdin_text: str = "") -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(argv, io.StringIO(stdin_text), out)
    return code, out.getvalue().splitlines()


def test_scores_each_line_in_order() -> None:
    # Given three mentions, one a review with stars
    lines = [
        {"id": "a", "text": "Still waiting for my refund after three weeks"},
        {"id": 2, "text": "Lovely staff and a smooth check-in!"},
        {"id": "r", "text": "Thanks for the reply", "rating": 1},
    ]
    # When piped through the command
    code, out = run([], "".join(json.dumps(line) + "\n" for line in lines))
    # Then each gets its verdict, in order, with the full schema
    results = [json.loads(line) for line in out]
    assert code == 0
    assert [r["id"] for r in results] == ["a", 2, "r"]
    assert [r["label"] for r in results] == ["negative", "positive", "negative"]
    assert all(set(r) == {"id", "label", "score", "language", "reasons"} for r in results)
    assert all(-1.0 <= r["score"] <= 1.0 for r in results)


@pytest.mark.parametrize(
    ("line", "item_id", "error"),
    [
        ("{not json", None, "malformed JSON"),
        ("[1, 2]", None, "not a JSON object"),
        ('{"id": 7, "text": "   "}', 7, "empty text"),
        ('{"id": 8}', 8, "text must be a string"),
        ('{"id": 9, "text": "ok", "rating": 6}', 9, "rating must be an integer from 1 to 5"),
        ('{"id": 10, "text": "ok", "rating": true}', 10, "rating must be an integer from 1 to 5"),
        ('{"id": NaN, "text": "ok"}', None, "malformed JSON: NaN is not allowed"),
        ("", None, "malformed JSON"),
    ],
)
def test_bad_lines_get_an_error_line(line: str, item_id: object, error: str) -> None:
    assert score_line(line, SCORER) == {"id": item_id, "label": None, "score": 0.0, "error": error}


def test_other_languages_are_reported_unscored() -> None:
    _, out = run(
        [], json.dumps({"id": 1, "text": "Der Kundendienst ist nicht erreichbar und das nervt"}) + "\n"
    )
    assert json.loads(out[0]) == {
        "id": 1,
        "label": None,
        "score": 0.0,
        "language": "de",
        "reasons": ["unscored: language de"],
    }


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_line_gives_one_json_line(line: str) -> None:
    result = score_line(line, SCORER)
    assert json.loads(json.dumps(result)) == result
    assert result["label"] in (None, "negative", "neutral", "positive")


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "text", "rating", "extra"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=80)),
    )
)
def test_any_object_gives_a_verdict_or_an_error(item: dict[str, object]) -> None:
    result = score_line(json.dumps(item), SCORER)
    assert ("error" in result) != ("reasons" in result)


def test_twenty_thousand_lines_in_one_call() -> None:
    # Given 20,000 varied lines, some broken
    templates = [
        "Package {} is late again",
        "Great service, order {} came early!",
        "Where is order {}?",
        "{{bad",
    ]
    lines = "".join(
        json.dumps({"id": i, "text": templates[i % 3].format(i)}) + "\n" if i % 4 else templates[3] + "\n"
        for i in range(20_000)
    )
    # When scored in one call; Then one output line per input line
    code, out = run([], lines)
    assert code == 0
    assert len(out) == 20_000
    assert json.loads(out[-1])["id"] == 19_999


@pytest.mark.parametrize(
    ("flag", "name", "said"),
    [
        ("--data", "absent.csv", "no such file or folder (a labelled CSV)"),
        ("--data", ".", "not a file (a labelled CSV)"),
        ("--ground-truth", "wrong", "no such file or folder"),
        ("--ground-truth", ".", "no *_GroundTruth.txt files"),
    ],
)
def test_eval_of_a_path_that_is_not_there_is_one_error_line_exit_2(
    flag: str, name: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "No labelled data at nope.csv: nothing to evaluate" on stdout, exit 0
    path = tmp_path / name
    code = cli_main(["sentiment", "eval", flag, str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(f"error: {flag} {path}: {said}")
    assert len(captured.err.splitlines()) == 1


def test_eval_checks_the_second_path_before_scoring_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "labelled.csv"
    data.write_text("text,label\nfine,neutral\n", encoding="utf-8")
    code = cli_main(["sentiment", "eval", "--data", str(data), "--ground-truth", str(tmp_path / "x")])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and "--ground-truth" in captured.err


def test_eval_prints_both_scorers(tmp_path: Path) -> None:
    # Given a small labelled file of our own
    data = tmp_path / "labelled.csv"
    data.write_text(
        "text,label\n"
        '"Still no reply after two weeks on hold",negative\n'
        '"Loved the friendly crew!",positive\n'
        '"Does the lounge open at six?",neutral\n',
        encoding="utf-8",
    )
    code, out = run(["eval", f"--data={data}"])
    assert code == 0
    assert out[1].split()[:3] == ["scorer", "accuracy", "macro_f1"]
    assert out[2].startswith("plain") and out[3].startswith("cx")
    assert any("negative recall" in line for line in out)


def test_unknown_arguments_print_usage_on_stderr_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["frobnicate"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.startswith("usage: repmon sentiment")


def test_eval_without_any_input_exits_2_saying_what_to_give() -> None:
    with pytest.raises(InvalidConfig, match="--data CSV, --ground-truth DIR or both"):
        run(["eval"])


def test_metrics() -> None:
    result = metrics(
        ["negative", "neutral", "positive", "negative"], ["negative", "negative", "positive", None]
    )
    assert result["accuracy"] == 0.5
    assert result["negative_precision"] == 0.5
    assert result["negative_recall"] == 0.5
    assert result["positive_precision"] == 1.0


def test_eval_correlates_each_scorer_with_human_ratings(tmp_path: Path) -> None:
    folder = tmp_path / "hutto"
    folder.mkdir()
    (folder / "tweets_GroundTruth.txt").write_text(
        "1\t3.1\tI love this, best day ever!\n"
        "2\t-3.0\tThis is horrible and I hate it.\n"
        "3\t0.1\tThe meeting is at noon.\n"
        "4\t2.0\tPretty good service, thanks.\n"
        "not a rating line\n"
    )
    code, out = run(["eval", "--ground-truth", str(folder)])
    assert code == 0
    row = next(line for line in out if line.startswith("tweets"))
    _, count, plain, cx = row.split()
    assert count == "4" and float(plain) > 0.9 and float(cx) > 0.9
    # And the side each takes of the three clear ratings (the meeting at 0.1 is no opinion)
    sides = out[out.index("score on the side of a clear rating (|rating| >= 1)") + 2]
    assert sides.split() == ["tweets", "3", "1.000", "1.000"]


def test_eval_reads_a_csv_with_a_stray_byte_instead_of_failing(tmp_path: Path) -> None:
    data = tmp_path / "labelled.csv"
    data.write_bytes(b'text,label\n"caf\xe9 staff were rude",negative\n"Loved it!",positive\n')
    code, out = run(["eval", "--data", str(data)])
    assert code == 0 and out[0].startswith("2 labelled texts")


def test_eval_on_a_csv_without_labelled_rows_exits_2_naming_the_file_and_columns(tmp_path: Path) -> None:
    data = tmp_path / "unlabelled.csv"
    data.write_text("body,stars\nhello,5\n", encoding="utf-8")
    with pytest.raises(InvalidConfig, match=f"{data}: no labelled rows.*text.*label"):
        run(["eval", "--data", str(data)])


def _run_utf8(stdin_text: str) -> tuple[int, list[str]]:
    """main() writing to a strict UTF-8 stream, as a real stdout is (StringIO accepts anything)."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="\n")
    code = main([], io.StringIO(stdin_text), out)
    out.flush()
    return code, raw.getvalue().decode("utf-8").splitlines()


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('{"id": "\\ud83d", "text": "hello"}', "id: not valid Unicode (a lone surrogate)"),
        ('{"id": 1, "text": "hello \\ud83d"}', "text: not valid Unicode (a lone surrogate)"),
        ('{"id": 1, "text": "hello", "extra": "\\udc00"}', None),  # ignored keys may hold anything
        ('{"id": ["\\ud83d"], "text": "x"}', "id: not valid Unicode (a lone surrogate)"),
        ('{"id": 1234567890123456789012345678901234567890, "text": "late again"}', None),
    ],
)
def test_a_line_that_cannot_be_written_back_is_an_error_line_and_the_run_goes_on(
    line: str, error: str | None
) -> None:
    # Before: the verdict of a line holding a lone surrogate crashed the writer: exit 1, nothing after.
    code, out = _run_utf8(line + "\n" + '{"id": "next", "text": "fine"}\n')
    assert code == 0
    assert len(out) == 2
    first = json.loads(out[0])
    assert first.get("error") == error
    assert json.loads(out[1])["id"] == "next"


def test_a_missing_lexicon_is_one_line_on_stderr_exit_2(monkeypatch, capsys: pytest.CaptureFixture[str]):
    from repmon.adapters import vader_scorer
    from repmon.adapters.vader_lexicon import MISSING_HELP, LexiconNotInstalled

    def not_installed(*args: object, **kwargs: object) -> None:
        raise LexiconNotInstalled(MISSING_HELP)

    monkeypatch.setattr(vader_scorer.CxVaderScorer, "__init__", not_installed)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "hello"}\n'))
    code = cli_main(["sentiment"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("error: The VADER lexicon is not installed") and len(err.splitlines()) == 1
