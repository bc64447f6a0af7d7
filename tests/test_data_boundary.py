"""The boundary (issue 12): nothing lost, nothing altered, nothing silent when a table is read."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data.readers import read_table
from blina_stats.errors import InputError

TRIAL = bs.synthetic.bundled("trial")
LINES = Path(TRIAL).read_text().splitlines(keepends=True)


def write(tmp_path: Path, lines: list[str], name: str = "trial.csv") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines))
    return path


def edited(line: int, text: str) -> list[str]:
    lines = list(LINES)
    lines[line] = text
    return lines


def test_short_row_is_an_error_naming_file_line_and_patient(tmp_path: Path) -> None:
    cut = ",".join(LINES[5].split(",")[:5]) + "\n"
    patient = LINES[5].split(",")[0]
    path = write(tmp_path, edited(5, cut))
    msg = f"trial.csv: line 6, patient {patient!r}: 5 cells where the header has 19 columns"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(path)


def test_long_rows_are_an_error_even_on_the_first_line(tmp_path: Path) -> None:
    # every row one cell longer: pandas would shift the ids into the index
    lines = [LINES[0]] + [line.rstrip("\n") + ",x\n" for line in LINES[1:]]
    patient = LINES[1].split(",")[0]
    msg = f"trial.csv: line 2, patient {patient!r}: 20 cells where the header has 19 columns"
    with pytest.raises(InputError, match=re.escape(msg) + r" \(and 67 more problems\)"):
        bs.load_events(write(tmp_path, lines))


def test_quoted_separators_and_blank_lines_are_not_cells(tmp_path: Path) -> None:
    cells = LINES[3].split(",")
    cells[-1] = '"MAC, reduced\nintensity"\n'
    lines = edited(3, ",".join(cells))
    lines.insert(2, "\n")
    lines.append("  \r\n")
    cohort = bs.load_events(write(tmp_path, lines))
    assert cohort.n_patients == 68
    assert cohort.frame["conditioning"].iloc[2] == "MAC, reduced\nintensity"


def test_short_rows_of_every_table_that_reads_text(tmp_path: Path) -> None:
    lines = Path(bs.synthetic.bundled("labs")).read_text().splitlines(keepends=True)
    lines[2] = ",".join(lines[2].split(",")[:3]) + "\n"
    path = write(tmp_path, lines, "labs.csv")
    with pytest.raises(InputError, match=re.escape("labs.csv: line 3, patient 'BLN-001': 3 cells")):
        read_table(path)


def test_nul_byte_in_an_id_is_an_error(tmp_path: Path) -> None:
    patient = LINES[3].split(",")[0]
    bad = patient[:3] + "\x00" + patient[3:]
    path = write(tmp_path, edited(3, LINES[3].replace(patient, bad)))
    msg = f"trial.csv: line 4, patient {bad!r}: cell {bad!r} holds a NUL byte"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(path)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
def test_repeated_column_names_are_an_error(tmp_path: Path, suffix: str) -> None:
    # sed '1s/,age,/,death_date,/' data/synthetic/trial.csv
    lines = edited(0, LINES[0].replace(",age,", ",death_date,"))
    path = write(tmp_path, lines, "trial.csv")
    if suffix != ".csv":
        frame = pd.read_csv(TRIAL, dtype=str, keep_default_na=False)
        frame.columns = lines[0].strip().split(",")
        path = tmp_path / f"trial{suffix}"
        if suffix == ".tsv":
            frame.to_csv(path, sep="\t", index=False)
        else:
            frame.to_excel(path, index=False)
    with pytest.raises(InputError, match=re.escape(f"trial{suffix}: column(s) ['death_date']")):
        bs.load_events(path)


def test_repeated_column_names_in_parquet_are_an_error(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    frame = pd.read_csv(TRIAL)
    names = ["death_date" if c == "age" else c for c in frame.columns]
    table = pa.Table.from_arrays([pa.array(frame[c]) for c in frame.columns], names=names)
    pq.write_table(table, tmp_path / "trial.parquet")
    msg = "trial.parquet: column(s) ['death_date'] appear more than once"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(tmp_path / "trial.parquet")


def test_space_around_a_column_name_is_an_error_that_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, edited(0, LINES[0].replace("death_date", "death_date ")))
    msg = (
        "trial.csv: column 'death_date ' has a space at the start or end of its name: "
        "rename it, or map it with columns={'death_date ': 'death_date'}"
    )
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(path)
    mapped = bs.load_events(path, columns={"death_date ": "death_date"})
    assert mapped.n_patients == 68 and "death" in mapped.present


def codes_table(tmp_path: Path) -> Path:
    lines = [LINES[0].rstrip("\n") + ",site,dose\n"]
    for k, line in enumerate(LINES[1:]):
        lines.append(line.rstrip("\n") + (",007,1E5\n" if k % 2 else ",010,3\n"))
    return write(tmp_path, lines)


def test_covariates_are_kept_as_written(tmp_path: Path) -> None:
    cohort = bs.load_events(codes_table(tmp_path))
    frame = cohort.frame
    assert list(frame["site"][:2]) == ["010", "007"]
    assert list(frame["dose"][:2]) == ["3", "1E5"]
    # plain numbers are still numbers: Table 1 shows age as a number
    assert pd.api.types.is_integer_dtype(frame["age"])
    assert list(frame["age"]) == list(pd.read_csv(TRIAL)["age"])


def test_column_types_say_otherwise(tmp_path: Path) -> None:
    path = codes_table(tmp_path)
    cohort = bs.load_events(path, column_types={"dose": "number", "age": "text"})
    assert list(cohort.frame["dose"][:2]) == [3.0, 100000.0]
    assert cohort.frame["age"].iloc[0] == LINES[1].split(",")[12]
    with pytest.raises(InputError, match=re.escape("column 'sex': 'M', 'F' is not a number")):
        bs.load_events(path, column_types={"sex": "number"})
    with pytest.raises(InputError, match=re.escape("column_types: {'site': 'str'}")):
        bs.load_events(path, column_types={"site": "str"})
    with pytest.raises(InputError, match=re.escape("column_types names column(s) ['nope']")):
        bs.load_events(path, column_types={"nope": "text"})


def days_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P1", "P2", "P3"],
            "last_contact_day": [400.0, 500.0, 600.0],
            "relapse_day": [False, True, False],
        }
    )


@pytest.mark.parametrize("fmt", ["frame", "parquet"])
def test_booleans_are_not_days(tmp_path: Path, fmt: str) -> None:
    # today False became a relapse on day 0
    source: Path | pd.DataFrame = days_frame()
    name = "<DataFrame>"
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
        source = tmp_path / "trial.parquet"
        days_frame().to_parquet(source)
        name = "trial.parquet"
    msg = f"{name}: patient 'P1': relapse_day False is not a number of days (and 2 more problems)"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(source)


def test_a_boolean_among_numbers_is_not_a_day() -> None:
    frame = days_frame().astype({"relapse_day": object})
    frame.loc[[0, 1], "relapse_day"] = [120.0, None]
    msg = "<DataFrame>: patient 'P3': relapse_day False is not a number of days"
    with pytest.raises(InputError, match=re.escape(msg) + "$"):
        bs.load_events(frame)


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        (pd.to_timedelta([10, 20, 30], unit="D"), "Timedelta('10 days 00:00:00')"),
        (pd.to_datetime(["2021-01-01"] * 3), "Timestamp('2021-01-01 00:00:00')"),
    ],
)
def test_durations_and_dates_are_not_days(values: pd.Index, shown: str) -> None:
    frame = days_frame().assign(relapse_day=values)
    msg = f"<DataFrame>: patient 'P1': relapse_day {shown} is not a number of days"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame)


def test_booleans_are_not_grades_or_lab_values() -> None:
    from blina_stats.eligibility.labs import read_labs

    frame = days_frame().assign(relapse_day=[1.0, 2.0, 3.0], agvhd_grade=[True, False, True])
    with pytest.raises(InputError, match=re.escape("agvhd_grade True is not a grade")):
        bs.load_events(frame)
    labs = pd.read_csv(bs.synthetic.bundled("labs"), nrows=2).assign(anc=[True, False])
    with pytest.raises(InputError, match=re.escape("anc True is not")):
        read_labs(labs)


@pytest.mark.parametrize(
    ("other", "spelled"),
    [
        ("bln-001", "'bln-001'"),
        ("BLN\u2010001", "'BLN\u2010001' (U+2010)"),
        ("BLN\u2011001", "'BLN\u2011001' (U+2011)"),
        ("BLN\u2013001", "'BLN\u2013001' (U+2013)"),
        ("BLN\u2212001", "'BLN\u2212001' (U+2212)"),
        ("\uff22LN-001", "'\uff22LN-001' (U+FF22)"),
    ],
)
def test_lookalike_ids_are_two_patients_with_a_warning(other: str, spelled: str) -> None:
    frame = pd.DataFrame({"patient_id": ["BLN-001", other], "last_contact_day": [100.0, 200.0]})
    cohort = bs.load_events(frame)
    assert cohort.patient_ids == ("BLN-001", other)
    [warning] = cohort.warnings
    assert str(warning) == (
        f"<DataFrame>: patient 'BLN-001': patient_id 'BLN-001' and {spelled} differ only in "
        "case, a look-alike character or Unicode normalisation: counted as two patients"
    )


def test_lookalike_ids_in_another_table_warn_in_its_warnings() -> None:
    from blina_stats.eligibility.labs import read_labs
    from blina_stats.eligibility.screening import read_screening

    msg = "patient_id 'P-1' and 'p-1' differ only"
    log = pd.read_csv(bs.synthetic.bundled("screening"), nrows=2).assign(patient_id=["P-1", "p-1"])
    assert any(msg in str(w) for w in read_screening(log).warnings)
    # the labs' ids must be the screening log's, which warns: no second warning
    labs = pd.read_csv(bs.synthetic.bundled("labs"), nrows=2).assign(patient_id=["P-1", "p-1"])
    read_labs(labs)  # pytest turns any warning into an error


def test_lookalike_ids_in_the_adverse_events_warn_in_its_warnings() -> None:
    from blina_stats.safety import read_adverse_events

    days = pd.DataFrame(
        {
            "patient_id": ["P-1", "p-1"],
            "enrollment_day": [70.0, 80.0],
            "last_contact_day": [400.0, 500.0],
        }
    )
    cohort = bs.load_events(days)
    assert any("differ only" in str(w) for w in cohort.warnings)
    ae = pd.DataFrame(
        {
            "patient_id": ["P-1", "p-1"],
            "term": ["Pyrexia", "Headache"],
            "soc": ["General", "Nervous"],
            "grade": [1, 2],
            "onset_day": [75.0, 90.0],
        }
    )
    events = read_adverse_events(ae, cohort)
    assert any("patient_id 'P-1' and 'p-1' differ only" in str(w) for w in events.warnings)


@pytest.mark.parametrize("bad", ["BLN\x00-001", "BLN\x07-001", "BLN\x7f-001"])
def test_control_characters_in_an_id_are_an_error(bad: str) -> None:
    frame = pd.DataFrame({"patient_id": [bad, "BLN-002"], "last_contact_day": [100.0, 200.0]})
    msg = f"<DataFrame>: patient {bad!r}: patient_id holds a control character"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame)


@pytest.mark.parametrize(("sentinel", "years"), [(99999.0, "273.8"), (1e300, "2.738e+297")])
def test_sentinel_follow_up_is_kept_with_a_warning(sentinel: float, years: str) -> None:
    from blina_stats.endpoints.summary import estimate

    frame = bs.load_events(TRIAL).frame
    days = frame[["patient_id", "last_contact_day", "relapse_day", "death_day"]].copy()
    alive = days.index[days["death_day"].isna()][0]
    days.loc[alive, "last_contact_day"] = sentinel
    cohort = bs.load_events(days)
    pid = days.loc[alive, "patient_id"]
    assert [str(w) for w in cohort.warnings] == [
        f"<DataFrame>: patient {pid!r}: last_contact_day is day {sentinel:g}: "
        f"follow-up of {years} years: a sentinel value?"
    ]
    assert cohort.frame.loc[alive, "last_contact_day"] == sentinel
    os_ = cohort.endpoint("os")
    assert os_.time.max() == sentinel
    assert 0 <= os_.at_horizon()["estimate"] <= 1
    # a patient censored beyond the horizon: the 2-year estimates are those without the sentinel
    table, before = estimate(cohort), estimate(bs.load_events(frame[days.columns]))
    pd.testing.assert_frame_equal(table, before)


def test_sentinel_follow_up_in_dates_is_warned_about(tmp_path: Path) -> None:
    cells = LINES[1].split(",")
    cells[3] = "2199-01-01"
    cohort = bs.load_events(write(tmp_path, edited(1, ",".join(cells))))
    day = (pd.Timestamp("2199-01-01") - pd.Timestamp(cells[1])).days
    assert [w.message for w in cohort.warnings if w.column == "last_contact"] == [
        f"last_contact_date is day {day}: follow-up of {day / 365.25:.4g} years: a sentinel value?"
    ]


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("relpase_date", "relapse_date"), ("deaht_date", "death_date"), ("Death_Date", "death_date")],
)
def test_near_miss_column_names_are_warned_about(tmp_path: Path, typo: str, meant: str) -> None:
    cohort = bs.load_events(write(tmp_path, edited(0, LINES[0].replace(meant, typo))))
    assert typo in cohort.covariates
    assert [str(w) for w in cohort.warnings if w.column == typo] == [
        f"trial.csv: column {typo!r} is read as a covariate: did you mean {meant!r}? "
        "(rename it, or map it with columns=)"
    ]


def test_no_near_miss_warning_when_the_schema_column_is_there() -> None:
    frame = days_frame().assign(relapse_day=[1.0, None, None], relapse_site=["CNS", None, None])
    assert bs.load_events(frame).warnings == ()
    assert bs.load_events(TRIAL).warnings == ()


def test_html_view_escapes_ids_sources_and_warnings() -> None:
    evil = "<img src=x onerror=alert(7)>"
    frame = pd.DataFrame(
        {"patient_id": [evil, evil.upper()], "last_contact_day": [10.0, 20.0], "x": [evil, "b"]}
    )
    page = bs.load_events(frame)._repr_html_()
    assert "<img" not in page.lower()
    assert "&lt;img src=x onerror=alert(7)&gt;" in page
    assert page.count("&lt;IMG SRC=X ONERROR=ALERT(7)&gt;") >= 2  # the warning and the row


def test_html_view_escapes_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, LINES, "<b>trial.csv")
    page = bs.load_events(path)._repr_html_()
    assert "&lt;b&gt;trial.csv" in page and "<b>trial" not in page


def test_a_nul_byte_after_another_patients_id_is_still_a_control_character() -> None:
    # a hash table reads 'BLN-001\x00X' only up to the NUL: as 'BLN-001', seen before
    frame = pd.DataFrame(
        {"patient_id": ["BLN-001", "BLN-001\x00X"], "last_contact_day": [100.0, 200.0]}
    )
    msg = "<DataFrame>: patient 'BLN-001\\x00X': patient_id holds a control character"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame)


def test_ids_in_one_case_and_in_mixed_case() -> None:
    upper = pd.DataFrame({"patient_id": ["BLN-1", "BLN-2"], "last_contact_day": [1.0, 2.0]})
    assert bs.load_events(upper).warnings == ()
    mixed = upper.assign(patient_id=["BLN-1", "bln-1"])
    assert any("differ only in case" in str(w) for w in bs.load_events(mixed).warnings)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda d: "2021-02-30", "death_date '2021-02-30' is not a valid date"),
        (lambda d: "03/04/2021", "death_date '03/04/2021' is ambiguous"),
        (lambda d: d.strftime("%d%b%Y").upper(), "is written as SAS DATE9 (14MAR2021) but"),
        (lambda d: f" {d:%Y-%m-%d} ", None),
    ],
)
def test_csv_date_columns_read_as_categories_follow_the_one_date_rule(
    tmp_path: Path, write: Callable[[pd.Timestamp], str], message: str | None
) -> None:
    # the CSV reader gives date columns as categories (each distinct cell read once):
    # the same frame, the same messages as the same cells in a DataFrame of text
    frame = pd.read_csv(TRIAL, dtype=str, keep_default_na=False)
    row = frame.index[frame["death_date"] != ""][0]
    frame.loc[row, "death_date"] = write(pd.Timestamp(frame.loc[row, "death_date"]))
    frame.to_csv(tmp_path / "t.csv", index=False)
    text = frame.replace("", np.nan)
    if message is None:
        a, b = bs.load_events(tmp_path / "t.csv"), bs.load_events(text)
        # (covariates of a DataFrame keep their type: text here, numbers from the CSV)
        pd.testing.assert_frame_equal(
            a.frame.drop(columns=[*a.covariates]), b.frame.drop(columns=[*b.covariates])
        )
        assert a.frame.equals(bs.load_events(TRIAL).frame)
        return
    with pytest.raises(InputError, match=re.escape(message)) as from_csv:
        bs.load_events(tmp_path / "t.csv")
    with pytest.raises(InputError) as from_frame:
        bs.load_events(text)
    assert str(from_csv.value).replace("t.csv", "<DataFrame>") == str(from_frame.value)
