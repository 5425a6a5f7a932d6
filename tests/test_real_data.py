"""Real data is the test: every shape real exports take runs end to end, and "check passes ⇒ run passes".

The shapes (tests/support/shapes.py) are the demo changed one way each, as reviewers found them in public data
sets; the property test draws client folders inside the contract with Hypothesis. ``make soak`` runs many more
examples than CI does (``CXKIT_SOAK_EXAMPLES``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

import cxlib
import cxlib.cli

from support import folders, shapes
from support.reports import not_values

SOAK_EXAMPLES = int(os.environ.get("CXKIT_SOAK_EXAMPLES", "3"))


def _run(folder, out):
    return cxlib.cli.run(folder, out, workers=2, echo=lambda *_: None)


def _counts_add_up(client: cxlib.Client) -> None:
    """Answers plus blanks equal the rows read, for every metric: nothing dropped silently."""
    rows = len(client.survey) if client.has_rows else None
    for metric in ("nps", "csat", "csi", "ces"):
        estimate = cxlib.estimate(client.answers, metric, scales=client.config["scales"])
        total = estimate.n + estimate.missing
        if rows is not None:
            assert total == rows, (metric, estimate.n, estimate.missing, rows)


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_each_real_shape_runs_and_says_what_it_could_not_compute(shape, tmp_path):
    folder = shapes.make(shape, tmp_path / shape)
    client = cxlib.load_client(folder)
    _counts_add_up(client)
    report = _run(folder, tmp_path / "out")
    assert not_values(report) == []


@settings(max_examples=SOAK_EXAMPLES, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=folders.folders())
def test_every_folder_check_accepts_runs(spec, tmp_path_factory):
    folder = folders.write(spec, tmp_path_factory.mktemp("client") / "client")
    try:
        client = cxlib.load_client(folder)
    except cxlib.DataError:
        return  # check refused it, with its list of problems: nothing to run
    _counts_add_up(client)
    report = _run(folder, folder.parent / "out")
    assert not_values(report) == []


def test_identical_inputs_give_identical_bytes(tmp_path):
    folder = shapes.make("only_nps", tmp_path / "client")
    first, second = _run(folder, tmp_path / "first").parent, _run(folder, tmp_path / "second").parent
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
