"""Convert Word documents to PDF with LibreOffice, and read PDFs back for checks.

Each conversion runs ``soffice`` with its own throwaway user profile, so conversions running
side by side (tests, workers) never share one and never collide on its lock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

DEFAULT_TIMEOUT = 180  # seconds; a first start of LibreOffice builds its profile and is slow


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, failed or took too long."""


def soffice_path() -> str | None:
    """Return the path of LibreOffice's ``soffice``, or None if it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    docx_paths: Path | str | Sequence[Path | str],
    out_dir: Path | str,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Path]:
    """Convert one or more .docx files to PDF in ``out_dir`` in one LibreOffice run."""
    sources = (
        [Path(docx_paths)] if isinstance(docx_paths, str | Path) else list(map(Path, docx_paths))
    )
    if not sources:
        return []
    soffice = soffice_path()
    if soffice is None:
        raise PdfConversionError(
            "LibreOffice (soffice) is not installed: run scripts/ensure-system-packages libreoffice"
        )
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(target),
            *(str(source.resolve()) for source in sources),
        ]
        output = _run(command, timeout)
    produced = [target / f"{source.stem}.pdf" for source in sources]
    missing = [path.name for path in produced if not path.exists()]
    if missing:
        raise PdfConversionError(f"LibreOffice did not produce {', '.join(missing)}: {output}")
    return produced


def _run(command: list[str], timeout: float) -> str:
    # LibreOffice starts helper processes; its own session lets a timeout end all of them.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfConversionError(f"LibreOffice took longer than {timeout:g} s") from None
    text = output.decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise PdfConversionError(f"LibreOffice failed (exit {process.returncode}): {text}")
    return text


def pdf_page_count(path: Path | str) -> int:
    """Return the number of pages in a PDF."""
    from pypdf import PdfReader  # imported here: only checks and tests read PDFs back

    return len(PdfReader(str(path)).pages)


def pdf_text(path: Path | str) -> str:
    """Return the text of every page of a PDF, pages separated by form feeds."""
    from pypdf import PdfReader

    return "\f".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
