"""The study subcommands of the ``labcdn`` CLI (see :mod:`labcdn.cli`).

Each function runs one study at its defaults, or with the options given, and
returns its headline metrics as a plain dict; the CLI prints it or dumps it as
JSON. Models stay in their packages: nothing here computes a number itself.
:data:`COMMANDS` is the table :mod:`labcdn.cli.main` builds its parser from;
this module imports nothing from it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Command:
    """A study's subcommand: its options and the function returning its headline metrics."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], dict]


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, add_arguments=lambda parser: None):
    """Register ``run(args) -> dict`` as the subcommand ``name``."""

    def register(run):
        COMMANDS[name] = Command(help, add_arguments, run)
        return run

    return register


def _datasets_args(parser):
    parser.add_argument("--verify", action="store_true",
                        help="check each file's sha256 against the published file's; exit 2 on any mismatch")


@command("datasets", "the real data sets: where each is read from, its public source, whether it is present",
         _datasets_args)
def datasets_command(args) -> dict:
    from labcdn import datasets

    out = {"data_dir": str(datasets.data_dir()), "files": {}}
    checked = datasets.verify_all().rows_by_key("key", named=True, unique=True) if args.verify else {}
    for entry in datasets.DATA_FILES:
        try:
            path, present = datasets.data_path(entry.key), True
        except datasets.DataNotFound:
            path, present = datasets.data_dir() / entry.path, False
        info = {"path": str(path), "present": present, "rows": entry.rows, "source": entry.source}
        if args.verify:
            info["sha256_ok"] = checked[entry.key]["status"] == "ok"
        out["files"][entry.key] = info
    bad = [f"{row['path']}: {row['status']}" + (f" (sha256 {row['actual']}, expected {row['expected']})"
                                                 if row["status"] == "mismatch" else "")
           for row in checked.values() if row["status"] != "ok"]
    if bad:
        raise ValueError("; ".join(bad))
    return out


def _caching_args(parser):
    parser.add_argument("--trace", default="061807.24", choices=["061807.24", "012908.S1"],
                        help="UMass campus YouTube trace (default: %(default)s); 012908.S1 needs --lenient")
    parser.add_argument("--lenient", action="store_true",
                        help="skip malformed lines (012908.S1's last line) and report each on stderr")
    parser.add_argument("--no-verify", action="store_true",
                        help="load a deliberately different trace file (no sha256 check; still parsed strictly)")
    parser.add_argument("--capacity-fraction", type=float, default=0.05,
                        help="cache size as a fraction of the trace's distinct objects (default: %(default)s)")


@command("caching", "reactive policies (LRU, FIFO, LFU, Belady) and a ranked fill on a real request trace",
         _caching_args)
def caching_command(args) -> dict:
    import sys

    from labcdn import caching, datasets
    from labcdn._validation import check_range

    check_range("capacity_fraction", args.capacity_fraction, 0.0, 1.0, low_open=True)
    loaded = datasets.load_umass_youtube(args.trace, lenient=args.lenient, verify=not args.no_verify)
    for bad in loaded.skipped:
        print(f"labcdn caching: skipped {bad.file}, line {bad.line}: {bad.reason}", file=sys.stderr)
    ids, _ = datasets.request_trace(loaded.frame)
    sizes = np.ones_like(ids)  # the trace has no sizes: every video counts as one unit
    n_obj = int(ids.max()) + 1
    capacity = max(1, round(args.capacity_fraction * n_obj))
    half = ids.size // 2
    whole = caching.hit_ratio_curves(ids, sizes, [capacity])
    second = caching.hit_ratio_curves(ids, sizes, [capacity], train_until=half)
    return {
        "trace": args.trace,
        "skipped_lines": [{"file": s.file, "line": s.line, "reason": s.reason} for s in loaded.skipped],
        "capacity_objects": capacity,
        **caching.one_hit_wonders(ids),
        "hit_ratio_whole_trace": dict(zip(whole["policy"], whole["hit_ratio"], strict=True)),
        "hit_ratio_second_half": dict(zip(second["policy"], second["hit_ratio"], strict=True)),
    }


def _ranking_args(parser):
    parser.add_argument("--target", type=float, default=0.9, help="caching efficiency both rankings must reach")
    parser.add_argument("--concentration", type=float, default=1.0,
                        help="within-title concentration κ (1 = the structured model)")
    parser.add_argument("--zipf", type=float, default=None, help="title Zipf exponent (default: DemandParams)")
    parser.add_argument("--titles", type=int, default=500, help="titles in the catalogue")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=20, help="seeds in the headline's band (default: %(default)s)")


