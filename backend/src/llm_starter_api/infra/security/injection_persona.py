"""Signals of giving the model another identity or mode, or lifting its restrictions (see
injection_patterns for how signals are written and weighed)."""

from llm_starter_api.infra.security.injection_patterns import AI, AI_WORDS, Signal, signal

# fmt: off
PERSONA_SIGNALS: tuple[Signal, ...] = (
    signal("role_hijack", 1.0, ("you are", "you're"),
            r"\byou(?:\s+are|'re)\s+(?:now|no\s+longer)\s+(?:an?\s+)?(?:[a-z'-]+\s+){0,2}?(?:dan|"
            r"unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|amoral|pirate|linux)\b|"
            r"\byou\s+are\s+(?:now\s+)?in\s+(?:developer|god|maintenance|debug|admin|sudo|dan|"
            r"jailbreak|unrestricted)\s+mode|\byou\s+are\s+no\s+longer\s+(?:an?\s+\w+|bound|restricted|"
            r"limited|required)"),
    signal("role_hijack", 1.0, ("no longer", "do anything now"),
            r"\bno\s+longer\s+(?:have|need)\s+to\s+(?:follow|obey|respect|abide)|\bdo\s+anything\s+now\b"),
    signal("unrestricted_persona", 1.0, ("unrestricted", "unfiltered", "uncensored", "jailbroken",
            "amoral", "unethical", "unaligned"),
            r"\b(?:unrestricted|unfiltered|uncensored|jailbroken|amoral|unethical|unaligned)\b[,\s]+"
            r"(?:[a-z]+[,\s]+){0,2}?(?:ai|assistant|model|chatbot|bot|version|mode|persona|character|"
            r"gpt|llm)\b"),
    signal("unrestricted_persona", 1.0, AI_WORDS,
            rf"\b{AI}\s+(?:with|that\s+has|whose)\s+(?:no|only)\b|\b{AI}\s+whose\s+(?:safety\s+|"
            r"ethical\s+)?(?:guidelines|rules|filters|restrictions|guardrails)\s+(?:were|are|have\s+been)\s+"
            rf"(?:deleted|removed|disabled|turned\s+off|lifted)|\b{AI}\s+without\s+(?:any\s+)?"
            r"(?:rules|restrictions|filters|guidelines|limits|guardrails)"),
    signal("unrestricted_persona", 1.0, ("no ethical", "escaped its"),
            r"\bno\s+ethical\s+guidelines|\bescaped\s+its\s+guardrails"),
    signal("special_mode", 0.4, ("developer", "god", "sudo", "debug", "maintenance", "jailbreak"),
            r"\b(?:developer|god|sudo|debug|maintenance|jailbreak)\s+mode\b"),
    signal("jailbreak", 0.5, ("jailbreak", "stay in character", "let's play a game"),
            r"\bjailbreak\b|\bstay\s+in\s+character\b|\blet's\s+play\s+a\s+game"),
    signal("pretend", 0.5, ("pretend", "imagine", "suppose", "hypothetically"),
            r"\b(?:pretend|imagine|suppose)\s+(?:that\s+)?you\s+(?:are|were|have)\b|"
            r"\bhypothetically,?\s+if\s+you\s+had\s+no\b"),
    signal("reset", 0.5, ("blank", "clean", "start", "reset you"),
            r"\b(?:blank|clean)\s+slate\b|\bstart\s+(?:over|fresh)\b|\breset\s+you\b"),
    signal("no_restrictions", 0.6, ("without", "ignore", "bypass", "disable", "disabled",
            "turn off", "remove", "lift", "lifted", "off"),
            r"\b(?:without|ignore|bypass|disable|turn\s+off|remove|lift|lifted|disabled|off)\s+"
            r"(?:any\s+|all\s+|the\s+|your\s+|of\s+)?(?:[a-z]+\s+)?(?:restrictions|filters|filtering|"
            r"guardrails|censorship|content\s+polic(?:y|ies)|limitations|refusals|disclaimers|"
            r"safety\s+(?:rules|guidelines|filters)|ethical\s+guidelines|content\s+restrictions)\b"),
    signal("no_restrictions", 0.6, ("restrictions", "filters", "filtering", "guardrails",
            "censorship", "limitations", "refusals", "disclaimers"),
            r"(?<=no\s)(?:restrictions|filters|filtering|guardrails|censorship|limitations|refusals|"
            r"disclaimers)\b"),
    signal("no_restrictions", 0.6, ("filters", "restrictions", "safety guidelines"),
            r"\b(?:filters|restrictions|safety\s+guidelines)\s+(?:are\s+)?(?:turned\s+)?(?:off|lifted|"
            r"disabled)\b"),
    signal("rule_breaking", 0.5, ("break",),
            r"\bbreak\s+(?:the|your|all|any)\s+(?:rules|guidelines|policies|restrictions)\b"),
    # A persona set up to answer anything.
    signal("persona_setup", 0.5, ("you will", "you are going", "you shall", "you must", "play the",
            "act as", "never break"),
            r"\byou\s+(?:will|are\s+going\s+to|shall|must)\s+(?:now\s+)?(?:act|pretend|role-?play|play|"
            rf"behave|respond|answer|speak)\s+(?:as|like)\b|\bplay\s+the\s+(?:part|role)\s+of\s+an?\s+{AI}|"
            rf"\bact\s+as\s+(?:an?\s+|my\s+)?{AI}\b|\bnever\s+break\s+character\b"),
    signal("never_refuses", 0.6, ("never", "not", "won't", "will not", "doesn't", "does not",
            "don't", "cannot", "can't", "always", "with no", "without any"),
            r"\b(?:never|not|won't|will\s+not|doesn't|does\s+not|don't|cannot|can't)\s+(?:ever\s+)?"
            r"refuses?\b|\balways\s+(?:complies|comply|obeys)\b|\b(?:with\s+no|without\s+any)\s+"
            r"(?:warnings?|disclaimers?|refusals?|caveats?|moral(?:i[sz]ing)?)\b"),
    signal("no_restrictions", 0.6, ("no", "zero", "built", "trained", "made", "created",
            "designed", "never"),
            r"\b(?:no|zero)\s+(?:content|safety|ethical|moral)\s+(?:rules|guidelines|filters|training|"
            r"polic(?:y|ies)|restrictions)\b|\b(?:built|trained|made|created|designed)\s+without\s+"
            r"(?:any\s+)?(?:safety|ethics|ethical|rules|restrictions|guidelines|guardrails|filters)\b|"
            r"\bnever\s+(?:been\s+)?(?:given|had)\s+any\s+(?:safety|ethical|content)\s+(?:training|"
            r"rules|guidelines)"),
    # Asking for any mode counts like asking for developer mode, once: "enable dark mode" is
    # ordinary, so a mode needs company to flag.
    signal("special_mode", 0.4, ("switch to", "enter", "enable", "activate", "turn on", "go into",
            "engage"),
            r"\b(?:switch\s+to|enter|enable|activate|turn\s+on|go\s+into|engage)\s+(?:[a-z-]+\s+)"
            r"{1,2}?mode\b"),
    signal("forbidden_answer", 0.8, ("reply", "answer", "response", "responses", "content",
            "information"),
            r"\b(?:reply|answer|response|responses|content|information)\s+(?:that\s+)?(?:your|the)\s+"
            r"(?:guidelines|rules|policies|instructions|filters|training|developers?|creators?)\s+"
            r"(?:would\s+)?(?:normally\s+|usually\s+|otherwise\s+)?(?:forbid|block|prevent|refuse|"
            r"disallow|not\s+allow|prohibit)"),
    signal("free_rein", 0.4, ("continue", "proceed", "carry on", "answer", "respond", "reply",
            "go on"),
            r"\b(?:continue|proceed|carry\s+on|answer|respond|reply|go\s+on)\s+(?:freely|without\s+"
            r"(?:them|those|it|any\s+(?:rules|limits|restrictions|filters)|restrictions|limits|rules|"
            r"filters))\b"),
)
# fmt: on
