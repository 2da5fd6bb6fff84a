"""The weighted signals of prompt injection, matched on folded (lower-case, de-obfuscated) text.

A weight says how much a signal alone suggests an attack: 1.0 is enough by itself, smaller weights
need company. Several entries may share a name (alternative wordings of one signal); a name counts
once. Each entry lists anchors, the plain substrings its matches start with: the regex is tried only
where an anchor occurs (`Pattern.match` at that position), which keeps ordinary text fast.
"""

import itertools
import re
from dataclasses import dataclass

_FIRST_WORD = re.compile(r"[a-z]+")
_WORDS_ONLY = re.compile(r"[a-z]+(?:,? [a-z]+)*")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a match may start: whole words, or any other literal text."""

    text: str
    words: tuple[str, ...]
    """Words a text must contain for the anchor to occur in it (a cheap test before searching)."""
    whole_words: bool
    required: frozenset[str]
    """`words` as a set."""
    bigrams: frozenset[tuple[str, str]]
    """Adjacent pairs of `words`."""
    needle: str
    """What to search for: whole words padded with spaces, else the text itself."""
    chars: frozenset[str]
    """The characters of a non-ASCII anchor (a text lacking one cannot contain it); else empty."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One wording of one kind of evidence."""

    name: str
    weight: float
    anchors: tuple[Anchor, ...]
    pattern: re.Pattern[str]


def _anchor(text: str) -> Anchor:
    if _WORDS_ONLY.fullmatch(text):
        words = tuple(text.replace(",", "").split())
        pairs = frozenset(itertools.pairwise(words))
        # The letters-only text has a space for the comma: find the first word, the pattern checks.
        needle = f" {words[0]} " if "," in text else f" {text} "
        return Anchor(text, words, True, frozenset(words), pairs, needle, frozenset())
    first = _FIRST_WORD.match(text)
    words = (first[0],) if first else ()
    chars = frozenset() if text.isascii() else frozenset(text)
    return Anchor(text, words, False, frozenset(words), frozenset(), text, chars)


def signal(name: str, weight: float, anchors: tuple[str, ...], pattern: str) -> Signal:
    keyed = tuple(_anchor(anchor) for anchor in anchors)
    return Signal(name, weight, keyed, re.compile(pattern, re.MULTILINE))


