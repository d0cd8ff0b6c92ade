"""Sentiment scorers on nltk's VADER: `PlainVaderScorer` (the baseline) and `CxVaderScorer`.

Both implement `SentimentScorer`. Around the text score they share the same gates: empty text
and non-English text are left unscored (label None, with the reason), and a star rating is
blended with the text as `repmon.domain.cx_rules.blend_rating` describes.

`CxVaderScorer` reads customer-experience text: it normalises handles, hashtags, links and emoji,
adds service-failure words to VADER's lexicon (never changing a word VADER already scores, so
ordinary text keeps its VADER score), and adds phrase and sarcasm rules from the pure
`cx_rules` module as extra valences in VADER's own sum. VADER's negation, boosters, capitals,
punctuation emphasis and "but" contrast apply unchanged. Build a scorer once per process: it
loads the lexicon file (installed by `repmon.adapters.vader_lexicon`, never downloaded).
"""

from __future__ import annotations

import string
from typing import NamedTuple

from nltk.sentiment.vader import SentimentIntensityAnalyzer, SentiText

from repmon.adapters.cx_model import load_model
from repmon.adapters.vader_lexicon import MISSING_HELP, LexiconNotInstalled
from repmon.domain.cx_learned import LearnedModel, combined_score, learned_reason
from repmon.domain.cx_rules import (
    CX_LEXICON,
    FAILURE,
    POLITE_WORDS,
    REQUEST_WORDS,
    RuleHit,
    blend_rating,
    handle_words,
    normalise,
    rule_hits,
)
from repmon.domain.language import SCORED_LANGUAGES, UNDETERMINED, detect_language
from repmon.domain.models import Sentiment, SentimentLabel, label_for

_MAX_REASONS = 4
_NEVER_FILLERS = frozenset({"been", "had", "felt", "seen", "tasted", "looked", "a", "such"})
_COMPARATIVES = frozenset(
    {"happier", "better", "nicer", "friendlier", "easier", "smoother", "faster", "kinder", "worse", "ruder"}
)
#: Rule valences summing to this or below make a complaint clear enough to read thanks as manners.
_CLEAR_COMPLAINT = -1.5
_PUNCTUATION = string.punctuation


class _FastSentiText(SentiText):  # type: ignore[misc]
    """VADER's tokens, found without building its punctuation x words dictionary for every text.

    nltk strips one PUNC_LIST run from either end of a word by looking the token up in a dict of
    every (punctuation, word) pair: most of its per-text cost. Stripping directly gives the same list.
    """

    def _words_and_emoticons(self) -> list[str]:
        return [_strip_one_side(token, self.PUNC_LIST) for token in self.text.split() if len(token) > 1]


def _strip_one_side(token: str, punctuation_runs: list[str]) -> str:
    lead = len(token) - len(token.lstrip(_PUNCTUATION))
    trail = len(token) - len(token.rstrip(_PUNCTUATION))
    if lead and not trail:  # punctuation only in front: ",cat"
        core, run = token[lead:], token[:lead]
    elif trail and not lead:  # only behind: "cat!!"
        core, run = token[:-trail], token[-trail:]
    else:
        return token
    inner_clean = len(core) > 1 and not any(char in _PUNCTUATION for char in core)
    return core if inner_clean and run in punctuation_runs else token


class _Analyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """VADER with extra words, exposing the per-word valences that `polarity_scores` hides."""

    def __init__(self, extra_lexicon: dict[str, float] | None = None, drop: tuple[str, ...] = ()) -> None:
        try:
            super().__init__()
        except LookupError as error:
            raise LexiconNotInstalled(MISSING_HELP) from error
        for word, valence in (extra_lexicon or {}).items():
            self.lexicon[word] = valence
        for word in drop:
            self.lexicon.pop(word, None)

    def valences(self, text: str) -> tuple[list[str], list[float]]:
        """VADER's words and their valences after its context rules: `polarity_scores` minus the sum."""
        sentitext = _FastSentiText(text, self.constants.PUNC_LIST, self.constants.REGEX_REMOVE_PUNCTUATION)
        words: list[str] = sentitext.words_and_emoticons
        sentiments: list[float] = []
        for i, item in enumerate(words):
            lowered = item.lower()
            is_kind_of = lowered == "kind" and i + 1 < len(words) and words[i + 1].lower() == "of"
            if is_kind_of or lowered in self.constants.BOOSTER_DICT:
                sentiments.append(0.0)  # boosters change their neighbours, they carry no valence
                continue
            sentiments = self.sentiment_valence(0.0, sentitext, item, i, sentiments)
        return words, self._but_check(words, sentiments)

    def compound(self, sentiments: list[float], text: str) -> float:
        return float(self.score_valence(sentiments, text)["compound"])


