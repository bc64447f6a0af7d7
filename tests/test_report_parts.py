"""Each part of the report builds alone from a context, and says why when it cannot."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

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
