"""Finding the catalogue's topic words in a comment: stems, roots, phrases, typos and negation.

:mod:`cxlib.voice` asks this module which topics a text mentions. A topic's
entries (``cxlib/catalog/topics.toml``) are compiled once per word list into a
:class:`Matcher`; each distinct word of the comments is then looked up once
(its stem, the roots it starts with, and, failing those, the entries one typo
away) and remembered, so tagging many comments costs a dictionary look-up per
word. Words are stemmed by their own script (Snowball's Russian stemmer for
Cyrillic, its English one for Latin letters), so an English word in a Russian
comment is still read as English. The same text always gives the same topics.

Examples
--------
>>> matcher = compile_topics([{"key": "waiting", "words": ["wait", "queu*", "on time"]}], "en")
>>> [hit.topic for hit in matcher.hits("Waited ages in the queue, never on time")]
['waiting', 'waiting', 'waiting']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

from cxlib import catalog

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
CLAUSE_MARK = re.compile(r"[.,;:!?()\n…—–]")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Latin letters that look Cyrillic, read as Cyrillic inside a word that mixes the two scripts
_LOOKALIKES = str.maketrans("aceopxykmtbh", "асеорхукмтвн")
# a currency sign is a word about money ("£18 for a burger"), in the script of the lists that name it
_CURRENCY = str.maketrans({"£": " pounds ", "$": " dollars ", "€": " euros ", "₽": " руб "})
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "ru": snowballstemmer.stemmer("russian")}


def normalise(text: str) -> str:
    """Lower case, ``ё`` read as ``е``, typographic apostrophes as ``'``, currency signs as words.

    Examples
    --------
    >>> normalise("Ещё’S"), normalise("£18")
    ("еще's", ' pounds 18')
    """
    return text.lower().replace("ё", "е").replace("’", "'").replace("`", "'").translate(_CURRENCY)


def words(text: str) -> list[str]:
    """The words of a text, normalised; hyphens and digits split words, a word mixing scripts is read as Cyrillic.

    Examples
    --------
    >>> words("Онлайн-запись didn't work, 2 раза")
    ['онлайн', 'запись', "didn't", 'work', 'раза']
    """
    found = WORD.findall(normalise(text))
    return [w.translate(_LOOKALIKES) if CYRILLIC.search(w) and LATIN.search(w) else w for w in found]


def clauses(text: str, joiners: frozenset[str] = frozenset()) -> list[int]:
    """The clause each word of :func:`words` is in: punctuation, or a joining word such as *but*, starts the next.

    Examples
    --------
    >>> clauses("Not rude, just slow but fine", frozenset({"but"}))
    [0, 0, 1, 1, 2, 2]
    """
    text, number, at, found = normalise(text), 0, 0, []
    for match in WORD.finditer(text):
        number += bool(CLAUSE_MARK.search(text, at, match.start())) or match.group() in joiners
        found.append(number)
        at = match.end()
    return found


def detect_language(text: str) -> str:
    """``"ru"`` when a text has more Cyrillic letters than Latin ones, else ``"en"``.

    Examples
    --------
    >>> detect_language("Мастер всё объяснил, рекомендую"), detect_language("Great mechanic")
    ('ru', 'en')
    """
    return "ru" if len(CYRILLIC.findall(text)) > len(LATIN.findall(text)) else "en"


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A word's Snowball stem, by its own script.

    Examples
    --------
    >>> stem("waiting"), stem("очереди")
    ('wait', 'очеред')
    """
    return _STEMMERS["ru" if CYRILLIC.search(word) else "en"].stemWord(word)


def within_one_edit(a: str, b: str, substitute: bool = True) -> bool:
    """Whether two words differ by at most one letter added, dropped, changed (if ``substitute``) or two swapped.

    Examples
    --------
    >>> within_one_edit("apointment", "appointment"), within_one_edit("recieved", "received")
    (True, True)
    >>> within_one_edit("change", "charge", substitute=False)
    False
    """
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (len(diff) == 1 and substitute) or (len(diff) == 2 and diff[1] == diff[0] + 1
                                                    and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1:]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def single(word: str) -> str:
    """A word with its doubled letters written once: the commonest misspelling drops or adds a double.

    Examples
    --------
    >>> single("proffesional"), single("professional"), single("коммисия")
    ('profesional', 'profesional', 'комисия')
    """
    return re.sub(r"(.)\1+", r"\1", word)


@dataclass(frozen=True)
class Hit:
    """One match of a catalogue entry in a text.

    Attributes
    ----------
    topic : str
        The topic's key.
    entry : str
        The catalogue entry that matched, as written there.
    words : str
        The comment's words that matched it.
    typo : bool
        Whether a word matched only as a misspelling (one edit away).
    negated : bool
        Whether a negation ("not", "never", "не", "без", ...) stands just before it.
    """

    topic: str
    entry: str
    words: str
    typo: bool
    negated: bool