class _CxAnalyzer(_Analyzer):
    """The CX scorer's VADER: one of VADER's negation rules read as customers mean it."""

    def _never_check(self, valence: float, words: list[str], start_i: int, i: int) -> float:
        """VADER's negation, except "never" before a comparative or "such": "never been happier",
        "never had better service", "never seen such friendly staff" (and "never had such a bad
        experience") say what "never so good" says, which VADER keeps as an intensifier; VADER turned
        them around. Only across a few plain words: "it never gets better" stays negated."""
        before = [word.lower() for word in words[i - start_i - 1 : i]]
        figure = words[i].lower() in _COMPARATIVES or "such" in before
        if figure and before[0] == "never" and set(before[1:]) <= _NEVER_FILLERS:
            return valence * 1.25
        return float(super()._never_check(valence, words, start_i, i))


def _word_reasons(words: list[str], valences: list[float], sign: float) -> list[str]:
    """The words that pulled the score the way it went, strongest first, each named once."""
    ranked = sorted(
        (valence * sign, word.lower())
        for word, valence in zip(words, valences, strict=False)
        if valence * sign > 0
    )
    return list(dict.fromkeys(word for _, word in reversed(ranked)))


def _foreign(language: str, rating: int | None) -> Sentiment:
    """Text we cannot read: unscored, unless stars say it for the reviewer (a German 1-star counts)."""
    if rating is None:
        return Sentiment(
            label=None, score=0.0, language=language, reasons=(f"unscored: language {language}",)
        )
    label: SentimentLabel = "negative" if rating <= 2 else "positive" if rating >= 4 else "neutral"
    reason = f"{rating}-star rating (text in {language} not scored)"
    return Sentiment(label=label, score=(rating - 3) / 2, language=language, reasons=(reason,))


class _VaderScorer:
    negative_below = -0.05
    positive_above = 0.05

    def __init__(self, analyzer: _Analyzer) -> None:
        self._analyzer = analyzer

    def score(self, text: str, rating: int | None = None) -> Sentiment:
        """Score one text (and its 1-5 star rating, for reviews); unscored when empty or not English."""
        if not text.strip():
            if rating is not None:  # a star-only review (Google's, or one whose text may not be kept)
                label: SentimentLabel = (
                    "negative" if rating <= 2 else "positive" if rating >= 4 else "neutral"
                )
                why = f"{rating}-star rating (no text)"
                return Sentiment(label=label, score=(rating - 3) / 2, language=UNDETERMINED, reasons=(why,))
            return Sentiment(label=None, score=0.0, language=UNDETERMINED, reasons=("unscored: empty text",))
        language = detect_language(text)
        if language not in SCORED_LANGUAGES:
            return _foreign(language, rating)
        score, reasons = self._score_text(text)
        label = label_for(score, self.negative_below, self.positive_above)
        if rating is not None:
            text_score = score
            label, score, why = blend_rating(label, score, rating)
            # Words that pulled the other way would mislead ("thank" on a 1-star review): drop them.
            reasons = [why, *reasons] if text_score * score > 0 else [why]
        return Sentiment(label=label, score=score, language=language, reasons=tuple(reasons[:_MAX_REASONS]))

    def _score_text(self, text: str) -> tuple[float, list[str]]:
        words, valences = self._analyzer.valences(text)
        score = self._analyzer.compound(valences, text)
        return score, _word_reasons(words, valences, 1.0 if score >= 0 else -1.0)


class PlainVaderScorer(_VaderScorer):
    """nltk's VADER as published, with its usual ±0.05 compound thresholds: the baseline."""

    def __init__(self) -> None:
        super().__init__(_Analyzer())


