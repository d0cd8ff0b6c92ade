"""Phrases of service failure that carry no emotional word: "on hold for 2 hours", "no reply".

Each `Rule` is a regular expression over lower-cased normalised text, a valence on VADER's
-4..+4 scale (added to VADER's own sum, so negation, "but" and the compound squash still apply)
and a reason a reputation manager can read. Hand-set on customer-service language in general;
valences near -0.8 are weak hints that need company before a mention turns negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Rule(NamedTuple):
    """A phrase rule: what to look for, how much it weighs, and why it matters."""

    pattern: str
    valence: float
    reason: str
    sarcasm: bool = False
    #: Positive words this phrase shows are not praise ("I was *hoping* for a reply").
    mutes: tuple[str, ...] = ()
    #: Searched only in the clause that ends at the text's first "?" (`question_clause`), not everywhere.
    question: bool = False
    #: Kept only when the text holds another sign of a complaint (`rule_hits`): "still" and praise read
    #: as sarcasm are complaints in "still no refund. Brilliant." but not in a happy review.
    complaint_only: bool = False


def question_clause(lowered: str) -> str:
    """The words before the text's first "?", back to the last "." or "!" before them ("" without "?").

    What a question rule reads. Cut here in linear time because the regex that says the same thing,
    `^[^?]*\\bcan you\\b[^?.!]*\\?`, backtracks quadratically: "can you " * 5000 took seconds.
    """
    head, mark, _ = lowered.partition("?")
    if not mark:
        return ""
    return head[max(head.rfind("."), head.rfind("!")) + 1 :]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A phrase rule that matched: its valence and the reason shown to people."""

    reason: str
    valence: float
    sarcasm: bool = False
    mutes: tuple[str, ...] = ()


#: "never [once] [had a single] <failure>": a failure denied, which is praise.
_NEVER_DENIED = (
    r"(?:once |ever )?(?:(?:had|have|has|experienced|seen|got|been) (?:a |an |any |one |a single )?"
    r"(?:single |serious |major |real |big )?)?"
    r"(?:crash\w*|fail\w*|lag\w*|freez\w*|glitch\w*|broke\w*|break(?:s|down)?\b|late\b|delay\w*"
    r"|lost\b|los(?:es|ing)\b|disappoints\b|let (?:me|us) down|lets (?:me|us) down|problems?\b"
    r"|issues?\b|trouble\b|complaints?\b|hiccups?\b|goes down|went down"
    r"|bad (?:experience|flight|stay|meal|time|one|day)\b)"
)
#: "never [been|had|seen] happier / better / such friendly ...": praise.
_NEVER_PRAISE = (
    r"(?:been |had |seen |felt |received |gotten )?(?:happier|better\b|more (?:pleased|impressed|satisfied)"
    r"|such (?:\w+ )?(?:friendly|great|good|helpful|amazing|lovely|fast|quick|kind|excellent)\b)"
)
NUMBER = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few|\d+\+)"
_NOT = (
    r"(?:can'?t|cannot|couldn'?t|could not|unable to|haven'?t|hasn'?t|didn'?t|doesn'?t|won'?t|wasn'?t"
    r"|weren'?t|isn'?t|aren'?t|did not|does not|has not|have not|will not|was not)"
)
_REPLY = (
    r"(?:respond\w*|repl(?:y|ied|ies)|answer\w*|heard back|hear back|get back|got back|gotten back"
    r"|call(?:ed)? (?:me |us )?back|follow(?:ed)? up)"
)
_STAFF = (
    r"(?:agent|agents|rep|reps|representative|staff|employee|employees|supervisor|attendant|crew"
    r"|customer service|customer care|call center|desk)"
)

#: Waiting: time lost is the commonest complaint, and none of its words is emotional.
WAITING: tuple[Rule, ...] = (
    Rule(r"\b(?:on|placed on|put on) hold\b", -1.5, "on hold"),
    Rule(rf"\b(?:for|over|after|than) {NUMBER} ?(?:hours?|hrs?)\b|\bfor hours\b", -1.5, "hours lost"),
    Rule(rf"\b{NUMBER} ?(?:hours?|hrs?)\b", -0.8, "hours"),
    Rule(rf"\b{NUMBER} ?(?:min|mins|minutes)\b", -0.8, "minutes lost"),
    Rule(
        r"\b(?:over|after|been|took|taken|takes|waited|waiting|almost|nearly) "
        rf"(?:an? |{NUMBER} )?(?:days?|weeks?|months?)\b"
        r"|\b(?:days?|weeks?|months?) (?:later|now|and still)\b",
        -1.2,
        "days lost",
    ),
    Rule(
        r"\bsince (?:\d{1,2}(?::\d\d)? ?(?:am|pm)?|yesterday|last (?:night|week|month)|this morning"
        r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
        -1.2,
        "waiting since",
    ),
    # "still on hold" is read by "on hold"; "is the sale still on?" is not a complaint.
    Rule(
        r"\bstill (?:waiting|no|not|nothing|haven'?t|hasn'?t|don'?t|can'?t|stuck|sitting)\b",
        -1.5,
        "still waiting",
        complaint_only=True,
    ),
    Rule(r"\b(?:been|keep|kept) waiting\b", -1.2, "still waiting"),
    Rule(
        r"\b(?:stuck|sitting|sat|waiting) (?:on|at|in) (?:the |a )?"
        r"(?:tarmac|plane|runway|gate|airport|line|queue)\b",
        -1.2,
        "stuck waiting",
    ),
    Rule(r"\bstill\b", -0.8, "still", complaint_only=True),
)

