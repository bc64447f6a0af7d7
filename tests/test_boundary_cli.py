"""Bad input at the command line: exit 2, one line naming what is wrong, nothing left behind.

Each row of :data:`CASES` is ``(name, setup, argv, expected)``: `setup(tmp)`
writes the files the case needs into the test's folder (None: nothing);
`argv` is the command line, with ``{tmp}`` standing for that folder and
``{trial}`` for the bundled event table; `expected` are substrings of the one
line on standard error (the file, the patient, the column, the option and its
value).  ``report`` cases write to ``{tmp}/out``: no folder may be left there,
or next to it, unless the case made one (then it must be unchanged).

To add a case, add a row (and a setup function when it needs files).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.report.folder import FORMAT, MANIFEST
from blina_stats.synthetic import bundled

TRIAL = bundled("trial")
Setup = Callable[[Path], None]


def trial_frame() -> pd.DataFrame:
    return pd.read_csv(TRIAL, dtype=str, keep_default_na=False)


def no_enrollment(tmp: Path) -> None:
    trial_frame().drop(columns="enrollment_date").to_csv(tmp / "noenroll.csv", index=False)


def duplicate_patient(tmp: Path) -> None:
    frame = trial_frame()
    frame.loc[1, "patient_id"] = frame.loc[0, "patient_id"]
    frame.to_csv(tmp / "dup.csv", index=False)


def relapse_after_death(tmp: Path) -> None:
    frame = trial_frame()
    row = frame.index[frame["death_date"] != ""][0]
    frame.loc[row, "relapse_date"] = "2030-01-01"
    frame.to_csv(tmp / "late.csv", index=False)


def out_is_a_file(tmp: Path) -> None:
    (tmp / "out").write_text("not a folder\n")


def out_not_a_report(tmp: Path) -> None:
    (tmp / "out").mkdir()
    (tmp / "out" / "thesis.tex").write_text("\\documentclass{article}\n")


def input_inside_out(tmp: Path) -> None:
    (tmp / "out").mkdir()
    (tmp / "out" / MANIFEST).write_text(f'{{"format": "{FORMAT}"}}\n')
    (tmp / "out" / "trial.csv").write_bytes(TRIAL.read_bytes())


def _rows(name: str) -> list[list[str]]:
    with bundled(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def short_row(tmp: Path) -> None:
    rows = _rows("trial")
    del rows[5][5:]  # BLN-005's row cut after five cells: its death would vanish
    _write(tmp / "short.csv", rows)


def repeated_header(tmp: Path) -> None:
    text = bundled("trial").read_text(encoding="utf-8")
    (tmp / "twice.csv").write_text(text.replace(",age,", ",death_date,", 1), encoding="utf-8")


def spaced_header(tmp: Path) -> None:
    text = bundled("trial").read_text(encoding="utf-8")
    (tmp / "spaced.csv").write_text(text.replace(",death_date,", ",death_date ,", 1))


def nul_in_an_id(tmp: Path) -> None:
    rows = _rows("trial")
    rows[3][0] = "BLN-0\x0003"
    _write(tmp / "nul.csv", rows)


def booleans_as_days(tmp: Path) -> None:
    days = bs.load_events(TRIAL).frame[["patient_id", "last_contact_day", "relapse_day"]]
    days = days.assign(relapse_day=days["relapse_day"].notna())  # False: never relapsed
    days.to_parquet(tmp / "flags.parquet")


def _companion(name: str, file: str, edit: Callable[[list[list[str]]], None]) -> Setup:
    def setup(tmp: Path) -> None:
        rows = _rows(name)
        edit(rows)
        _write(tmp / file, rows)

    return setup


def _cell(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return edit


def _unknown_patient(rows: list[list[str]]) -> None:
    rows.append(["ZZ99", *rows[1][1:]])


def _cut(rows: list[list[str]]) -> None:
    del rows[2][3:]


DUP = ["dup.csv", "patient 'BLN-001'", "patient_id"]
REPORT = ["report", "--out", "{tmp}/out", "--quiet", "--design-trials", "0"]
EST = ["estimate", "{trial}"]

#: (name, setup, argv, substrings of the one stderr line)
CASES: list[tuple[str, Setup | None, list[str], list[str]]] = [
    # option values (item 13): the option and the value, no usage block
    ("horizon-not-a-number", None, [*EST, "--horizon", "os=abc"], ["--horizon", "'os=abc'"]),
    ("horizon-negative", None, [*EST, "--horizon", "os=-5"], ["--horizon", "'os=-5'", "> 0"]),
    ("horizon-zero", None, [*EST, "--horizon", "os=0"], ["--horizon", "'os=0'"]),
    ("horizon-infinite", None, [*EST, "--horizon", "os=inf"], ["--horizon", "'os=inf'"]),
    ("horizon-bare-name", None, [*EST, "--horizon", "os"], ["--horizon", "NAME=DAYS", "'os'"]),
    (
        "horizon-twice",
        None,
        [*EST, "--horizon", "os=100", "--horizon", "os=200"],
        ["--horizon", "'os' given twice", "os=100", "os=200"],
    ),
    (
        "column-twice",
        None,
        [*EST, "--column", "PTID=patient_id", "--column", "PTID=death_date"],
        ["--column", "'PTID' given twice"],
    ),
    (
        "two-columns-one-name",
        None,
        [*EST, "--column", "A=patient_id", "--column", "B=patient_id"],
        ["--column", "'patient_id'", "A=patient_id", "B=patient_id"],
    ),
    ("unknown-option", None, [*EST, "--bogus"], ["unrecognized arguments: --bogus"]),
    ("design-trials-negative", None, [*REPORT, "--design-trials", "-5"], ["--design-trials", "-5"]),
    ("seed-negative", None, [*REPORT, "--seed", "-1"], ["--seed", "'-1'"]),
    ("design-n-trials-negative", None, ["design", "--n-trials", "-5"], ["--n-trials", "'-5'"]),
    # --origin enrollment without enrollment (item 14)
    (
        "estimate-origin-enrollment",
        no_enrollment,
        ["estimate", "{tmp}/noenroll.csv", "--origin", "enrollment"],
        ["noenroll.csv", "--origin enrollment", "enrollment_date"],
    ),
    (
        "report-origin-enrollment",
        no_enrollment,
        [*REPORT, "--data", "{tmp}/noenroll.csv", "--origin", "enrollment"],
        ["noenroll.csv", "--origin enrollment", "enrollment_date"],
    ),
    # the output folder (items 11 and 16)
    ("out-is-a-file", out_is_a_file, REPORT, ["--out", "out: is a file, not a folder"]),
    (
        "out-under-a-file",
        out_is_a_file,
        ["report", "--out", "{tmp}/out/sub", "--quiet", "--design-trials", "0"],
        ["--out", "out/sub", "is a file, not a folder"],
    ),
    ("out-not-a-report", out_not_a_report, REPORT, ["--out", "not a blina-stats report"]),
    (
        "input-inside-out",
        input_inside_out,
        [*REPORT, "--data", "{tmp}/out/trial.csv"],
        ["out/trial.csv", "inside the output folder"],
    ),
    # the event table: file, patient and column
    ("estimate-no-such-file", None, ["estimate", "{tmp}/nowhere.csv"], ["nowhere.csv"]),
    ("report-no-such-file", None, [*REPORT, "--data", "{tmp}/nowhere.csv"], ["nowhere.csv"]),
    ("estimate-duplicate-patient", duplicate_patient, ["estimate", "{tmp}/dup.csv"], DUP),
    (
        "report-duplicate-patient",
        duplicate_patient,
        [*REPORT, "--data", "{tmp}/dup.csv"],
        DUP,
    ),
    (
        "report-relapse-after-death",
        relapse_after_death,
        [*REPORT, "--data", "{tmp}/late.csv"],
        ["late.csv", "patient 'BLN-", "relapse_date", "death_date"],
    ),
    # cells lost or altered silently before (items 1-3, 7, 19): the file, line/patient, column
    (
        "estimate-short-row",
        short_row,
        ["estimate", "{tmp}/short.csv"],
        ["short.csv", "line 6", "patient 'BLN-005'", "5 cells"],
    ),
    (
        "report-short-row",
        short_row,
        [*REPORT, "--data", "{tmp}/short.csv"],
        ["short.csv", "line 6"],
    ),
    (
        "estimate-repeated-header",
        repeated_header,
        ["estimate", "{tmp}/twice.csv"],
        ["twice.csv", "death_date"],
    ),
    (
        "estimate-spaced-header",
        spaced_header,
        ["estimate", "{tmp}/spaced.csv"],
        ["spaced.csv", "'death_date '"],
    ),
    ("estimate-nul-in-an-id", nul_in_an_id, ["estimate", "{tmp}/nul.csv"], ["nul.csv"]),
    (
        "estimate-booleans-as-days",
        booleans_as_days,
        ["estimate", "{tmp}/flags.parquet"],
        ["flags.parquet", "patient 'BLN-001'", "relapse_day", "False"],
    ),
    # the companion tables: validated before anything is written
    (
        "report-ae-bad-grade",
        _companion("adverse_events", "ae.csv", _cell(3, "grade", "7")),
        [*REPORT, "--ae", "{tmp}/ae.csv"],
        ["ae.csv", "data row 3", "patient 'BLN-001'", "grade 7"],
    ),
    (
        "report-ae-unknown-patient",
        _companion("adverse_events", "ae.csv", _unknown_patient),
        [*REPORT, "--ae", "{tmp}/ae.csv"],
        ["ae.csv", "patient 'ZZ99'", "patient_id"],
    ),
    (
        "report-ae-short-row",
        _companion("adverse_events", "ae.csv", _cut),
        [*REPORT, "--ae", "{tmp}/ae.csv"],
        ["ae.csv", "line 3", "3 cells"],
    ),
    (
        "report-ae-ambiguous-date",
        _companion("adverse_events", "ae.csv", _cell(1, "onset_date", "03/04/2022")),
        [*REPORT, "--ae", "{tmp}/ae.csv"],
        ["ae.csv", "patient 'BLN-001'", "onset_date", "ambiguous"],
    ),
    (
        "report-dosing-bad-dose",
        _companion("dosing", "dosing.csv", _cell(1, "dose_ug", "abc")),
        [*REPORT, "--dosing", "{tmp}/dosing.csv"],
        ["dosing.csv", "data row 1", "dose_ug", "'abc'"],
    ),
    (
        "report-dosing-unknown-patient",
        _companion("dosing", "dosing.csv", _unknown_patient),
        [*REPORT, "--dosing", "{tmp}/dosing.csv"],
        ["dosing.csv", "patient 'ZZ99'", "patient_id"],
    ),
    (
        "report-screening-empty-patient",
        _companion("screening", "screening.csv", _cell(2, "patient_id", "")),
        [*REPORT, "--screening", "{tmp}/screening.csv"],
        ["screening.csv", "patient_id", "data row(s) 2"],
    ),
    (
        "report-labs-unknown-patient",
        _companion("labs", "labs.csv", _unknown_patient),
        [*REPORT, "--labs", "{tmp}/labs.csv"],
        ["labs.csv", "patient 'ZZ99'", "screening log"],
    ),
]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (not following links) -> SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize(("name", "setup", "argv", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_leaves_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    setup: Setup | None,
    argv: list[str],
    expected: list[str],
) -> None:
    if setup is not None:
        setup(tmp_path)
    before = snapshot(tmp_path)
    existed = (tmp_path / "out").exists()
    args = [a.format(tmp=tmp_path, trial=TRIAL) for a in argv]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 2, (name, err)
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"blina-stats {args[0]}: error: ") or err.startswith("blina-stats: ")
    assert "Traceback" not in err
    for text in expected:
        assert text in err, (text, err)
    # nothing written: the folder holds what the case put there, byte for byte
    assert snapshot(tmp_path) == before
    assert (tmp_path / "out").exists() == existed
    assert not [p.name for p in tmp_path.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_every_case_has_a_distinct_name() -> None:
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))
