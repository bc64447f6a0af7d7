"""LaTeX output: :func:`to_latex` for one table, ``tables.tex`` for all of the report's.

Tables are ``booktabs`` tabulars (``\\toprule``, ``\\midrule``, ``\\bottomrule``;
columns of numbers right-aligned) in a ``table`` float with the caption
above; every cell and caption is escaped, so text such as ``50% & rising`` or
``patient_id`` reads as written.  The preamble needs ``\\usepackage{booktabs}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .single import shown
from .tables import numeric_column

#: LaTeX's special characters and what prints each one as itself
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # without T1 font encoding < > | print as other glyphs (¡ ¿ —)
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}


def escape(text: object) -> str:
    """`text` with every LaTeX special character printed as itself; line breaks as spaces."""
    return "".join(_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


def tabular(frame: pd.DataFrame, caption: str | None = None, label: str | None = None) -> str:
    """`frame` (formatted text cells) as a ``table`` float holding a booktabs ``tabular``."""
    spec = "".join("r" if numeric_column(frame[c]) else "l" for c in frame.columns)
    lines = ["\\begin{table}[htbp]", "\\centering"]
    if caption:
        lines.append(f"\\caption{{{escape(caption)}}}")
    if label:
        # a label is a key, not text: letters, digits and hyphens only
        lines.append(f"\\label{{tab:{re.sub(r'[^A-Za-z0-9-]', '-', label)}}}")
    lines += [
        f"\\begin{{tabular}}{{{spec}}}",
        "\\toprule",
        " & ".join(escape(c) for c in frame.columns) + " \\\\",
        "\\midrule",
    ]
    lines += [" & ".join(escape(v) for v in row) + " \\\\" for row in frame.itertuples(index=False)]
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(lines) + "\n"


def to_latex(table: Any, path: str | Path | None = None, caption: str | None = None) -> str:
    """One table as LaTeX (booktabs), formatted as the report's tables are.

    Parameters
    ----------
    table : DataFrame or result
        A DataFrame, a result with ``.to_frame()`` (or a ``.summary`` table),
        or :func:`blina_stats.estimate`'s table (written as the report's
        outcome table); cells through the report's formatting layer
        (:func:`blina_stats.report.format.format_table`).
    path : path, optional
        Also write the text to this ``.tex`` file.
    caption : str, optional
        The caption (default: the frame's ``attrs["caption"]``, else none).

    Returns
    -------
    str
        The ``table`` environment; every cell and the caption escaped
        (``& % $ # _ { } ~ ^ \\``).  Needs ``\\usepackage{booktabs}``.

    Examples
    --------
    >>> import blina_stats as bs, pandas as pd
    >>> print(bs.to_latex(pd.DataFrame({"arm": ["A_1"], "n": [3]})), end="")
    \\begin{table}[htbp]
    \\centering
    \\begin{tabular}{lr}
    \\toprule
    arm & n \\\\
    \\midrule
    A\\_1 & 3 \\\\
    \\bottomrule
    \\end{tabular}
    \\end{table}
    """
    frame = shown(table, caption)
    text = frame.attrs.get("caption")
    tex = tabular(frame, str(text) if text else None)
    if path is not None:
        Path(path).write_text(tex, encoding="utf-8")
    return tex


def write_tables_tex(tables: Iterable[tuple[str, pd.DataFrame, str]], path: Path) -> Path:
    """``tables.tex``: every (caption, formatted frame, name) table, labelled ``tab:name``
    (underscores as hyphens: ``tab:ae-by-soc``)."""
    body = "\n".join(tabular(frame, caption, name) for caption, frame, name in tables)
    head = (
        "% blina-stats report tables: \\input{tables.tex} after \\usepackage{booktabs}\n"
        "% (a long table may need longtable or \\resizebox to fit the page)\n\n"
    )
    path.write_text(head + body, encoding="utf-8")
    return path
