"""What the complaints are about: themes shared by several negative mentions, on crises of every kind."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repmon.domain.brand import Brand
from repmon.domain.models import Author, Mention, ScoredMention, Sentiment
from repmon.domain.themes import brand_words, theme_line, themes

AT = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)


def _negatives(
    brand: Brand, texts: list[str], reasons: list[tuple[str, ...]] | None = None
) -> list[ScoredMention]:
    found = []
    for n, text in enumerate(texts):
        why = reasons[n] if reasons else ()
        mention = Mention("reddit", f"t{n}", AT, text, author=Author(id=f"a{n}", handle=f"user{n}"))
        found.append(ScoredMention(brand.id, mention, Sentiment("negative", -0.7, reasons=why), 10.0))
    return found


def _phrases(brand: Brand, texts: list[str], reasons: list[tuple[str, ...]] | None = None) -> list[str]:
    return [t.phrase for t in themes(_negatives(brand, texts, reasons), brand)]


AIRLINE = Brand(id="acme-air", name="Acme Air", query='"acme air" OR @acmeair')


def test_an_airline_outage_reads_as_cancelled_flights_app_down_and_refunds():
    # Given a crisis told in many ways, with the scorer's reasons as CxVaderScorer gives them
    texts = [
        "@acmeair flight AA210 cancelled again, 4 hours on hold and still no answer",
        "Acme Air flight AA321 cancelled, stuck in Denver",
        "My Acme Air flight AA432 cancelled at midnight. Where is my refund?",
        "Acme Air app is down, can't rebook AA654",
        "Acme Air app is down again, phone line drops",
        "The Acme Air app is down for everyone",
        "Still waiting for Acme Air to refund my trip",
        "Acme Air owes me a refund, terrible",
        "Worst airline ever, Acme Air lost my guitar",
    ]
    reasons = [
        ("learned: negative 0.50", "on hold", "hours", "cancelled"),
        ("learned: negative 0.6", "cancelled"),
        ("cancelled", "refund"),
        ("outage", "something did not happen"),
        ("outage",),
        ("outage",),
        ("still waiting", "refund"),
        ("terrible", "refund"),
        ("worst", "lost bag"),
    ]
    found = themes(_negatives(AIRLINE, texts, reasons), AIRLINE)
    # Then the top themes say what happened, each shared by several mentions
    # (as many mentions each: the first said comes first)
    assert [t.phrase for t in found] == ["flight cancelled", "refund", "app down"]
    assert [t.mentions for t in found] == [3, 3, 3]
    assert theme_line(found) == "flight cancelled (3 mentions), refund (3), app down (3)"


def test_a_single_mentions_odd_word_is_never_a_theme():
    texts = ["Acme Air lost my zither in Reykjavik", "Acme Air flight late", "Acme Air flight late again"]
    texts.append("So Acme Air flight late, as usual")
    phrases = _phrases(AIRLINE, texts)
    assert "zither" not in phrases and "reykjavik" not in phrases
    assert phrases == ["flight late"]


def test_themes_keep_the_words_as_people_write_them_and_read_most_shared_first():
    texts = [
        "Acme Air: can't rebook, absolute chaos",
        "can't rebook on the Acme Air app",
        "Acme Air? Can’t rebook",
    ]
    texts += [
        "Acme Air's lounge closed",
        "Acme Air lounge closed",
        "lounge closed at Acme Air",
        "lounge closed",
    ]
    assert _phrases(AIRLINE, texts) == ["lounge closed", "can't rebook"]


def test_a_single_word_of_the_text_is_a_theme_only_against_the_usual_mentions():
    # Given complaints whose one shared word is the brand's category ("flight"), and a named failure
    texts = [f"Acme Air flight {c}, nobody replies to emails" for c in ("AA1", "AA2", "AA3", "AA4")]
    texts += ["My flight was fine", "flight to Denver", "the flight", "what a flight"]
    found = _phrases(AIRLINE, texts)
    # Then "flight" is not a theme, and a phrase keeps every word its mentions share
    assert found == ["nobody replies emails"]


def test_one_author_repeating_a_phrase_is_not_a_theme():
    brand = AIRLINE
    texts = ["Acme Air ate my hamster", "Acme Air ate my hamster!!", "Acme Air ate my hamster again"]
    found = _negatives(brand, texts)
    same_author = [
        ScoredMention(
            m.brand_id,
            Mention(
                m.mention.source,
                m.mention.native_id,
                AT,
                m.mention.text,
                author=Author(id="troll", handle="troll"),
            ),
            m.sentiment,
            1.0,
        )
        for m in found
    ]
    assert themes(same_author, brand) == []
    assert [t.phrase for t in themes(found, brand)] == ["ate hamster"]


def test_words_as_common_before_the_trouble_are_not_themes():
    # Given complaints that mention the flight and the city every post of the brand mentions
    complaints = [f"Acme Air flight from Denver: wifi broken {n}" for n in range(6)]
    usual = _negatives(AIRLINE, [f"Acme Air flight from Denver was lovely {n}" for n in range(30)])
    # Then only what is new is a theme, once the usual mentions are given
    assert "flight denver" in _phrases(AIRLINE, complaints)
    assert [t.phrase for t in themes(_negatives(AIRLINE, complaints), AIRLINE, usual=usual)] == [
        "wifi broken"
    ]


def test_the_brands_own_name_query_terms_and_stop_words_are_not_themes():
    bank = Brand(id="globex", name="Globex Bank", query="globex AND (bank OR #globexcard)")
    texts = [
        "Globex bank is the worst, my card was declined",
        "globex bank card declined at the shop #globexcard",
        "Card declined again, thanks Globex bank",
    ]
    phrases = _phrases(bank, texts)
    assert phrases == ["card declined"]
    assert {"globex", "bank", "globexcard"} <= brand_words(bank)


def test_positive_and_unscored_mentions_are_left_out():
    brand = AIRLINE
    texts = ["Acme Air lounge closed", "Acme Air lounge closed again"]
    happy = [
        ScoredMention(m.brand_id, m.mention, Sentiment("positive", 0.6), 1.0)
        for m in _negatives(brand, texts)
    ]
    assert themes(happy, brand) == []


# Crises of brands and kinds the scorer was never tuned on: each theme is found from the words
# several people use, whatever fills the rest of their posts.
CRISES = {
    "bank": (
        Brand(id="northbank", name="North Bank", query='"north bank"'),
        ["card declined", "double charged", "online banking down"],
        ["at the supermarket", "this morning", "for the third time", "and nobody answers", "so annoying"],
    ),
    "app": (
        Brand(id="snapnote", name="SnapNote", query="snapnote"),
        ["notes deleted", "sync broken", "login loop"],
        ["after the update", "on my phone", "since yesterday", "seriously", "on android"],
    ),
    "retailer": (
        Brand(id="shopmart", name="ShopMart", query='shopmart OR "shop mart"'),
        ["order never arrived", "wrong size", "refund refused"],
        ["for my daughter", "last week", "customer service useless", "ordered twice", "christmas gift"],
    ),
    "game": (
        Brand(id="skyforge", name="SkyForge Online", query='"skyforge online" OR skyforge'),
        ["servers down", "ban wave", "lost progress"],
        ["during the raid", "on ranked", "after patch", "for everyone in europe", "unplayable"],
    ),
}


@pytest.mark.parametrize("kind", sorted(CRISES))
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_themes_of_synthetic_crises_are_the_complaints_people_share(kind, seed):
    brand, complaints, filler = CRISES[kind]
    rng = random.Random(seed)
    extras = filler * 6  # chatter: each filler phrase in 6 posts, beside any complaint
    rng.shuffle(extras)
    texts = []
    for n, extra in enumerate(extras):
        complaint = complaints[n % 3]  # each complaint told by 10 people
        texts.append(f"{brand.name} {complaint} {extra} {rng.choice(['!', '.', ''])} #{n}")
    found = themes(_negatives(brand, texts), brand)
    assert {t.phrase for t in found} == set(complaints)
    assert all(t.mentions == 10 for t in found)


@given(texts=st.lists(st.text(max_size=200), max_size=25))
def test_any_text_gives_themes_shared_by_two_authors_at_least(texts):
    found = themes(_negatives(AIRLINE, texts), AIRLINE)
    assert len(found) <= 3
    for theme in found:
        assert theme.mentions >= 2 and theme.phrase == theme.phrase.strip() and "\n" not in theme.phrase
