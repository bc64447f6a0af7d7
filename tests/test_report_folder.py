"""The report folder: written fresh, moved into place whole, with a manifest, never via links.

The folder's mechanics do not depend on which parts are built: these tests
build three (outcomes, baseline, adverse events), which is fast.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from blina_stats.errors import InputError
from blina_stats.report import build_report, folder, parts
from blina_stats.report.folder import MANIFEST, check_out, is_report
from blina_stats.synthetic import bundled


def small_report(out: Path, **options: object) -> None:
    """The bundled trial's report without the design simulations; with only an event table
    (`data`) the companion parts are skipped, which is faster."""
    build_report(out=out, quiet=True, n_trials=0, **options)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def few_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "blina_stats.report.build.PARTS", (parts.outcomes, parts.baseline, parts.adverse_events)
    )


@pytest.fixture
def trial(tmp_path: Path) -> Path:
    """A copy of the bundled event table outside the report folder (no companion files)."""
    path = tmp_path / "trial.csv"
    path.write_bytes(bundled("trial").read_bytes())
    return path


def test_the_manifest_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    out = tmp_path / "r"
    small_report(out)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == "blina-stats report" and is_report(out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest["files_sha256"]) == files - {MANIFEST}
    for name, digest in manifest["files_sha256"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    trial = hashlib.sha256(bundled("trial").read_bytes()).hexdigest()
    assert trial in manifest["inputs_sha256"].values()
    # nothing but the report next to it: no partial or old folder left
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    # and the folder has the permissions of any new folder (not mkdtemp's private ones)
    assert out.stat().st_mode & 0o777 == 0o777 & ~folder._umask()


def test_a_rerun_replaces_the_old_report_and_keeps_no_stale_file(
    tmp_path: Path, trial: Path
) -> None:
    out = tmp_path / "r"
    small_report(out)
    assert (out / "tables" / "ae_by_soc.csv").exists()
    (out / "tables" / "stale.csv").write_text("old\n")
    small_report(out, data=trial)  # no AE file this time
    assert not (out / "tables" / "ae_by_soc.csv").exists()
    assert not (out / "tables" / "stale.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "trial.csv"]


def test_writes_never_follow_a_link_planted_in_the_old_folder(tmp_path: Path, trial: Path) -> None:
    out = tmp_path / "r"
    small_report(out, data=trial)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = out / "tables" / "endpoints.csv"
    target.unlink()
    target.symlink_to(victim)
    small_report(out, data=trial)
    assert victim.read_text() == "precious\n"
    assert not target.is_symlink() and target.read_text().splitlines()[1].startswith("endpoint,")


def test_a_failed_run_leaves_the_previous_report_untouched(
    tmp_path: Path, trial: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r"
    small_report(out, data=trial)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("blina_stats.report.build.write_html", broken)
    with pytest.raises(OSError, match="disk full"):
        small_report(out, data=trial)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "trial.csv"]  # no partial folder


def test_a_bad_event_table_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("patient_id,hsct_date\nA,2021-01-01\n")
    with pytest.raises(InputError):
        build_report(bad, out=tmp_path / "r", quiet=True, n_trials=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_the_output_folder_is_checked_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=re.escape("file: is a file, not a folder")):
        check_out(tmp_path / "file")
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'file'} is a file, not a folder")):
        check_out(tmp_path / "file" / "deeper" / "r")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x")
    with pytest.raises(InputError, match=re.escape("not a blina-stats report (no manifest.json)")):
        check_out(tmp_path / "notes")
    (tmp_path / "notes" / MANIFEST).write_text('{"format": "something else"}')
    with pytest.raises(InputError, match="not a blina-stats report"):
        check_out(tmp_path / "notes")
    (tmp_path / "empty").mkdir()
    check_out(tmp_path / "empty")  # an empty folder is fine
    check_out(tmp_path / "new" / "r")  # so is a new one


def test_an_input_inside_the_output_folder_is_refused(tmp_path: Path, trial: Path) -> None:
    out = tmp_path / "r"
    small_report(out, data=trial)
    data = out / "tables" / "copy.csv"
    data.write_bytes(bundled("trial").read_bytes())
    with pytest.raises(InputError, match=re.escape("inside the output folder --out")):
        small_report(out, data=data)
    assert data.exists()
