"""Slow, obvious pure-Python references for labcdn.orchestration (Python numbers, lists, no numba)."""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import numpy as np
import polars as pl

INF = math.inf
GPU = 1000


# --------------------------------------------------------------------------- DRF


def drf(capacity, demands, weights=None):
    """Progressive filling with Fractions: tasks per user (ties to the lower index)."""
    users = len(demands)
    weights = weights or [1] * users
    used = [0] * len(capacity)
    tasks = [0] * users
    active = [sum(d) > 0 for d in demands]

    def share(u):
        return max((Fraction(tasks[u] * demands[u][r], capacity[r] * weights[u])
                    for r in range(len(capacity)) if capacity[r] > 0), default=Fraction(0))

    while any(active):
        u = min((u for u in range(users) if active[u]), key=lambda u: (share(u), u))
        if all(used[r] + demands[u][r] <= capacity[r] for r in range(len(capacity))):
            tasks[u] += 1
            used = [used[r] + demands[u][r] for r in range(len(capacity))]
        else:
            active[u] = False
    return tasks


# --------------------------------------------------------------------------- nodes


class Nodes:
    def __init__(self, cpu, mem, gpus, max_pods):
        self.cap_cpu, self.cap_mem = list(cpu), list(mem)
        self.cpu, self.mem = list(cpu), list(mem)
        self.gpu = [[GPU] * g for g in gpus]
        self.pods = [0] * len(cpu)
        self.max_pods = max_pods

    def fits(self, n, r):
        cpu, mem, ngpu, gm = r
        if self.cpu[n] < cpu or self.mem[n] < mem or self.pods[n] >= self.max_pods:
            return False
        if ngpu == 0:
            return True
        if gm < GPU:
            return any(f >= gm for f in self.gpu[n])
        return sum(f == GPU for f in self.gpu[n]) >= ngpu

    def bind(self, n, r):
        cpu, mem, ngpu, gm = r
        self.cpu[n] -= cpu
        self.mem[n] -= mem
        self.pods[n] += 1
        if ngpu == 0:
            return []
        if gm < GPU:
            g = min((g for g, f in enumerate(self.gpu[n]) if f >= gm), key=lambda g: (self.gpu[n][g], g))
            self.gpu[n][g] -= gm
            return [g]
        gs = [g for g, f in enumerate(self.gpu[n]) if f == GPU][:ngpu]
        for g in gs:
            self.gpu[n][g] = 0
        return gs

    def release(self, n, r, gs):
        cpu, mem, ngpu, gm = r
        self.cpu[n] += cpu
        self.mem[n] += mem
        self.pods[n] -= 1
        for g in gs:
            self.gpu[n][g] += gm if gm < GPU else GPU

    def score(self, most, n, r):
        total = 0
        for cap, free, req in ((self.cap_cpu[n], self.cpu[n], r[0]), (self.cap_mem[n], self.mem[n], r[1])):
            if cap == 0:
                continue
            requested = cap - free + req
            total += (requested if most else cap - requested) * 100 // cap
        return total // 2


