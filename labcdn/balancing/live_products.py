"""The products of the live lab: where they are installed, their configuration, and a running process.

:class:`Config` is the one description of a balancer that both the product
and the simulator get; :func:`haproxy_config`, :func:`nginx_config` and
:func:`pen_command` write it in each product's own language, and
:class:`Product` starts the product on 127.0.0.1 and stops it by PID.
:data:`STARTED` keeps the PID of every process started, so a test can check
none survives.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from labcdn._validation import check_choice
from labcdn.balancing.health import HealthCheck
from labcdn.balancing.live_backends import HOST

#: Debian package and executable of each product.
PACKAGES = {"haproxy": "haproxy", "nginx": "nginx-light", "pen": "pen"}
EXECUTABLES = {"haproxy": "haproxy", "nginx": "nginx", "pen": "pen"}

#: The product's own name for each algorithm the lab runs, and the labcdn rule that models it.
ALGORITHMS = {
    "haproxy": {"static-rr": "round_robin", "roundrobin": "weighted_round_robin", "leastconn": "least_connections",
                "random(2)": "power_of_d", "uri consistent": "uri_hash"},
    "nginx": {"round robin": "weighted_round_robin", "least_conn": "least_connections",
              "random two least_conn": "power_of_d", "hash $request_uri consistent": "uri_hash"},
    "pen": {"-r": "round_robin", "client tracking": "client_tracking"},
}

#: PIDs of every product process started by this module (for tests: none may survive).
STARTED: list[int] = []


class PortClash(RuntimeError):
    """The product could not bind its port (taken since :func:`free_port` saw it free)."""


class ProductMissing(RuntimeError):
    """A product's executable is not installed; the message names the Debian package."""


def executable(product: str) -> str:
    """Path of the product's executable; raises :class:`ProductMissing` naming the Debian package."""
    product = check_choice("product", product, PACKAGES)
    found = shutil.which(EXECUTABLES[product]) or shutil.which(EXECUTABLES[product], path="/usr/sbin:/usr/bin")
    if found is None:
        raise ProductMissing(f"{product} is not installed: install the Debian package {PACKAGES[product]!r} "
                             f"(apt-get install {PACKAGES[product]})")
    return found


def version(product: str) -> str:
    """The version string the installed product reports (``2.6.12``, ``1.22.1``, ``0.34.1``)."""
    exe = executable(product)
    flag = {"haproxy": ["-v"], "nginx": ["-v"], "pen": []}[product]
    out = subprocess.run([exe, *flag], capture_output=True, text=True, timeout=10)
    text = out.stdout + out.stderr
    pattern = {"haproxy": r"HAProxy version (\S+)", "nginx": r"nginx/(\S+)", "pen": r"pen (\d[\w.]*)"}[product]
    m = re.search(pattern, text)
    if m is None and product == "pen":
        return _pen_version()
    return m.group(1) if m else "unknown"


def _pen_version() -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "pen"], capture_output=True, text=True, timeout=10)
    return out.stdout.strip() or "unknown"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Config:
    """What the balancer is told: one description for the product and for the simulator.

    Attributes
    ----------
    product : {"haproxy", "nginx", "pen"}
    algorithm : str
        The product's own name (a key of ``ALGORITHMS[product]``).
    weights : tuple of int
        Weight of each backend.
    health : HealthCheck or None
        HAProxy's active checks (``check inter fall rise``); None: no checks.
    max_fails, fail_timeout : int
        NGINX's passive checks.
    ids : tuple of int, optional
        HAProxy server ids (``id N``), to keep consistent-hash points stable when a server is removed.
    """

    product: str
    algorithm: str
    weights: tuple = ()
    health: HealthCheck | None = None
    max_fails: int = 1
    fail_timeout: int = 10
    ids: tuple | None = None
    keep: tuple | None = field(default=None)

    def __post_init__(self):
        check_choice("product", self.product, PACKAGES)
        check_choice("algorithm", self.algorithm, ALGORITHMS[self.product])

    @property
    def model(self) -> str:
        """The labcdn rule that models the product's algorithm."""
        return ALGORITHMS[self.product][self.algorithm]