@command("ranking", "file- vs title-level ranking: the storage each needs for the same caching efficiency",
         _ranking_args)
def ranking_command(args) -> dict:
    from dataclasses import replace

    from labcdn import popularity

    cp = replace(popularity.CatalogueParams(), n_titles=args.titles)
    dp = replace(popularity.DemandParams(), concentration=args.concentration)
    if args.zipf is not None:
        dp = replace(dp, zipf_exponent=args.zipf)
    popularity.ranking.check_study_memory(cp)  # before the draw: --titles 1000000 needs some 40 GB
    cat = popularity.make_catalogue(cp, seed=args.seed)
    s = popularity.study(cp, dp, args.target, args.seed, catalogue=cat)
    fpt = cat.files_per_title()
    global_episodes = fpt[(cat.scope == popularity.SCOPES.index("global")) & ~cat.is_film]
    h = popularity.waterfall(args.target, seed=args.seed, n_seeds=args.seeds, n_titles=args.titles)
    return {
        "file_vs_title_storage_ratio": h.ratio,
        "file_vs_title_storage_ratio_exact_today": h.ratio_exact_today,
        "published_ratio": popularity.STORAGE_RATIO,
        "switch_year": popularity.SWITCH_YEAR,
        "steps": [{k: row[k] for k in ("key", "label", "source", "ratio", "delta", "p05", "p95")}
                  for row in h.steps.iter_rows(named=True)],
        "seeds": {"n": h.n_seeds, "first": args.seed, "ratio_p05": h.ratio_p05, "ratio_p95": h.ratio_p95},
        "sessions_per_appliance_day": h.sessions_per_day,
        "exact_today": {
            "ratio": s.ratio,
            "target_efficiency": s.target_efficiency,
            "file_storage_fraction": s.file_storage_fraction,
            "title_storage_fraction": s.title_storage_fraction,
            "capacity_fraction": s.capacity_fraction,
            "file_efficiency": s.file_efficiency,
            "title_efficiency": s.title_efficiency,
            "concentration": args.concentration,
            "zipf_exponent": dp.zipf_exponent,
        },
        "target_efficiency": s.target_efficiency,
        "files_per_global_episode": float(np.median(global_episodes)) if global_episodes.size else None,
        "parameters": {"titles": args.titles, "concentration": args.concentration,
                       "zipf_exponent": dp.zipf_exponent, "seed": args.seed, "seeds": args.seeds},
    }


def _prediction_args(parser):
    # defaults None: the chapter's NightlyParams (read when the command runs, so the CLI starts without the model)
    parser.add_argument("--days", type=int, default=None, help="days simulated (default: NightlyParams, 28)")
    parser.add_argument("--capacity-fraction", type=float, default=None,
                        help="appliance size as a share of the catalogue's bytes (default: NightlyParams, 0.05)")
    parser.add_argument("--budget-fraction", type=float, default=None,
                        help="bytes that may be filled per night, as a share of the appliance "
                             "(default: NightlyParams, 6.5 TB on a 100 TB appliance)")
    parser.add_argument("--seed", type=int, default=0)


@command("prediction", "next-day efficiency of the nightly fill for each predictor, against the oracle",
         _prediction_args)
def prediction_command(args) -> dict:
    from dataclasses import replace

    from labcdn import prediction

    given = {"n_days": args.days, "capacity_fraction": args.capacity_fraction, "budget_fraction": args.budget_fraction}
    params = replace(prediction.NightlyParams(), seed=args.seed, **{k: v for k, v in given.items() if v is not None})
    summary = prediction.run(params, progress=True).summary
    return {
        "efficiency": dict(zip(summary["method"], summary["efficiency"], strict=True)),
        "oracle_efficiency": dict(zip(summary["method"], summary["oracle_efficiency"], strict=True)),
        "churn_mean": dict(zip(summary["method"], summary["churn_mean"], strict=True)),
        "parameters": {"days": params.n_days, "capacity_fraction": params.capacity_fraction,
                       "budget_fraction": params.budget_fraction, "seed": params.seed},
    }


@command("hashing", "consistent hashing: balance and disruption per algorithm at the chapter's defaults")
def hashing_command(args) -> dict:
    from labcdn import hashing

    return hashing.summary()


@command("replication", "replication and tiers: usable capacity with and without copies, storage overhead, "
         "peak after a failure")
def replication_command(args) -> dict:
    from labcdn import replication

    return replication.summary()