def feasible_to_find(m, pct):
    if m < 100 or pct >= 100:
        return m
    if pct <= 0:
        pct = max(5, 50 - m // 125)
    return max(100, m * pct // 100)


def _request(jobs, j):
    return (int(jobs.cpu_milli[j]), int(jobs.mem_mib[j]), int(jobs.ngpu[j]), int(jobs.gpu_milli[j]))


def _result(jobs):
    n = jobs.size
    total = int(jobs.tasks.sum())
    return {"task_node": [-1] * total, "task_start": [math.nan] * total, "task_end": [math.nan] * total,
            "job_first": [math.nan] * n, "job_last": [math.nan] * n, "job_placed": [0] * n,
            "job_attempts": [0] * n, "job_state": [0] * n, "busy": [0.0, 0.0, 0.0]}


# --------------------------------------------------------------------------- monolithic


def monolithic(jobs, cluster, *, t_job, t_task, most, pct, max_pods, max_attempts, horizon):
    """One kube-scheduler: FIFO queue, whole-window scoring, queueing hints on completions."""
    nodes = Nodes(cluster.cpu_milli, cluster.mem_mib, cluster.gpus, max_pods)
    m = cluster.nodes
    k_find = feasible_to_find(m, pct)
    off = [0]
    for k in jobs.tasks[:-1]:
        off.append(off[-1] + int(k))
    res = _result(jobs)
    heap, queue, unsched = [], [], []
    gpus_of = {}
    ja, current, busy_until, start = 0, -1, INF, 0
    while True:
        ta = float(jobs.arrival[ja]) if ja < jobs.size else INF
        tc = heap[0][0] if heap else INF
        ts = busy_until if current >= 0 else INF
        t = min(ta, tc, ts)
        if t > horizon or t == INF:
            break
        if tc == t:
            _, i, j = heapq.heappop(heap)
            n = res["task_node"][i]
            nodes.release(n, _request(jobs, j), gpus_of[i])
            keep = []
            for w in unsched:
                if jobs.deadline[w] <= t:
                    res["job_state"][w] = 3
                elif nodes.fits(n, _request(jobs, w)):
                    queue.append(w)
                else:
                    keep.append(w)
            unsched = keep
        elif ts == t:
            j, current = current, -1
            res["job_attempts"][j] += 1
            if jobs.deadline[j] <= t:
                res["job_state"][j] = 3
            r = _request(jobs, j)
            while res["job_state"][j] == 0 and res["job_placed"][j] < jobs.tasks[j]:
                found, best, best_s, processed, i = 0, -1, -1, 0, start
                while processed < m and found < k_find:
                    if nodes.fits(i, r):
                        found += 1
                        s = nodes.score(most, i, r)
                        if s > best_s:
                            best, best_s = i, s
                    processed += 1
                    i = (i + 1) % m
                start = (start + processed) % m
                if best < 0:
                    break
                tid = off[j] + res["job_placed"][j]
                gpus_of[tid] = nodes.bind(best, r)
                res["task_node"][tid] = best
                res["task_start"][tid] = t
                res["task_end"][tid] = min(t + float(jobs.duration[j]), float(jobs.deadline[j]))
                heapq.heappush(heap, (res["task_end"][tid], tid, j))
                if res["job_placed"][j] == 0:
                    res["job_first"][j] = t
                res["job_last"][j] = t
                res["job_placed"][j] += 1
            if res["job_state"][j] == 3:
                pass
            elif res["job_placed"][j] == jobs.tasks[j]:
                res["job_state"][j] = 1
            elif res["job_attempts"][j] >= max_attempts:
                res["job_state"][j] = 2
            else:
                unsched.append(j)
        else:
            queue.append(ja)
            ja += 1
        while current < 0 and queue:
            j = queue.pop(0)
            if jobs.deadline[j] <= t:
                res["job_state"][j] = 3
                continue
            current = j
            c = int(jobs.workload[j])
            d = t_job[c] + t_task[c] * (int(jobs.tasks[j]) - res["job_placed"][j])
            busy_until = t + d
            res["busy"][c] += min(d, horizon - t)
    return res


# --------------------------------------------------------------------------- two-level


def two_level(jobs, cluster, *, t_job, t_task, refuse, interval, t_alloc, max_pods, max_attempts, horizon):
    """Mesos allocator (per-agent DRF, offers locked until the reply, filters, revive) + two frameworks."""
    nodes = Nodes(cluster.cpu_milli, cluster.mem_mib, cluster.gpus, max_pods)
    m = cluster.nodes
    cap = [float(sum(cluster.cpu_milli)), float(sum(cluster.mem_mib)), float(sum(cluster.gpus)) * GPU]
    off = [0]
    for k in jobs.tasks[:-1]:
        off.append(off[-1] + int(k))
    res = _result(jobs)
    heap, gpus_of = [], {}
    queues = [[], []]
    holding, reply_at = [False, False], [INF, INF]
    offers = [[], []]
    alloc = [[0.0] * 3, [0.0] * 3]
    offered = [[0.0] * 3, [0.0] * 3]
    locked = [-1] * m
    filt = {}  # (f, n) -> (set time, until)
    revived = [-INF, -INF]
    next_cycle, rotate, ja = INF, 0, 0

    def tick(t):
        return (math.floor(t / interval) + 1.0) * interval

    def share(f):
        return max(((alloc[f][r] + offered[f][r]) / cap[r] for r in range(3) if cap[r] > 0), default=0.0)

    while True:
        ta = float(jobs.arrival[ja]) if ja < jobs.size else INF
        tc = heap[0][0] if heap else INF
        tr = min(reply_at)
        t = min(ta, tc, tr, next_cycle)
        if t > horizon or t == INF:
            break
        if tc == t:
            _, i, j = heapq.heappop(heap)
            r = _request(jobs, j)
            nodes.release(res["task_node"][i], r, gpus_of[i])
            f = int(jobs.workload[j])
            for k, v in enumerate((r[0], r[1], _gpu_amount(r))):
                alloc[f][k] -= v
        elif tr == t:
            f = 0 if reply_at[0] == t else 1
            for n in offers[f]:
                locked[n] = -1
                filt[f, n] = (t, t + refuse[f])
            offers[f] = []
            offered[f] = [0.0] * 3
            holding[f], reply_at[f] = False, INF
            if queues[f] and next_cycle == INF:
                next_cycle = tick(t)
        elif ta == t:
            f = int(jobs.workload[ja])
            queues[f].append(ja)
            revived[f] = t
            ja += 1
            if not holding[f] and next_cycle == INF:
                next_cycle = tick(t)
        else:
            want = [bool(queues[f]) and not holding[f] for f in range(2)]
            if not any(want):
                next_cycle = INF
                continue
            res["busy"][2] += min(t_alloc, horizon - t)
            for k in range(m):
                n = (rotate + k) % m
                if locked[n] >= 0 or (nodes.cpu[n] < 10 and nodes.mem[n] < 32):
                    continue
                cands = []
                for f in range(2):
                    s, u = filt.get((f, n), (-INF, -INF))
                    if want[f] and not (s >= revived[f] and u > t):
                        cands.append((share(f), f))
                if not cands:
                    continue
                f = min(cands)[1]
                locked[n] = f
                offers[f].append(n)
                offered[f][0] += nodes.cpu[n]
                offered[f][1] += nodes.mem[n]
                offered[f][2] += sum(nodes.gpu[n])
            rotate = (rotate + 1) % m
            for f in range(2):
                if not want[f] or not offers[f]:
                    continue
                t0 = t + t_alloc
                think, launched = 0.0, []
                batch, queues[f] = queues[f], []
                for j in batch:
                    if jobs.deadline[j] <= t0:
                        res["job_state"][j] = 3
                        continue
                    think += t_job[f] + t_task[f] * (int(jobs.tasks[j]) - res["job_placed"][j])
                    res["job_attempts"][j] += 1
                    r = _request(jobs, j)
                    for n in offers[f]:  # first fit, in offer order
                        while res["job_placed"][j] < jobs.tasks[j] and nodes.fits(n, r):
                            tid = off[j] + res["job_placed"][j]
                            gpus_of[tid] = nodes.bind(n, r)
                            res["task_node"][tid] = n
                            launched.append(tid)
                            for k, v in enumerate((r[0], r[1], _gpu_amount(r))):
                                alloc[f][k] += v
                            res["job_placed"][j] += 1
                    if res["job_placed"][j] == jobs.tasks[j]:
                        res["job_state"][j] = 1
                    elif res["job_attempts"][j] >= max_attempts:
                        res["job_state"][j] = 2
                    else:
                        queues[f].append(j)
                reply = t0 + think
                res["busy"][f] += max(0.0, min(think, horizon - t0))
                for tid in launched:
                    j = _job_of(off, tid)
                    res["task_start"][tid] = reply
                    res["task_end"][tid] = min(reply + float(jobs.duration[j]), max(float(jobs.deadline[j]), reply))
                    heapq.heappush(heap, (res["task_end"][tid], tid, j))
                    if math.isnan(res["job_first"][j]):
                        res["job_first"][j] = reply
                    res["job_last"][j] = reply
                holding[f], reply_at[f] = True, reply
            still = any(queues[f] and not holding[f] for f in range(2))
            next_cycle = t + interval if still else INF
    return res


def _gpu_amount(r):
    return 0 if r[2] == 0 else (r[3] if r[3] < GPU else r[2] * GPU)


def _job_of(off, tid):
    lo = 0
    for j, o in enumerate(off):
        if o <= tid:
            lo = j
    return lo


# --------------------------------------------------------------------------- invariants, checked the slow way


def usage_never_exceeds_capacity(sim, max_pods):
    """Sweep every start and end per node: running requests never exceed the node."""
    jobs, cl = sim.jobs, sim.cluster
    task_job = np.repeat(np.arange(jobs.size), jobs.tasks)
    placed = sim.task_node >= 0
    gpu_need = np.where(jobs.ngpu == 0, 0, np.where(jobs.gpu_milli < GPU, jobs.gpu_milli, jobs.ngpu * GPU))
    for n in np.unique(sim.task_node[placed]):
        mine = np.flatnonzero(placed & (sim.task_node == n))
        events = sorted([(sim.task_end[i], 0, i) for i in mine] + [(sim.task_start[i], 1, i) for i in mine])
        cpu = mem = gpu = pods = 0
        for _, is_start, i in events:  # ends before starts at equal times
            sign = 1 if is_start else -1
            j = task_job[i]
            cpu += sign * jobs.cpu_milli[j]
            mem += sign * jobs.mem_mib[j]
            gpu += sign * gpu_need[j]
            pods += sign
            assert cpu <= cl.cpu_milli[n] and mem <= cl.mem_mib[n] and pods <= max_pods
            assert gpu <= cl.gpus[n] * GPU


def pods_conserved(sim):
    jobs = sim.jobs
    task_job = np.repeat(np.arange(jobs.size), jobs.tasks)
    placed_per_job = np.bincount(task_job[sim.task_node >= 0], minlength=jobs.size)
    np.testing.assert_array_equal(placed_per_job, sim.job_placed)
    assert ((sim.job_state == 1) == (sim.job_placed == jobs.tasks)).all()
    # a job's placed tasks are its first ones, each started no earlier than the job arrived
    first_index = np.concatenate([[0], np.cumsum(jobs.tasks)[:-1]])
    rank = np.arange(task_job.size) - first_index[task_job]
    assert ((sim.task_node >= 0) == (rank < sim.job_placed[task_job])).all()
    starts = sim.task_start[sim.task_node >= 0]
    assert (starts >= jobs.arrival[task_job[sim.task_node >= 0]]).all()
    assert (sim.task_end[sim.task_node >= 0] >= starts).all()
    m = sim.metrics().filter(pl.col("workload") == "all")
    values = dict(zip(m["metric"], m["value"], strict=True))
    assert values["tasks_placed"] + values["unschedulable_tasks"] == jobs.total_tasks


# --------------------------------------------------------------------------- etcd election


class SplitMix:
    """The kernel's uniform stream: SplitMix64 outputs scaled to [0, 1)."""

    def __init__(self, seed):
        self.state = seed & (2**64 - 1)

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & (2**64 - 1)
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
        z ^= z >> 31
        return (z >> 11) / 9007199254740992.0


def raft_election(seed, members, tick, election_ticks, delay, pre_vote, max_time):
    """etcd's election after member 0 (the leader) dies at 0, one member object at a time."""
    rnd = SplitMix(seed)
    quorum = members // 2 + 1
    live = range(1, members)
    new_timeout = lambda: election_ticks + int(rnd.uniform() * election_ticks)  # noqa: E731
    last_heartbeat = -rnd.uniform() * tick + delay
    node = {i: {"role": "follower", "term": 1, "vote": 0, "lead": True, "elapsed": 0, "timeout": 0,
                "next": 0.0, "yes": 0, "no": 0} for i in live}
    for i in live:
        node[i]["timeout"] = new_timeout()
        node[i]["next"] = last_heartbeat + rnd.uniform() * tick
    inbox = []  # [time, seq, to, from, kind, term, ok]; ties by send order (the kernel's swap order differs
    seq = 0     # only on exact time ties, which continuous delays make vanishingly rare)

    def send(t, to, frm, kind, term, ok=False):
        nonlocal seq
        inbox.append([t + delay, seq, to, frm, kind, term, ok])
        seq += 1

    def campaign(i, t, kind):
        for j in live:
            if j != i:
                send(t, j, i, kind, node[i]["term"] + (1 if kind == "prevote" else 0))

    while True:
        msg = min(inbox, default=None, key=lambda m: (m[0], m[1]))
        ticker = min(live, key=lambda i: node[i]["next"])
        if msg is not None and msg[0] <= node[ticker]["next"]:
            t = msg[0]
        else:
            t, msg = node[ticker]["next"], None
        if t >= max_time:
            return max_time
        if msg is None:
            me = node[ticker]
            me["next"] += tick
            me["elapsed"] += 1
            if me["elapsed"] >= me["timeout"]:
                me.update(elapsed=0, yes=1, no=0, lead=False)
                if pre_vote:
                    me["role"] = "precandidate"
                    campaign(ticker, t, "prevote")
                else:
                    me.update(role="candidate", term=me["term"] + 1, vote=ticker, timeout=new_timeout())
                    campaign(ticker, t, "vote")
            continue
        inbox.remove(msg)
        _, _, j, src, kind, mterm, ok = msg
        me = node[j]
        if kind in ("prevote", "vote"):
            if mterm > me["term"] and me["lead"] and me["elapsed"] < election_ticks:
                continue
            if kind == "vote" and mterm > me["term"]:
                me.update(role="follower", term=mterm, vote=-1, lead=False, elapsed=0, timeout=new_timeout())
            if mterm < me["term"]:
                yes = False
            elif kind == "prevote":
                yes = mterm > me["term"] or me["vote"] == src or (me["vote"] < 0 and not me["lead"])
            else:
                yes = me["vote"] == src or (me["vote"] < 0 and not me["lead"])
                if yes:
                    me.update(vote=src, elapsed=0)
            send(t, src, j, kind + "_resp", mterm, yes)
            continue
        role, expected = ("precandidate", me["term"] + 1) if kind == "prevote_resp" else ("candidate", me["term"])
        if me["role"] != role or mterm != expected:
            continue
        me["yes" if ok else "no"] += 1
        if me["yes"] >= quorum:
            if kind == "vote_resp":
                return t
            me.update(role="candidate", term=me["term"] + 1, vote=j, elapsed=0, timeout=new_timeout(), yes=1, no=0)
            campaign(j, t, "vote")
        elif me["no"] >= quorum:
            me.update(role="follower", lead=False, elapsed=0, timeout=new_timeout())


# --------------------------------------------------------------------------- autoscaling


def hpa_recommendation(ready, unready, utilisation, target, tolerance):
    """Kubernetes' ``GetResourceReplicas`` (pkg/controller/podautoscaler/replica_calculator.go), branch for branch.

    Pods are kept as a name -> usage table, as the controller keeps its metrics: ready pods report
    ``utilisation`` (as a fraction of their request), unready pods report nothing until a scale-up
    fills them in at 0. No missing pods (every ready pod reports).
    """
    current = ready + unready
    metrics = {f"ready-{i}": utilisation for i in range(ready)}
    if not metrics:  # "did not receive metrics for targeted pods": the controller keeps the count
        return current
    usage_ratio = utilisation / target  # every reporting pod has the same usage and request
    scale_up_with_unready = unready > 0 and usage_ratio > 1.0
    if not scale_up_with_unready:
        if math.fabs(1.0 - usage_ratio) <= tolerance:
            return current
        return math.ceil(usage_ratio * len(metrics))
    for i in range(unready):  # on a scale-up, unready pods count as using 0 % of their request
        metrics[f"unready-{i}"] = 0.0
    new_ratio = usage_ratio * ready / len(metrics)  # the mean over all pods, 0 for the unready ones
    if (math.fabs(1.0 - new_ratio) <= tolerance or (usage_ratio < 1.0 and new_ratio > 1.0)
            or (usage_ratio > 1.0 and new_ratio < 1.0)):
        return current
    new_replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
        return current
    return new_replicas


def autoscale(load, controller, p, initial):
    """Second by second, a list of replica ready times (oldest first); returns the totals."""
    period = int(p["sync"] if controller == "hpa" else p["interval"])
    replicas = [-1.0] * initial
    recs, window = [], []
    trigger = cool = events = overload = 0
    excess = total = replica_seconds = 0.0
    for t, rps in enumerate(load):
        ready = sum(r <= t for r in replicas)
        capacity = ready * p["replica_rps"]
        if rps > capacity:
            overload += 1
            excess += rps - capacity
        total += rps
        replica_seconds += len(replicas)
        if ready:
            window.append(1.0 if capacity <= 0 else min(1.0, rps / capacity))
        if (t + 1) % period:
            continue
        metric = sum(window) / len(window) if window else 0.0
        window = []
        now, spec = t + 1.0, len(replicas)
        new = spec
        if controller == "hpa":
            raw = hpa_recommendation(ready, spec - ready, metric, p["target"], p["tolerance"])
            recs.append((now, raw))
            if raw > spec:
                new = min(raw, max(math.ceil(spec * (1 + p["up_percent"] / 100)), spec + p["up_pods"]))
            else:
                highest = max([raw] + [v for when, v in recs if when > now - p["stabilization"]])
                new = max(min(spec, highest), spec - math.floor(spec * p["down_percent"] / 100))
        elif metric > p["max_range"]:
            trigger, cool = trigger + 1, 0
            if trigger >= p["trigger_number"]:
                new, trigger = math.ceil(spec * p["multiplier"]), 0
        elif metric < p["min_range"]:
            cool, trigger = cool + 1, 0
            if cool >= p["cool_down_factor"]:
                new, cool = math.floor(spec / p["multiplier"]), 0
        new = min(max(new, p["min_replicas"]), p["max_replicas"])
        if new != spec:
            events += 1
        replicas = replicas[:new] + [now + p["startup"]] * (new - spec)
    return {"slo_violation_seconds": overload, "overload_fraction": excess / total if total else 0.0,
            "replica_minutes": replica_seconds / 60, "scale_events": events}


# --------------------------------------------------------------------------- rolling updates


def rolling(strategy, replicas, surge, unavailable, kill_now, max_capacity, delay):
    """The update as a list of (time, old, new ready, new created, pods) rows, pod by pod."""
    new = []  # ready times
    old = replicas - (kill_now if strategy == "marathon" else 0)
    t, rows = 0.0, []
    while True:
        ready = sum(r <= t for r in new)
        if strategy == "deployment":
            changed = True
            while changed:
                changed = False
                room = min(replicas + surge - old - len(new), replicas - len(new))
                if room > 0:
                    new += [t + delay] * room
                    changed = True
                    continue
                if old + len(new) - (replicas - unavailable) - (len(new) - ready) > 0:
                    cut = min(old, old + ready - (replicas - unavailable))
                    if cut > 0:
                        old -= cut
                        changed = True
        else:
            start = min(replicas - len(new), max(0, max_capacity - old - len(new)))
            new += [t + delay] * start
        rows.append((t, old, ready, len(new), old + len(new)))
        if old == 0 and ready == replicas:
            return rows
        later = [r for r in new if r > t]
        if not later:
            return rows
        nxt = min(later)
        if strategy == "marathon":
            old = max(0, old - sum(t < r <= nxt for r in new))
        t = nxt


def recreate(replicas, delay):
    """A Deployment of type Recreate, written from its documentation: all existing pods are killed before new
    ones are created; the new ones become ready together after ``delay``."""
    return [(0.0, 0, 0, replicas, replicas), (delay, 0, replicas, replicas, replicas)]
