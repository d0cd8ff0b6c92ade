"""How a customer says it: sarcasm, exasperation, unmet expectations, questions that ask for facts.

Rules in the same form as `cx_phrases`. Sarcasm rules cancel every bit of praise in the text
("thanks for the 3 hour delay"); an unmet expectation mutes only the hope it names ("I was
*hoping* for a reply"), so the rest of the text keeps its VADER reading.
"""

from __future__ import annotations

from repmon.domain.cx_phrases import Rule

_PRAISE = r"(?:thanks?(?: you)?|thx|great|love|awesome|nice|perfect|wonderful|fantastic|brilliant|lovely)"
_FAILURE = (
    r"(?:delay\w*|cancel\w*|wait\w*|hold|hours?|hrs?|nothing|lost|losing|ruin\w*|strand\w*|stuck|"
    r"missed|broken|leaving|late)"
)
_NICE = ("nice", "great", "good", "helpful", "appreciated")

#: Praise that mocks a failure. All but "a joke" and "thanks for nothing" are praise words too, so
#: they count only in a complaint context (`Rule.complaint_only`): "just great" after a cancelled
#: flight mocks, "just great" about a speaker praises.
SARCASM: tuple[Rule, ...] = (
    Rule(
        rf"\b{_PRAISE},? (?:\w+ ){{0,3}}for (?:\w+ ){{0,4}}{_FAILURE}\b",
        -2.5,
        "sarcasm: thanks for the failure",
        True,
        complaint_only=True,
    ),
    Rule(
        rf"\b{_PRAISE}[,.!]* (?:yet )?(?:another|more)\b",
        -2.5,
        "sarcasm: great, another one",
        True,
        complaint_only=True,
    ),
    Rule(
        r"\bjust (?:great|perfect|wonderful|fantastic|awesome|lovely|brilliant)\b",
        -2.0,
        "sarcasm: just great",
        True,
        complaint_only=True,
    ),
    # A sentence of praise alone after a failure: "Cancelled again. Brilliant."
    Rule(
        r"(?:^|[.!?] )(?:oh |just |how |so )?(?:great|brilliant|perfect|fantastic|awesome|lovely|wonderful"
        r"|superb|marvell?ous)(?:[.!]+(?: |$)|$)",
        -2.5,
        "sarcasm: praise for a failure",
        True,
        complaint_only=True,
    ),
    Rule(
        r"\b(?:love|loving|enjoy|enjoying) (?:it )?(?:when|being|sitting|waiting|spending)\b",
        -2.0,
        "sarcasm",
        True,
        complaint_only=True,
    ),
    # "thanks so much for ..." is thanks, not "so much for ...".
    Rule(
        r"(?<!thanks )(?<!thank you )\bso much for\b|\b(?:big surprise|what a surprise)\b",
        -2.0,
        "sarcasm",
        True,
        complaint_only=True,
    ),
    Rule(r"\bthanks for nothing\b", -2.0, "sarcasm", True),
    Rule(r"\b(?:is a joke|what a joke|a complete joke)\b", -2.5, "a joke", True),
)

#: The customer expected better: the hope or wish in the sentence is a complaint, not praise.
UNMET: tuple[Rule, ...] = (
    Rule(
        r"\bwould(?:'ve| have) been (?:nice|great|good|helpful)\b"
        r"|\b(?:would|it'?d) be (?:nice|great|good|helpful) if\b",
        -1.5,
        "would have been nice",
        mutes=_NICE,
    ),
    Rule(
        r"\b(?:was|were|had|i'?d|we'?d) (?:really |so )?hop(?:ing|ed)\b|\bhoped\b",
        -1.5,
        "hoped for better",
        mutes=("hoping", "hoped", "hope"),
    ),
    Rule(
        r"\b(?:expected|expect|deserve|deserved|do|be) (?:much )?better\b|\bused to be\b",
        -1.5,
        "expected better",
        mutes=("better",),
    ),
    Rule(r"\b(?:supposed to|was told|were told|promised)\b", -1.0, "broken promise"),
)

#: The customer shrugs a failure off: "delayed 20 min, no big deal" (normalised to "all good") is news,
#: not a complaint.
SHRUG: tuple[Rule, ...] = (
    Rule(
        r"\b(?:all good|no harm done|these things happen|not the end of the world)\b",
        2.0,
        "shrugged off",
    ),
)

#: Exasperation and demands.
EXASPERATION: tuple[Rule, ...] = (
    # "cancelled again", "charged me again", "the bug is back again"; not a wish to see or use them
    # again ("great to see you again", "would buy again"): fixed-width look-behinds, so linear.
    Rule(
        r"(?<!thanks )(?<!thank you )\b(?:every time|as usual)\b"
        r"|(?<!thanks )(?<!thank you )(?<!see you )(?<!see them )(?<!come back )(?<!be back )"
        r"(?<!buy )(?<!use them )(?<!visit )(?<!recommend )(?<!fly with them )(?<!fly with you )\bagain\b",
        -0.8,
        "again",
    ),
    Rule(r"\bwhy\b", -1.0, "why?"),
    Rule(r"\?\?|\?!|!\?|\b(?:really|seriously|wow)\?", -1.0, "exasperated question"),
    Rule(
        r"\b(?:come on|what'?s the point|what is the point|are you (?:kidding|serious)|give me a break)\b",
        -1.5,
        "exasperation",
    ),
    Rule(r"\b(?:fix|do better)\b", -0.8, "asks for a fix"),
    Rule(r"\bhow (?:is|was) (?:this|that|it) (?:acceptable|ok|okay|possible|fair)\b", -1.5, "unacceptable"),
    # A plain request for facts is the commonest neutral message to customer service: the words
    # in the clause that ends at the first "?".
    Rule(
        r"\b(?:is there|are there|do you|does it|can you|could you|can i|will (?:you|there|my|the|it)|"
        r"any (?:idea|chance|update|word|news|info)|when (?:will|is|does|do)|how (?:do|can) i)\b",
        0.8,
        "asks for information",
        question=True,
    ),
)
