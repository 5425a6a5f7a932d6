"""Support contacts: what a contact-centre export says about effort, and where it meets the survey.

The method asks the company to "combine NPS, CSI and the number and topics of contacts to see where effort
pays". Every function takes the loaded ``contacts`` table (``Client.contacts``; ``data/README.md``) and returns
a tidy DataFrame. Conventions, fixed once here:

* Shares carry Wilson's interval (:func:`cxlib.metrics.share`) and their n; a blank (unknown) flag is left out
  of n and counted, never read as "no".
* Resolution time is ``closed_at − opened_at`` in hours; an open contact has none yet and is counted apart.
  Its quantiles carry distribution-free intervals between two order statistics (:func:`quantile_interval`).
* A repeat is another contact by the same customer opened within ``repeat_window_days`` after a contact; a
  contact opened less than that before the export's last one cannot be judged yet and is counted as unknown.
  Repeats of one customer are not independent, so the interval is a little too narrow for heavy repeaters.
* Survey scores by contact history count each customer once (the latest answer) and are claims of the
  report's one family (:mod:`cxlib.claims`). Thresholds and words live in ``cxlib/catalog/contacts.toml``.

Examples
--------
>>> import pandas as pd
>>> contacts = pd.DataFrame({
...     "contact_id": ["A", "B", "C"], "channel": ["phone", "phone", "chat"], "customer_id": ["c1", "c1", ""],
...     "opened_at": pd.to_datetime(["2025-01-02 09:00", "2025-01-05 10:00", "2025-02-01 12:00"]),
...     "closed_at": pd.to_datetime(["2025-01-02 11:00", pd.NaT, "2025-02-01 13:00"]),
...     "resolved_first_time": pd.array([False, pd.NA, True], dtype="boolean")})
>>> table = first_contact_resolution(contacts)
>>> table.loc[0, ["resolved", "n", "unknown"]].tolist(), float(table.loc[0, "value"])
([1, 2, 1], 50.0)
"""

from cxlib.contacts.measures import (
    HISTORIES,
    KIND,
    SOURCE,
    UNITS,
    contact_topics,
    first_contact_resolution,
    flag_share,
    gap,
    gaps,
    histories,
    history_name,
    latest_scores,
    per_customer,
    quantile_interval,
    repeat_contacts,
    repeat_flags,
    resolution_time,
    thresholds,
    topic_volume,
    volume,
)
from cxlib.contacts.survey import history_claims, scorecard_rows, topic_ranking

__all__ = [
    "HISTORIES", "KIND", "SOURCE", "UNITS", "contact_topics", "first_contact_resolution", "flag_share", "gap", "gaps",
    "histories", "history_claims", "history_name", "latest_scores", "per_customer", "quantile_interval",
    "repeat_contacts", "repeat_flags", "resolution_time", "scorecard_rows", "thresholds", "topic_ranking",
    "topic_volume", "volume",
]
