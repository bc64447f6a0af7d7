"""Each part of the report builds alone from a context, and says why when it cannot."""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.report import build_report
from blina_stats.report.context import Context, Inputs
from blina_stats.report.part import Part, build_part
from blina_stats.report.parts import PARTS
from blina_stats.report.write import merge_json
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(Inputs.resolve(), n_trials=0, quiet=True)


@pytest.mark.parametrize("module", PARTS, ids=lambda m: m.KEY)
def test_a_part_builds_alone(module: ModuleType, ctx: Context) -> None:
    part = module.build(ctx)
    assert isinstance(part, Part) and (part.key, part.title) == (module.KEY, module.TITLE)
    assert part.status == "ok", part.message
    assert part.tables or part.figures
    names = [name for *_, name in part.tables]
    assert len(names) == len(set(names))
    for caption, frame, _ in part.tables:
        assert caption and isinstance(frame, pd.DataFrame)


def test_parts_have_distinct_keys() -> None:
    keys = [m.KEY for m in PARTS]
    assert len(keys) == len(set(keys))


def test_a_part_without_its_file_is_missing_with_the_reason(tmp_path: Path) -> None:
    ctx = Context.load(Inputs.resolve(bundled("trial")), quiet=True)
    (exposure,) = [m for m in PARTS if m.KEY == "exposure"]
    part = build_part(exposure.KEY, exposure.TITLE, exposure.build, ctx)
    assert part.status == "missing"
    assert part.message == "no dosing file given (--dosing FILE)"


def test_json_of_parts_merges_one_level_deep() -> None:
    a = Part("a", "A", json={"safety": {"adverse_events": 1}, "flow": {"n": 1}})
    b = Part("b", "B", json={"safety": {"exposure": 2}})
    doc = merge_json({"n_patients": 3}, [a, b])
    assert doc == {
        "n_patients": 3,
        "safety": {"adverse_events": 1, "exposure": 2},
        "flow": {"n": 1},
    }
    assert list(doc) == ["n_patients", "safety", "flow"]


#: "day +N" not followed by its origin; the protocol's own term in quotes is allowed
UNQUALIFIED_DAY = re.compile(r"day \+\d+(?:\.\d+)?(?![\d.])(?! after (?:the )?transplant)(?!')")


@pytest.fixture(scope="module", params=["transplant", "enrollment"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp(f"report_{request.param}")
    return request.param, build_report(out=out, origin=request.param, quiet=True, n_trials=200)


def test_no_output_says_day_plus_without_its_origin(written) -> None:
    origin, result = written
    texts = {
        path: (result.out / path).read_text(encoding="utf-8")
        for path in result.files
        if path.suffix in (".html", ".md", ".json", ".csv")
    }
    assert any(p.name == "estimates.json" for p in texts) and any(p.suffix == ".md" for p in texts)
    for path, text in texts.items():
        bad = [m.group(0) for m in UNQUALIFIED_DAY.finditer(html.unescape(text))]
        assert not bad, (origin, str(path), bad[:3])
    endpoints = result.estimates["endpoints"]
    if origin == "enrollment":
        assert endpoints["agvhd"]["horizon_label"] == "100 days after the first dose"
        assert "day +100" not in (result.out / "tables" / "endpoints.md").read_text()
    else:
        assert endpoints["agvhd"]["horizon_label"] == "day +100 after transplant"


def test_outcomes_give_os_pfs_relapse_nrm_from_both_origins(written) -> None:
    origin, result = written
    doc = result.estimates
    other = doc["endpoints_other_origin"]
    assert other["origin"] == ("enrollment" if origin == "transplant" else "transplant")
    assert list(other["endpoints"]) == ["os", "pfs", "relapse", "nrm"]
    # the main contract is unchanged: its endpoints are those of the report's own origin
    cohort = bs.load_events(bundled("trial"))
    for key, origin_of in ((None, origin), ("endpoints_other_origin", other["origin"])):
        table = bs.estimate(cohort, endpoints=("os", "pfs", "relapse", "nrm"), origin=origin_of)
        got = doc["endpoints"] if key is None else other["endpoints"]
        for name, row in table.iterrows():
            assert got[name]["estimate"] == row["estimate"], (key, name)
            assert got[name]["horizon_label"] == row["horizon_label"]
    both = pd.read_csv(
        result.out / "tables" / "endpoints_both_origins.csv", index_col=0, skiprows=1
    )
    dose = bs.estimate(cohort, endpoints=("nrm",), origin="enrollment").loc["nrm"]
    assert both.loc["nrm", "from the first dose: estimate (%)"] == round(100 * dose["estimate"], 1)
    assert both.loc["nrm", "from transplant: horizon"] == "6 months after transplant"
    assert both.loc["nrm", "from the first dose: horizon"] == "6 months after the first dose"
    follow = doc["follow_up"]
    assert {v["from"] for v in follow.values()} == {"transplant", "the first dose"}
    assert "median follow-up, reverse Kaplan-Meier (95% CI)" in follow  # the existing key


def test_a_monitoring_status_caption_counts_the_rows_it_shows(ctx: Context) -> None:
    """The captions said "all 68 treated patients" over tables of 67 and 65 rows."""
    from blina_stats.report.parts import monitoring

    tables = {name: (caption, frame) for caption, frame, name in monitoring.build(ctx).tables}
    for key in ("nrm", "toxicity", "crs_icans"):
        caption, frame = tables[f"monitoring_{key}_status"]
        skipped = frame.attrs["not_evaluable"]
        assert len(frame) + len(skipped) == ctx.cohort.n_patients
        if skipped:
            assert caption.endswith(f"and not counted: {', '.join(skipped)}"), caption
            assert f"; {len(skipped)} not yet evaluable" in caption
        else:
            assert "not counted" not in caption
    assert tables["monitoring_crs_icans_status"][1].attrs["not_evaluable"] == ("BLN-061",)
