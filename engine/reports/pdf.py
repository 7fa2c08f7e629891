"""The HTML report printed to PDF by headless Chromium (its print CSS lays out the pages), so the
PDF and the HTML are the same document. Chromium is an external program: when it is missing the
report is refused with one line saying how to install it (scripts/install-browser.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import MlgovError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
          "--no-pdf-header-footer")


class RendererMissing(MlgovError):
    """No browser to print with: nothing can be rendered (exit 2)."""


def browser() -> str:
    chosen = os.environ.get("MLGOV_CHROMIUM")
    found = shutil.which(chosen) if chosen else next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        raise RendererMissing("--format pdf needs headless Chromium, which was not found on PATH "
                              f"({chosen or ', '.join(BROWSERS)}); install it (e.g. bash scripts/install-browser.sh, "
                              "or apt-get install chromium) or set MLGOV_CHROMIUM")
    return found


def html_to_pdf(html: str) -> bytes:
    exe = browser()
    with tempfile.TemporaryDirectory(prefix="mlgov-pdf-") as tmp:
        page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        try:
            done = subprocess.run([exe, *_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                                   f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, text=True,
                                  timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise MlgovError(f"{exe}: did not print the report within {TIMEOUT_S} s") from None
        if done.returncode != 0 or not pdf.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise MlgovError(f"{exe}: could not print the report to PDF (exit {done.returncode}): {last}")
        return pdf.read_bytes()
