"""Report options: a site's own files (renamed columns, dd/mm/yyyy dates, another encoding) for
every input table, and a Cohort loaded in a notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats._json import dumps
from blina_stats.cli import main
from blina_stats.data.readers import read_table
from blina_stats.errors import InputError
from blina_stats.report.build import build_report
from blina_stats.report.folder import frame_sha256
from blina_stats.synthetic import bundled

#: table -> (bundled file, {our column: the site's})
SITE = {
    "data": ("trial", {"patient_id": "PTID", "hsct_date": "TX_DATE", "relapse_date": "Rezidiv"}),
    "ae": ("adverse_events", {"patient_id": "SUBJ", "grade": "Grade", "onset_date": "Beginn"}),
    "dosing": ("dosing", {"patient_id": "SUBJ", "dose_ug": "Dosis_µg"}),
    "screening": ("screening", {"patient_id": "Screening-Nr"}),
    "labs": ("labs", {"patient_id": "Subject", "anc": "ANC"}),
    "gvhd": ("gvhd_episodes", {"patient_id": "SUBJ", "kind": "Typ"}),
}
TABLE = {"data": "events", "ae": "ae", "dosing": "dosing", "screening": "screening"}
TABLE |= {"labs": "labs", "gvhd": "gvhd"}


def _ddmmyyyy(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col.endswith("_date"):
            dates = pd.to_datetime(out[col].replace("", None), format="%Y-%m-%d")
            out[col] = dates.dt.strftime("%d/%m/%Y").fillna("")
    return out


def write_site(tmp: Path) -> tuple[dict[str, Path], list[str]]:
    """The bundled trial as a site exports it: its own names, dd/mm/yyyy, dosing in latin-1."""
    paths, argv = {}, []
    for flag, (name, names) in SITE.items():
        frame = _ddmmyyyy(pd.read_csv(bundled(name), dtype=str, keep_default_na=False))
        path = tmp / f"site_{name}.csv"
        frame.rename(columns=names).to_csv(
            path, index=False, encoding="latin-1" if flag == "dosing" else "utf-8"
        )
        paths[flag] = path
        argv += [f"--{flag}", str(path)]
        prefix = "" if flag == "data" else f"{TABLE[flag]}:"
        for ours, theirs in names.items():
            argv += ["--column", f"{prefix}{theirs}={ours}"]
    argv += ["--date-format", "%d/%m/%Y", "--encoding", "dosing:latin-1"]
    return paths, argv


@pytest.fixture(scope="module")
def bundled_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bundled") / "r"
    return build_report(out=out, quiet=True, n_trials=20).estimates


def _same_analysis(doc: dict, reference: dict) -> None:
    doc, reference = json.loads(dumps(doc)), json.loads(dumps(reference))  # NaN as null
    assert doc["endpoints"] == reference["endpoints"]
    assert doc["safety"] == reference["safety"]
    assert doc["flow"] == reference["flow"]
    parts = {k: v["status"] for k, v in doc["report"]["parts"].items()}
    assert parts == {k: v["status"] for k, v in reference["report"]["parts"].items()}


def test_report_reads_a_sites_renamed_ddmmyyyy_files(tmp_path: Path, bundled_report) -> None:
    _, argv = write_site(tmp_path)
    out = tmp_path / "out"
    assert main(["report", *argv, "--out", str(out), "--quiet", "--design-trials", "20"]) == 0
    doc = json.loads((out / "estimates.json").read_text(encoding="utf-8"))
    _same_analysis(doc, bundled_report)
    assert doc["report"]["missing"] == []


def test_each_table_needs_its_own_options(tmp_path: Path, capsys) -> None:
    _, argv = write_site(tmp_path)
    # without the AE renames the AE file cannot be read: one line naming file and column
    i = argv.index("ae:SUBJ=patient_id")
    bad = argv[: i - 1] + argv[i + 1 :]
    assert main(["report", *bad, "--out", str(tmp_path / "o1"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "site_adverse_events.csv" in err and "patient_id" in err
    # without --encoding dosing:latin-1 the dosing file is not UTF-8
    i = argv.index("dosing:latin-1")
    bad = argv[: i - 1] + argv[i + 1 :]
    assert main(["report", *bad, "--out", str(tmp_path / "o2"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "site_dosing.csv" in err
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--column", "ae:Grade"], "expected [TABLE:]THEIRS=OURS"),
        (["--column", "ae:A=grade", "--column", "ae:B=grade"], "two columns renamed to 'grade'"),
        (["--sheet", "events:0", "--sheet", "events:1"], "given twice for table events"),
        (["--date-format", "%d/%m/%Y", "--date-format", "%Y"], "given twice for every table"),
        (["--encoding", "labs:"], "nothing after labs:"),
        (["--date-format", "labs:%d/%m/%Y"], "the labs table has no dates"),
        (
            ["--date-format", "events:%d/%m/%Y", "--date-format", "gvhd:%Y-%m-%d"],
            "the GVHD episodes are read with the event table's date format",
        ),
        (["--encoding", "no-such-codec"], "no-such-codec"),
    ],
)
def test_a_bad_reading_option_is_one_line_exit_2(tmp_path: Path, capsys, options, expected):
    out = tmp_path / "out"
    assert main(["report", *options, "--out", str(out), "--quiet", "--design-trials", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert expected in err
    assert not out.exists()


def test_build_report_takes_a_cohort_loaded_in_a_notebook(tmp_path: Path, bundled_report) -> None:
    paths, _ = write_site(tmp_path)
    names = {theirs: ours for ours, theirs in SITE["data"][1].items()}
    cohort = bs.load_events(
        paths["data"],
        columns=names,
        date_format="%d/%m/%Y",
        gvhd=read_table(paths["gvhd"], columns={"SUBJ": "patient_id", "Typ": "kind"}),
    )
    companions = {k: bundled(SITE[k][0]) for k in ("ae", "dosing", "screening", "labs")}
    paths["data"].unlink()  # the event file is not read again
    result = build_report(
        cohort=cohort, out=tmp_path / "out", quiet=True, n_trials=20, **companions
    )
    _same_analysis(result.estimates, bundled_report)
    key = f"in-memory Cohort ({cohort.source})"
    assert result.estimates["report"]["inputs_sha256"][key] == frame_sha256(cohort.frame)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs_sha256"][key] == frame_sha256(cohort.frame)
    assert str(bundled("trial")) not in manifest["inputs_sha256"]  # no bundled file slipped in
    # a cohort alone: no bundled companion file is used
    alone = build_report(cohort=cohort, out=tmp_path / "alone", quiet=True, n_trials=20)
    assert list(alone.estimates["report"]["inputs_sha256"]) == [key]
    assert "Adverse events" in " ".join(alone.missing)


def test_a_cohort_with_a_file_or_a_cutoff_is_refused(tmp_path: Path) -> None:
    cohort = bs.load_events(bundled("trial"))
    with pytest.raises(InputError, match=re.escape("data, cutoff cannot be applied to it")):
        build_report(bundled("trial"), cohort=cohort, cutoff="2024-01-01", out=tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_the_frame_digest_changes_with_any_cell() -> None:
    frame = bs.load_events(bundled("trial")).frame
    changed = frame.copy()
    changed.loc[0, "age"] = changed.loc[0, "age"] + 1
    assert frame_sha256(frame) == frame_sha256(frame.copy()) != frame_sha256(changed)


def test_read_options_reject_an_unknown_table_or_key(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("unknown table 'adverse'")):
        build_report(read_options={"adverse": {}}, out=tmp_path / "o", quiet=True)
    with pytest.raises(InputError, match=re.escape("read options of ae: unknown 'sheet'")):
        build_report(read_options={"ae": {"sheet": 1}}, out=tmp_path / "o", quiet=True)