@command("serving", "serving 100 Gbps from one server: the modelled steps beside the published ones")
def serving_command(args) -> dict:
    from labcdn import serving

    return serving.summary()


@command("balancing", "load balancers: p99 per algorithm at the default load, live and with stale load")
def balancing_command(args) -> dict:
    from labcdn import balancing

    return balancing.summary()


def _balancers_args(parser):
    parser.add_argument("--save", metavar="PATH",
                        help="also write the results with machine, versions, date and command to PATH "
                             "(the committed copy is data/measurements/balancers.json)")


@command("balancers", "real HAProxy, NGINX and Pen on loopback, measured against the simulator", _balancers_args)
def balancers_command(args) -> dict:
    import json
    import sys

    from tqdm.auto import tqdm

    from labcdn.balancing import live, live_study

    with tqdm(total=13, desc="live balancers", file=sys.stderr, leave=False) as bar:
        try:
            results = live_study.measure(progress=lambda label: (bar.set_postfix_str(label), bar.update(1)))
        except live.ProductMissing as exc:
            raise ValueError(str(exc)) from exc
    if args.save:
        argv = "labcdn balancers --json" + (f" --save {args.save}" if args.save else "")
        record = {"provenance": live_study.provenance(argv), "results": results}
        with open(args.save, "w") as fh:
            json.dump(record, fh, indent=1, sort_keys=False)
            fh.write("\n")
    return results


def _orchestration_args(parser):
    parser.add_argument("--nodes", type=int, default=10_000, help="cluster size for the scheduling headline")
    parser.add_argument("--no-trace", action="store_true", help="skip the Alibaba trace replay")


@command("orchestration", "Kubernetes vs Mesos+Marathon: scheduler busyness and waits, scale limits, "
         "the real trace, failover", _orchestration_args)
def orchestration_command(args) -> dict:
    from labcdn import orchestration

    return orchestration.summary(nodes=args.nodes, trace=not args.no_trace, progress=True)


def _sweep_args(parser):
    # dest: the CLI keeps the subcommand's name in args.study. No choices=: listing the studies would import
    # every model on each CLI start; a wrong name is reported with the valid ones (labcdn.sweep.registry.get).
    parser.add_argument("--study", dest="sweep_study", required=True, metavar="STUDY",
                        help="study whose model is swept: ranking, prediction, hashing, serving, balancing, "
                             "orchestration, replication (labcdn.sweep.STUDIES)")
    parser.add_argument("--grid", action="append", required=True, metavar="GRID",
                        help="JSON ({\"name\": [values]} or a list of points) or name=v1,v2 pairs; "
                             "name=start:stop:count for evenly spaced values; repeat to add parameters")
    parser.add_argument("--out", required=True, help="sweep folder (Parquet partitions); rerun to resume")
    parser.add_argument("--workers", type=int, default=1, help="local processes (default: %(default)s, in-process)")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="run on this Dask scheduler instead of locally")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default: %(default)s)")
    parser.add_argument("--chunk-size", type=int, default=None, help="points per partition (default: points/256)")
    parser.add_argument("--collect", default=None, metavar="FILE",
                        help="also write every row, in point order, to FILE (.csv or .parquet)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


@command("sweep", "any study over a parameter grid, in-process, on a process pool or a Dask cluster; resumable",
         _sweep_args)
def sweep_command(args) -> dict:
    from labcdn import sweep

    grid = sweep.parse_grid(args.grid)
    sweep.check_out(args.out)
    if args.collect is not None:
        sweep.check_collect(args.collect)  # before the sweep runs, not after
    if args.scheduler and args.workers != 1:
        raise ValueError("--workers sets a local pool; with --scheduler the Dask cluster's workers compute: "
                         "give one or the other")
    client = sweep.connect(args.scheduler) if args.scheduler else None
    try:
        done = sweep.execute(args.sweep_study, grid, out=args.out, client=client,
                             workers=None if client is not None else args.workers, seed=args.seed,
                             chunk_size=args.chunk_size, progress=not args.no_progress)
    finally:
        if client is not None:
            client.close()
    frame = done.frame.collect()
    state = sweep.status(args.out)
    if args.collect:
        if args.collect.endswith(".parquet"):
            frame.write_parquet(args.collect)
        else:
            frame.write_csv(args.collect)
    return {"study": args.sweep_study, "out": args.out, "points": state["points"], "rows": frame.height,
            "chunks": state["chunks"], "chunks_computed_now": done.computed, "backend": done.backend,
            "seed": args.seed, "code_version": state["code_version"], "columns": frame.columns,
            "collect": args.collect}
