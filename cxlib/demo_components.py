"""A demo four-components self-assessment with a planted finding: the written policy exists on paper only.

Six managers (the owner among them) and fourteen front-line staff rate the
sixteen statements of ``cxlib/catalog/components.toml``. Managers rate the
written customer policy far higher than staff do: the policy was written and
approved, but the people who serve customers do not know what it says. The
other three components differ little between the two roles, so the policy gap
is the one a reader should find, and the policy, as all respondents see it,
is the weakest component.

Each answer is a respondent's own level of agreement (some people agree more
than others), plus the role's profile for the component, plus noise, rounded
to the 1–5 scale; a few answers are left blank ("don't know").

Examples
--------
>>> table = components_for(7)
>>> table.groupby("role")["respondent"].nunique().to_dict()
{'manager': 5, 'owner': 1, 'staff': 14}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib import catalog

ROLES = (("owner", 1), ("manager", 5), ("staff", 14))
"""Who answers, and how many of each."""

PROFILE = {
    "managers": {"metrics": 3.8, "policy": 4.5, "processes": 3.6, "culture": 4.1},
    "staff": {"metrics": 3.5, "policy": 2.1, "processes": 3.3, "culture": 3.9},
}
"""Each role's mean answer per component before rounding: the planted gap is the policy's 2.4 points."""

PERSON_SD = 0.35   # how much one person's overall agreement differs from another's
ANSWER_SD = 0.6    # noise of one answer
BLANK_SHARE = 0.04  # answers left blank ("don't know")
STREAM = 41  # the questionnaire draws from the stream [seed, 41], apart from the demo's other tables' streams


def components_for(seed: int) -> pd.DataFrame:
    """The demo company's four-components questionnaire, drawn from ``seed``.

    Parameters
    ----------
    seed : int
        The company's seed; the answers come from the stream ``[seed, STREAM]``, so a demo that draws its other
        tables from ``seed`` and ``[seed, k]`` for small k gets the same tables as before, and this one independent.

    Returns
    -------
    DataFrame
        ``components.csv``'s columns: ``respondent`` (K01…K20), ``role`` (owner, manager, staff),
        ``statement_id``, ``answer`` (1–5, nullable integer; NA is a blank cell).
    """
    rng = np.random.default_rng([seed, STREAM])
    roles = catalog.load("components")["roles"]
    statements = catalog.load("components")["statements"]
    rows = []
    number = 0
    for role, count in ROLES:
        for _ in range(count):
            number += 1
            person = rng.normal(0, PERSON_SD)
            for statement in statements:
                mean = PROFILE[roles[role]][statement["component"]] + person
                answer = int(np.clip(np.rint(mean + rng.normal(0, ANSWER_SD)), 1, 5))
                blank = rng.random() < BLANK_SHARE
                rows.append({"respondent": f"K{number:02d}", "role": role, "statement_id": statement["id"],
                             "answer": pd.NA if blank else answer})
    table = pd.DataFrame(rows)
    table["answer"] = table["answer"].astype("Int64")
    return table
