"""One failing part never aborts the report: it is listed as not available, the rest is written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from blina_stats.cli import main
from blina_stats.plots.style import new_axes, plain_text, save
from blina_stats.synthetic import bundled


def strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def run_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[str], Path]:
    out = tmp_path / "out"
    code = main(["report", "--out", str(out), "--quiet", "--design-trials", "0", *args])
    err = capsys.readouterr().err
    return code, err.splitlines(), out


def trial() -> pd.DataFrame:
    return pd.read_csv(bundled("trial"), dtype=str, keep_default_na=False)


def test_a_cohort_without_events_fails_the_subgroup_tests_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = trial().assign(relapse_date="", death_date="")
    frame.to_csv(tmp_path / "no_events.csv", index=False)
    code, lines, out = run_report(tmp_path, capsys, "--data", str(tmp_path / "no_events.csv"))
    assert code == 0
    expected = (
        "blina-stats report: not available: Subgroups: no_events.csv: ValueError: `event` has "
        "no events: the log-rank test needs at least one"
    )
    assert expected in lines
    assert not any("Traceback" in line for line in lines)
    page = (out / "report.html").read_text()
    assert "not available: no_events.csv: ValueError: `event` has no events" in page
    doc = strict((out / "estimates.json").read_text())
    assert isinstance(doc, dict)
    assert doc["report"]["parts"]["subgroups"]["status"] == "missing"
    assert "has no events" in doc["report"]["parts"]["subgroups"]["message"]
    assert (out / "figures" / "os.png").exists() and (out / "tables" / "baseline.csv").exists()
    assert not (out / "tables" / "subgroup_tests.csv").exists()


# GVHD counted from day 0: the patient's aGVHD on day 15 leaves no one at risk on day +100
@pytest.mark.filterwarnings("ignore::blina_stats.errors.HorizonWarning")
def test_a_single_patient_gives_a_report_and_strict_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trial().iloc[:1].to_csv(tmp_path / "one.csv", index=False)
    code, lines, out = run_report(tmp_path, capsys, "--data", str(tmp_path / "one.csv"), "--strict")
    assert code == 3
    assert lines and all(line.startswith("blina-stats report: not available: ") for line in lines)
    assert any(line.startswith("blina-stats report: not available: Subgroups: ") for line in lines)
    assert (out / "report.html").exists() and (out / "figures" / "os.png").exists()
    strict((out / "estimates.json").read_text())


def test_a_dollar_id_is_drawn_as_text_not_mathtext(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = r"$\foo$"
    frame = trial()
    first = frame.loc[0, "patient_id"]
    frame.loc[0, "patient_id"] = pid
    frame.to_csv(tmp_path / "trial.csv", index=False)
    dosing = pd.read_csv(bundled("dosing"), dtype=str, keep_default_na=False)
    dosing.loc[dosing["patient_id"] == first, "patient_id"] = pid
    dosing.to_csv(tmp_path / "dosing.csv", index=False)
    code, lines, out = run_report(
        tmp_path,
        capsys,
        "--data",
        str(tmp_path / "trial.csv"),
        "--dosing",
        str(tmp_path / "dosing.csv"),
    )
    assert code == 0
    assert not any("Exposure" in line for line in lines), lines
    assert (out / "figures" / "swimmer.png").stat().st_size > 10_000
    by_patient = pd.read_csv(out / "tables" / "exposure_by_patient.csv", dtype=str, skiprows=1)
    assert pid in by_patient["patient"].tolist()


def test_plain_text_survives_drawing(tmp_path: Path) -> None:
    ax = new_axes()
    ax.set_yticks([0, 1], [plain_text(r"$\foo$"), plain_text("a $ b $ c")])
    save(ax.get_figure(root=True), tmp_path / "f", formats=("png",))  # type: ignore[arg-type]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [r"\$\foo\$", r"a \$ b \$ c"]


def test_a_huge_last_contact_day_does_not_crash_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(bundled("trial"))
    days = (pd.to_datetime(frame["last_contact_date"]) - pd.to_datetime(frame["hsct_date"])).dt.days
    frame = frame.drop(columns="last_contact_date").assign(last_contact_day=days.astype(float))
    frame.loc[0, "last_contact_day"] = 1e300
    frame.to_csv(tmp_path / "huge.csv", index=False)
    code, lines, out = run_report(tmp_path, capsys, "--data", str(tmp_path / "huge.csv"))
    assert code == 0
    assert all(line.startswith("blina-stats report: ") for line in lines)
    doc = strict((out / "estimates.json").read_text())
    assert isinstance(doc, dict) and doc["n_patients"] == 68
    assert (out / "report.html").exists()
    # the sentinel is warned about, and every figure is still drawn (the axis reaches it)
    assert any("a sentinel value?" in w for w in doc["warnings"])
    missing = doc["report"]["missing"]
    assert all("file given" in m for m in missing), missing  # only the companions not given