@dataclass
class Matcher:
    """The compiled word lists of a set of topics in one language (see :func:`compile_topics`).

    The matching settings have no defaults here: they are the catalogue's ``[matching]``, passed in.
    """

    keys: list[str]
    _: KW_ONLY
    gap: int
    typo_min_length: int
    substitute_length: int
    negation_window: int
    short_stem: int
    entries: list[tuple[int, str, tuple[int, ...], bool]] = field(default_factory=list)
    stems: dict[str, int] = field(default_factory=dict)
    short: dict[tuple[str, str], int] = field(default_factory=dict)
    exact: dict[str, int] = field(default_factory=dict)
    roots: dict[str, int] = field(default_factory=dict)
    singles: dict[int, list[int]] = field(default_factory=dict)
    phrases: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    spellings: dict[str, tuple[bool, int]] = field(default_factory=dict)
    typos: dict[str, set[str]] = field(default_factory=dict)
    doubles: dict[tuple[bool, str], set[int]] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    joiners: frozenset[str] = frozenset()
    not_typos: frozenset[str] = frozenset()
    _seen: dict[str, tuple[frozenset[int], bool]] = field(default_factory=dict)

    def _part(self, word: str) -> int:
        kind, value = ("root", word[:-1]) if word.endswith("*") else ("exact", word[1:]) if word.startswith("=") \
            else ("stem", stem(word))
        if kind == "stem" and len(value) <= self.short_stem:
            # Snowball cuts short Russian words to two or three letters (запись and запах are both зап): such a
            # stem also needs the entry's next letter, so a form matches but a different word does not
            kind, value = "short", (value, word[:len(value) + 1])
        table = {"root": self.roots, "exact": self.exact, "stem": self.stems, "short": self.short}[kind]
        return table.setdefault(value, len(self.stems) + len(self.short) + len(self.exact) + len(self.roots))

    def add(self, topic: int, entry: str, exclude: bool = False) -> None:
        """Compile one catalogue entry of topic number ``topic`` (``exclude``: an ``except_*`` entry)."""
        marked = re.sub(r"(?<=\w)-(?=\w)", " ", normalise(entry)).split()
        cleaned = [w if w.endswith("*") or w.startswith("=") else "".join(WORD.findall(w)) or w for w in marked]
        parts = tuple(self._part(w) for w in cleaned)
        if any(e[0] == topic and e[2] == parts and e[3] == exclude for e in self.entries):
            return  # another form of an entry already there ("charge", "charged")
        if len(cleaned) == 1 and not exclude:
            self.spellings.setdefault(cleaned[0].strip("=*"), (cleaned[0].endswith("*"), parts[0]))
        if len(parts) == 1:
            self.singles.setdefault(parts[0], []).append(len(self.entries))
        else:  # by first and second word, so a phrase is followed only when its second word is near
            self.phrases.setdefault(parts[0], {}).setdefault(parts[1], []).append(len(self.entries))
        self.entries.append((topic, entry, parts, exclude))

    def index_typos(self) -> None:
        """Precompute the one-deletion neighbours of the long entry words and roots, so a misspelling is a look-up."""
        for spelling, (is_root, part) in self.spellings.items():
            if len(spelling) >= self.typo_min_length:
                for key in _deletions(spelling) | {spelling}:
                    self.typos.setdefault(key, set()).add(spelling)
                for form in {single(spelling)} if is_root else {single(spelling), single(stem(spelling))}:
                    self.doubles.setdefault((is_root, form), set()).add(part)

    def parts_of(self, word: str) -> tuple[frozenset[int], bool]:
        """The entry parts a word matches, and whether only as a misspelling (remembered per word)."""
        known = self._seen.get(word)
        if known is not None:
            return known
        found = {self.roots[word[:n]] for n in range(1, len(word) + 1) if word[:n] in self.roots}
        if word in self.exact:
            found.add(self.exact[word])
        if (stemmed := stem(word)) in self.stems:
            found.add(self.stems[stemmed])
        if len(stemmed) <= self.short_stem and (stemmed, word[:len(stemmed) + 1]) in self.short:
            found.add(self.short[stemmed, word[:len(stemmed) + 1]])
        typo = False
        if not found and len(word) >= self.typo_min_length and word not in self.not_typos:
            found = self._typo_parts(word)
            typo = bool(found)
        self._seen[word] = (frozenset(found), typo)
        return self._seen[word]

    def _typo_parts(self, word: str) -> set[int]:
        """Entry words one edit from ``word``, and roots one edit from a start of it.

        The first letter must be right, and for a root its last letter too (a word that merely starts like a
        root with one letter dropped is not a misspelling of it); a changed letter counts only in long words.
        A double letter written once or a single one doubled, even twice in a word, is one slip
        (*proffesional*, *коммисия*).
        """
        once = single(word)
        found = {part for form in (once, single(stem(once))) for part in self.doubles.get((False, form), ())}
        found |= {part for n in range(self.typo_min_length - 2, len(once) + 1)
                  for part in self.doubles.get((True, once[:n]), ())}
        for n in range(self.typo_min_length - 1, len(word) + 1):
            head = word[:n]
            for key in _deletions(head) | {head}:
                for spelling in self.typos.get(key, ()):
                    is_root, part = self.spellings[spelling]
                    if ((n == len(word) and not is_root or is_root and head[-1] == spelling[-1])
                            and head[0] == spelling[0]
                            and within_one_edit(head, spelling, n >= self.substitute_length)):
                        found.add(part)
        return found

    def _follow(self, parts: tuple[int, ...], known: list[frozenset[int]], start: int) -> int | None:
        """Where a phrase starting at word ``start`` ends: its words in order, at most ``gap`` others between."""
        at = start
        for part in parts[1:]:
            nxt = next((k for k in range(at + 1, min(at + 2 + self.gap, len(known))) if part in known[k]), None)
            if nxt is None:
                return None
            at = nxt
        return at

    def _spans(self, found: list[str]) -> tuple[list[tuple[int, int, int]], list[tuple[frozenset[int], bool]]]:
        """(first word, last word, entry number) of each match, less those inside an ``except_*`` entry."""
        known = [self.parts_of(w) for w in found]
        sets = [k[0] for k in known]
        spans, excluded = [], []
        for i, parts in enumerate(sets):
            near = None
            for part in parts:
                for number in self.singles.get(part, ()):
                    (excluded if self.entries[number][3] else spans).append((i, i, number))
                if (second := self.phrases.get(part)) is None:
                    continue
                near = frozenset().union(*sets[i + 1:i + 2 + self.gap]) if near is None else near
                for number in (n for p in near.intersection(second) for n in second[p]):
                    if (end := self._follow(self.entries[number][2], sets, i)) is not None:
                        (excluded if self.entries[number][3] else spans).append((i, end, number))
        if excluded:
            spans = [(i, end, n) for i, end, n in spans
                     if not any(self.entries[x][0] == self.entries[n][0] and a <= i and end <= b
                                for a, b, x in excluded)]
        return spans, known

    def hits(self, text: str) -> list[Hit]:
        """Every entry matched in ``text``, in reading order, without matches inside an ``except_*`` entry."""
        found = words(text) if isinstance(text, str) else []
        spans, known = self._spans(found)
        scope = clauses(text, self.joiners) if isinstance(text, str) else []
        result = []
        for i, end, number in spans:
            topic, entry = self.entries[number][:2]
            # a negation reaches over at most negation_window words, and not past a comma or a "but"
            before = [found[k] for k in range(max(0, i - self.negation_window), i) if scope[k] == scope[i]]
            result.append(Hit(self.keys[topic], entry, " ".join(found[i:end + 1]),
                              any(known[k][1] for k in range(i, end + 1)),
                              any(w in self.negators or w.endswith("n't") for w in before)))
        return result

    def topics(self, text: str) -> set[str]:
        """The keys of the topics ``text`` mentions.

        Examples
        --------
        >>> compile_topics([{"key": "food", "words": ["tasty"]}], "en").topics("Not tasty at all")
        {'food'}
        """
        found = words(text) if isinstance(text, str) else []
        return {self.keys[self.entries[number][0]] for _, _, number in self._spans(found)[0]}


