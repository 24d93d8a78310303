"""Back up and restore everything tenderflow keeps: the database and the uploads and documents folders.

A backup is one .tar.gz archive holding ``manifest.json``, the database (a consistent copy
made with SQLite's online backup, or ``pg_dump``'s custom format for PostgreSQL) and the
two folders as they were. Restoring replaces the database and both folders with the
archive's copies; stop the web app and the worker first.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

FORMAT = 1
FOLDERS = ("uploads", "documents")


class BackupError(ValueError):
    """A backup or restore could not be done; the message says why in one line."""


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq_url(database_url: str) -> str:
    # pg_dump takes a libpq address, without SQLAlchemy's "+driver".
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client") from None
    except subprocess.CalledProcessError as exc:
        detail = " ".join((exc.stderr or "").split())[:300]
        raise BackupError(f"{command[0]} failed: {detail}") from None


def backup(database_url: str, folders: dict[str, Path], archive: Path, now: datetime) -> Path:
    """Write a backup archive; return its path."""
    if archive.exists():
        raise BackupError(f"{archive} already exists; choose a new file name")
    sqlite_path = _sqlite_path(database_url)
    if sqlite_path is not None and not sqlite_path.exists():
        raise BackupError(f"the database {sqlite_path} does not exist")
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work)
        if sqlite_path is not None:
            database_file = "database.sqlite3"
            _copy_sqlite(sqlite_path, staging / database_file)
        else:
            database_file = "database.pgdump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--file={staging / database_file}",
                    f"--dbname={_libpq_url(database_url)}",
                ]
            )
        manifest = {
            "format": FORMAT,
            "made_at": now.isoformat(),
            "database": database_file,
            "folders": sorted(folders),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(staging / "manifest.json", arcname="manifest.json")
            tar.add(staging / database_file, arcname=database_file)
            for name, folder in sorted(folders.items()):
                if folder.exists():
                    tar.add(folder, arcname=name)
                else:
                    empty = staging / f"empty-{name}"
                    empty.mkdir()
                    tar.add(empty, arcname=name)
    archive.chmod(0o600)
    return archive


def restore(archive: Path, database_url: str, folders: dict[str, Path]) -> dict[str, object]:
    """Replace the database and folders with a backup's copies; return its manifest."""
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(staging, filter="data")
            manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError):
            raise BackupError(f"{archive} is not a tenderflow backup") from None
        if manifest.get("format") != FORMAT or set(manifest.get("folders", [])) != set(folders):
            raise BackupError(f"{archive} is not a tenderflow backup this version can restore")
        database_file = staging / str(manifest["database"])
        sqlite_path = _sqlite_path(database_url)
        if (sqlite_path is None) != (database_file.suffix == ".pgdump"):
            raise BackupError(
                "the backup's database is of another kind (SQLite or PostgreSQL) than DATABASE_URL"
            )
        if sqlite_path is not None:
            _copy_sqlite(database_file, sqlite_path)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    f"--dbname={_libpq_url(database_url)}",
                    str(database_file),
                ]
            )
        for name, folder in folders.items():
            if folder.exists():
                shutil.rmtree(folder)
            shutil.copytree(staging / name, folder)
    return dict(manifest)
