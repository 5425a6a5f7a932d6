"""Judging one answer against its catalogue entry: forgiving of form, strict on meaning.

A number may come as ``24``, ``"24%"``, ``"24,1"`` or, for a percentage, as the share ``0.24``
when only that reading fits (the feedback says which reading was used). A choice may be the
option letter, the option's text, or both ("Adolescence (b)", which must agree), with filler
words around it ignored ("phone channel", "chapter 03"). A sentence goes to :mod:`cxlib.rubric`.

Examples
--------
>>> from cxlib.wording import Words
>>> words = Words("exercises", "en", "words")
>>> judge({"kind": "choice", "accepted": ["b"], "options": {"b": ["adolescence"]}}, "Adolescence (b)", None, words)
(True, 'correct')
>>> judge({"kind": "choice", "accepted": ["03"]}, "chapter 3", None, words)
(True, 'correct')
"""

from __future__ import annotations

import numbers as numeric
import re
from typing import Any

from cxlib import rubric
from cxlib.wording import Words

OPTION_AFTER = re.compile(r"^(.*?)\s*\(([a-e])\)$")
OPTION_BEFORE = re.compile(r"^\(?([a-e])[).:]\s*(.*)$")


def normal(text: Any) -> str:
    """Lower case, ``ё`` as ``е``, underscores and hyphens as spaces, outer punctuation and quotes gone."""
    text = str(text).lower().replace("ё", "е").replace("_", " ").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'«»“”`")


def _same(a: str, b: str) -> bool:
    # "3" and "03" are the same chapter
    return a == b or (a.isdigit() and b.isdigit() and int(a) == int(b))


def _split_option(text: str) -> tuple[str | None, str]:
    """The option letter and the rest: ``"adolescence (b)"`` → ``("b", "adolescence")``; ``"b"`` → ``("b", "")``."""
    if re.fullmatch(r"\(?[a-e]\)?", text):
        return text.strip("()"), ""
    for pattern, letter_first in ((OPTION_AFTER, False), (OPTION_BEFORE, True)):
        match = pattern.match(text)
        if match:
            letter, rest = (match.group(1), match.group(2)) if letter_first else (match.group(2), match.group(1))
            return letter, rest.strip()
    return None, text


def _choice(spec: dict[str, Any], value: Any, derived: Any, words: Words) -> tuple[bool, str, str]:
    """(correct, feedback, what the answer resolved to)."""
    vocab = rubric.vocabulary()
    accepted = [normal(a) for a in (derived if derived is not None else spec["accepted"])]
    options = {letter: [normal(t) for t in texts] for letter, texts in spec.get("options", {}).items()}
    letter, text = _split_option(normal(value)) if options or any(len(a) == 1 for a in accepted) \
        else (None, normal(value))
    bare = " ".join(w for w in text.split() if w not in vocab["filler"]) if text else ""
    named = next((key for key, texts in options.items() if text in texts or bare in texts), None) if text else None
    def fits(candidate: str | None) -> bool:
        return candidate is not None and any(_same(candidate, a) for a in accepted)

    text_ok = fits(text) or fits(bare) or fits(named)
    if letter and text and (not text_ok or (named is not None and named != letter)):
        return False, words("disagree", value=repr(value)), letter
    ok = fits(letter) if letter else text_ok
    return ok, words("correct") if ok else words("not_this", value=repr(value)), letter or named or bare


def _number(spec: dict[str, Any], value: Any, derived: Any, words: Words) -> tuple[bool, str]:
    expected = float(derived if derived is not None else spec["expected"])
    tolerance = float(spec.get("tolerance", 0))
    if isinstance(value, numeric.Real) and not isinstance(value, bool):  # numpy's numbers too
        given = [rubric.Number(float(value), False, False)]
    else:
        given = rubric.numbers(str(value)) if isinstance(value, str) else []
    if len(given) != 1:
        return False, words("expected_number", value=repr(value))
    number = given[0]
    readings = [(number.value, words("read_percent", given=value) if number.percent else "")]
    if spec.get("unit") == "percent" and not number.percent and 0 < abs(number.value) <= 1 < abs(expected):
        # a share where a percentage was asked: read it so only when the number as written cannot fit
        readings.append((100 * number.value, words("read_share", given=value, value=f"{100 * number.value:g}")))
    for reading, note in readings:
        if abs(reading - expected) <= tolerance:
            return True, words("correct") + (f" ({note})" if note else "")
    return False, words("number_off", value=f"{number.value:g}")


def _known_wrong(spec: dict[str, Any], resolved: str, text: str, language: str) -> str | None:
    """The hint of a known wrong answer this one is, if any."""
    for known in spec.get("wrong", []):
        if "answer" in known and _same(normal(known["answer"]), resolved):
            return known[f"hint_{language}"] if f"hint_{language}" in known else known["hint_en"]
        if "match" in known and rubric.find(rubric.tokens(text), rubric.compile_terms(known["match"])):
            return known[f"hint_{language}"] if f"hint_{language}" in known else known["hint_en"]
    return None


def judge(spec: dict[str, Any], value: Any, derived: Any, words: Words) -> tuple[bool, str]:
    """Whether ``value`` answers the exercise ``spec``, and the feedback (with the hint when it does not).

    ``derived`` is what the exercise's ``compute`` function found in the client's data, or ``None``.
    """
    hint = spec.get(f"hint_{words.language}") or spec.get("hint_en", "")
    if spec["kind"] == "number":
        ok, text = _number(spec, value, derived, words)
        return ok, text if ok else f"{text}. {words('hint', hint=hint)}"
    if spec["kind"] == "choice":
        ok, text, resolved = _choice(spec, value, derived, words)
        known = None if ok else _known_wrong(spec, resolved, str(value), words.language)
        return ok, text if ok else f"{text}. {words('hint', hint=known or hint)}"
    vocab = rubric.vocabulary()
    if isinstance(derived, rubric.Action):
        problems = rubric.judge_action(str(value), derived, vocab)
    else:
        problems = rubric.judge_claim(str(value), derived, vocab)
    known = _known_wrong(spec, "", str(value), words.language)
    if not problems and known is None:
        return True, words("text_correct")
    said = [words("number_off_text" if p == "number_off" else p) for p in problems]
    return False, words("not_yet", problems="; ".join(said or [known])) + ". " + words("hint", hint=known or hint)


def model_answer(spec: dict[str, Any], derived: Any, words: Words) -> str:
    """The model answer for this client and the explanation, from the catalogue."""
    fields = dict(getattr(derived, "model", {}) or {})
    variant = fields.pop("variant", "")
    if isinstance(derived, list):
        fields["answer"] = derived[0]
    elif isinstance(derived, (int, float)):
        fields["answer"] = f"{derived:.1f}".rstrip("0").rstrip(".")
    template = spec.get(f"model{variant}_{words.language}") or spec.get(f"model{variant}_en", "")
    explain = spec.get(f"explain_{words.language}") or spec.get("explain_en", "")
    return "\n".join([words("model", model=template.format(**fields)), words("explain", explain=explain)])
