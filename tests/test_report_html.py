"""report.html's header: data cut-off (given, or the latest date seen), contents, wide tables."""

from __future__ import annotations

import re

import pandas as pd

import blina_stats as bs
from blina_stats.report.header import data_cutoff
from blina_stats.report.html import Section, render
from blina_stats.synthetic import bundled


def test_the_cutoff_given_is_shown_as_given() -> None:
    cohort = bs.load_events(bundled("trial"), cutoff="2024-06-30")
    assert data_cutoff(cohort) == "2024-06-30 (the cut-off given)"


def test_without_a_cutoff_the_latest_date_in_the_table_is_shown_and_named() -> None:
    frame = pd.read_csv(bundled("trial"), dtype=str, keep_default_na=False)
    frame.loc[3, "last_contact_date"] = "2026-01-31"  # one later contact moves it
    cohort = bs.load_events(frame)
    assert data_cutoff(cohort) == (
        "2026-01-31 (no cut-off given: the latest date in the event table)"
    )


def test_a_table_of_days_has_no_known_cutoff() -> None:
    frame = pd.DataFrame(
        {"patient_id": ["a", "b"], "last_contact_day": [100.0, 150.0], "death_day": [None, 150.0]}
    )
    assert data_cutoff(bs.load_events(frame)).startswith("not known")


def test_render_has_contents_header_and_scrolling_tables() -> None:
    wide = pd.DataFrame({f"c{i}": ["1"] for i in range(12)})
    narrow = pd.DataFrame({"name": ["<b>x</b>"], "n": ["3"]})
    sections = [
        Section("a", "First & one", tables=[("T1", narrow)]),
        Section("b", "Second", tables=[("T2", wide)]),
    ]
    page = render("Title", sections, {"k": "v"}, ["w"], ["Data cut-off: 2024-06-30"])
    assert "<p>Data cut-off: 2024-06-30</p>" in page
    assert re.findall(r'<a href="#(\w+)">', page) == ["a", "b", "provenance", "warnings"]
    assert '<a href="#a">First &amp; one</a>' in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.count('<div class="table-wrap">') == 2
    assert '<table class="wide">' in page and page.count("<table>") == 1  # +the provenance's
    assert '<th class="num">n</th>' in page and '<td class="num">3</td>' in page
