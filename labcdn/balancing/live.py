"""The live lab: real HAProxy, NGINX and Pen on loopback, in front of FCFS backends, under a Poisson load.

One call, :func:`run_live`, does what a run of :func:`labcdn.balancing.simulate`
does, with real software in the balancer's place:

1. starts the **backends**: HTTP servers on 127.0.0.1, all in one asyncio
   loop in one thread. Backend ``b`` serves one request at a time, first come
   first served, at ``speeds[b]``: a request of work ``w`` that arrives at
   ``t`` finishes at ``max(t, busy until) + w / speed`` (the simulator's
   rule), its finish timer set on the loop's clock so that lateness does not
   accumulate;
2. writes the **product's configuration** from the same description the
   simulator gets (backends, weights, algorithm, health checks) and starts
   the product on a free port;
3. replays the **workload** (:func:`labcdn.balancing.workload`: Poisson
   arrivals and seeded work per request, the very arrays the simulator
   reads) as an open loop: request ``i`` is sent at ``arrival[i]`` whatever
   happened to the earlier ones; its work travels in its URI;
4. records, for every request, the backend that served it, the status and
   the response time; optionally kills a backend mid-run;
5. stops everything it started, by PID, in ``finally`` blocks.

Every loop is bounded by the request count and by a deadline; every socket is
on 127.0.0.1. :data:`STARTED` keeps the PIDs of every product process this
module started, so a test can check none survives.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_range
from labcdn.balancing.health import HealthCheck
from labcdn.balancing.workload import Workload

HOST = "127.0.0.1"

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

MAX_REQUESTS = 20_000
STATUS_OK, STATUS_HTTP_ERROR, STATUS_FAILED = "ok", "http_error", "failed"


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


# --------------------------------------------------------------------------- backends


class Backends:
    """FCFS HTTP backends in one asyncio loop on a background thread.

    A request ``GET <path>?w=<work in microseconds>&id=<request>`` is served after the
    requests that reached the same backend before it, for ``work / speed``
    seconds; the response carries ``X-Backend: <index>``. Any other path
    (health checks) is answered at once. Use as a context manager.
    """

    def __init__(self, speeds):
        self.speeds = [float(s) for s in speeds]
        self.ports = [0] * len(self.speeds)  # bound to port 0; the kernel picks, _start reads them back
        self.loop = asyncio.new_event_loop()
        self._servers = [None] * len(self.speeds)
        self._writers = [set() for _ in self.speeds]
        self._busy = [0.0] * len(self.speeds)
        self.alive = [True] * len(self.speeds)
        self.served = [[] for _ in self.speeds]  # request ids in service order
        self.records = {}  # request id -> (arrival at the backend, scheduled finish, response written), monotonic
        self._thread = threading.Thread(target=self.loop.run_forever, name="labcdn-backends", daemon=True)

    def __enter__(self):
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(self._start(), self.loop)
        fut.result(timeout=10)
        return self

    def __exit__(self, *exc):
        try:
            asyncio.run_coroutine_threadsafe(self._stop_all(), self.loop).result(timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()

    @property
    def addresses(self) -> list[str]:
        """``127.0.0.1:port`` of each backend."""
        return [f"{HOST}:{p}" for p in self.ports]

    async def _start(self):
        for b, port in enumerate(self.ports):
            self._servers[b] = await asyncio.start_server(
                lambda r, w, b=b: self._handle(b, r, w), HOST, port, backlog=1024)
            self.ports[b] = self._servers[b].sockets[0].getsockname()[1]

    async def _stop_all(self):
        for b in range(len(self.ports)):
            await self._kill(b)
        for _ in range(3):  # let the aborted transports close their sockets before the loop stops
            await asyncio.sleep(0)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _kill(self, b):
        self.alive[b] = False
        server = self._servers[b]
        if server is not None:
            server.close()
            self._servers[b] = None
        for w in list(self._writers[b]):
            w.transport.abort()
        self._writers[b].clear()

    def kill(self, b: int) -> float:
        """Make backend ``b`` die like a crashed process: close its port and reset its connections.

        Returns the loop time at which it died.
        """
        fut = asyncio.run_coroutine_threadsafe(self._kill(b), self.loop)
        fut.result(timeout=10)
        return time.monotonic()

    async def _handle(self, b, reader, writer):
        self._writers[b].add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                parts = line.split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                keep = parts[-1] == "HTTP/1.1" and b"connection: close" not in head.lower()
                m = re.search(r"[?&]w=(\d+)&id=(\d+)", path)
                if m is not None:
                    now = self.loop.time()
                    start = max(now, self._busy[b])
                    finish = start + int(m.group(1)) * 1e-6 / self.speeds[b]
                    self._busy[b] = finish
                    rid = int(m.group(2))
                    self.served[b].append(rid)
                    await asyncio.sleep(max(0.0, finish - self.loop.time()))
                    if not self.alive[b]:
                        return
                    self.records[rid] = (now, finish, self.loop.time())
                body = b""
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Backend: %d\r\n%s\r\n%s"
                             % (b, b"" if keep else b"Connection: close\r\n", body))
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers[b].discard(writer)
            with contextlib.suppress(Exception):
                writer.close()


# --------------------------------------------------------------------------- products


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


# --------------------------------------------------------------------------- load


async def _one(port, path, t0, out, i, timeout):
    t_send = time.monotonic() - t0
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)
    except (TimeoutError, OSError):
        out[i] = (t_send, time.monotonic() - t0, 0, -1, "")
        return
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    done = time.monotonic() - t0
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    code = int(lines[0].split(" ")[1]) if lines and len(lines[0].split(" ")) > 1 else 0
    backend, upstream = -1, ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "x-backend":
            backend = int(value.strip())
        elif name.lower() == "x-upstream":
            upstream = value.strip()
    out[i] = (t_send, done, code, backend, upstream)


async def _drive(port, paths, arrival, timeout, deadline, on_time=None):
    loop = asyncio.get_running_loop()
    out = [None] * len(paths)
    t0 = time.monotonic() + 0.05
    tasks = []
    hooks = sorted(on_time or [], key=lambda h: h[0])
    for i, path in enumerate(paths):
        while hooks and hooks[0][0] <= arrival[i]:
            at, fn = hooks.pop(0)
            await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
            await loop.run_in_executor(None, fn)
        delay = t0 + arrival[i] - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if time.monotonic() > t0 + deadline:
            break
        tasks.append(asyncio.create_task(_one(port, path, t0, out, i, timeout)))
    for at, fn in hooks:
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        await loop.run_in_executor(None, fn)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 5)
    for t in tasks:
        t.cancel()
    return out, t0


def run_live(cfg: Config, workload: Workload, *, uris=None, kill=None, poll=None, deadline=120.0,
             timeout=30.0, backends=None) -> pl.DataFrame:
    """Run one product on loopback against the workload; one row per request.

    Parameters
    ----------
    cfg : Config
        Product, algorithm, weights and health checks.
    workload : Workload
        Arrival times and work of each request (its cluster's speeds set the backends').
    uris : sequence of str, optional
        A path per request (for the hashing runs; ``/r`` when omitted); the
        work and the request number travel as ``?w=<microseconds>&id=<i>``.
    kill : tuple (backend, seconds), optional
        Kill that backend at that time after the first arrival.
    poll : float, optional
        HAProxy only: poll the stats socket every ``poll`` seconds after the kill
        and record when the killed server is reported DOWN.
    deadline : float
        Stop sending requests this many seconds after the start, in (0, 600].
    timeout : float
        Per-request timeout in seconds.
    backends : Backends, optional
        Running backends to reuse (same ports across runs); started and
        stopped here when omitted.

    Returns
    -------
    polars.DataFrame
        ``request, path, arrival, sent, response, status, code, backend, address`` (of the
        backend, ``127.0.0.1:port``), ``upstream`` (NGINX's ``$upstream_addr``), ``at_backend``,
        ``finish_at_backend``, ``written_at_backend`` (when the request reached
        its backend, when the FCFS queue had it finish, when the response left;
        seconds from the start, nan for requests no backend answered);
        the frame's ``detected`` (HAProxy with ``poll``) and ``killed_at``
        are returned as extra columns (constant).
    """
    n = check_range("requests", workload.requests, 1, MAX_REQUESTS, integer=True)
    deadline = float(check_range("deadline", deadline, 0.0, 600.0, low_open=True))
    speeds = workload.cluster.speeds
    work_us = np.maximum(np.rint(np.asarray(workload.work) * 1e6), 0).astype(np.int64)
    if uris is None:
        uris = ["/r"] * n
    if len(uris) != n or not all(str(u).startswith("/") and "?" not in str(u) for u in uris):
        raise ValueError(f"uris must be {n} paths starting with '/' and without a query string")
    paths = [f"{u}?w={work_us[i]}&id={i}" for i, u in enumerate(uris)]
    detected = [np.nan]
    killed = [np.nan]
    own = backends is None
    if own:
        backends = Backends(speeds)
    elif len(backends.speeds) != len(speeds):
        raise ValueError(f"backends has {len(backends.speeds)} servers; the workload's cluster has {len(speeds)}")
    with contextlib.ExitStack() as stack:
        if own:
            stack.enter_context(backends)
        product = stack.enter_context(Product(cfg, backends.addresses))
        hooks = []
        if kill is not None:
            b_kill, at = kill

            def do_kill():
                backends.kill(b_kill)
                killed[0] = at
                if poll:
                    t_kill = time.monotonic()
                    end = t_kill + 30.0
                    threading.Thread(target=_poll_down, args=(product, f"s{b_kill}", t_kill, end, poll,
                                                              detected), daemon=True).start()

            hooks.append((at, do_kill))
        records = {}
        backends.records = records
        out, t0 = asyncio.run(_drive(product.port, paths, np.asarray(workload.arrival), timeout, deadline, hooks))
        addresses = backends.addresses
    rows = []
    for i, rec in enumerate(out):
        if rec is None:
            continue
        sent, done, code, backend, upstream = rec
        status = STATUS_OK if code == 200 else (STATUS_FAILED if code == 0 else STATUS_HTTP_ERROR)
        at, fin, written = records.get(i, (np.nan, np.nan, np.nan))
        rows.append((i, paths[i], float(workload.arrival[i]), sent, done, status, code, backend,
                     addresses[backend] if backend >= 0 else "", upstream, at - t0, fin - t0, written - t0))
    frame = pl.DataFrame(rows, schema={"request": pl.Int64, "path": pl.String, "arrival": pl.Float64, "sent": pl.Float64,
                                       "done": pl.Float64, "status": pl.String, "code": pl.Int64,
                                       "backend": pl.Int64, "address": pl.String, "upstream": pl.String,
                                       "at_backend": pl.Float64, "finish_at_backend": pl.Float64,
                                       "written_at_backend": pl.Float64}, orient="row")
    return frame.with_columns(
        response=pl.col("done") - pl.col("sent"),
        detected=pl.lit(detected[0]), killed_at=pl.lit(killed[0]),
    ).drop("done")


def _poll_down(product, name, t_kill, end, every, detected):
    while time.monotonic() < end:
        try:
            status = product.server_status().get(name, "")
        except OSError:
            return
        if status.startswith("DOWN"):
            detected[0] = time.monotonic() - t_kill
            return
        time.sleep(every)
