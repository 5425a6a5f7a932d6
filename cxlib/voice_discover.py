"""What the comments say beyond the catalogue: example quotes per topic, and suggested new topics.

:func:`discover` groups the comments that match no topic (TF-IDF and NMF from scikit-learn, fixed seed) into
suggested topics with their top words and masked examples, so a consultant can extend the catalogue;
:func:`examples` picks the quotes a topic is shown with. Split from :mod:`cxlib.voice_match`, which finds
the catalogue's words in a text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cxlib.voice_match import normalise, stem, words


def _catalogue_settings() -> dict[str, Any]:
    from cxlib import catalog

    return catalog.load("topics")["matching"]


def _texts(texts: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """The comments aligned with a tag frame, a missing one as ''."""
    aligned = texts.reindex(frame.index).astype(object)
    return aligned.where(aligned.notna(), "").astype(str).str.strip()


def examples(texts: pd.Series, frame: pd.DataFrame, n: int = 3, topics: Iterable[dict[str, Any]] | None = None,
             language: str = "en", length: int = 160) -> pd.DataFrame:
    """Up to ``n`` quotes per topic, contact details masked: the commonest wordings that mention few other topics.

    Returns ``topic, name, quote``; ``topics`` (from :func:`cxlib.voice.topics_for`) name the topics in
    ``language``, and a quote longer than ``length`` characters is cut.

    Examples
    --------
    >>> from cxlib import voice
    >>> texts = pd.Series(["Slow!", "Slow!", "Slow, call me on +44 20 7946 0958", "Rude staff"])
    >>> examples(texts, voice.tag(texts), n=2).query("topic == 'waiting'")["quote"].tolist()
    ['Slow!', 'Slow, call me on [phone]']
    """
    from cxlib import catalog
    from cxlib.privacy import mask_pii

    names = {t["key"]: t.get("name") or catalog.label(t, language)
             for t in (catalog.load("topics")["topics"] if topics is None else topics)}
    strings, width, rows = _texts(texts, frame), frame.sum(axis=1), []
    for key in frame.columns:
        chosen = pd.DataFrame({"text": strings[frame[key]], "width": width[frame[key]]})
        ranked = chosen[chosen["text"] != ""].groupby("text").agg(count=("width", "size"), width=("width", "min"))
        ranked = ranked.reset_index().assign(length=lambda r: r["text"].str.len())
        for text in ranked.sort_values(["width", "count", "length", "text"],
                                       ascending=[True, False, True, True])["text"].head(n):
            quote = mask_pii(text)
            quote = quote if len(quote) <= length else quote[:length - 1].rstrip() + "…"
            rows.append({"topic": key, "name": names.get(key, key), "quote": quote})
    return pd.DataFrame(rows, columns=["topic", "name", "quote"])


def _analyser(stopwords: frozenset[str]):
    """Words to stems for TF-IDF: stop words and words under three letters left out."""
    def analyse(text: str) -> list[str]:
        return [stem(w) for w in words(text) if len(w) > 2 and w not in stopwords]
    return analyse


def _as_written(distinct: list[str], counts: pd.Series, stems: Iterable[str]) -> list[str]:
    """Each stem shown as the word customers wrote most often for it."""
    spoken: dict[str, dict[str, int]] = {}
    for text in distinct:
        for word in words(text):
            forms = spoken.setdefault(stem(word), {})
            forms[word] = forms.get(word, 0) + int(counts[text])
    return [min(spoken[s], key=lambda w: (-spoken[s][w], w)) for s in stems]


def discover(texts: pd.Series, frame: pd.DataFrame, n_topics: int = 5, seed: int = 0, top_words: int = 6,
             n_examples: int = 3, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Suggested new topics: the comments no topic matched, grouped by TF-IDF and NMF (scikit-learn, fixed seed).

    Parameters
    ----------
    texts : Series
        The comments, aligned with ``frame`` (from :func:`cxlib.voice.tag`).
    n_topics : int
        How many groups to ask for; fewer when there are few distinct unmatched comments.
    settings : dict, optional
        The catalogue's ``[matching]`` table (for its stop words).

    Returns
    -------
    DataFrame
        One row per suggestion: ``suggestion`` (1, 2, ...), ``comments`` (how many unmatched comments it holds),
        ``words`` (its most telling words) and ``examples`` (its commonest wordings, masked, joined by " | ").
        Empty when fewer than ten distinct comments went unmatched.

    Examples
    --------
    >>> from cxlib import voice
    >>> texts = pd.Series([f"the {w} colour range is {v}" for w in ("tin", "mug", "jar") for v in ("dull", "odd")]
    ...                   + [f"gift {w} for my {v}" for w in ("idea", "set") for v in ("aunt", "son", "boss")])
    >>> discover(texts, voice.tag(texts), n_topics=2)["words"].tolist()
    ['colour, range, dull, odd, jar, mug', 'gift, idea, set, boss, son, aunt']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    from cxlib.privacy import mask_pii

    columns = ["suggestion", "comments", "words", "examples"]
    settings = settings if settings is not None else _catalogue_settings()
    strings = _texts(texts, frame)
    counts = strings[~frame.any(axis=1) & (strings != "")].value_counts()
    distinct = sorted(counts.index, key=lambda t: (-counts[t], t))
    if len(distinct) < 10:
        return pd.DataFrame(columns=columns)
    stop = frozenset(ENGLISH_STOP_WORDS) | {normalise(w) for key in ("stopwords_en", "stopwords_ru")
                                            for w in settings.get(key, ())}
    vectoriser = TfidfVectorizer(analyzer=_analyser(stop), sublinear_tf=True)
    matrix = vectoriser.fit_transform(distinct)
    model = NMF(n_components=max(1, min(n_topics, len(distinct) // 5, matrix.shape[1] - 1)), init="nndsvda",
                random_state=seed, max_iter=1000)
    weights = model.fit_transform(matrix)
    shown_as = _as_written(distinct, counts, vectoriser.get_feature_names_out())
    belongs = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    rows = []
    for group, loadings in enumerate(model.components_):
        members = sorted((i for i in range(len(distinct)) if belongs[i] == group),
                         key=lambda i: (-counts[distinct[i]], -weights[i, group], distinct[i]))
        if members:
            top = [shown_as[j] for j in np.argsort(-loadings, kind="stable")[:top_words] if loadings[j] > 0]
            rows.append({"comments": int(sum(counts[distinct[i]] for i in members)), "words": ", ".join(top),
                         "examples": " | ".join(mask_pii(distinct[i]) for i in members[:n_examples])})
    table = pd.DataFrame(rows, columns=columns[1:]).sort_values("comments", ascending=False, kind="stable")
    return table.reset_index(drop=True).assign(suggestion=lambda t: t.index + 1)[columns]
