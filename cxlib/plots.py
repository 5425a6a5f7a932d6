"""Charts: one function per chart, each taking a result table and returning a matplotlib Axes.

Colours are Okabe–Ito, safe for colour-blind readers; detractor, passive and
promoter are never red against green, and bars carry their percentages so
colour is never the only cue.

Examples
--------
>>> import cxlib, cxlib.plots
>>> table = cxlib.summarize(client.survey, by="channel", metrics=["nps"])   # doctest: +SKIP
>>> cxlib.plots.intervals(table, x="channel");                               # doctest: +SKIP
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NPS_COLOURS = {"promoter": "#009E73", "passive": "#999999", "detractor": "#D55E00"}


def _t(key: str, language: str, **values: object) -> str:
    """A chart text in the client's language (``cxlib/catalog/report.toml`` [charts])."""
    from cxlib import catalog

    return catalog.label(catalog.load("report")["charts"], language, key).format(**values)


def _axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def intervals(table: pd.DataFrame, x: str, hue: str | None = None, *, language: str = "en", ax: Axes | None = None,
              title: str | None = None) -> Axes:
    """Estimates as dots with their confidence intervals as bars, one per group.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.summarize` for one metric (columns ``value``, ``low``, ``high``, ``n``).
    x : str
        Group column along the x axis (e.g. ``"period"``).
    hue : str, optional
        Second group column, drawn side by side in colours (e.g. ``"channel"``).
    """
    ax = _axes(ax)
    # the table's own order: summarize() puts periods in time order, which sorting the labels would undo
    positions = {value: i for i, value in enumerate(dict.fromkeys(table[x]))}
    hues = sorted(table[hue].unique()) if hue else [None]
    width = 0.6
    for k, level in enumerate(hues):
        part = table if hue is None else table[table[hue] == level]
        offset = 0.0 if hue is None else (k - (len(hues) - 1) / 2) * width / max(len(hues) - 1, 1)
        xs = np.array([positions[v] for v in part[x]]) + offset
        below = (part["value"] - part["low"]).clip(lower=0).fillna(0)
        above = (part["high"] - part["value"]).clip(lower=0).fillna(0)
        ax.errorbar(xs, part["value"], yerr=[below, above],
                    fmt="o", capsize=3, color=OKABE_ITO[k % len(OKABE_ITO)], label=level)
    ax.set_xticks(range(len(positions)), list(positions))
    unit = table["unit"].iloc[0] if "unit" in table else ""
    ax.set_ylabel({"points": _t("nps_axis", language), "%": _t("percent", language)}.get(unit, unit))
    if unit == "points":
        ax.axhline(0, color="#999999", linewidth=0.8)
    if hue:
        ax.legend(title=hue, fontsize="small", ncols=min(len(hues), 4))
    level = table["level"].iloc[0] if "level" in table else 0.95
    ax.set_title(title or _t("intervals_title", language, metric=table["metric"].iloc[0].upper(), level=f"{level:.0%}"))
    ax.grid(axis="y", alpha=0.3)
    return ax


def composition(table: pd.DataFrame, by: str, *, language: str = "en", ax: Axes | None = None,
                title: str | None = None) -> Axes:
    """Stacked bars of detractors, passives and promoters per group, labelled with their percentages.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.nps_composition`.
    by : str
        The group column.
    """
    ax = _axes(ax, (7.0, 0.5 + 0.45 * len(table)))
    labels = table[by].astype(str).tolist()
    left = np.zeros(len(table))
    for group in ("detractor", "passive", "promoter"):
        widths = table[group].to_numpy(dtype=float)
        bars = ax.barh(labels, widths, left=left, color=NPS_COLOURS[group], label=_t(f"{group}s", language))
        for bar, width in zip(bars, widths):
            if width >= 6:
                ax.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2, f"{width:.0f}%",
                        ha="center", va="center", color="white" if group != "passive" else "black", fontsize=8)
        left += widths
    for y, (total, n) in enumerate(zip(table["nps"], table["n"])):
        ax.text(101, y, f"NPS {total:+.0f} (n = {n})", va="center", fontsize=8)
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(_t("share_of_answers", language))
    ax.invert_yaxis()
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.4, 1.0), frameon=False, fontsize="small")
    if title:
        ax.set_title(title, pad=24)
    return ax


