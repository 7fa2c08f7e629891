"""The HTML report in a real browser (Debian's chromium, installed by .ci/run): it renders offline,
shows what a regulator must see, and prints to PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_reports import verdicts  # noqa: F401  (the fixture)

from conftest import error_line

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND"]  # no network: the report must be self-contained


def browser() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


def run(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([browser(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def html_report(cli, verdicts, tmp_path):  # noqa: F811
    verdict, document = verdicts["fail"]
    out = tmp_path / "report.html"
    result = cli("report", verdict, "--key", verdicts["pub"], "--document", document, "-o", out)
    assert result.exit_code == 0
    return out


def test_report_renders_in_a_real_browser(html_report, tmp_path):
    dom = run(["--dump-dom", html_report.as_uri()], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    assert "<title>mlgov compliance report: acme-support-assistant@1.4.0</title>" in page
    assert 'id="decision">FAILED' in page
    assert 'id="verification">signature verified with trusted key sha256:' in page
    assert page.count('class="regime-row"') == 3  # EU-AI-ACT, GDPR (the model's scope) and the organisation policy
    assert "EU-AI-ACT: Regulation (EU) 2024/1689 as published in OJ L, 12.7.2024, in force on 2026-11-24" in page
    assert 'class="finding"' in page and "<code>/datasets/3/license</code>" in page
    assert "<svg" in page


def test_report_command_prints_a_pdf(cli, verdicts, tmp_path):  # noqa: F811
    browser()
    verdict, document = verdicts["fail"]
    pdf = tmp_path / "report.pdf"
    result = cli("report", verdict, "--format", "pdf", "--key", verdicts["pub"], "--document", document, "-o", pdf)
    assert result.exit_code == 0, result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 3 <= pages <= 10, pages  # each finding once: was 24 pages when findings repeated per control


def test_pdf_without_a_browser_is_one_clear_error(cli, verdicts, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("MLGOV_CHROMIUM", "no-such-browser-here")
    verdict, _ = verdicts["pass"]
    result = cli("report", verdict, "--format", "pdf", "-o", tmp_path / "r.pdf")
    assert result.exit_code == 2 and not (tmp_path / "r.pdf").exists()
    assert "--format pdf needs headless Chromium" in error_line(result) and "install-browser.sh" in result.stderr
