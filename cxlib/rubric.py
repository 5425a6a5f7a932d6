"""Reading a student's sentence for what it claims, not for the words it happens to contain.

A free-text exercise names facts computed from the client (which channel changed, whether the
test calls it real, which way it went, by how much). The sentence is cut into clauses; each
clause is about the subjects it names (or the last one named before it); its stance ("real" or
"noise") and direction ("down" or "up") come from terms matched on whole words, Russian words by
their Snowball stems, and a negation among the few words before a term turns it round ("not
real", "не значимо"). A number counts only when it is not a year, a quarter or a p-value. The
vocabulary lives in ``cxlib/catalog/exercises.toml`` (``[vocabulary]``).

Examples
--------
>>> vocab = vocabulary()
>>> phone = Subject("phone", ("phone",), stance="real", direction="down", size=35.4)
>>> claim = Claim("phone", (phone,), ("entity", "stance", "direction", "number"), tolerance=3)
>>> judge_claim("Phone NPS fell 35 points, a real change.", claim, vocab)
[]
>>> judge_claim("Phone NPS rose by 35 points in Q4, but it is only noise", claim, vocab)
['wrong_direction', 'wrong_stance']
>>> find(tokens("nonetheless"), compile_terms(["none"]))
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import snowballstemmer

from cxlib import catalog

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
CYRILLIC = re.compile(r"[а-я]")
NUMBER = re.compile(r"(?<![\w.,])([-−+]?\d+(?:[.,]\d+)?)(?![\d])(\s*%)?")
P_VALUE = re.compile(r"(?<!\w)p(?:[\s_-]*(?:adj\w*|holm))?\s*(<=|≤|<|=|≈|>=|≥|>)\s*(\d*[.,]?\d+(?:e-?\d+)?)",
                     re.IGNORECASE)


@cache
def _russian():
    return snowballstemmer.stemmer("russian")


def tokens(text: str) -> list[str]:
    """The words of ``text``, lower case, ``ё`` as ``е``, hyphenated words split ("company-wide" → 2 words)."""
    return WORD.findall(str(text).lower().replace("ё", "е"))


def _key(word: str) -> str:
    """Russian words by their stem ("персонал" and "персонализация" stay apart); others as written."""
    if CYRILLIC.search(word):
        return _russian().stemWord(word)
    return re.sub(r"['’]s$", "", word)


def compile_terms(terms: list[str]) -> list[tuple[str, ...]]:
    """Each term as a sequence of word keys; a word ending in ``*`` matches any word it begins."""
    compiled = []
    for term in terms:
        sequence: list[str] = []
        for raw in term.lower().replace("ё", "е").split():
            words = tokens(raw)
            sequence += [_key(w) for w in words[:-1]]
            if words:
                sequence.append(words[-1] + "*" if raw.endswith("*") else _key(words[-1]))
        if sequence:
            compiled.append(tuple(sequence))
    return compiled


def _same(word: str, key: str, term: str) -> bool:
    if term.endswith("*"):
        return word.startswith(term[:-1])
    # an English plural counts ("phones"); a longer word does not ("customer" is not "custom")
    return key == term or (not CYRILLIC.search(key) and key in (term + "s", term + "es"))


def find(words: list[str], terms: list[tuple[str, ...]]) -> list[int]:
    """The positions in ``words`` where one of ``terms`` starts (whole words only)."""
    keys = [_key(w) for w in words]
    return sorted({i for term in terms for i in range(len(keys) - len(term) + 1)
                   if all(_same(words[i + j], keys[i + j], t) for j, t in enumerate(term))})


def negated(words: list[str], at: int, vocab: dict[str, Any]) -> bool:
    """Whether a negation stands among the few words before position ``at`` ("not real", "не значимо")."""
    window = words[max(0, at - int(vocab["negation_window"])):at]
    # Russian also puts the negation after an adverb: "значимо не изменился" (did not change significantly)
    after = words[at + 1:at + 2] if CYRILLIC.search(words[at]) else []
    return any(w in vocab["negators"] for w in window + after)


def clauses(text: str, vocab: dict[str, Any]) -> list[str]:
    """Sentences, and the parts a semicolon or a contrast ("but", "whereas", "но", "тогда как") joins."""
    text = str(text)
    # the dot of an abbreviation ("4 кв.", "10 п.", "e.g.") does not end a sentence
    text = re.sub(r"(?<!\w)(кв|п|пп|г|гг|т\.е|т\.к|e\.g|i\.e|vs|approx|pts)\.", r"\1", text, flags=re.IGNORECASE)
    contrast = "|".join(re.escape(c) for c in vocab["contrast"])
    parts = re.split(rf"[.!?](?=\s|$)|;|\s(?:{contrast})(?=\s)", text, flags=re.IGNORECASE)
    return [p.strip(" ,:–—-") for p in parts if p and p.strip(" ,:–—-")]


def p_values(text: str) -> list[tuple[str, float]]:
    """The p-values a text quotes, as (comparison, value): ``p < 0.001`` → ``("<", 0.001)``."""
    return [(op, float(value.replace(",", "."))) for op, value in P_VALUE.findall(text)]


@dataclass(frozen=True)
class Number:
    """A number a student wrote: its value, and whether a percent sign or a year made it."""

    value: float
    percent: bool
    year: bool
    sign: int = 0  # −1 or +1 when written with a sign ("−35", "+12"), else 0


def numbers(text: str) -> list[Number]:
    """The numbers in a text, without p-values, quarters ("Q4", "4 кв.") and ordinals; years flagged."""
    text = P_VALUE.sub(" ", str(text))
    found = []
    for match in NUMBER.finditer(text):
        after = text[match.end():match.end() + 12].lower()
        if re.match(r"(?:st|nd|rd|th|-?й|-?м|-?го)\b|\s*(?:кв|квартал|quarter)", after):
            continue
        raw = match.group(1).replace("−", "-").replace(",", ".")
        value = float(raw)
        year = bool(re.fullmatch(r"(19|20)\d\d", raw)) and not match.group(2)
        sign = -1 if raw.startswith("-") else 1 if raw.startswith("+") else 0
        found.append(Number(value, bool(match.group(2)), year, sign))
    return found


@dataclass(frozen=True)
class Subject:
    """What a clause can be about (a channel, the company, "no channel"), and what the data says of it."""

    key: str
    terms: tuple[str, ...]
    stance: str | None = None
    direction: str | None = None
    size: float | None = None


@dataclass(frozen=True)
class Claim:
    """The facts a free-text answer must state: about ``target``, the points in ``needs``."""

    target: str
    subjects: tuple[Subject, ...]
    needs: tuple[str, ...]
    tolerance: float = 0.0
    model: dict[str, str] = field(default_factory=dict)


def _sides(text: str, vocab: dict[str, Any], first: str, second: str) -> set[str]:
    """Which of two opposite sides a clause takes; a negated term counts for the other side.

    A negation reaches no further than a comma, colon, dash or bracket ("no change: a rise" is a rise).
    """
    sides = set()
    for phrase in vocab["not_negations"]:  # "no doubt a real change" says real
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", text, flags=re.IGNORECASE)
    for segment in re.split(r"[,:()\[\]—–]|\s-\s", text):
        words = tokens(segment)
        for side, other in ((first, second), (second, first)):
            for at in find(words, compile_terms(vocab[side])):
                sides.add(other if negated(words, at, vocab) else side)
    return sides


def stance(text: str, vocab: dict[str, Any]) -> set[str]:
    """``{"real"}``, ``{"noise"}``, both (a contradiction) or neither, from the words and any p-value quoted."""
    found = _sides(P_VALUE.sub(" ", text), vocab, "real", "noise")
    alpha = float(vocab["alpha"])
    for op, value in p_values(text):
        if op in ("<", "<=", "≤") and value <= alpha or op in ("=", "≈") and value < alpha:
            found.add("real")
        elif op in (">", ">=", "≥") and value >= alpha or op in ("=", "≈") and value >= alpha:
            found.add("noise")
    return found


def judge_claim(text: str, claim: Claim, vocab: dict[str, Any]) -> list[str]:
    """The problems of an answer, as catalogue keys (``[]`` when every point holds).

    Each clause is about the subjects it names, or those of the clause before; what it says of a
    subject must agree with the data, and say one thing only.
    """
    said: dict[str, dict[str, Any]] = {s.key: {"stance": set(), "direction": set(), "numbers": []}
                                       for s in claim.subjects}
    named, about = set(), [claim.target]
    terms = {s.key: compile_terms(list(s.terms)) for s in claim.subjects}
    for part in clauses(text, vocab):
        words = tokens(part)
        mentioned = [key for key, t in terms.items() if find(words, t)]
        if mentioned:
            about, named = mentioned, named | set(mentioned)
        for key in about:
            said[key]["stance"] |= stance(part, vocab)
            said[key]["direction"] |= _sides(part, vocab, "down", "up")
            said[key]["numbers"] += numbers(part)
    problems = []
    for subject in claim.subjects:
        told = said[subject.key]
        if len(told["stance"]) > 1 or len(told["direction"]) > 1:
            problems.append("contradiction")
        if subject.direction and told["direction"] and told["direction"] != {subject.direction}:
            problems.append("wrong_direction")
        if subject.stance and told["stance"] and told["stance"] != {subject.stance}:
            problems.append("wrong_stance")
    target = next(s for s in claim.subjects if s.key == claim.target)
    told = said[target.key]
    if "entity" in claim.needs and target.key not in named:
        problems.append("missing_entity")
    if "stance" in claim.needs and not told["stance"]:
        problems.append("missing_stance")
    # "−35 points" says the way by its sign when it is the change's own size
    signed = {"down" if n.sign < 0 else "up" for n in told["numbers"] if n.sign and target.size is not None
              and abs(abs(n.value) - abs(target.size)) <= claim.tolerance}
    if target.direction and signed and signed != {target.direction}:
        problems.append("wrong_direction")
    if "direction" in claim.needs and not (told["direction"] or signed):
        problems.append("missing_direction")
    if "number" in claim.needs and target.size is not None:
        problems += _number_problem(told["numbers"], [abs(target.size)], claim.tolerance, vocab)
    return list(dict.fromkeys(problems))


def _number_problem(given: list[Number], evidence: list[float], tolerance: float, vocab: dict[str, Any]) -> list[str]:
    counted = [n for n in given if not n.year]
    if len(counted) > int(vocab["max_numbers"]):  # a row of numbers hoping one fits is not evidence
        return ["too_many_numbers"]
    if any(abs(abs(n.value) - e) <= tolerance for n in counted for e in evidence):
        return []
    if not counted:
        return ["year_not_number"] if given else ["missing_number"]
    return ["number_off"]


@dataclass(frozen=True)
class Action:
    """What a one-line recommendation must hold: one of ``actions``, and a figure of ``evidence``."""

    actions: tuple[str, ...]
    evidence: tuple[float, ...]
    tolerance: float = 1.0
    model: dict[str, str] = field(default_factory=dict)


def judge_action(text: str, action: Action, vocab: dict[str, Any]) -> list[str]:
    """The problems of a one-line recommendation: an action from the diagnosis, not a cut, and a number from it.

    Examples
    --------
    >>> lead = Action(("department",), (24.1,), 1.0)
    >>> judge_action("Create a service department: only 24% of delays are announced.", lead, vocabulary())
    []
    >>> judge_action("Cut the department's budget by 24%", lead, vocabulary())
    ['harmful_action']
    """
    problems = []
    harmful = [(compile_terms(vocab["cuts"]), compile_terms(vocab["resources"])),
               (compile_terms(vocab["closures"]), compile_terms(vocab["channels"]))]
    for part in clauses(text, vocab):
        for phrase in vocab["not_cuts"]:
            part = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", part, flags=re.IGNORECASE)
        words = tokens(part)
        if any(find(words, what) and any(not negated(words, at, vocab) for at in find(words, verbs))
               for verbs, what in harmful):
            problems.append("harmful_action")
    if not find(tokens(text), compile_terms(list(action.actions))):
        problems.append("missing_action")
    problems += _number_problem(numbers(text), list(action.evidence), action.tolerance, vocab)
    return list(dict.fromkeys(problems))


def vocabulary() -> dict[str, Any]:
    """The words the rubrics read, from ``cxlib/catalog/exercises.toml``; negators as a set of words."""
    vocab = dict(catalog.load("exercises")["vocabulary"])
    vocab["negators"] = {w.replace("ё", "е") for w in vocab["negators"]}
    return vocab
