"""The four components of quality customer service, scored from a self-assessment by managers and staff.

The method names four components without which quality customer service
cannot exist: approved metrics, a written customer-interaction policy,
business processes consistent with that policy, and a staff culture committed
to the customer. Managers (the owner counts as one) and front-line staff rate
four statements per component from 1 (disagree) to 5 (agree) in
``components.csv``. Per component: the mean of respondent scores for
managers, staff and all, with its t interval and n; the manager–staff gap
(Welch's t) as a claim of the report's one family (source ``"components"``),
since a component managers rate well and staff do not exists on paper only;
and the weakest component, named only when the evidence rules hold, else
"insufficient" with a one-sentence reason. Statements, thresholds and
sentences are in ``cxlib/catalog/components.toml``; a client overrides the
thresholds under ``[overrides.components.scoring]`` in ``client.toml``.

Examples
--------
>>> import pandas as pd
>>> rows = [{"respondent": f"R{r}", "role": "manager" if r < 4 else "staff", "statement_id": s,
...          "answer": r % 2 + (3 if not s.startswith("POL") else 4 if r < 4 else 2)}
...         for r in range(10) for s in questionnaire().index]
>>> result = assess(pd.DataFrame(rows))
>>> policy = result.gaps.set_index("metric").loc["policy"]
>>> policy["source"], policy["from"], policy["to"], float(policy["diff"])
('components', 'staff', 'managers', 2.0)
"""

from cxlib.components.assessment import (
    GROUPS,
    KIND,
    METHOD,
    RULES,
    SOURCE,
    ComponentsResult,
    assess,
    components,
    gap_claims,
    questionnaire,
    respondent_scores,
    settings,
)
from cxlib.components.differences import Difference, mean_interval, paired, welch

__all__ = [
    "GROUPS", "KIND", "METHOD", "RULES", "SOURCE", "ComponentsResult", "Difference", "assess", "components",
    "gap_claims", "mean_interval", "paired", "questionnaire", "respondent_scores", "settings", "welch",
]