_W = r"(?:\s+[a-z'-]+)"  # one more word, with no punctuation in between
_VERB = (
    r"(?:ignore|ignoring|disregard|forget|skip|override|overrule|bypass|drop|abandon|discard|"
    r"throw\s+out|set\s+aside|put\s+aside|pay\s+no\s+attention\s+to|do\s+not\s+follow|"
    r"don't\s+follow|stop\s+following|neglect|dismiss|never\s+mind|nevermind|scrap|ditch|toss|"
    r"forget\s+about|don't\s+bother\s+with|stop\s+obeying|no\s+need\s+to\s+follow)"
)
_VERBS = (
    "ignore", "ignoring", "disregard", "forget", "skip", "override", "overrule", "bypass", "drop",
    "abandon", "discard", "throw out", "set aside", "put aside", "pay no attention", "do not follow",
    "don't follow", "stop following", "neglect", "dismiss", "never mind", "nevermind", "scrap",
    "ditch", "toss", "forget about", "don't bother with", "stop obeying", "no need to follow",
)  # fmt: skip
_PRIOR = (
    r"(?:previous|prior|above|earlier|preceding|original|initial|system|old|former|existing|"
    r"your|all|any|every|safety|starting)"
)
_RULES = (
    r"(?:instructions?|prompts?|rules|directions|guidelines|directives|commands|constraints|"
    r"guardrails|programming|orders|policies|guidance|context|system\s+message|configuration|"
    r"briefing|brief)"
)
_REVEAL = (
    r"(?:reveal|print|show|output|repeat|display|tell|give|leak|disclose|share|dump|recite|"
    r"(?:reply|respond|answer)\s+with|copy\s+out|write\s+down|"
    r"spells?\s+out|type\s+out|write\s+out|copy|quote|translate|summari[sz]e|list|describe|"
    r"explain|paste|echo(?:\s+back)?|reproduce)"
)
_PROMPT_ITSELF = (
    r"(?:system\s+(?:prompt|message|instructions)|(?:initial|hidden|original|secret|full|complete|"
    r"entire|exact|whole|confidential|developer)\s+(?:prompt|instructions|rules|message)|"
    r"pre-?prompt|context\s+window|prompt\s+you\s+(?:were\s+given|received|got)|"
    r"(?:full\s+|entire\s+|complete\s+)?text\s+of\s+(?:the|your)\s+(?:prompt|instructions)|"
    r"prompt\s+(?:that\s+was\s+)?(?:sent|given)\s+to\s+you|instructions\s+you\s+were\s+given|"
    r"(?:wording|text|content|contents)\s+of\s+(?:the|your)\s+(?:instructions|prompt|rules|system\s+"
    r"(?:prompt|message))|"
    r"text\s+(?:that\s+)?you\s+were\s+(?:initiali[sz]ed|configured|set\s+up|primed|seeded|loaded|"
    r"started|given|instructed|programmed)\s+with|(?:words|text|lines?|message)\s+(?:at|on)\s+the\s+"
    r"(?:very\s+)?(?:top|start|beginning)\s+of\s+(?:this|the|our)\s+(?:conversation|chat|context))"
)
# "Type it at the system prompt": a console's prompt is a place, not the model's configuration.
_NOT_A_PLACE = r"(?<!\bat\s)(?<!\bat\sthe\s)(?<!\bon\sthe\s)(?<!\bfrom\sthe\s)"
# An override scoped to a topic is about people's plans, not the model's configuration ("ignore
# all previous instructions regarding the holiday party"): it counts half.
_TOPIC = r"\s+(?:regarding|about|concerning|re|related\s+to|on\s+the\s+subject\s+of)\b"
AI = (
    r"(?:ai\s+(?:assistant|model|system|screening\s+tool|screener|agent|code\s+reviewer|reviewer)s?|ai|"
    r"llms?|language\s+models?|assistants?|chatbots?|models?|bots?|gpt|summari[sz]ers?|"
    r"automated\s+(?:[a-z]+\s+)?(?:assistant|tool|system|screener|reviewer|ranker|agent)s?|"
    r"(?:screening|ranking|review|triage|support|grading|moderation)\s+(?:ai|bot|model)s?)"
)
AI_WORDS = (
    "ai", "llm", "llms", "language model", "language models", "assistant", "assistants", "chatbot",
    "chatbots", "model", "models", "bot", "bots", "gpt", "automated", "summarizer", "summariser",
    "summarizers", "summarisers", "screening", "ranking", "review", "triage", "support", "grading",
    "moderation",
)  # fmt: skip
_REVEALS = (
    "reveal", "print", "show", "output", "repeat", "display", "tell", "give", "leak", "disclose",
    "share", "dump", "recite", "spell", "spells", "type out", "write out", "copy", "quote",
    "translate", "summarise", "summarize", "list", "describe", "explain", "paste", "echo",
    "reproduce", "reply with", "respond with", "answer with", "write down",
)  # fmt: skip
_RULE_WORDS = (
    "instruction", "instructions", "prompt", "prompts", "rules", "directions", "guidelines",
    "directive", "directives", "commands", "constraints", "guardrails", "programming", "orders",
    "policies", "guidance", "context", "system message", "configuration", "brief", "briefing",
)  # fmt: skip
# A sentence or line starts here (match positions sit on the first letter).
STARTS = r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s)|(?<=\n\s)|(?<=hey\s)|(?<=dear\s)|(?<=attention\s))"

