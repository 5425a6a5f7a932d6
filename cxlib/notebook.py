"""One visible set-up call at the top of every notebook.

Nothing in cxlib changes global settings on import; a notebook asks for the
kit's display settings explicitly with :func:`setup_notebook`.
"""

from __future__ import annotations

import warnings

import matplotlib
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


def show(frame: pd.DataFrame, digits: int = 1, index: bool = False):
    """A table for the reader (and the client's report): rounded, every cell HTML-escaped, long text wrapped.

    pandas' ``to_html`` escapes cells and labels; ``Styler`` does not, so the
    kit never styles a table holding client text.

    Examples
    --------
    >>> show(pd.DataFrame({"a": [1.234]}))                     # doctest: +SKIP
    """
    from IPython.display import HTML

    with pd.option_context("display.max_colwidth", None):
        return HTML(frame.round(digits).to_html(index=index, escape=True, border=0, na_rep="–"))


def text_table(frame: pd.DataFrame, digits: int = 1, index: bool = False, empty: str = "–") -> str:
    """A table as plain text for a checked cell: rounded, and an unknown value shown as ``–``, never ``nan``.

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
    shown = frame.round(digits).astype(object).where(frame.notna(), "–")
    return shown.to_string(index=index)
