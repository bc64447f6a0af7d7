"""bs.to_latex and the report's tables.tex: booktabs tables, every special character escaped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.report.latex import escape
from blina_stats.synthetic import bundled

HOSTILE = r"50% & $5 #1 a_b {x} ~y ^z \end{document} <0.001 a|b"


def test_escape_prints_every_special_character_as_itself() -> None:
    assert escape(HOSTILE) == (
        r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{}y \textasciicircum{}z "
        r"\textbackslash{}end\{document\} \textless{}0.001 a\textbar{}b"
    )
    assert escape("two\nlines") == "two lines"  # a line break would end the row


def test_to_latex_escapes_cells_labels_and_caption(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a & b": [HOSTILE], "n_events": [3], "rate": [0.123456]})
    tex = bs.to_latex(frame, tmp_path / "t.tex", caption="R&D: 100% of #patients_used")
    assert (tmp_path / "t.tex").read_text(encoding="utf-8") == tex
    assert r"\caption{R\&D: 100\% of \#patients\_used}" in tex
    assert r"\begin{tabular}{lrr}" in tex and r"\toprule" in tex and r"\bottomrule" in tex
    header = next(line for line in tex.splitlines() if line.startswith("a "))
    assert header == r"a \& b & n\_events & rate \\"
    row = next(line for line in tex.splitlines() if line.startswith("50"))
    assert row.endswith(r" & 3 & 0.123 \\")
    # no special character is left raw outside the commands that print it
    cells = row.removesuffix(r" \\").split(" & ")
    assert len(cells) == 3  # the & of the text did not add a column
    bare = re.sub(r"\\(textasciitilde|textasciicircum|textbackslash|textless|textbar)\{\}", "", row)
    assert not re.search(r"(?<!\\)[%$#_{}~^]", bare)


def test_to_latex_of_an_estimate_table_is_the_outcome_table() -> None:
    table = bs.estimate(bs.load_events(bundled("trial")))
    tex = bs.to_latex(table)
    e = table.loc["os"]
    pct = f"{100 * e['estimate']:.1f} & {100 * e['ci_lower']:.1f}-{100 * e['ci_upper']:.1f}"
    assert pct in tex and "estimate (\\%)" in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")
def test_hostile_table_compiles(tmp_path: Path) -> None:  # pragma: no cover - needs TeX
    body = bs.to_latex(pd.DataFrame({"x": [HOSTILE]}), caption=HOSTILE)
    doc = "\\documentclass{article}\\usepackage{booktabs}\\begin{document}\n"
    (tmp_path / "d.tex").write_text(doc + body + "\\end{document}\n", encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "d.tex"], cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0
