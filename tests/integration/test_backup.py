"""A backup restores to the same data: the database and the uploads and documents folders."""

from __future__ import annotations

import io
import sqlite3
import tarfile
from pathlib import Path

import pytest

from tenderflow.cli import main


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A migrated install of its own, as an operator would run it."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app' / 'tenderflow.sqlite3'}")
    monkeypatch.setenv("TENDERFLOW_UPLOAD_DIR", str(tmp_path / "app" / "uploads"))
    monkeypatch.setenv("TENDERFLOW_DOCUMENTS_DIR", str(tmp_path / "app" / "documents"))
    (tmp_path / "app").mkdir()
    assert main(["db", "upgrade"]) == 0
    return tmp_path / "app"


def add_admin(monkeypatch: pytest.MonkeyPatch, email: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("lantern marsh cobble\n"))
    assert main(["users", "create-admin", email]) == 0


def emails(install: Path) -> list[str]:
    with sqlite3.connect(install / "tenderflow.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT email FROM users ORDER BY email")]


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_backup_restores_the_database_and_both_folders_as_they_were(
    install: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_admin(monkeypatch, "first.admin@council.example")
    (install / "uploads" / "bids").mkdir(parents=True)
    (install / "uploads" / "bids" / "a1b2.pdf").write_bytes(b"%PDF-1.7 a bid")
    (install / "documents").mkdir()
    (install / "documents" / "report.docx").write_bytes(b"PK a report")
    before = (emails(install), files(install / "uploads"), files(install / "documents"))

    archive = tmp_path / "backups" / "tenderflow-2026-06-15.tar.gz"
    assert main(["backup", str(archive)]) == 0
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {
        "manifest.json",
        "database.sqlite3",
        "uploads/bids/a1b2.pdf",
        "documents/report.docx",
    } <= names

    # Things change after the backup ...
    add_admin(monkeypatch, "second.admin@council.example")
    (install / "uploads" / "bids" / "a1b2.pdf").unlink()
    (install / "documents" / "report.docx").write_bytes(b"PK changed")
    (install / "documents" / "new.docx").write_bytes(b"PK new")
    assert emails(install) != before[0]

    # ... and the restore brings back exactly what was backed up.
    assert main(["restore", str(archive), "--replace"]) == 0
    assert (emails(install), files(install / "uploads"), files(install / "documents")) == before
    assert "Restored the backup made at" in capsys.readouterr().out


def test_restore_asks_for_replace_and_refuses_what_is_not_a_backup(
    install: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "backup.tar.gz"
    assert main(["backup", str(archive)]) == 0
    assert main(["restore", str(archive)]) == 2
    assert "add --replace" in capsys.readouterr().err
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some text")
    assert main(["restore", str(not_a_backup), "--replace"]) == 2
    assert "is not a tenderflow backup" in capsys.readouterr().err
    assert main(["backup", str(archive)]) == 2
    assert "already exists" in capsys.readouterr().err
