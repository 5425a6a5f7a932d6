"""One visible set-up call at the top of every notebook.

Nothing in cxlib changes global settings on import; a notebook asks for the
kit's display settings explicitly with :func:`setup_notebook`.
"""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd


def setup_notebook() -> None:
    """Apply the kit's display settings: tables, charts and warnings.

    Examples
    --------
    >>> import cxlib
    >>> cxlib.setup_notebook()
    """
    pd.set_option("display.precision", 2)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    matplotlib.rcParams.update({
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 100,
        "savefig.bbox": "tight",
        # a '$' in a customer's comment must not switch a label into math mode
        "text.parse_math": False,
        # DejaVu Sans ships with matplotlib and covers Cyrillic
        "font.family": "DejaVu Sans",
    })
    # seaborn 0.13.2, its latest release, calls APIs that newer pandas and
    # matplotlib deprecate; the warnings tell a reader nothing about the client.
    warnings.filterwarnings("ignore", category=FutureWarning, module="seaborn")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="seaborn")


P_VALUE_FLOOR = 0.001


def _is_p(name: object) -> bool:
    return str(name) in ("p", "p_value") or str(name).startswith("p_")


def formatted(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """Every cell as the text a reader should see: numbers to ``digits`` places (never e-notation), p-values as
    ``< 0.001`` below that, whole-number counts without decimals, and an unknown value as ``–``.

    Examples
    --------
    >>> formatted(pd.DataFrame({"diff": [-35.371], "p_adjusted": [0.0004], "n": [573.0]}), digits=2).iloc[0].tolist()
    ['-35.37', '< 0.001', '573']
    """
    def cell(value: object, column: object) -> str:
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
            return "–"
        if isinstance(value, (bool, np.bool_)):
            return "✓" if value else ""
        if isinstance(value, (float, np.floating)):
            if _is_p(column):
                return f"< {P_VALUE_FLOOR}" if value < P_VALUE_FLOOR else f"{value:.3f}"
            return f"{value:.0f}" if float(value).is_integer() and column in ("n", "count", "customers") else \
                f"{value:.{digits}f}"
        return str(value)

    return pd.DataFrame({column: [cell(v, column) for v in frame[column]] for column in frame.columns},
                        index=frame.index)


def show(frame: pd.DataFrame, digits: int = 1, index: bool = False):
    """A table for the reader (and the client's report): formatted by :func:`formatted`, every cell HTML-escaped.

    pandas' ``to_html`` escapes cells and labels; ``Styler`` does not, so the
    kit never styles a table holding client text.

    Examples
    --------
    >>> show(pd.DataFrame({"a": [1.234]}))                     # doctest: +SKIP
    """
    from IPython.display import HTML

    with pd.option_context("display.max_colwidth", None):
        return HTML(formatted(frame, digits).to_html(index=index, escape=True, border=0))


def text_table(frame: pd.DataFrame, digits: int = 1, index: bool = False, empty: str = "–") -> str:
    """A table as plain text for a checked cell, formatted by :func:`formatted`: never ``nan`` or e-notation.

    A table without rows is ``empty`` (say what that means, e.g. "No metric lags behind its target."), never
    pandas' ``Empty DataFrame``.

    Examples
    --------
    >>> print(text_table(pd.DataFrame({"metric": ["nps", "csat"], "target": [30.0, None]})))
    metric target
       nps   30.0
      csat      –
    """
    if frame.empty:
        return empty
    return formatted(frame, digits).to_string(index=index)
