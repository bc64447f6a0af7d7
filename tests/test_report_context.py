"""The report's context: each endpoint derived once, each file read once, errors kept."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.errors import InputError
from blina_stats.report import context as context_module
from blina_stats.report.context import Context, Inputs
from blina_stats.report.parts import PARTS
from blina_stats.synthetic import bundled


@pytest.fixture
def ctx() -> Context:
    return Context.load(Inputs.resolve(), n_trials=0, quiet=True)


def test_bundled_inputs_by_default_and_none_beside_a_given_table(tmp_path: Path) -> None:
    inputs = Inputs.resolve()
    assert inputs.events == bundled("trial") and inputs.labs == bundled("labs")
    own = Inputs.resolve(tmp_path / "events.csv", ae=tmp_path / "ae.csv")
    assert own.ae == tmp_path / "ae.csv" and own.dosing is None and own.labs is None
    with pytest.raises(TypeError, match="unknown input"):
        Inputs.resolve(adverse=tmp_path)


def test_an_endpoint_is_derived_once_per_request(ctx: Context) -> None:
    a = ctx.endpoint("pfs")
    assert ctx.endpoint("pfs") is a and ctx.n_derived == 1
    b = ctx.endpoint("pfs", delayed_entry=False)
    assert b is not a and ctx.n_derived == 2
    # the report's own options spelled out are the same request
    assert ctx.endpoint("pfs", origin="transplant", delayed_entry=True) is a
    assert ctx.n_derived == 2


def test_a_not_estimable_endpoint_raises_the_same_error_each_time(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    pd.read_csv(bundled("trial")).drop(columns=["agvhd_grade"]).to_csv(data, index=False)
    ctx = Context.load(Inputs.resolve(data), quiet=True)
    with pytest.raises(bs.NotEstimable) as first:
        ctx.endpoint("agvhd_3_4")
    with pytest.raises(bs.NotEstimable) as second:
        ctx.endpoint("agvhd_3_4")
    assert first.value is second.value and ctx.n_derived == 1


def test_each_companion_file_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import blina_stats.safety as safety

    # the eligibility package exports a function named engraftment: take the module itself
    engraftment = sys.modules["blina_stats.eligibility.engraftment"]

    calls: list[str] = []
    read_ae, read_labs = safety.read_adverse_events, engraftment.read_labs

    # a call given an already-read table hands it back: only a path is a read
    def count_ae(*args: object, **kw: object) -> object:
        if isinstance(args[0], str | Path):
            calls.append("ae")
        return read_ae(*args, **kw)  # type: ignore[arg-type]

    def count_labs(*args: object, **kw: object) -> object:
        if isinstance(args[0], str | Path):
            calls.append("labs")
        return read_labs(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(safety, "read_adverse_events", count_ae)
    monkeypatch.setattr(engraftment, "read_labs", count_labs)
    # read (and validated) when the context is made, then reused by every part
    ctx = Context.load(Inputs.resolve(), n_trials=0, quiet=True)
    assert sorted(calls) == ["ae", "labs"]
    for module in PARTS:
        if module.KEY in ("flow", "safety", "monitoring"):
            module.build(ctx)
    assert sorted(calls) == ["ae", "labs"]


def test_a_bad_companion_file_is_an_error_when_the_context_is_made(tmp_path: Path) -> None:
    ae = pd.read_csv(bundled("adverse_events"), dtype=str, keep_default_na=False)
    ae.loc[2, "grade"] = "7"
    ae.to_csv(tmp_path / "ae.csv", index=False)
    msg = "ae.csv: data row 3, patient 'BLN-001': grade 7 is not a CTCAE grade 1-5"
    with pytest.raises(InputError, match=re.escape(msg)):
        Context.load(Inputs.resolve(bundled("trial"), ae=tmp_path / "ae.csv"), quiet=True)


def test_a_missing_companion_names_its_flag(tmp_path: Path) -> None:
    ctx = Context.load(Inputs.resolve(bundled("trial")), quiet=True)
    with pytest.raises(InputError, match=re.escape("no dosing file given (--dosing FILE)")):
        _ = ctx.dosing
    assert ctx.labs is None


def test_the_default_report_derives_each_endpoint_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Context] = []
    real = Context.load.__func__  # type: ignore[attr-defined]

    def load(cls: type[Context], *args: object, **kw: object) -> Context:
        made.append(real(cls, *args, **kw))
        return made[-1]

    monkeypatch.setattr(context_module.Context, "load", classmethod(load))
    from blina_stats.report import build_report

    build_report(out=tmp_path, quiet=True, n_trials=0)
    (ctx,) = made
    requests = [k for k in ctx._cache if isinstance(k, tuple) and k[0] == "endpoint"]
    assert ctx.n_derived == len(requests) == len(set(requests))
    assert ctx.n_derived <= 2 * len(bs.ENDPOINTS)
