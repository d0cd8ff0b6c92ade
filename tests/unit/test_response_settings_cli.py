"""`brands validate` on the review and response rules' settings (`thresholds.low_rating_review`,
`.rating_drop`, `.unanswered_complaint`): one line naming file, line, brand and field, exit 2."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Thresholds

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    thresholds:\n"


@pytest.mark.parametrize(
    ("section", "line", "expected"),
    [
        (
            "      low_rating_review: {max_stars: 5}\n",
            6,
            "brand 'acme', thresholds.low_rating_review.max_stars: must be at most 4 (got 5)",
        ),
        (
            "      rating_drop:\n        window: a week\n",
            7,
            "brand 'acme', thresholds.rating_drop.window: 'a week' is not a duration",
        ),
        (
            "      rating_drop: {min_reviews: 1}\n",
            6,
            "thresholds.rating_drop.min_reviews: must be at least 3 (got 1)",
        ),
        (
            "      unanswered_complaint:\n        target: 4h\n        expire: 2h\n",
            6,
            "brand 'acme', thresholds.unanswered_complaint: expire must be longer than target",
        ),
        ("      unanswered_complaint: {targt: 4h}\n", 6, "thresholds.unanswered_complaint.targt: "),
    ],
)
def test_bad_response_rule_settings_name_file_line_brand_and_field(tmp_path, capsys, section, line, expected):
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + section)
    assert main(["brands", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}:{line}: " in err and expected in err, err


def test_the_defaults_are_the_documented_ones():
    t = Thresholds()
    assert (t.low_rating_review.max_stars, t.low_rating_review.with_text_only) == (2, False)
    assert (t.rating_drop.window, t.rating_drop.baseline) == (timedelta(days=7), timedelta(days=28))
    assert (t.rating_drop.drop, t.rating_drop.min_reviews) == (0.5, 10)
    u = t.unanswered_complaint
    assert (u.target, u.influential_target, u.influential_min) == (timedelta(hours=4), timedelta(hours=1), 50)
    assert u.target_for(49.9) == timedelta(hours=4) and u.target_for(50) == timedelta(hours=1)
