"""From raw answers to score counts: every statistic of :mod:`cxlib.metrics` works on the histogram of answers.

Answers arrive as lists, numpy arrays or pandas Series, with blanks and, in
real exports, text. :func:`score_counts` turns them into counts on the answer
scale and counts the blanks; anything that is not a whole number on the scale
is an error that names it, never a silent blank.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.scales import NPS_SCALE, nps_group_counts


def score_counts(scores: Any, low: int, high: int, what: str = "scores") -> tuple[np.ndarray, int]:
    """Histogram of whole-number answers on ``low..high`` and the number of blanks.

    Parameters
    ----------
    scores : array-like
        Answers; blanks (NaN, None, ``pd.NA``) are counted, not used.
    low, high : int
        The answer scale.
    what : str
        The name used in an error message.

    Returns
    -------
    counts : ndarray of int
        ``counts[i]`` answers equal to ``low + i``.
    missing : int
        Blank answers.

    Raises
    ------
    ValueError
        Naming every value outside the scale or not a whole number.

    Examples
    --------
    >>> score_counts([0, 10, 10, None], 0, 10)[0].tolist()
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    """
    array = _as_array(scores, what)
    if array.dtype.kind in "iu":
        valid, missing = array, 0
    else:
        blank = np.isnan(array)
        missing = int(blank.sum())
        valid = array[~blank] if missing else array
    if valid.size and (valid.min() < low or valid.max() > high or
                       (valid.dtype.kind == "f" and not np.array_equal(valid, np.trunc(valid)))):
        bad = valid[(valid < low) | (valid > high) | (valid != np.trunc(valid))]
        found = pd.Series(bad).value_counts().sort_index()
        listed = ", ".join(f"{value:.10g} ({count} answer{'s' if count > 1 else ''})" for value, count in found.items())
        raise ValueError(f"{what} must be whole numbers from {low} to {high}; found {listed}")
    offsets = valid - low if low else valid  # every value is now known to lie on the scale, so the cast is exact
    counts = np.bincount(offsets.astype(np.intp, copy=False), minlength=high - low + 1)
    return counts, missing


def _as_array(values: Any, what: str = "scores") -> np.ndarray:
    """Answers as a 1-D numeric array (NaN for blanks); text that is not a number is an error, never a blank.

    A numpy array or Series of a numeric dtype is converted as a whole (ints stay ints, floats keep NaN as the
    blank); anything else, lists and object columns included, is read element by element so that a ``True``,
    a ``"nine"`` or a blank string among numbers is caught.
    """
    if np.ndim(values) != 1:
        raise ValueError(f"{what} must be one column of answers; got an array of shape {np.shape(values)}")
    if isinstance(values, (np.ndarray, pd.Series)) and values.dtype.kind in "biuf":
        # a numeric dtype holds numbers or blanks only: no element needs looking at
        if values.dtype.kind == "b":
            raise ValueError(f"{what} must be numbers, not true/false values")
        return _numeric_array(values)
    return _parsed_array(values, what)


def _numeric_array(values: np.ndarray | pd.Series) -> np.ndarray:
    """A numeric array or Series as int64 (no blanks) or float (NaN for blanks), converted without a copy per value."""
    blanks = isinstance(values, pd.Series) and values.hasnans  # a nullable Int64 Series may hold pd.NA
    if values.dtype.kind in "iu" and not blanks:
        if values.dtype == np.uint64 and values.size and values.max() > np.iinfo(np.int64).max:
            return np.asarray(values, dtype=float)  # beyond int64: float keeps the value for the error message
        return np.asarray(values, dtype=np.int64)
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return values.astype(float, copy=False)


def _parsed_array(values: Any, what: str) -> np.ndarray:
    """Answers of any other form (a list, an object or text column) read one by one: blanks, numbers, errors."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    if series.dtype.kind == "b" or series.map(lambda v: isinstance(v, (bool, np.bool_))).any():
        raise ValueError(f"{what} must be numbers, not true/false values")
    if series.dtype.kind in "iu" and not series.hasnans:
        return series.to_numpy(dtype=np.int64)
    if series.dtype.kind not in "iuf":
        text = series.astype(object).where(series.notna(), None)
        blank = text.isna() | (text.astype(str).str.strip() == "")
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce")
        unreadable = ~blank & numbers.isna()
        if unreadable.any():
            found = ", ".join(repr(v) for v in text[unreadable].unique()[:10])
            raise ValueError(f"{what} must be numbers; found {found}")
        series = numbers
    return series.to_numpy(dtype=float, na_value=np.nan)


def nps_groups(scores: Any) -> tuple[int, int, int, int]:
    """Promoters, passives, detractors and blanks among 0–10 answers.

    Examples
    --------
    >>> nps_groups([10, 9, 8, 6, None])
    (2, 1, 1, 1)
    """
    counts, missing = score_counts(scores, *NPS_SCALE, "NPS scores")
    promoters, passives, detractors = (int(n) for n in nps_group_counts(counts))
    return promoters, passives, detractors, missing
