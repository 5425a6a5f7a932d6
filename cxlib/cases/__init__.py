"""The synthetic companies the kit ships: the demo and the case library.

Each case is a :class:`Profile`: the parameters the seeded generator in
:mod:`cxlib.demo` turns into a complete client folder, with the findings
planted on purpose (written down in each folder's README.md). The profiles are
data for the generator, not methodology: the method stays in ``cxlib/catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cxlib.demo_contacts import ContactPlan


@dataclass(frozen=True)
class Change:
    """A planted change: in ``channel`` from period ``period`` (0-based) on, a new NPS mix and new reasons."""

    channel: str
    period: int
    mix: tuple[float, float, float]
    detractor_reasons: dict[str, float]


@dataclass(frozen=True)
class Rating:
    """A planted attribute rating, the survey column ``rating_<attribute>`` on a 1–5 scale.

    Each answer's rating is ``mean + slope × z + halo + shift + noise``, rounded into 1–5, where ``z`` is the
    answer's NPS score standardised, ``halo`` the answer's mood shared by all its ratings, and ``shift`` what
    its reason code does to this attribute (a detractor naming late delays rates communication low). The
    largest slope over noise makes the attribute the top driver of NPS. ``not_rated`` is the share of blanks
    by channel (``"*"`` for any other channel).
    """

    attribute: str
    mean: float
    slope: float
    noise: float
    shifts: dict[str, float] = field(default_factory=dict)
    not_rated: dict[str, float] = field(default_factory=lambda: {"*": 0.03})


@dataclass(frozen=True)
class Outage:
    """A planted special cause: in ``month`` (``YYYY-MM``), answers through ``channels`` turn detractor with
    probability ``hit``, giving ``reason`` and, now and then, one of ``comments``; a single bad month."""

    month: str
    channels: tuple[str, ...]
    hit: float
    reason: str
    comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Theme:
    """Planted comments on one subject, written in answers that left no comment.

    Each such answer of a group (``promoter``, ``passive`` or ``detractor``, by its NPS score) takes one of
    ``comments`` with probability ``chance[group]``. With ``reason``, only answers without a reason code are
    chosen, and they take that code: a code ticked while the comment says what it says.
    """

    key: str
    chance: dict[str, float]
    comments: tuple[tuple[str, str], ...]
    reason: str = ""


@dataclass(frozen=True)
class Profile:
    """Everything the generator needs to write one synthetic company."""

    key: str
    folder: str                      # relative to the kit's data/ folder
    seed: int
    client_toml: str
    period_starts: list[date]        # one more than the periods: the last is the end
    period_labels: list[str]
    responses_per_period: int
    channels: dict[str, float]
    segments: dict[str, float]
    customers: dict[str, int]
    nps_mix: dict[str, tuple[float, float, float]]
    detractor_reasons: dict[str, float]
    passive_reasons: dict[str, float]
    promoter_reasons: dict[str, float]
    reason_touchpoint: dict[str, tuple[str, str]]
    comments: dict[str, list[tuple[str, str]]]
    csi_by_group: dict[str, list[float]]
    ces_by_group: dict[str, list[float]]
    scorecard: list[tuple]
    stage_profile: dict[str, float]
    axis_profile: dict[str, float]
    role_shift: dict[str, dict[str, float]]
    respondents: list[tuple[str, int]]
    journey: list[tuple]
    checklist: list[tuple]
    change: Change | None = None
    loyal_detractors: int = 0
    loyal_segment: str = ""
    loyal_purchases: tuple[int, int] = (8, 15)
    touchpoint_by_channel: dict[tuple[str, str], str] = field(default_factory=dict)
    effort_reason: str = ""          # answers with this reason report high effort
    anonymous_share: float = 0.08
    loyal_pick: float = 0.7
    comment_chance: dict[str, float] = field(
        default_factory=lambda: {"detractor": 0.6, "passive": 0.25, "promoter": 0.3})
    follow_up: tuple[float, float, float] = (0.72, 300.0, 1.0)  # probability, median minutes, log-sd
    missing: tuple[float, float] = (0.03, 0.05)                  # blank CSI, blank CES
    pii_comment: tuple[int, str] | None = None
    purchases_lambda: dict[str, float] = field(default_factory=dict)
    check_size: dict[str, float] = field(default_factory=dict)
    churn: tuple[float, float, float, float] = (0.30, 0.50, 0.25, 0.12)  # no answer, detractor, passive, promoter
    scorecard_n: dict[str, str] = field(default_factory=dict)
    visits: int = 24
    visits_per_period: int = 6
    visit_days: int = 80
    not_applicable: dict[str, float] = field(default_factory=dict)  # criterion prefix -> share of visits N/A
    ratings: tuple[Rating, ...] = ()                                # attribute ratings, from their own stream
    outage: Outage | None = None                                    # a special-cause month, from its own stream
    themes: tuple[Theme, ...] = ()                                  # planted comment subjects, from their own stream
    contacts: ContactPlan | None = None  # write contacts.csv (cxlib.demo_contacts) by this plan, from its own stream
    components: bool = False        # write components.csv (cxlib.demo_components), from its own stream
    extra: dict[str, Any] = field(default_factory=dict)


def profiles() -> dict[str, Profile]:
    """Every case, the demo first."""
    from cxlib.cases import motorline, tea_leaf, volga_bank

    return {case.PROFILE.key: case.PROFILE for case in (motorline, tea_leaf, volga_bank)}
