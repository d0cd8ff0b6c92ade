"""`sources.google_play` and `sources.appstore_connect` in the watchlist, checked by `brands validate`
with file, line, brand and field in the user's words; and the poll interval Google Play's week bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from repmon.cli.main import main
from repmon.domain.brand import Brand
from repmon.runtime.settings import CollectSettings, SettingsError, load_settings

HEAD = "brands:\n  - id: acme\n    name: Acme\n    query: acme\n    sources:\n"


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str]:
    path = tmp_path / "brands.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    code = main(["brands", "validate", str(path)])
    return code, capsys.readouterr().err.replace(str(path), "brands.yaml")


def test_each_is_on_when_its_app_is_named_and_off_by_default(tmp_path, capsys) -> None:
    body = (
        "      google_play:\n        package_name: com.acmeair.app\n"
        "      appstore_connect:\n        app_id: 1234567890\n"
    )
    code, err = _validate(tmp_path, capsys, body)
    assert code == 0, err
    both = {"google_play": {"package_name": "com.acmeair.app"}, "appstore_connect": {"app_id": 1234567890}}
    brand = Brand.model_validate({"id": "a", "name": "A", "query": "a", "sources": both})
    assert {"google_play", "appstore_connect"} <= set(brand.sources.enabled())
    assert brand.sources.appstore_connect.app_id == "1234567890"
    bare = Brand.model_validate({"id": "a", "name": "A", "query": "a"}).sources.enabled()
    assert not {"google_play", "appstore_connect"} & set(bare)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "      google_play:\n        package_name: https://play.google.com/store/apps/details?id=com.acme.app\n",
            "brands.yaml:7: brand 'acme', sources.google_play.package_name: must be the app's package name,"
            " like com.example.app (the id= in its Play link); did you mean 'com.acme.app'?",
        ),
        (
            "      google_play:\n        package_name: ../../applications/x\n",
            "brands.yaml:7: brand 'acme', sources.google_play.package_name: must be the app's package name",
        ),
        (
            "      google_play:\n        enabled: true\n",
            "brand 'acme', sources.google_play: package_name is required when the Google Play source"
            " is enabled",
        ),
        (
            "      google_play:\n        package_name: com.acme.app\n        max_pages: 50\n",
            "brands.yaml:8: brand 'acme', sources.google_play.max_pages: must be at most 20",
        ),
        (
            "      appstore_connect:\n        app_id: https://apps.apple.com/us/app/acme/id1234567890\n",
            "brands.yaml:7: brand 'acme', sources.appstore_connect.app_id: must be the app's numeric id, 5-12"
            " digits (the number after 'id' in its link); did you mean '1234567890'?",
        ),
        (
            "      appstore_connect:\n        app_id: '1234567890'\n        territories: [us]\n",
            "sources.appstore_connect.territories: unknown key; expected one of:",
        ),
    ],
)
def test_bad_settings_name_file_line_brand_and_field(tmp_path, capsys, body, words) -> None:
    code, err = _validate(tmp_path, capsys, body)
    assert code == 2 and words in err and "Traceback" not in err, err


def test_a_poll_interval_past_a_day_is_refused_because_play_lists_only_a_week() -> None:
    env = {"TABLE_NAME": "repmon"}
    assert (
        load_settings(CollectSettings, {**env, "POLL_INTERVAL_MINUTES": "1440"}).poll_interval_minutes == 1440
    )
    with pytest.raises(
        SettingsError, match="POLL_INTERVAL_MINUTES: Input should be less than or equal to 1440"
    ):
        load_settings(CollectSettings, {**env, "POLL_INTERVAL_MINUTES": "2880"})
