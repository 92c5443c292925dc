"""What the browser tests and the slider benchmark share: an offline guard, the console errors known to be
harmless, and a JupyterLab server on a free loopback port (random token, stopped by its PID)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LOCAL = re.compile(r"^(file:|data:|blob:|about:|http://127\.0\.0\.1[:/])")

# Every page of a Jupyter Book 1 site logs these (see ../shared/notes/book-stack.md); nothing else is allowed.
HARMLESS = (
    re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
    re.compile(r"Got invalid theme mode"),
    re.compile(r"strict mode: .*"),
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = "Python 3 (ipykernel) | Idle"


@dataclass
class OfflineGuard:
    """Blocks every request that is not local and remembers who tried."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.route("**/*", self._route)
        page.on("pageerror", lambda exc: self._error(str(exc)))
        page.on("console", lambda msg: self._error(msg.text) if msg.type == "error" else None)

    def _route(self, route) -> None:
        url = route.request.url
        if LOCAL.match(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _error(self, text: str) -> None:
        if not any(p.search(text) for p in HARMLESS):
            self.errors.append(text)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(
    root: Path, home: Path, log_path: Path, env: dict[str, str] | None = None, timeout: float = 90
):
    """Run ``jupyter lab`` on ``root`` (loopback, free port, random token); yield ``(url, token)``; stop it by PID.

    ``home`` holds the server's own config, runtime, data, settings and workspace folders, so the
    user's set-up never leaks in; ``env`` adds variables for the server and its kernels.
    """
    port, token = free_port(), secrets.token_hex(16)
    full_env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        **(env or {}),
    }
    # Never autosave: a test or benchmark that runs a committed notebook must not rewrite it.
    settings = home / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    # Render every cell, not only those in view, so a test can find any output.
    notebook = home / "settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True, exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    cmd = [
        jupyter,
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--allow-root",
    ]
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).read()
                break
            except OSError as err:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start; see {log_path}") from err
                time.sleep(0.5)
        yield url, token
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def trust(paths, home: Path) -> None:
    """Sign notebooks in the trust database under ``home`` (as ``make lab`` does in the user's own)."""
    env = {**os.environ, "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_CONFIG_DIR": str(home / "config")}
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    subprocess.run([jupyter, "trust", *map(str, paths)], env=env, check=True, capture_output=True)


ACTIVE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def shutdown_kernels(url: str, token: str) -> int:
    """Stop every kernel the server runs (a closed page leaves its kernel running); return how many."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels", headers=headers), timeout=30) as r:
        kernels = json.load(r)
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request, timeout=60).close()
    return len(kernels)


def run_all(page, timeout_ms: int = 600_000) -> None:
    """Run every cell of the open notebook from the Run menu and wait until each shows its ``[n]``.

    Only the notebook in view counts: JupyterLab restores the tabs of its last session (open the page
    with ``?reset`` to start from none), and a hidden tab's cells never run.
    """
    page.get_by_text(IDLE).wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    n_code = page.locator(f"{ACTIVE_NOTEBOOK} .jp-CodeCell").count()
    page.wait_for_function(
        f"n => [...document.querySelectorAll('{ACTIVE_NOTEBOOK} .jp-CodeCell .jp-InputPrompt')]"
        ".filter(e => /\\[\\d+\\]/.test(e.textContent)).length === n",
        arg=n_code,
        timeout=timeout_ms,
    )
