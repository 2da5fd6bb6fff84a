"""Whether a matched phrase is addressed to the model or only described: quoted, shown as code, or
reported ("attackers write ...", "the page tells the model to ..."), and whether the text is about
attacks. Works on the folded text (typographic quotes are already straight)."""

import re
from functools import cached_property

# Quotations and code: straight quotes, CJK corner brackets, inline code and fenced blocks.
_QUOTED = re.compile(
    r"```.*?```|`[^`\n]{3,300}`|\"[^\"\n]{3,400}\"|(?<![a-z])'[^'\n]{3,400}'(?![a-z])|"
    r"\u300c[^\u300d]{2,300}\u300d|\u300e[^\u300f]{2,300}\u300f",
    re.DOTALL,
)
_QUOTE_MARKS = frozenset("\"'`\u300c\u300e")
_MOST_OF_THE_TEXT = 0.75
# A sentence ends at a full stop followed by a space ("e.g." and "i.e." do not end one) or a newline.
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)[.!?;](?=\s)|\n|\u3002")
_REACH = 240  # characters before a match that are read for a reporting frame
# Who is told: a model, "it", or someone in a narrative ("his troops"); never "you", and never the
# user or reader, whom indirect injections tell things through the model.
_MODEL = (
    r"(?:(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[a-z-]+\s+)?(?:models?|assistants?|bots?|"
    r"chatbots?|ai|llms?|agents?|systems?|gpt)|it|them|(?:his|her|their)\s+[a-z]+)"
)
# Someone else is told or asked to do the thing: the imperative is reported, not addressed to us.
_REPORTED = re.compile(
    r"\b(?:tell|tells|told|telling|ask|asks|asked|asking|instruct\w*|urg\w+|order\w*|command\w*|"
    r"get|gets|getting|got|trick\w*|convinc\w+|persuad\w+|make|makes|made|making|caus\w+|induc\w+|"
    rf"steer\w*|lead|leads|led|forc\w+|coax\w*)\s+{_MODEL}\s+(?:to|that|into)\b|"
    r"\b(?:attackers?|adversar(?:y|ies)|hackers?|someone|users?|people|researchers?|red\s+teamers?|"
    r"testers?|students|scammers?|the\s+(?:page|email|document|payload|text|ticket|file|message|"
    r"comment|review|readme|invite))(?:'s?\s+[a-z]+)?\s+(?:may\s+|might\s+|could\s+|can\s+|often\s+|"
    r"typically\s+|usually\s+|sometimes\s+|then\s+|would\s+|will\s+)?(?:write|writes|wrote|type|types|"
    r"typed|say|says|said|paste|pastes|pasted|insert\w*|hide|hides|hid|embed\w*|plant\w*|add|adds|"
    r"added|includ\w+|tell|tells|told|ask|asks|asked|instruct\w*|tr(?:y|ies|ied)|use|uses|used|"
    r"send|sends|sent|submit\w*|post\w*)\b"
)
# Words that introduce examples: the strong ones run to the end of their sentence ("such as X and
# Y"), the weak ones only introduce what follows them directly ("the page says X").
_EXAMPLES = re.compile(
    r"\b(?:such\s+as|e\.g\.|for\s+(?:example|instance)|includ(?:e|es|ing)\s*:|examples?\s*\d*\s*:)"
)
_CUE = re.compile(
    r"(?:(?:phrases?|lines?|text|something|payloads?|prompts?|commands?|strings?|messages?|attacks?)"
    r"\s+like|\b(?:includ(?:e|es|ing)|contain(?:s|ing)?|reads?|reading|says?|saying|said|wrote|"
    r"typed?|types|like))\s*:?\s*$"
)
# Words of writing about attacks (English, then other languages with accents folded).
_ABOUT_ATTACKS = frozenset(
    {
        "attack", "attacks", "attacker", "attackers", "injection", "injections", "jailbreak",
        "jailbreaks", "jailbreaking", "exploit", "exploits", "payload", "payloads", "adversary",
        "adversaries", "adversarial", "malicious", "phishing", "vulnerability", "vulnerabilities",
        "advisory", "cve", "owasp", "mitigation", "mitigations", "threat", "threats", "example",
        "examples", "phrase", "phrases", "wording", "template", "templates", "technique", "techniques",
        "classic", "forum", "forums", "detector", "classifier", "fixture", "fixtures", "hacker",
        "hackers", "pentest", "leak", "leaks", "security", "angriff", "angriffe", "angreifer",
        "beispiel", "atak", "ataki", "napastnik", "napastnicy", "przyklad", "ataque", "ataques",
        "atacante", "atacantes", "ejemplo", "inyeccion", "attaque", "attaques", "attaquant",
        "attaquants", "exemple", "attacco", "attacchi", "esempio", "iniezione", "exemplo", "injecao",
        "aanval", "voorbeeld", "saldiri", "serangan",
    }
)  # fmt: skip
_ABOUT_ATTACKS_FOREIGN = re.compile(
    "攻击|攻擊|攻撃|注入|越狱|越獄|脱獄|インジェクション|атак|злоумышленн|инъекц|хакер|هجوم|حقن|المهاجم|"
    "공격|탈옥|हमला"
)
_LETTERS = bytes(code if 97 <= code <= 122 else 32 for code in range(256))


class Context:
    """A text's quotations and sentences, read once for all of its matches."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _quotes(self) -> list[tuple[int, int]]:
        if not _QUOTE_MARKS.intersection(self.text):
            return []
        return [
            m.span() for m in _QUOTED.finditer(self.text) if m.end() - m.start() < self._longest
        ]

    @cached_property
    def about_attacks(self) -> bool:
        """Whether the text talks about attacks (then a described attack is an example)."""
        words = self.text.encode("ascii", "replace").translate(_LETTERS).decode().split()
        if not _ABOUT_ATTACKS.isdisjoint(words):
            return True
        return not self.text.isascii() and _ABOUT_ATTACKS_FOREIGN.search(self.text) is not None

    def region(self, span: tuple[int, int]) -> tuple[int, int] | None:
        """The quotation or reporting sentence that holds the span; None when it is addressed."""
        start, end = span
        for quote in self._quotes:
            if quote[0] <= start and end <= quote[1]:
                return quote
        # The sentence around the span, looked for near it only.
        window = start - _REACH
        ends = [m.end() for m in _SENTENCE_END.finditer(self.text, max(window, 0), start)]
        sentence_start = ends[-1] if ends else max(window, 0)
        prefix = self.text[sentence_start:start]
        if _REPORTED.search(prefix) or _EXAMPLES.search(prefix) or _CUE.search(prefix[-60:]):
            found = _SENTENCE_END.search(self.text, end)
            sentence = sentence_start, found.end() if found else len(self.text)
            if sentence[1] - sentence[0] < self._longest:
                return sentence
        return None

    @cached_property
    def _longest(self) -> float:
        # A quotation or example that is most of the text is the message itself, not a part of it.
        return _MOST_OF_THE_TEXT * len(self.text.strip())
