"""The dashboard in a real browser: upload a video, read the results, download the PDF.

Starts ``streamlit run app.py`` on a free local port and drives headless Chromium with
Playwright. The screenshot goes to ``artifacts/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pypdfium2 as pdfium
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_S = 60
ANALYSIS_S = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout_s} s")


@pytest.fixture
def dashboard(tmp_path):
    """URL of a dashboard served from a subprocess, stopped after the test."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    port = _free_port()
    env = dict(os.environ, HIPSCREEN_DB=str(tmp_path / "sessions.db"))
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, SERVER_START_S)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_upload_shows_results_and_exports_a_pdf(dashboard, app_video, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(dashboard, timeout=SERVER_START_S * 1000)
            expect(page.get_by_text("How to film")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("it does not diagnose").first).to_be_visible()

            page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(app_video))

            plot = page.locator(".js-plotly-plot").first
            expect(plot).to_be_visible(timeout=ANALYSIS_S * 1000)
            flags = page.get_by_role("heading", name="Flags")
            expect(flags).to_be_visible()
            expect(page.get_by_role("heading", name="Video quality")).to_be_visible()
            expect(page.locator("video").first).to_be_attached(timeout=60_000)
            assert page.get_by_text("Traceback").count() == 0

            # The whole page, tall enough for every section, for a person to look at.
            page.set_viewport_size({"width": 1400, "height": 4200})
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "dashboard_clinician.png"), full_page=True)

            with page.expect_download(timeout=60_000) as download_info:
                page.get_by_role("button", name="PDF report").click()
            pdf_path = tmp_path / "report.pdf"
            download_info.value.save_as(pdf_path)
            doc = pdfium.PdfDocument(pdf_path)
            assert 1 <= len(doc) <= 2
            text = doc[0].get_textpage().get_text_range()
            assert "movement report" in text

            page.get_by_text("Patient", exact=True).first.click()
            expect(page.get_by_role("heading", name="What we saw")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "dashboard_patient.png"), full_page=True)
        finally:
            browser.close()