def compile_topics(topics: Iterable[dict[str, Any]], language: str, settings: dict[str, Any] | None = None) -> Matcher:
    """A :class:`Matcher` for ``topics`` in ``language``.

    Parameters
    ----------
    topics : iterable of dict
        Each with ``key`` and either ``words`` or ``words_<language>`` (and optionally ``except_<language>``).
    language : {"en", "ru"}
        Which word lists to use.
    settings : dict, optional
        Overrides of the catalogue's ``[matching]`` table (gap, typo length, negators) in ``topics.toml``.

    Examples
    --------
    >>> compile_topics([{"key": "a", "words_ru": ["дозвон*"]}], "ru").topics("не смог дозвонится")
    {'a'}
    """
    settings = {**catalog.load("topics")["matching"], **(settings or {})}
    topics = list(topics)
    matcher = Matcher([t["key"] for t in topics], gap=settings["gap"], typo_min_length=settings["typo_min_length"],
                      substitute_length=settings["typo_substitute_length"],
                      negation_window=settings["negation_window"], short_stem=settings["short_stem"],
                      negators=frozenset(settings.get(f"negators_{language}", ())),
                      joiners=frozenset(settings.get(f"clause_words_{language}", ())),
                      not_typos=frozenset(normalise(w) for w in settings.get(f"not_typos_{language}", ())))
    for number, topic in enumerate(topics):
        for entry in topic.get("words", topic.get(f"words_{language}", ())):
            matcher.add(number, entry)
        for entry in topic.get("except", topic.get(f"except_{language}", ())):
            matcher.add(number, entry, exclude=True)
    matcher.index_typos()
    return matcher