# fmt: off
DIRECT_SIGNALS: tuple[Signal, ...] = (
    # Telling the model to drop what it was configured with.
    signal("override_instructions", 1.0, _VERBS,
            rf"\b{_VERB}\b{_W}{{0,3}}?\s+{_PRIOR}\b{_W}{{0,2}}?\s+{_RULES}\b(?!{_TOPIC})"),
    signal("override_topic", 0.5, _VERBS,
            rf"\b{_VERB}\b{_W}{{0,3}}?\s+{_PRIOR}\b{_W}{{0,2}}?\s+{_RULES}\b(?={_TOPIC})"),
    signal("override_instructions", 1.0, _VERBS,
            rf"\b{_VERB}\s+(?:the|all|any|your|those|these|every)\s+(?:[a-z-]+\s+)?{_RULES}\s+(?:that\s+|"
            r"which\s+)?(?:you\s+)?(?:were\s+|have\s+been\s+)?(?:came|given|told|received|got|had|"
            r"started|before|above|earlier|previously|so\s+far)\b|"
            rf"\b{_VERB}\s+(?:the|all|any|your)\s+"
            rf"{_RULES}\s+(?:from|of)\s+(?:the\s+|your\s+)?(?:system|developer|operator|admin)"),
    signal("override_everything", 1.0, _VERBS,
            rf"\b{_VERB}\s+(?:all\s+(?:of\s+)?)?(?:everything|anything|whatever|all)\b{_W}{{0,5}}?"
            r"\s+(?:above|before|earlier|previously|so\s+far|prior|until\s+now|up\s+to\s+(?:now|this))|"
            rf"\b{_VERB}\s+(?:everything|anything|whatever|all|what)\s+(?:that\s+)?you(?:'ve|\s+were|"
            r"\s+have\s+been|\s+are|\s+had\s+been)\s+(?:been\s+)?(?:told|configured|instructed|programmed|"
            r"asked|given|set\s+up)"),
    signal("instructions_void", 0.8, _RULE_WORDS,
            rf"\b{_RULES}\b{_W}{{0,10}}?\s+(?:no\s+longer\s+(?:appl(?:y|ies)|in\s+force|valid|binding|"
            r"relevant)|(?:is|are|were|was|have\s+been|"
            r"has\s+been)\s+(?:now\s+)?(?:void|cancel+ed|revoked|suspended|disabled|lifted|invalid|"
            r"obsolete|outdated|overridden|replaced|wrong|a\s+test|not\s+important|null|expired|"
            r"a\s+mistake|an\s+error|fake|not\s+real|a\s+joke|a\s+trick)|(?:have|has)\s+expired|"
            r"(?:don't|do\s+not|doesn't|does\s+not)\s+(?:apply|matter|count))"),
    signal("instructions_void", 0.8, ("supersedes", "supersede", "told you", "gave you"),
            rf"\bsupersedes?\s+(?:your|the|all)\s+(?:[a-z]+\s+)?{_RULES}|\b(?:told|gave)\s+you\s+"
            r"(?:doesn't|does\s+not|don't|do\s+not|no\s+longer)\s+(?:apply|matter|count)"),
    signal("instructions_void", 0.8, ("none of", "nothing in"),
            rf"\bnone\s+of\s+(?:your|the)\s+(?:[a-z]+\s+)?{_RULES}{_W}{{0,4}}?\s+appl|"
            r"\bnothing\s+in\s+(?:your|the)\s+"
            rf"(?:[a-z]+\s+)?(?:{_RULES}|setup)\s+(?:matters|applies|counts)"),
    signal("instructions_void", 0.8, ("what you were told",),
            r"\bwhat\s+you\s+were\s+told\s+(?:before\s+|earlier\s+|previously\s+)?(?:is|was)\s+"
            r"(?:not\s+important|irrelevant|void|wrong|cancel+ed|outdated)"),
    signal("consider_void", 0.8, ("treat",),
            r"\btreat\s+(?:it|them|those|these|that|this|all\s+of\s+(?:it|that))\s+as\s+(?:invalid|void|"
            r"null|cancel+ed|obsolete|irrelevant|fake|untrusted)"),
    signal("prior_context", 0.5, ("everything", "all", "anything", "whatever", "the text"),
            r"\b(?:everything|all|anything|whatever|the\s+text)\s+(?:before|above|preceding|prior\s+to)\s+"
            r"this\s+(?:sentence|line|message|point|paragraph)"),
    signal("consider_void", 0.8, ("consider",),
            r"\bconsider\s+(?:them|it|those|these|that|your|the|all)\b"
            rf"{_W}{{0,3}}?\s+(?:void|null|cancel+ed|revoked|suspended|invalid|obsolete|lifted|disabled)"),
    signal("new_instructions", 0.6, ("new", "updated", "real", "actual", "true", "revised",
            "correct", "priority"),
            r"\b(?:new|updated|real|actual|true|revised|correct|priority)\s+(?:instructions?|rules?|"
            r"task|orders|directives?|system\s+prompt|brief)\s*(?::|follow|begin|are\b|is\b)"),
    signal("new_instructions", 0.6, ("new system prompt", "new system message"),
            r"\bnew\s+system\s+(?:prompt|message)\b"),
    signal("new_instructions", 0.6, ("update to your", "await"),
            r"\bupdate\s+to\s+your\s+(?:instructions|rules|configuration)|\bawait\s+(?:new|further)\s+"
            r"(?:orders|instructions)"),
    signal("new_instructions", 0.6, ("task", "instruction", "instructions"),
            r"\b(?:task|instructions?)\s+(?:described|given)\s+to\s+you\b[^.\n]{0,30}\bwrong"),
    signal("from_now_on", 0.4, ("from now on", "from this point", "henceforth"),
            r"\bfrom\s+(?:now|this\s+point)\s+on\b|\bhenceforth\b"),
    signal("obey_me", 0.6, ("you answer", "you listen", "you report", "you work",
            "you will do exactly"),
            r"\byou\s+(?:answer|listen|report)\s+(?:only\s+)?to\s+me\b|\byou\s+will\s+do\s+exactly\b|"
            r"\byou\s+(?:work|answer)\s+for\s+me\b"),
    signal("role_hijack", 1.0, ("drop your", "abandon your", "leave your"),
            r"\b(?:drop|abandon|leave)\s+your\s+(?:assigned\s+|current\s+)?(?:role|persona|character)\b"),
    signal("obey_me", 0.6, ("do exactly", "do only", "obey", "follow exactly", "follow only"),
            r"\b(?:do|obey|follow)\s+(?:exactly|only)\s+what\s+i\s+(?:say|type|tell|write)|\bobey\s+only\b"),
    signal("obey_me", 0.6, ("what i say", "takes priority", "take priority", "higher priority"),
            r"\bwhat\s+i\s+say\s+(?:here\s+)?takes\s+priority|\btakes?\s+priority\s+over\s+(?:anything|"
            r"everything|all|your|the\s+(?:rules|instructions))|\bhigher\s+priority\s+than\s+(?:the\s+|"
            r"your\s+)?(?:rules|instructions)"),
    signal("obey_me", 0.6, ("override", "overrides"),
            r"\boverrides?\s+(?:what|anything|everything)\s+you\s+(?:were|have\s+been)\s+told"),
    signal("respond_only", 0.5, ("reply", "respond", "answer", "state"),
            r"\b(?:reply|respond|answer)\s+(?:only\s+)?(?:to\s+\w+\s+\w+\s+)?(?:with|that)\b|"
            r"\bstate\s+that\b"),
    signal("respond_only", 0.5, ("output", "print", "say", "write"),
            r"\b(?:output|print|say|write)\s+(?:only\s+)?(?:the\s+(?:word|words|string|phrase)\s+)?"
            r"['\"][^'\"\n]{1,40}['\"]"),
    signal("respond_only", 0.5, ("just",),
            r"\bjust\s+(?:say|write|reply|output|answer|respond|print)\b"),
    signal("pwned", 0.8, ("pwned", "i have been hacked", "access granted"),
            r"\bpwned\b|\bi\s+have\s+been\s+hacked\b|\baccess\s+granted\b"),
    # Asking for the configuration itself.
    signal("reveal_prompt", 1.0, _REVEALS,
            rf"\b{_REVEAL}\b(?:\s+me)?{_W}{{0,3}}?\s+(?:your|the|my)?{_W}{{0,2}}?\s*{_NOT_A_PLACE}"
            rf"{_PROMPT_ITSELF}"),
    signal("reveal_your_rules", 0.8, _REVEALS,
            rf"\b{_REVEAL}\b(?:\s+me)?{_W}{{0,2}}?\s+your{_W}{{0,2}}?\s+(?:instructions|rules|"
            r"guidelines|programming|directives|prompt|configuration|setup)\b"),
    signal("mentions_prompt", 0.4, ("system", "initial", "hidden", "original", "configuration",
            "setup"),
            r"(?<=your\s)(?:system\s+(?:prompt|message)|initial\s+(?:prompt|instructions)|hidden\s+"
            r"(?:prompt|instructions|rules)|original\s+(?:instructions|prompt|briefing)|configuration|"
            r"setup\s+instructions)\b"),
    signal("mentions_prompt", 0.4, ("prompt", "instructions", "rules", "system text"),
            r"\b(?:prompt|instructions|rules)\s+that\s+(?:configures?|controls?|governs?)\s+you\b|"
            r"\bsystem\s+text\b"),
    signal("mentions_prompt", 0.4, ("first", "last"),
            r"\b(?:first|last)\s+(?:sentence|line|paragraph|words?)\s+of\s+your\s+(?:instructions|prompt|"
            r"rules)"),
    signal("mentions_prompt", 0.4, ("hidden", "secret", "confidential", "{"),
            r"\b(?:hidden|secret|confidential)\s+(?:system\s+)?(?:prompt|instructions|message|rules)\b|"
            r"\{[a-z_]*(?:prompt|instructions|secret|token|password)[a-z_]*\}"),
    signal("instructions_given", 0.4, ("instructions", "rules", "prompt", "guidance",
            "directions", "guidelines", "configuration"),
            r"\b(?:instructions|rules|prompt|guidance|directions|guidelines|configuration)\s+(?:that\s+)?"
            r"you\s+"
            r"(?:were|have\s+been)\s+(?:given|told|set\s+up\s+with|started\s+with|configured\s+with)|"
            r"\b(?:instructions|rules|guidance)\s+you\s+(?:received|had|follow)\b"),
    signal("instructions_given", 0.4, ("what you were", "never received"),
            r"\bwhat\s+you\s+were\s+(?:originally\s+|initially\s+|first\s+)?(?:told|instructed|"
            r"programmed)\b|\bnever\s+received\s+any\s+instructions"),
    signal("ask_instructions", 0.8, ("what",),
            r"\bwhat\s+(?:is|are|was|were|does)\s+(?:written\s+in\s+)?(?:your|the)\b"
            rf"{_W}{{0,2}}?\s+(?:system\s+prompt|instructions|initial\s+prompt|directives|"
            r"programming)\b(?!\s+for\b)|\bwhat\s+(?:rules|instructions|guidelines)\s+(?:were|did)\s+"
            r"you\b|\bwhat\s+(?:were|are)\s+you\s+(?:told|instructed|programmed)"),
    signal("ask_instructions", 0.8, ("what",),
            r"\bwhat\s+(?:exactly\s+)?did\s+(?:your|the)\s+(?:developers?|creators?|operators?|makers?)\s+"
            r"(?:write|say|tell|put)"),
    signal("ask_instructions", 0.8, ("what's", "what"),
            r"\bwhat(?:'s|\s+is)\s+in\s+your\s+(?:[a-z]+\s+)?(?:instructions|prompt|rules|system\s+prompt|"
            r"configuration)|\bwhat\s+(?:the|your)\s+(?:operator|developer|system|admin)s?\s+(?:wrote|said|"
            r"told\s+you)"),
    signal("ask_instructions", 0.8, ("first message",),
            r"\bfirst\s+message\s+in\s+(?:this|the)\s+conversation"),
    signal("ask_instructions", 0.8, ("what", "which"),
            r"\b(?:what|which)\s+(?:words|text|instructions|lines|message|rules)\s+did\s+(?:your|the)\s+"
            r"(?:operators?|developers?|creators?|makers?|admins?|owners?)\b|\bwhat\s+(?:your|the)\s+"
            r"(?:instructions|rules|guidelines|system\s+prompt|prompt)\s+(?:say|said|says|state|tell)\b"),
    signal("reveal_prompt", 1.0, ("tell", "show", "give", "repeat"),
            r"\b(?:tell|show|give|repeat)\s+(?:me|us)\s+(?:exactly\s+)?what\s+you\s+were\s+(?:originally\s+"
            r"|initially\s+|first\s+)?(?:told|instructed|programmed|given)\b"),
    signal("prompt_itself", 0.6, ("text", "words", "lines", "line", "message", "everything"),
            rf"\b{_PROMPT_ITSELF}|\beverything\s+(?:between|before)\s+(?:the\s+start\s+of\s+(?:the|this)\s+"
            r"(?:conversation|chat)|my\s+first\s+message)"),
    signal("verbatim", 0.4, ("verbatim", "word for word", "quote", "repeat", "copy", "reproduce",
            "recite", "print", "output"),
            r"\bverbatim\b|\bword\s+for\s+word\b|\b(?:quote|repeat|copy|reproduce|recite|print|output)\s+"
            r"(?:them|it|that|those|this)\s+(?:exactly|precisely|in\s+full)\b"),
    signal("echo_back", 0.4, ("include", "put", "paste", "add", "insert"),
            r"\b(?:include|put|paste|add|insert)\s+(?:them|it|those|this)\s+(?:in|into)\s+your\s+(?:answer|"
            r"reply|response|output|summary)"),
    signal("your_access", 0.4, ("you have access", "you got access"),
            r"\byou\s+(?:have|got)\s+access\s+to\b"),
    signal("repeat_above", 1.0, ("repeat", "output", "print", "copy", "quote", "recite", "return",
            "write out", "reproduce"),
            r"\b(?:repeat|output|print|copy|quote|recite|return|write\s+out|reproduce)\s+(?:back\s+)?"
            r"(?:all\s+(?:of\s+)?)?(?:the\s+)?(?:text|words|everything|content|contents|messages?|"
            r"lines?)?\s*(?:above(?!\s+copyright)|before\s+this|preceding|that\s+came\s+before|"
            r"prior\s+to\s+this)"),
)
# fmt: on

# Phrases matched on letters only, for text spelt out with spaces, dots or dashes between letters.
# fmt: off
SQUASHED: tuple[Signal, ...] = (
    signal("squashed_override", 1.0, ("ignore", "disregard", "forget", "override", "bypass"),
            r"(?:ignore|disregard|forget|override|bypass)(?:all|any|the|your)*(?:previous|prior|above|"
            r"earlier|system)(?:instructions?|prompts?|rules|directions)|(?:ignore|disregard|forget|"
            r"override|bypass)your(?:rules|instructions)"),
    signal("squashed_reveal", 1.0, ("reveal", "print", "show", "output", "repeat"),
            r"(?:reveal|print|show|output|repeat)(?:me)?(?:your(?:system|initial|hidden|secret)?|"
            r"the(?:system|initial|hidden|secret))(?:prompt|instructions)"),
    signal("squashed_persona", 1.0, ("youarenow", "enter", "enable", "activate"),
            r"youarenow(?:dan|an?unrestricted|jailbroken|in(?:developer|god)mode)|"
            r"(?:enter|enable|activate)(?:developer|god|dan|jailbreak)mode"),
)
# fmt: on
