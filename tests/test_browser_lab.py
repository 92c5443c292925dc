"""JupyterLab in a real browser: open a chapter, Run All, move a slider, see the output change."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import OfflineGuard
from conftest import ROOT

pytestmark = pytest.mark.browser

CHAPTER = "01_popularity.ipynb"
IDLE = "Python 3 (ipykernel) | Idle"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts):
    """A JupyterLab server on a free local port with a random token; stopped by its PID."""
    home = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
    }
    cmd = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--allow-root",
    ]
    log = (artifacts / "jupyterlab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                log.close()
                pytest.fail(f"jupyter lab did not start; see {artifacts / 'jupyterlab.log'}")
            time.sleep(0.5)
    yield url, token
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


def test_run_all_then_move_a_slider(browser, lab, artifacts):
    url, token = lab
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    guard.attach(page)
    t0 = time.perf_counter()
    page.goto(f"{url}/lab/tree/{CHAPTER}?token={token}", wait_until="domcontentloaded")
    page.get_by_text(IDLE).wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    n_code = page.locator(".jp-CodeCell").count()
    page.wait_for_function(
        "n => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
        ".filter(e => /\\[\\d+\\]/.test(e.textContent)).length === n",
        arg=n_code,
        timeout=300_000,
    )
    ran = time.perf_counter() - t0
    panel = page.locator(".jp-CodeCell .widget-vbox").filter(has=page.locator(".widget-output .labcdn-chart")).first
    output = panel.locator(".widget-output").first
    output.scroll_into_view_if_needed()
    before = output.inner_html()
    handle = panel.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, before]) => el.innerHTML !== before", arg=[output.element_handle(), before], timeout=30_000
    )
    panel.screenshot(path=str(artifacts / "lab-slider.png"))
    print(f"Run All in {ran:.1f} s; slider redraw observed")
    after = output.inner_html()
    page.close()
    assert "labcdn-chart" in after, "the slider's output no longer holds a chart"
    assert guard.blocked == [], f"JupyterLab page tried to reach the network: {guard.blocked}"
    assert guard.errors == [], guard.errors
