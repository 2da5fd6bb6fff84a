"""Words a question may use for what the text says in other words ("opposed" for "fought").

A small hand-made table of the verbs and nouns that questions about news, reviews, science and
emails use most; WordNet would do better but needs NLTK's data, which cannot be downloaded here.
"""

from functools import cache

from llm_starter_api.llm.local.tokens import stem

# Each group is a set of interchangeable words; a question word finds the others.
# fmt: off
_GROUPS = (
    ("oppose", "opposed", "against", "fought", "fight", "object", "objected", "protest",
     "protested", "resist", "resisted", "criticise", "criticised", "criticize", "opponent"),
    ("support", "backed", "favour", "favor", "welcomed", "supporter"),
    ("project", "plan", "plans", "scheme", "proposal", "programme", "program"),
    ("cost", "price", "budget", "spend", "spent", "pay", "paid", "fee", "charge"),
    ("open", "opening", "launch", "start", "begin", "inaugurate"),
    ("close", "closed", "closure", "shut"),
    ("build", "built", "construct", "construction", "erect"),
    ("finish", "complete", "completed", "completion", "end"),
    ("found", "founded", "establish", "established", "set up", "create", "created"),
    ("lead", "leads", "head", "heads", "run", "runs", "manage", "manager", "director"),
    ("buy", "bought", "purchase", "purchased", "acquire"),
    ("sell", "sold", "sale"),
    ("say", "said", "stated", "told", "announced", "explained"),
    ("die", "died", "death", "killed", "kill"),
    ("injure", "injured", "hurt", "wounded"),
    ("increase", "rise", "rose", "grow", "grew", "raise", "raised", "up"),
    ("decrease", "fall", "fell", "drop", "dropped", "cut", "decline", "reduce"),
    ("delay", "delayed", "postpone", "postponed", "late"),
    ("cancel", "cancelled", "canceled", "scrap", "scrapped"),
    ("employ", "hire", "hired", "recruit", "jobs", "staff"),
    ("meal", "lunch", "dinner", "food", "bowls", "breakfast"),
    ("weigh", "weight", "heavy", "kilograms"),
    ("discover", "discovered", "find", "found", "detect", "identified"),
    ("invent", "invented", "develop", "developed", "design", "designed", "create"),
    ("write", "wrote", "author", "writer", "written"),
    ("car", "cars", "vehicle", "vehicles", "traffic"),
    ("happy", "pleased", "delighted", "glad", "thrilled"),
    ("problem", "issue", "fault", "defect", "bug", "downside", "wrong", "fail", "failed",
     "broke", "broken", "crack", "cracked", "crash", "crashes", "complaint"),
)
# fmt: on


@cache
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in _GROUPS:
        stems = {stem(word) for word in group if " " not in word}
        for term in stems:
            table.setdefault(term, set()).update(stems - {term})
    return {term: frozenset(related) for term, related in table.items()}


def related(term: str) -> frozenset[str]:
    """Stems that can stand for the stemmed term in a text, without the term itself."""
    return _table().get(term, frozenset())
