"""Key-driver analysis: Johnson's relative weights against independent computations, and the rating columns."""

from __future__ import annotations

import doctest
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib import drivers
from cxlib.client import ratings
from cxlib.client.config import schema_problems
from cxlib.drivers import DriverError, johnson_weights, relative_importance

from conftest import write_client

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def correlated(n: int, loadings: list[float], seed: int, noise: float = 1.0) -> pd.DataFrame:
    """Drivers sharing one common factor (as ratings of one visit do) and an outcome built from ``loadings``."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    x = 0.7 * common + rng.normal(size=(n, len(loadings)))
    y = x @ np.array(loadings) + noise * rng.normal(size=n)
    return pd.DataFrame(x, columns=[f"x{j}" for j in range(len(loadings))]).assign(y=y)


def r_squared(frame: pd.DataFrame, columns: list[str]) -> float:
    """R² of the OLS fit of y on ``columns`` with an intercept (numpy.linalg.lstsq)."""
    y = frame["y"].to_numpy()
    if not columns:
        return 0.0
    design = np.column_stack([np.ones(len(frame)), frame[columns].to_numpy()])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    return 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def lmg(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """LMG (Shapley) decomposition of R²: each column's R² gain averaged over every order of entry."""
    gains = np.zeros(len(columns))
    orders = list(itertools.permutations(range(len(columns))))
    for order in orders:
        entered: list[str] = []
        for j in order:
            before = r_squared(frame, entered)
            entered.append(columns[j])
            gains[j] += r_squared(frame, entered) - before
    return gains / len(orders)


