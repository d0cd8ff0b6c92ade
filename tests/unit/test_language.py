"""Language detection: cheap, and never calls short English or symbol-only text foreign."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mi pedido llegó roto y nadie responde a mis correos", "es"),
        ("Le colis est arrivé en retard et le service client ne répond pas", "fr"),
        ("Die Lieferung ist nicht angekommen und ich warte seit einer Woche", "de"),
        ("Il pacco non è mai arrivato e nessuno mi risponde", "it"),
        ("O pedido não chegou e ninguém responde", "pt"),
        ("Het pakket is niet aangekomen en ik wacht nog steeds", "nl"),
        ("Посылка так и не пришла", "ru"),
        ("包裹还没有到", "zh"),
        ("荷物がまだ届きません", "ja"),
        ("택배가 아직 안 왔어요", "ko"),
        ("הזמנה לא הגיעה", "he"),
        ("الطلب لم يصل", "ar"),
    ],
)
def test_other_languages_are_recognised(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "thanks!",
        "Flight delayed again",
        "still waiting",
        "la la land was great",
        "Dinner at Café de la Paix was lovely",
        "@AcmeSupport #fail refund pls",
    ],
)
def test_short_english_is_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", "   ", "@acme @help", "https://t.co/abc 😡😡", "#123 42 !!!"])
def test_text_without_words_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


@given(st.text(max_size=300))
def test_any_text_gives_a_code(text: str) -> None:
    code = detect_language(text)
    assert code == "und" or (len(code) == 2 and code.isalpha())
