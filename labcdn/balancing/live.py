"""The live lab: real HAProxy, NGINX and Pen on loopback, in front of FCFS backends, under a Poisson load.

One call, :func:`run_live`, does what a run of :func:`labcdn.balancing.simulate`
does, with real software in the balancer's place:

1. starts the **backends** (:mod:`~labcdn.balancing.live_backends`): HTTP
   servers on 127.0.0.1, all in one asyncio loop in one thread, each serving
   one request at a time, first come first served, at its speed;
2. writes the **product's configuration** from the same description the
   simulator gets (backends, weights, algorithm, health checks) and starts
   the product on a free port (:mod:`~labcdn.balancing.live_products`);
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
import threading
import time

import numpy as np
import polars as pl

from labcdn._validation import check_range
from labcdn.balancing.live_backends import Backends
from labcdn.balancing.live_products import (
    ALGORITHMS,
    EXECUTABLES,
    HOST,
    PACKAGES,
    STARTED,
    Config,
    PortClash,
    Product,
    ProductMissing,
    executable,
    free_port,
    haproxy_config,
    nginx_config,
    pen_command,
    version,
)
from labcdn.balancing.workload import Workload

__all__ = ["ALGORITHMS", "EXECUTABLES", "HOST", "PACKAGES", "STARTED", "Backends", "Config", "PortClash", "Product",
           "ProductMissing", "executable", "free_port", "haproxy_config", "nginx_config", "pen_command", "run_live",
           "version"]

MAX_REQUESTS = 20_000
STATUS_OK, STATUS_HTTP_ERROR, STATUS_FAILED = "ok", "http_error", "failed"


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