def johnson_by_svd(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Johnson's weights as the paper builds them: the orthogonal Z nearest to X (SVD), y on Z, X on Z."""
    x = frame[columns].to_numpy()
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = frame["y"].to_numpy()
    y = (y - y.mean()) / y.std()
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    z = u @ vt * math.sqrt(len(x))  # orthonormal columns scaled to unit variance, least squares closest to x
    beta, *_ = np.linalg.lstsq(z, y, rcond=None)
    loadings, *_ = np.linalg.lstsq(z, x, rcond=None)  # row k: how Z_k loads on each x_j
    return (loadings**2).T @ beta**2


def test_two_predictors_match_the_closed_form():
    frame = correlated(500, [1.0, 0.4], seed=1)
    corr = np.corrcoef(frame[["x0", "x1", "y"]].to_numpy(), rowvar=False)
    r, r1, r2 = corr[0, 1], corr[0, 2], corr[1, 2]
    a, b = (math.sqrt(1 + r) + math.sqrt(1 - r)) / 2, (math.sqrt(1 + r) - math.sqrt(1 - r)) / 2
    beta1, beta2 = (a * r1 - b * r2) / math.sqrt(1 - r * r), (a * r2 - b * r1) / math.sqrt(1 - r * r)
    expected = {"x0": a * a * beta1**2 + b * b * beta2**2, "x1": b * b * beta1**2 + a * a * beta2**2}
    table = relative_importance(frame, "y", ["x0", "x1"], replicates=50).set_index("driver")
    for driver, weight in expected.items():
        assert table.loc[driver, "weight"] == pytest.approx(weight, abs=1e-6)
    assert table["weight"].sum() == pytest.approx(r_squared(frame, ["x0", "x1"]), abs=1e-9)


def test_weights_match_the_papers_construction_and_sum_to_the_ols_r_squared():
    frame = correlated(800, [0.9, 0.5, 0.3, 0.0], seed=2)
    columns = ["x0", "x1", "x2", "x3"]
    table = relative_importance(frame, "y", columns, replicates=50).set_index("driver").loc[columns]
    np.testing.assert_allclose(table["weight"].to_numpy(), johnson_by_svd(frame, columns), atol=1e-6)
    assert table["weight"].sum() == pytest.approx(r_squared(frame, columns), abs=1e-9)
    assert table.attrs["r2"] == pytest.approx(r_squared(frame, columns), abs=1e-9)
    assert table["share"].sum() == pytest.approx(100, abs=1e-9)


def test_weights_approximate_lmg_and_rank_the_drivers_alike():
    frame = correlated(1000, [0.8, 0.5, 0.25, 0.1], seed=3)
    columns = ["x0", "x1", "x2", "x3"]
    shapley = lmg(frame, columns)
    assert shapley.sum() == pytest.approx(r_squared(frame, columns), abs=1e-9)  # LMG also decomposes R²
    table = relative_importance(frame, "y", columns, replicates=50).set_index("driver").loc[columns]
    assert list(np.argsort(-table["weight"].to_numpy())) == list(np.argsort(-shapley))
    np.testing.assert_allclose(table["weight"].to_numpy(), shapley, atol=0.01)


def test_a_planted_top_driver_comes_first_with_the_largest_share():
    rng = np.random.default_rng(20250101)
    n = 1500
    visit = rng.normal(size=(n, 1))  # one visit colours every rating
    latent = 0.6 * visit + rng.normal(size=(n, 5))
    names = ["booking", "reception", "communication", "repair", "price"]
    frame = pd.DataFrame(np.clip(np.rint(3.2 + latent), 1, 5), columns=[f"rating_{a}" for a in names])
    score = 7 + 1.6 * latent[:, 2] + 0.4 * latent[:, 0] + 0.3 * latent[:, 4] + rng.normal(size=n)
    frame["nps"] = np.clip(np.rint(score), 0, 10)
    table = relative_importance(frame, "nps", list(frame.columns[:-1]), replicates=300)
    assert table.loc[0, "driver"] == "rating_communication"
    assert table.loc[0, "share_low"] > table.loc[1:, "share_high"].max()  # clearly first, not first by chance
    assert (table["share_low"] <= table["share"]).all() and (table["share"] <= table["share_high"]).all()


def test_missing_values_are_left_out_and_counted():
    frame = correlated(200, [1.0, 0.5, 0.2], seed=4)
    frame.loc[:9, "x0"] = np.nan
    frame.loc[5:14, "x1"] = np.nan  # rows 5-9 miss both: 15 rows miss a driver
    frame.loc[20:22, "y"] = np.nan
    frame = frame.astype({"x2": "Float64"})
    frame.loc[30, "x2"] = pd.NA
    table = relative_importance(frame, "y", ["x0", "x1", "x2"], replicates=50).set_index("driver")
    assert table.attrs["n"] == 200 - 15 - 3 - 1 and table.attrs["left_out"] == 19
    assert table.attrs["outcome_missing"] == 3
    assert table["missing"].to_dict() == {"x0": 10, "x1": 10, "x2": 1}
    assert table["rated"].to_dict() == {"x0": 190, "x1": 190, "x2": 199}
    assert (table["n"] == 181).all()


def test_performance_is_the_mean_and_the_top_box_with_a_wilson_interval():
    frame = correlated(120, [1.0, 0.5], seed=5)
    frame["x0"] = [5, 4, 3, 2, 1, 5] * 20
    frame["x1"] = np.rint(np.clip(frame["x1"] * 2 + 6, 0, 10))
    table = relative_importance(frame, "y", ["x0", "x1"], replicates=50, scales={"x0": (1, 5), "x1": (0, 10)},
                                top_box={"x1": 2}).set_index("driver")
    assert table.loc["x0", "performance"] == pytest.approx(20 / 6)
    assert table.loc["x0", "top_box"] == pytest.approx(50.0)  # 4 and 5 of 1–5
    low, high = cxlib.metrics.wilson_interval(60, 120)
    assert (table.loc["x0", "top_box_low"], table.loc["x0", "top_box_high"]) == pytest.approx((100 * low, 100 * high))
    assert table.loc["x1", "top_box"] == pytest.approx(100 * (frame["x1"] >= 9).mean())


def test_the_bootstrap_is_seeded_and_equals_resampling_rows_one_at_a_time():
    frame = correlated(150, [1.0, 0.6, 0.2], seed=6)
    columns = ["x0", "x1", "x2"]
    first = relative_importance(frame, "y", columns, replicates=200, seed=11)
    again = relative_importance(frame, "y", columns, replicates=200, seed=11)
    pd.testing.assert_frame_equal(first, again)
    assert not first["share_low"].equals(relative_importance(frame, "y", columns, replicates=200, seed=12)["share_low"])
    data = frame[[*columns, "y"]].to_numpy()
    batched = drivers._bootstrap_weights(data, 20, seed=7)
    draws = np.random.default_rng(7).integers(0, len(data), size=(20, len(data)))
    for replicate, rows in zip(batched, draws):
        corr = np.corrcoef(data[rows], rowvar=False)
        np.testing.assert_allclose(replicate, johnson_weights(corr[:-1, :-1], corr[:-1, -1]), atol=1e-9)


def test_the_excess_over_the_mean_weight_has_the_bootstraps_standard_deviation():
    frame = correlated(150, [1.0, 0.6, 0.2], seed=6)
    columns = ["x0", "x1", "x2"]
    table = relative_importance(frame, "y", columns, replicates=120, seed=11).set_index("driver").loc[columns]
    data = frame[[*columns, "y"]].to_numpy()
    copies = [data[rows] for rows in np.random.default_rng(11).integers(0, len(data), size=(120, len(data)))]
    weights = np.array([johnson_by_svd(pd.DataFrame(c, columns=[*columns, "y"]), columns) for c in copies])
    expected = pd.DataFrame(weights).sub(weights.mean(axis=1), axis=0).std(ddof=1).to_numpy()
    np.testing.assert_allclose(table["excess_se"].to_numpy(), expected, rtol=1e-6)


def test_touchpoint_importance_sums_the_shares_of_a_touchpoints_attributes():
    table = pd.DataFrame({"driver": ["a", "b", "c", "d"], "touchpoint": [" Desk", "desk", "", "app"],
                          "share": [30.0, 20.0, 10.0, 40.0]})
    assert drivers.touchpoint_importance(table).to_dict() == {"desk": 50.0, "app": 40.0}
    assert drivers.touchpoint_importance(table.iloc[0:0]).empty and drivers.touchpoint_importance(None).empty


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_driver_chart_draws_shares_key_drivers_and_performance_in_words(language):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxlib.plots import driver_chart

    frame = correlated(300, [1.0, 0.5, 0.2], seed=12)
    table = relative_importance(frame, "y", ["x0", "x1", "x2"], replicates=100, scales=(-5, 5))
    table.insert(1, "name", ["$5 off$ deal", "Keeping me informed", "Цена"])
    ax = driver_chart(table, key={table.loc[0, "driver"]}, language=language)
    bars = [patch.get_width() for patch in ax.patches]
    np.testing.assert_allclose(bars, table["share"].to_numpy())
    assert ax.patches[0].get_hatch() == "//" and not ax.patches[1].get_hatch()
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels[0] == "\\$5 off\\$ deal"  # drawn literally, not as TeX
    drawn = " ".join(t.get_text() for t in ax.figure.findobj(matplotlib.text.Text))
    words = {"en": "Top-box ratings", "ru": "Высшие оценки"}[language]
    assert words in drawn and "nan" not in drawn
    plt.close(ax.figure)


@pytest.mark.parametrize("change, reason, words", [
    (lambda f: f.iloc[:25], "too_few", "Only 25 answers rate every attribute and give y; ranking the drivers needs"),
    (lambda f: f.assign(x2=f["x0"] + f["x1"]), "singular", "x0, x1, x2 move together so closely"),
    (lambda f: f.assign(x1=3.0), "constant_driver", "Every answer gives x1 the same rating"),
    (lambda f: f.assign(y=7.0), "constant_outcome", "Every answer gives the same y"),
])
def test_no_ranking_without_the_data_for_one(change, reason, words):
    frame = change(correlated(200, [1.0, 0.5, 0.2], seed=8))
    with pytest.raises(DriverError) as caught:
        relative_importance(frame, "y", ["x0", "x1", "x2"], replicates=20)
    assert caught.value.reason == reason and words in str(caught.value)


def test_the_sentence_follows_the_language_and_no_ratings_is_said():
    with pytest.raises(DriverError, match="^Только 10 ответов содержат оценки всех сторон сервиса и NPS"):
        relative_importance(correlated(10, [1.0], seed=9).rename(columns={"y": "nps"}), "nps", ["x0"], language="ru")
    with pytest.raises(DriverError, match=r"no attribute ratings \(rating_ columns\).*drivers of CSI"):
        relative_importance(pd.DataFrame({"csi": [1, 2]}), "csi", [])


def test_satisfaction_as_0_or_1_is_an_outcome():
    frame = correlated(400, [1.0, 0.2], seed=10)
    frame["csat"] = (frame["y"] > 0).astype(int)
    table = relative_importance(frame, "csat", ["x0", "x1"], replicates=50)
    assert table["driver"].tolist() == ["x0", "x1"] and 0 < table.attrs["r2"] < 1


# --------------------------------------------------------------------------- the rating columns in the loader

RATED = "response_id,nps,rating_booking,rating_waiting,rating_wifi"


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    return [str(problem) for problem in caught.value.problems]


def test_rating_columns_are_read_as_whole_numbers_with_0_and_na_as_counted_blanks(tmp_path):
    rows = ["R1,9,5,4,3", "R2,3,0,2,n/a", "R3,7,4,,0", "R4,10,5 - excellent,5,N/A"]
    client = cxlib.load_client(write_client(tmp_path / "c", rows, header=RATED))
    survey = client.survey
    assert str(survey["rating_booking"].dtype) == "Int64"
    assert survey["rating_booking"].fillna(-1).tolist() == [5, -1, 4, 5]  # -1: blank here
    assert survey["rating_wifi"].fillna(-1).tolist() == [3, -1, -1, -1]
    assert "survey.csv rating_booking: 1 answers of 0, below the 1–5 scale, read as not rated (blank)" in client.notes
    assert "survey.csv rating_wifi: 2 don't-know answers ('n/a', 'N/A') read as blank" in client.notes
    assert not any("extra columns" in note for note in client.notes)
    assert client.ratings["column"].tolist() == ["rating_booking", "rating_waiting", "rating_wifi"]


def test_a_rating_outside_its_scale_is_a_problem_naming_file_row_column_value_and_scale(tmp_path):
    rows = ["R1,9,5,4,3", "R2,3,6,2,1", "R3,7,4,-1,2.5"]
    assert problems_of(write_client(tmp_path / "c", rows, header=RATED)) == [
        "survey.csv row 3, rating_booking: '6' is outside 1–5",
        "survey.csv row 4, rating_waiting: '-1' is outside 1–5",
        "survey.csv row 4, rating_wifi: '2.5' is not a whole number",
    ]


def test_client_toml_sets_scales_touchpoints_stages_and_names(tmp_path):
    toml = ('name = "X"\nlanguage = "ru"\n[ratings]\nscale = { min = 0, max = 10 }\n'
            '[ratings.booking]\ntouchpoint = "phone booking"\nstage = "Purchase"\nname_ru = "Запись"\n'
            '[ratings.wifi]\nscale = { min = 1, max = 5 }\ntop_box = 1\n')
    folder = write_client(tmp_path / "c", ["R1,9,0,10,0", "R2,3,10,2,5"], header=RATED, toml=toml)
    client = cxlib.load_client(folder)
    assert client.survey["rating_booking"].tolist() == [0, 10]  # 0 is on a 0–10 scale: a rating, not a blank
    assert client.survey["rating_wifi"].fillna(-1).tolist() == [-1, 5]
    table = client.ratings.set_index("attribute")
    assert table.loc["booking", ["name", "touchpoint", "stage", "min", "max"]].tolist() == \
        ["Запись", "phone booking", "purchase", 0, 10]
    assert table.loc["wifi", ["name", "min", "max", "top_box"]].tolist() == ["wifi", 1, 5, 1]
    (folder / "survey.csv").write_text(f"{RATED}\nR1,9,11,1,1\n", encoding="utf-8")
    assert problems_of(folder) == ["survey.csv row 2, rating_booking: '11' is outside 0–10"]


def test_a_mapped_export_header_becomes_a_rating_column(tmp_path):
    toml = 'name = "X"\n[columns.survey]\nrating_wifi = "Inflight wifi service"\n'
    folder = write_client(tmp_path / "c", ["9,0", "4,3"], header="nps,Inflight wifi service", toml=toml)
    assert cxlib.load_client(folder).survey["rating_wifi"].fillna(-1).tolist() == [-1, 3]


@pytest.mark.parametrize("toml, expected", [
    ("[ratings]\nscale = { min = 5, max = 1 }\n", "client.toml, ratings.scale: '5..1' is not a pair of whole numbers"),
    ("[ratings.wifi]\nstage = \"flight\"\n", "client.toml, ratings.wifi.stage: 'flight' is not one of awareness"),
    ("[ratings.wifi]\ncolour = \"red\"\n", "client.toml, ratings.wifi.colour: 'red' is not a client.toml key"),
    ("[ratings.wifi]\nscale = { min = 1, most = 5 }\n", "client.toml, ratings.wifi.scale.most: '5' is not a"),
    ("[ratings.wifi]\ntop_box = 7\n", "client.toml, ratings.wifi.top_box: '7' must count from 1 to 4 points"),
    ("[ratings]\nscale = { min = 1.5, max = 5 }\n", "client.toml, ratings.scale.min: '1.5' must be an integer"),
])
def test_ratings_in_client_toml_are_checked(toml, expected, tmp_path):
    found = problems_of(write_client(tmp_path / "c", ["R1,9,5,4,3"], header=RATED, toml=f'name = "X"\n{toml}'))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_schema_knows_ratings():
    good = {"name": "X", "ratings": {"scale": {"min": 0, "max": 10}, "top_box": 2, "no_answer": [99],
                                     "wifi": {"touchpoint": "wifi", "stage": "experience", "name_en": "Wi-Fi",
                                              "name_ru": "Wi-Fi", "scale": {"min": 1, "max": 5}}}}
    assert schema_problems(good) == []


def test_declared_attributes_without_a_column_are_noted(tmp_path):
    toml = 'name = "X"\n[ratings.parking]\nstage = "experience"\n'
    client = cxlib.load_client(write_client(tmp_path / "c", ["R1,9,5,4,3"], header=RATED, toml=toml))
    assert "client.toml [ratings] names attributes survey.csv does not rate: rating_parking" in client.notes


def test_the_readme_documents_the_rating_columns():
    readme = (DEMO.parent / "README.md").read_text(encoding="utf-8")
    assert "`rating_<attribute>`" in readme and "[ratings]" in readme and "[ratings.<attribute>]" in readme


def test_the_module_examples_hold():
    for module in (drivers, ratings):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


# --------------------------------------------------------------------------- the demo's planted driver

def test_the_demo_rates_attributes_mapped_to_touchpoints_and_communication_drives_nps():
    client = cxlib.load_client(DEMO)
    mapped = client.ratings
    assert 4 <= len(mapped) <= 6 and (mapped["touchpoint"] != "").all() and (mapped["stage"] != "").all()
    assert set(mapped["touchpoint"]) <= set(client.journey["touchpoint"])
    table = drivers.key_drivers(client, "nps", replicates=300)
    assert table.loc[0, "driver"] == "rating_communication"
    assert table.loc[0, "share_low"] > table.loc[1:, "share_high"].max()
    assert table.attrs["left_out"] > 0 and table.attrs["n"] + table.attrs["left_out"] == len(client.survey)