def loyalty_matrix(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                   title: str | None = None) -> Axes:
    """The behaviour × attitude matrix: each cell's share of customers, with its name and revenue share.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.loyalty_matrix`.
    """
    import seaborn as sns

    ax = _axes(ax, (7.0, 3.6))
    attitudes = ["promoter", "passive", "detractor"]
    behaviours = ["repeat", "lapsed"]
    grid = table.pivot(index="behaviour", columns="attitude", values="share").loc[behaviours, attitudes]
    cells = table.set_index(["behaviour", "attitude"])
    notes = np.array([[f"{cells.loc[(b, a), 'segment']}\n{cells.loc[(b, a), 'share']:.0f}% "
                       f"{_t('of_customers', language)}\n{cells.loc[(b, a), 'revenue_share']:.0f}% "
                       f"{_t('of_revenue', language)}" for a in attitudes] for b in behaviours])
    sns.heatmap(grid, annot=notes, fmt="", cmap="Blues", cbar=False, linewidths=1, linecolor="white", ax=ax,
                annot_kws={"fontsize": 9})
    ax.set_xlabel(_t("attitude", language))
    ax.set_ylabel(_t("behaviour", language))
    ax.set_xticklabels([_t(f"{a}s", language) for a in attitudes])
    ax.set_yticklabels([_t("repeat", language), _t("lapsed", language)], rotation=0)
    ax.set_title(title or _t("loyalty_title", language))
    return ax