#: Silence and staff who do not help.
NO_HELP: tuple[Rule, ...] = (
    Rule(
        r"\b(?:no|zero|without|never got an?|never received an?) (?:reply|response|answer|update|info"
        r"|information|help|call ?back|communication|explanation|notice|one|refund|apology|compensation)\b",
        -1.8,
        "no response",
    ),
    Rule(
        r"\b(?:haven'?t|hasn'?t|have not|has not|didn'?t|did not|don'?t|doesn'?t|never|not|yet to) "
        rf"{_REPLY}\b",
        -1.5,
        "no reply",
    ),
    Rule(r"\b(?:nobody|no one|noone)\b", -1.2, "nobody helps"),
    Rule(
        r"\b(?:did|does|do|done|offered|got|get|received|heard|say|said|doing) nothing\b"
        r"|\bnothing (?:was|has been|is being|being) done\b",
        -1.5,
        "nothing done",
    ),
    Rule(
        rf"\b{_STAFF}\b[^.!?]{{0,30}}\b(?:hung up|laughed|refused|ignored|wouldn'?t|would not|no idea)\b",
        -1.2,
        "staff did not help",
    ),
    Rule(r"\b(?:hung up|cut off)\b", -1.5, "hung up"),
    Rule(
        r"\b(?:can'?t|cannot|unable to|couldn'?t) "
        r"(?:get through|reach|get a hold|log ?in|sign in|access|connect)\b",
        -1.3,
        "can't get through",
    ),
    Rule(rf"\b{_NOT}\b", -0.8, "something did not happen"),
)

#: Things broken, lost or charged for.
BROKEN: tuple[Rule, ...] = (
    Rule(
        r"\bnever (?:arrived|showed|came|received|got|heard|called|responded|answered|again)\b",
        -2.0,
        "never arrived",
    ),
    Rule(
        r"\b(?:lost|missing|damaged|broken|delayed|misplaced) (?:my |our |the )?(?:bag|bags|luggage|suitcase|"
        r"baggage|stroller|package|parcel|order|delivery)\b",
        -1.5,
        "lost bag",
    ),
    Rule(r"\b(?:doesn'?t|does not|didn'?t|won'?t|isn'?t|not) work(?:ing|s)?\b", -1.8, "not working"),
    Rule(r"\bis (?:down|broken)\b|\b(?:outage|went down)\b", -1.5, "outage"),
    Rule(
        r"\bmiss(?:ed)? (?:my|our|the) (?:connection|connecting|flight|appointment)\b",
        -1.5,
        "missed connection",
    ),
    Rule(r"\b(?:charged|charging|charge) (?:me|us|twice|again|extra|double)\b", -1.0, "charged"),
    Rule(r"\bwaste of (?:time|money)\b", -1.5, "waste of time"),
    # Apps, sites and systems that fail again and again (banks, telcos, shops, games alike).
    Rule(
        r"\b(?:keeps?|kept) (?:crashing|freezing|failing|timing out|logging me out|dropping|disconnecting"
        r"|charging|cancell?ing)\b|\b(?:timing|timed|times) out\b|\bwon'?t (?:load|open|let me|accept)\b"
        r"|\b(?:site|website|app|server|servers|system|page|network) (?:is |was |keeps |seems )?"
        r"(?:down|crashing|not loading)\b|\berror (?:message|code)\b",
        -1.5,
        "keeps failing",
    ),
    Rule(
        r"\b(?:want|need|demand|give me|get) (?:my|our) money back\b|\bhidden (?:fee|fees|charge|charges)\b",
        -1.5,
        "wants money back",
    ),
    Rule(
        r"\b(?:been trying|keep trying|kept trying|tried (?:several|many|multiple|\d+|three|four|five) times"
        r"|(?:\d+(?:st|nd|rd|th)|third|fourth|fifth) (?:attempt|time calling|call))\b",
        -1.2,
        "tried again and again",
    ),
    Rule(
        r"\bwhere(?: is|'s) (?:my|our) "
        r"(?:bag|bags|luggage|suitcase|refund|order|package|parcel|money|delivery)\b",
        -1.2,
        "where is it",
    ),
    Rule(
        r"\b(?:less than helpful|could(?:n'?t)? care less|get it together|get your act together"
        r"|treat(?:s|ed|ing)? (?:\w+ ){0,2}like (?:shit|crap|dirt|garbage|cattle|animals|criminals))\b",
        -1.5,
        "treated badly",
        mutes=("helpful", "like", "care"),
    ),
    # "no wait time", "short wait times" are praise.
    Rule(
        r"\b(?:long|massive|huge|endless) (?:lines?|queues?|waits?)\b"
        r"|(?<!no )(?<!short )(?<!low )(?<!zero )(?<!minimal )\bwait times?\b",
        -1.2,
        "long wait",
    ),
    # "never" is a complaint ("never again", "never fixed the problem", "never been so disappointed")
    # unless it denies a failure or praises: "never crashes", "never had a single issue", "never once
    # late", "never been happier", "never seen such friendly staff". The words between are a short
    # closed list: "never sorted out the issue" must stay a complaint.
    Rule(rf"\bnever\b(?! (?:{_NEVER_DENIED}|{_NEVER_PRAISE}))", -0.8, "never"),
)
