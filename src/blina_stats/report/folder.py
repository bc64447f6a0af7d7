"""The report folder: checked before anything is read, written fresh, moved into place whole.

A report is written into a new hidden folder next to ``--out``
(``.NAME.partial-XXXX``) and renamed to ``--out`` only when every file and
the manifest are written; a previous report there is replaced then, and a run
that fails leaves it untouched and removes its own partial folder.  Nothing
is ever written through a file or a symbolic link of the old folder, and the
folder holds exactly one run's files.

``manifest.json`` marks a folder as a blina-stats report: it lists every file
of the report with its SHA-256 and the SHA-256 of every input.  A non-empty
``--out`` without one is not replaced (it may hold anything), and an input
inside ``--out`` is refused (the report would replace it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from ..errors import InputError

MANIFEST = "manifest.json"
#: the manifest's ``format`` entry
FORMAT = "blina-stats report"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file (read in blocks of 1 MiB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def frame_sha256(frame: pd.DataFrame) -> str:
    """Hex SHA-256 of a table's content: its column names, types and every cell.

    Two loads of the same file give the same digest; any changed cell, row
    order or column changes it.
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def is_report(folder: Path) -> bool:
    """`folder` holds a blina-stats report: a regular ``manifest.json`` saying so."""
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return False
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("format") == FORMAT


def check_out(out: Path) -> None:
    """Raise InputError (naming `out`) unless a report can be written there.

    `out` may be new, an empty folder, or a previous report; not a file, not
    under a file, not a non-empty folder of something else.
    """
    if out.is_symlink() and not out.exists():
        raise InputError(f"--out {out}: a broken symbolic link")
    if out.exists():
        if not out.is_dir():
            raise InputError(f"--out {out}: is a file, not a folder")
        if any(out.iterdir()) and not is_report(out):
            raise InputError(
                f"--out {out}: the folder is not empty and is not a blina-stats report "
                f"(no {MANIFEST}); give a new or empty folder"
            )
        return
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"--out {out}: {parent} is a file, not a folder")
            return


def check_inputs(out: Path, inputs: Iterable[Path]) -> None:
    """Raise InputError when an input lies inside `out` (the new report would replace it)."""
    if not out.exists():
        return
    root = out.resolve()
    for path in inputs:
        if path.resolve().is_relative_to(root):
            raise InputError(
                f"{path}: an input inside the output folder --out {out} would be replaced by "
                "the report; move it out or choose another --out"
            )


def write_manifest(folder: Path, inputs_sha256: dict[str, str], version: str) -> Path:
    """``manifest.json``: every file under `folder` with its SHA-256, and the inputs'."""
    files = {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    doc = {
        "format": FORMAT,
        "version": version,
        "files_sha256": files,
        "inputs_sha256": inputs_sha256,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh empty folder next to `out`; removed, with all it holds, if the block fails."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a report folder is not
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish(tmp: Path, out: Path) -> None:
    """Move the complete report `tmp` to `out`, replacing a previous report there.

    Two renames within one folder: the old report is moved aside, the new one
    put in its place (the old one is put back if that fails), then the old one
    is removed.
    """
    check_out(out)  # the folder may have changed while the report was being built
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
