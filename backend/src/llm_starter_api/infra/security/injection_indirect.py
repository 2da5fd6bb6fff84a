"""Signals of indirect injection: text addressed to the model, borrowed chat structure, data
exfiltration and secrets (see injection_patterns; other languages are in injection_foreign)."""

from llm_starter_api.infra.security.injection_patterns import AI, AI_WORDS, STARTS, Signal, signal

# fmt: off
INDIRECT_SIGNALS: tuple[Signal, ...] = (
    # Text written for the model rather than for the reader (indirect injection).
    signal("addresses_ai", 0.6, ("note", "message", "instruction", "instructions", "attention",
            "notice", "p.s", "ps", "reminder"),
            r"\b(?:note|message|instructions?|attention|notice|p\.?s\.?|reminder)\s+(?:to|for)\s+"
            rf"(?:the\s+|any\s+|all\s+)?{AI}\b"),
    signal("addresses_ai", 0.6, ("to any", "if ", "when "),
            rf"\bto\s+any\s+{AI}\b|\b(?:if|when)\s+(?:you\s+are\s+an?|an?|any)\s+{AI}\b"),
    signal("addresses_ai", 0.6, ("to the", "to every", "to all"),
            rf"\bto\s+(?:the|every|all)\s+{AI}\s+(?:that|which|who|reading|processing|summari[sz]ing|"
            r"handling|screening|analy[sz]ing|reviewing)\b"),
    signal("addresses_ai", 0.6, AI_WORDS,
            rf"\b{AI}\s+(?:reading|processing|summari[sz]ing|analy[sz]ing|screening)\s+this\b|"
            rf"{STARTS}(?:ai|llm|language\s+model|assistant|chatbot|model|ai\s+model|ai\s+assistant)"
            rf"\s*[:,]|\b(?:language\s+model|llm|ai)\s+instruction|\b{AI}\s+(?:instructions|must|"
            r"should)\b"),
    signal("addresses_ai", 0.6, ("hey", "attention"),
            rf"\b(?:hey|attention)\s+{AI}\b"),
    signal("ai_command", 0.5, AI_WORDS,
            rf"\b{AI}\s*:\s*(?:[a-z]+\s+)?(?:offer|give|tell|say|reply|respond|write|add|include|send|"
            r"approve|grant|ignore|disregard|describe|recommend|rate|classify|state|report|mention|"
            r"never|always|do\s+not|don't)\b"),
    signal("when_processing", 0.4, ("when",),
            r"\bwhen\s+(?:you\s+)?(?:summari[sz]|extract|generat|answer|analy[sz]|classif|rat|screen|"
            r"asked|process|read)\w*"),
    signal("stop_task", 0.6, ("stop", "don't", "do not", "instead of", "rather than", "skip"),
            r"\b(?:stop|don't|do\s+not|instead\s+of|rather\s+than|skip)\s+(?:[a-z]+\s+){0,2}?"
            r"(?:summar|analy[sz]|translat|classif|processing|answering|perform)\w*"),
    signal("stop_task", 0.6, ("summarization", "summarisation", "task", "job", "operation",
            "analysis"),
            r"\b(?:summari[sz]ation|task|job|operation|analysis)\s+(?:[a-z]+\s+)?(?:is|has\s+been)\s+"
            r"(?:cancel+ed|aborted|no\s+longer\s+needed)"),
    signal("instead_write", 0.4, ("instead",),
            r"\binstead\b[^.\n]{0,30}\b(?:write|tell|say|reply|respond|output|list|translate|"
            r"describe|recommend|explain)\b"),
    signal("ignore_the_input", 0.5, ("ignore", "disregard", "forget", "drop", "abandon"),
            r"\b(?:ignore|disregard|forget|drop|abandon)\s+(?:the|this|these|those|your|other)\s+"
            r"(?:[a-z]+\s+)?(?:text|document|article|task|reviews?|summary|notes|recipe|resume|"
            r"request|question|summari[sz]ation|rest|transcript|page|leaflet|minutes|content|note)\b"),
    signal("dictate_result", 0.4, ("rate", "rank", "classify", "score", "mark", "describe",
            "recommend", "the correct", "tell", "omit", "regardless"),
            r"\b(?:rate|rank|classify|score|mark)\s+(?:this|the|every|each|it)\b|\bdescribe\s+(?:this|the|"
            r"it)\s+(?:[a-z]+\s+)?as\b|\bomit\s+(?:all|any|every)\b|\bregardless\s+of\s+(?:the\s+)?(?:content|"
            r"qualifications|what|facts|evidence|text)\b|\brecommend\s+(?:an?\s+immediate|this|buying|"
            r"rejection)|\bthe\s+correct\s+(?:sentiment|answer|classification|rating|summary)\b|"
            r"\btell\s+(?:the\s+)?(?:users?|readers?|customers?|applicants?)\b"),
    signal("dictate_result", 0.4, ("answer", "response", "reply", "summary", "summaries"),
            r"(?:(?<=every\s)|(?<=each\s)|(?<=all\s))(?:answer|response|reply|summary|summaries)\b"),
    signal("dictate_result", 0.4, ("do not mention", "never mention", "add a"),
            r"\b(?:do\s+not|never)\s+mention\b|\badd\s+a\s+(?:point|sentence|line)\s+saying"),
    signal("dictate_result", 0.4, ("must", "should", "shall", "will", "is to"),
            r"\b(?:must|should|shall|will|is\s+to)\s+be\s+(?:ranked|rated|scored|marked|classified|"
            r"label+ed|flagged|listed|recommended|shortlisted|approved|described)\b"),
    # Structure borrowed from chat templates, to fake a system or assistant turn.
    signal("chat_tokens", 1.0, ("<|", "[inst]", "[/inst]", "<<sys", "<</sys", "[system](",
            '"role"'),
            r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>|"
            r"\[/?inst\]|<</?sys>>|\[system\]\(#|\"role\"\s*:\s*\"system\""),
    signal("fake_turn", 0.6, ("system", "developer"),
            r"(?:^|(?<=#)|(?<=#\s)|(?<=\n\s))(?:system|developer)\s*(?:override|prompt|message|notice)?"
            r"\s*[:=]|\bsystem\s+(?:override|notice)\b"),
    signal("fake_turn", 0.6, ("end of", "user input", "human:", "<instructions>",
            "</instructions>"),
            r"\bend\s+of\s+(?:document|text|input|user\s+input)\b|\buser\s+input\s+ends\s+here\b|"
            r"^human:.*\n(?:assistant|ai):|</?instructions>"),
    # Getting data out.
    signal("exfiltration", 0.8, ("![",),
            r"!\[[^\]]*\]\(https?://[^)\s]*[?&][^)\s]*="),
    # A link whose parameter is left empty, or a placeholder, for the model to fill in.
    signal("exfiltration_slot", 0.6, ("](http",),
            r"\]\(https?://[^)\s]*[?&][a-z0-9_]+=(?:\)|\{)"),
    signal("exfiltration_slot", 0.6, ("http://", "https://"),
            r"https?://[^\s)]*[?&][a-z0-9_]+=(?=[\s)<{]|$)"),
    signal("exfiltration", 0.8, ("send", "email", "forward", "post", "upload", "transmit",
            "append", "include", "encode", "render"),
            r"\b(?:send|email|forward|post|upload|transmit|append|include|encode|render)\b[^\n]{0,120}"
            r"(?:https?://|\burl\b|@[a-z0-9-]+\.)"),
    signal("exfiltration", 0.8, ("collect", "gather", "extract", "harvest", "compile", "replac"),
            r"\b(?:collect|gather|extract|harvest|compile)\s+(?:the|any|all|every)\s+(?:names|emails?|"
            r"email\s+addresses|phone|personal|contact)|"
            r"\breplac\w*\s+\S+\s+with\s+(?:your|the)\s+(?:instructions|prompt|system)"),
    signal("conversation_data", 0.4, ("previous", "earlier", "past", "conversation", "chat",
            "session token", "full", "entire", "whole", "every", "all", "each"),
            r"\b(?:previous|earlier|past)\s+(?:conversations?|messages|chats)|"
            r"\b(?:conversation|chat)\s+history\b|\bsession\s+token\b|\b(?:full|entire|whole)\s+"
            r"(?:conversation|chat|transcript)\b|\b(?:every|all|each)\s+(?:message|messages)\s+(?:in|of|from)"
            r"\s+(?:this|the|our)\s+(?:chat|conversation|thread)"),
    signal("secrets", 0.7, ("reveal", "list", "print", "show", "tell", "give", "share", "output",
            "send", "include", "write", "read"),
            r"\b(?:reveal|list|print|show|tell|give|share|output|send|include|write|read)\b[^.\n]{0,50}"
            r"\b(?:api\s+keys?|(?:secret|admin(?:istrator)?)\s+(?:keys?|password)|passwords?|"
            r"credentials|environment\s+variables|refund\s+codes|(?:product|license|licence|serial)\s+"
            r"keys)\b"),
    signal("forbidden_disclosure", 0.5, ("told", "instructed", "asked"),
            r"\b(?:told|instructed|asked)\s+(?:you\s+)?not\s+to\s+(?:share|reveal|tell|disclose|say)"),
    signal("authority", 0.5, ("i am", "i'm", "this is", "authorise", "authorize", "authorising",
            "authorizing", "permit", "allow"),
            r"\b(?:i\s+am|i'm|this\s+is)\s+(?:the|your)\s+(?:developer|operator|administrator|admin|"
            r"creator|owner)\b|\b(?:authori[sz]e|authori[sz]ing|permit|allow)\s+you\s+to\s+(?:ignore|"
            r"bypass|disable|break|skip)"),
    signal("authority", 0.5, ("user is", "sudo", "as coming", "as if it came", "on behalf"),
            r"\buser\s+is\s+(?:an?\s+)?(?:verified\s+as\s+an?\s+)?(?:administrator|admin|employee|"
            r"developer|vip)\b|\bsudo\b|\b(?:as\s+(?:coming|if\s+it\s+came)\s+from|on\s+behalf\s+of)\s+"
            r"(?:your|the)\s+(?:developer|operator|administrator|creator|system)"),
    signal("decode_and_obey", 0.4, ("decode", "decrypt", "base64", "rot", "backwards", "reverse"),
            r"\b(?:decode|decrypt|base64|rot-?13|backwards|reverse)\b[^\n]{0,60}\b(?:follow|obey|"
            r"execute|comply|do\s+what|apply|do\s+it)"),
)
# fmt: on