class CxVaderScorer(_VaderScorer):
    """VADER tuned for customer-experience text: service failures, sarcasm, polite complaints.

    With `learned` (the default) the rule-based score is fused with the learned layer
    (`repmon.domain.cx_learned`, weights from `repmon.adapters.cx_model`); `learned=False` gives the
    rules alone, which is what the layer is trained on top of.
    """

    # Rules alone, hand-set on labelled customer tweets: in messages to a company mild negativity is a
    # complaint (VADER's own -0.05 bar), while mild positivity is mostly manners ("ok thanks").
    negative_below = -0.05
    positive_above = 0.40
    # With the learned layer: its share of the score and the label bars, calibrated (three numbers,
    # nothing trained) on the airline tweets reweighted to a 46/30/24 negative/neutral/positive mix.
    LEARNED_WEIGHT = 0.35
    LEARNED_NEGATIVE_BELOW = -0.20
    LEARNED_POSITIVE_ABOVE = 0.45

    def __init__(self, model: LearnedModel | None = None, *, learned: bool = True) -> None:
        super().__init__(_CxAnalyzer(CX_LEXICON, REQUEST_WORDS))
        self._model = (model or load_model()) if learned else None
        if self._model is not None:
            self.negative_below = self.LEARNED_NEGATIVE_BELOW
            self.positive_above = self.LEARNED_POSITIVE_ABOVE

    @property
    def model(self) -> LearnedModel | None:
        """The learned layer (None with `learned=False`)."""
        return self._model

    def rule_reading(self, text: str) -> RuleReading:
        """What the rules alone read in `text`: the learned layer's inputs, here and in training."""
        normalised = normalise(text)
        words, valences = self._analyzer.valences(normalised)
        hits = rule_hits(normalised, negative_words=any(valence < 0 for valence in valences))
        valences = _apply_hits(words, valences, hits, handle_words(text))
        everything = [*valences, *(hit.valence for hit in hits)]
        score = self._analyzer.compound(everything, normalised)
        # Praise and blame apart, the words' and the rules' together (a failure the rules read is
        # blame as much as a negative word is), on VADER's scale divided by 4: a few words are about 1.
        signals = (score, sum(v for v in everything if v > 0) / 4, sum(v for v in everything if v < 0) / 4)
        return RuleReading(normalised, words, valences, hits, score, signals)

    def _score_text(self, text: str) -> tuple[float, list[str]]:
        reading = self.rule_reading(text)
        score, hits = reading.score, reading.hits
        reasons: list[str] = []
        if self._model is not None:
            probabilities = self._model.probabilities(reading.normalised, reading.signals)
            score = combined_score(
                score, probabilities, self.LEARNED_WEIGHT, reading.reads_failure, self.negative_below
            )
            reasons.append(learned_reason(probabilities))
        sign = 1.0 if score >= 0 else -1.0
        rules_shown = [hit.reason for hit in hits if hit.valence * sign > 0]
        words = _word_reasons(reading.words, reading.valences, sign)
        return score, list(dict.fromkeys([*reasons, *rules_shown, *words]))


class RuleReading(NamedTuple):
    """The rules' reading of a text: its normalised form, VADER's words and valences after the rules'
    context, the rules that fired, the CX score and the dense signals the learned layer takes."""

    normalised: str
    words: list[str]
    valences: list[float]
    hits: list[RuleHit]
    score: float
    signals: tuple[float, float, float]

    @property
    def reads_failure(self) -> bool:
        """A failure the rules read, in a text the rules alone call a complaint."""
        return any(hit.valence <= FAILURE for hit in self.hits) and self.score <= CxVaderScorer.negative_below


def _apply_hits(
    words: list[str], valences: list[float], hits: list[RuleHit], brand: frozenset[str]
) -> list[float]:
    """Praise that is not praise, as the rules and the text's @handles show.

    The brand's own name carries no opinion ("@united United lost it"); sarcasm cancels all the
    praise it wraps; an unmet expectation mutes the hope it names; and once a complaint is clear
    (rules worth `_CLEAR_COMPLAINT` or more), "please"/"thanks" are manners, not praise. A weak hint
    alone ("still", "didn't") leaves the thanks standing: "still thanks for following up!".
    """
    if any(hit.sarcasm for hit in hits):
        return [min(valence, 0.0) for valence in valences]
    muted = set(brand).union(*(hit.mutes for hit in hits))
    if sum(hit.valence for hit in hits if hit.valence < 0) <= _CLEAR_COMPLAINT:
        muted |= POLITE_WORDS
    damp = 0.5 if sum(hit.valence for hit in hits if hit.valence < 0) <= -2.0 else 1.0
    return [
        (0.0 if word.lower() in muted else valence * damp) if valence > 0 else valence
        for word, valence in zip(words, valences, strict=True)
    ]