def haproxy_config(cfg: Config, port: int, backends: list[str], socket_path: str) -> str:
    """HAProxy 2.6 configuration for ``cfg`` (one thread, HTTP mode, one frontend and one backend)."""
    balance = {"static-rr": "static-rr", "roundrobin": "roundrobin", "leastconn": "leastconn",
               "random(2)": "random(2)", "uri consistent": "uri\n    hash-type consistent"}[cfg.algorithm]
    check = ""
    if cfg.health is not None:
        h = cfg.health
        check = f" check inter {int(round(h.inter * 1000))} fall {h.fall} rise {h.rise}"
    lines = [
        "global", "    nbthread 1", "    maxconn 4096", f"    stats socket {socket_path} level admin",
        "defaults", "    mode http", "    timeout connect 2s", "    timeout client 60s", "    timeout server 60s",
        "    timeout queue 60s",
        "frontend fe", f"    bind {HOST}:{port}", "    default_backend be",
        "backend be", f"    balance {balance}",
    ]
    for b, addr in enumerate(backends):
        if cfg.keep is not None and b not in cfg.keep:
            continue
        sid = f" id {cfg.ids[b]}" if cfg.ids is not None else ""
        lines.append(f"    server s{b} {addr} weight {cfg.weights[b]}{sid}{check}")
    return "\n".join(lines) + "\n"


def nginx_config(cfg: Config, port: int, backends: list[str], prefix: str) -> str:
    """NGINX configuration for ``cfg``: one process (``master_process off``), one upstream, HTTP/1.0 to it."""
    method = {"round robin": "", "least_conn": "least_conn;", "random two least_conn": "random two least_conn;",
              "hash $request_uri consistent": "hash $request_uri consistent;"}[cfg.algorithm]
    servers = "\n".join(
        f"        server {addr} weight={cfg.weights[b]} max_fails={cfg.max_fails} fail_timeout={cfg.fail_timeout}s;"
        for b, addr in enumerate(backends) if cfg.keep is None or b in cfg.keep)
    temp = "\n".join(f"    {k}_temp_path {prefix}/{k};" for k in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log error;
events {{ worker_connections 2048; }}
http {{
    access_log off;
{temp}
    upstream be {{
        {method}
{servers}
    }}
    server {{
        listen {HOST}:{port};
        location / {{
            proxy_pass http://be;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def pen_command(cfg: Config, port: int, backends: list[str], prefix: str) -> list[str]:
    """Pen's command line for ``cfg``: foreground, round robin with ``-r`` or client tracking by default."""
    args = [executable("pen"), "-f", "-p", f"{prefix}/pen.pid"]
    if cfg.algorithm == "-r":
        args.append("-r")
    args.append(f"{HOST}:{port}")
    args += [a for b, a in enumerate(backends) if cfg.keep is None or b in cfg.keep]
    return args


class Product:
    """A running balancer process (context manager); stops it by PID on exit."""

    def __init__(self, cfg: Config, backends: list[str]):
        self.cfg = cfg
        self.backends = backends
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"labcdn-{cfg.product}-")
        self.socket_path = os.path.join(self.dir, "haproxy.sock")
        self.proc = None

    def command(self) -> list[str]:
        """The command line that starts the product (after writing its configuration)."""
        cfg = self.cfg
        if cfg.product == "haproxy":
            path = Path(self.dir, "haproxy.cfg")
            path.write_text(haproxy_config(cfg, self.port, self.backends, self.socket_path))
            return [executable("haproxy"), "-db", "-f", str(path)]
        if cfg.product == "nginx":
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.makedirs(os.path.join(self.dir, k), exist_ok=True)
            path = Path(self.dir, "nginx.conf")
            path.write_text(nginx_config(cfg, self.port, self.backends, self.dir))
            return [executable("nginx"), "-p", self.dir, "-e", f"{self.dir}/error.log", "-c", str(path)]
        return pen_command(cfg, self.port, self.backends, self.dir)

    def __enter__(self):
        for _ in range(5):
            try:
                return self._start()
            except PortClash:
                self.port = free_port()
        raise RuntimeError(f"{self.cfg.product} found no free port in 5 attempts")

    def _start(self):
        cmd = self.command()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        STARTED.append(self.proc.pid)
        try:
            self._wait_listening()
        except BaseException:
            self._stop_process()
            raise
        return self

    def _wait_listening(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")
                if "in use" in err:
                    raise PortClash(err)
                raise RuntimeError(f"{self.cfg.product} exited with {self.proc.returncode}: {err.strip()}")
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.cfg.product} did not listen on {HOST}:{self.port} within {timeout} s")

    def __exit__(self, *exc):
        try:
            self._stop_process()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _stop_process(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if proc is not None and proc.stderr is not None:
            proc.stderr.close()

    def server_status(self) -> dict[str, str]:
        """HAProxy only: each server's status (UP, DOWN, ...) from the stats socket."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(self.socket_path)
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        status = {}
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "be" and row.get("svname", "").startswith("s"):
                status[row["svname"]] = row.get("status", "")
        return status
