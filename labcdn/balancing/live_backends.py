"""The backends of the live lab: FCFS HTTP servers on 127.0.0.1, all in one asyncio loop on one thread.

Backend ``b`` serves one request at a time, first come first served, at
``speeds[b]``: a request of work ``w`` that arrives at ``t`` finishes at
``max(t, busy until) + w / speed``, the simulator's rule, with its finish timer
set on the loop's clock so that lateness does not accumulate.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time

HOST = "127.0.0.1"  # every socket of the lab is on loopback

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
                lambda r, w, b=b: self._accept(b, r, w), HOST, port, backlog=1024)
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

    def _accept(self, b, reader, writer):
        # Registered synchronously in connection_made, before the handler task first runs: a task
        # cancelled at shutdown before its first step never reaches its ``finally``, so only this
        # registration lets ``_kill`` close (abort) every connection's socket.
        self._writers[b].add(writer)
        return self._handle(b, reader, writer)

    async def _handle(self, b, reader, writer):
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