def lifecycle_curve(result, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Adizes' curve with the company's position: each stage's score as a dot, the verdict highlighted.

    The dot's size follows the stage's score; the label under the most likely
    stage(s) gives the share of respondent resamples each one wins, which is the
    uncertainty of the placement.

    Parameters
    ----------
    result : cxlib.lifecycle.LifecycleResult
        From :func:`cxlib.lifecycle.diagnose`.
    """
    ax = _axes(ax, (8.0, 4.2))
    scores = result.scores.sort_values("order")
    x = scores["order"].to_numpy(dtype=float)
    fine = np.linspace(0.6, 10.4, 200)
    shape = lambda t: np.sin(np.pi * (t - 0.5) / 10.5)  # noqa: E731 - rises to Prime/Stability, then falls
    ax.plot(fine, shape(fine), color="#999999", linewidth=2, zorder=1)
    y = shape(x)
    highlighted = {result.stage} if result.verdict == "stage" else {result.stage, result.runner_up}
    colours = [OKABE_ITO[5] if key in highlighted else OKABE_ITO[0] for key in scores.index]
    ax.scatter(x, y, s=20 + 6 * scores["score"].to_numpy(), c=colours, alpha=0.8, zorder=2, edgecolors="white")
    for xi, yi, (key, row) in zip(x, y, scores.iterrows()):
        ax.annotate(f"{row['score']:.0f}", (xi, yi), textcoords="offset points", xytext=(0, 12), ha="center",
                    fontsize=8)
        if key in highlighted:
            ax.annotate(_t("wins", result.language, share=f"{row['wins']:.0%}").replace(" of ", "\nof ", 1),
                        (xi, yi), textcoords="offset points",
                        xytext=(0, -34), ha="center", fontsize=8, color=OKABE_ITO[5])
    ax.set_xticks(x, scores["name"], rotation=35, ha="right")
    ax.set_yticks([])
    ax.set_ylim(-0.35, 1.3)
    ax.spines[["left", "top", "right"]].set_visible(False)
    ax.set_title(title or _t("lifecycle_title", result.language, label=result.label))
    return ax


STATUS_COLOURS = {"met": "#0072B2", "behind": "#D55E00", "insufficient data": "#BBBBBB", "no target": "#F2F2F2",
                  "information": "#F2F2F2"}


def scorecard_heatmap(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                      title: str | None = None) -> Axes:
    """Status of every metric in every period, grouped by level: blue met, vermillion behind, grey undecided.

    Parameters
    ----------
    table : DataFrame
        ``ScorecardResult.table`` from :func:`cxlib.scorecard.assess`.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from cxlib.scorecard import levels

    names = levels(language)["name"]
    order = {key: i for i, key in enumerate(names.index)}
    rows = table.assign(level_order=table["level"].map(order), label=table["level"].map(names) + " · " + table["name"])
    rows = rows.sort_values(["level_order", "metric"])
    labels = list(dict.fromkeys(rows["label"]))
    periods = sorted(rows["period"].unique())
    statuses = list(STATUS_COLOURS)
    codes = np.full((len(labels), len(periods)), np.nan)
    ax = _axes(ax, (8.0, 0.5 + 0.32 * len(labels)))
    for _, row in rows.iterrows():
        i, j = labels.index(row["label"]), periods.index(row["period"])
        codes[i, j] = statuses.index(row["status"])
        value = row["value"]
        text = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
        ax.text(j, i, text, ha="center", va="center", fontsize=7,
                color="white" if row["status"] in ("met", "behind") else "black")
    ax.imshow(np.ma.masked_invalid(codes), cmap=ListedColormap(list(STATUS_COLOURS.values())), vmin=-0.5,
              vmax=len(statuses) - 0.5, aspect="auto")
    ax.set_xticks(range(len(periods)), periods)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    names_of = {"met": "met", "behind": "behind", "insufficient data": "insufficient", "no target": "no_target"}
    ax.legend(handles=[Patch(color=c, label=_t(names_of[s], language)) for s, c in STATUS_COLOURS.items()
                       if s != "information"],
              loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4, frameon=False, fontsize="small")
    ax.set_title(title or _t("scorecard_title", language), pad=22)
    return ax


def funnel(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None, title: str | None = None) -> Axes:
    """Share of customers moving on at each journey stage, with intervals; the biggest drop in vermillion.

    A stage whose rate is unknown gets no bar and the word "unknown"; a rate
    computed on part of the stage's customers says "of" the customers counted.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.journey.funnel`.
    """
    from cxlib.journey import word

    ax = _axes(ax, (7.0, 3.4))
    colours = [OKABE_ITO[5] if flag else OKABE_ITO[0] for flag in table["biggest_drop"]]
    y = np.arange(len(table))
    conversion = table["conversion"].astype(float)
    known = conversion.notna().to_numpy()
    counted = table["counted"] if "counted" in table else table["reached"]
    ax.barh(y[known], conversion[known], color=[c for c, k in zip(colours, known) if k],
            xerr=[(conversion - table["low"])[known], (table["high"] - conversion)[known]], capsize=3)
    for yi, value, base in zip(y, conversion, counted):
        label = (_t("of_reached", language, share=f"{value:.0f}%", reached=f"{int(base):,}") if pd.notna(value)
                 else word("unknown", language))
        ax.text((value if pd.notna(value) else 0) + 2, yi, label, va="center", fontsize=8)
    ax.set_yticks(y, table["name"])
    ax.invert_yaxis()
    ax.set_xlim(0, 120)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(_t("funnel_axis", language))
    ax.set_title(title or _t("funnel_title", language))
    return ax


def journey_map(measured: pd.DataFrame, ranked: pd.DataFrame | None = None, *, top: int = 3,
                language: str = "en", ax: Axes | None = None, title: str | None = None) -> Axes:
    """The journey left to right: an emotion curve of satisfaction per touchpoint with its interval band.

    A touchpoint whose satisfaction is unknown keeps its place on the axis, with
    the word "unknown" where its point would be; the curve is broken there.

    Parameters
    ----------
    measured : DataFrame
        Output of :func:`cxlib.journey.touchpoints`.
    ranked : DataFrame, optional
        Output of :func:`cxlib.journey.priorities`; its pain points ranked ``top`` or better are marked.
    """
    from cxlib.journey import stage_names, word

    ax = _axes(ax, (9.0, 4.2))
    x = np.arange(len(measured))
    satisfied = measured["satisfied"].astype(float)
    low, high = measured["satisfied_low"].astype(float), measured["satisfied_high"].astype(float)
    ax.fill_between(x, low, high, color=OKABE_ITO[0], alpha=0.2, label=_t("interval", language))
    ax.plot(x, satisfied, "-o", color=OKABE_ITO[0], label=_t("satisfied", language))
    pains = set()
    if ranked is not None:
        rank = pd.to_numeric(ranked["rank"], errors="coerce")
        pains = set(ranked.loc[rank.notna() & (rank <= top), "touchpoint"])
    floor = min(30.0, float(low.min()) - 5) if low.notna().any() else 30.0
    for xi, (_, row), value in zip(x, measured.iterrows(), satisfied):
        if pd.isna(value):
            ax.text(xi, floor + 2, word("unknown", language), ha="center", va="bottom", fontsize=8, rotation=90,
                    color="#555555")
        elif row["touchpoint"] in pains:
            ax.scatter([xi], [value], s=220, facecolors="none", edgecolors=OKABE_ITO[5], linewidths=2, zorder=3)
            ax.annotate(_t("pain_point", language), (xi, value), textcoords="offset points", xytext=(0, -24),
                        ha="center", fontsize=8, color=OKABE_ITO[5])
    names = stage_names(language)
    stages = measured["stage"].tolist()
    for stage in dict.fromkeys(stages):
        positions = [i for i, s in enumerate(stages) if s == stage]
        ax.axvspan(positions[0] - 0.5, positions[-1] + 0.5, color="#999999" if len(names) and
                   list(names.index).index(stage) % 2 else "white", alpha=0.12)
        ax.text((positions[0] + positions[-1]) / 2, 101, names[stage], ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, measured["name"], rotation=35, ha="right", fontsize=8)
    ax.set_xlim(-0.5, len(measured) - 0.5)
    ax.set_ylim(floor, 108)
    ax.set_ylabel(_t("satisfied_axis", language))
    ax.legend(loc="lower left", fontsize="small")
    ax.set_title(title or _t("map_title", language), pad=18)
    return ax


def priority_matrix(ranked: pd.DataFrame, *, top: int = 3, language: str = "en", ax: Axes | None = None,
                    title: str | None = None) -> Axes:
    """Pain-point priority against the effort to fix: quick wins sit top left.

    Touchpoints whose effort to fix or priority is unknown cannot be placed:
    they are named in a note under the chart instead.

    Parameters
    ----------
    ranked : DataFrame
        Output of :func:`cxlib.journey.priorities` (uses ``fix_effort``).
    """
    from cxlib.journey import word

    ax = _axes(ax, (7.0, 4.5))
    effort_all = pd.to_numeric(ranked["fix_effort"], errors="coerce").astype(float)
    priority_all = pd.to_numeric(ranked["priority"], errors="coerce").astype(float)
    placed = effort_all.notna() & priority_all.notna()
    shown = ranked[placed].reset_index(drop=True)
    effort, priority = effort_all[placed].reset_index(drop=True), priority_all[placed].reset_index(drop=True)
    jitter = (shown.groupby(effort).cumcount() - effort.groupby(effort).transform("count").sub(1).div(2)) * 0.12
    rank = pd.to_numeric(shown["rank"], errors="coerce")
    colours = [OKABE_ITO[5] if r <= top else OKABE_ITO[0] for r in rank]
    ax.scatter(effort + jitter, priority, s=60, c=colours)
    for xi, yi, label in zip(effort + jitter, priority, shown["name"]):
        ax.annotate(label, (xi, yi), textcoords="offset points", xytext=(6, 3), fontsize=8)
    if len(shown):
        ax.axhline(priority.median(), color="#999999", linewidth=0.8)
    else:
        ax.set_ylim(0, 100)
    ax.axvline(3, color="#999999", linewidth=0.8)
    ax.text(1.0, ax.get_ylim()[1] * 0.97, _t("quick_wins", language), fontsize=8, color="#555555", va="top")
    ax.text(5.0, ax.get_ylim()[1] * 0.97, _t("major_projects", language), fontsize=8, color="#555555", va="top",
            ha="right")
    notes = []
    no_priority = ranked.loc[priority_all.isna(), "name"].tolist()
    no_effort = ranked.loc[effort_all.isna() & priority_all.notna(), "name"].tolist()
    if no_priority:
        notes.append(word("priority_unknown", language, names=", ".join(no_priority)))
    if no_effort:
        notes.append(word("effort_unknown", language, names=", ".join(no_effort)))
    if notes:
        ax.annotate("\n".join(notes), (0, 0), xycoords="axes fraction", xytext=(0, -52), textcoords="offset points",
                    va="top", fontsize=7, color="#555555", wrap=True)
    ax.set_xlim(0.5, 5.5)
    ax.set_xticks([1, 2, 3, 4, 5], [f"1\n{_t('easy', language)}", "2", "3", "4", f"5\n{_t('hard', language)}"])
    ax.set_xlabel(_t("effort_axis", language))
    ax.set_ylabel(_t("priority_axis", language))
    ax.set_title(title or _t("priority_title", language))
    return ax
