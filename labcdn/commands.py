"""The study subcommands of the ``labcdn`` CLI (see :mod:`labcdn.cli`).

Each function runs one study at its defaults, or with the options given, and
returns its headline metrics as a plain dict; the CLI prints it or dumps it as
JSON. Models stay in their modules: nothing here computes a number itself.
"""

from __future__ import annotations

import hashlib

import numpy as np

from labcdn.cli import command


def _datasets_args(parser):
    parser.add_argument("--verify", action="store_true", help="check each present file's sha256")


@command("datasets", "the real data sets: where each is read from, its public source, whether it is present",
         _datasets_args)
def datasets_command(args) -> dict:
    from labcdn import datasets

    out = {"data_dir": str(datasets.data_dir()), "files": {}}
    for entry in datasets.DATA_FILES:
        path = datasets.data_dir() / entry.path
        info = {"path": str(path), "present": path.is_file(), "rows": entry.rows, "source": entry.source}
        if args.verify and path.is_file():
            info["sha256_ok"] = hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
        out["files"][entry.key] = info
    return out


def _caching_args(parser):
    parser.add_argument("--trace", default="061807.24", choices=["061807.24", "012908.S1"],
                        help="UMass campus YouTube trace (default: %(default)s)")
    parser.add_argument("--capacity-fraction", type=float, default=0.05,
                        help="cache size as a fraction of the trace's distinct objects (default: %(default)s)")


@command("caching", "reactive policies (LRU, FIFO, LFU, Belady) and a ranked fill on a real request trace",
         _caching_args)
def caching_command(args) -> dict:
    from labcdn import datasets, proactive
    from labcdn._validation import check_range

    check_range("capacity_fraction", args.capacity_fraction, 0.0, 1.0, low_open=True)
    ids, _ = datasets.request_trace(datasets.load_umass_youtube(args.trace).frame)
    sizes = np.ones_like(ids)  # the trace has no sizes: every video counts as one unit
    n_obj = int(ids.max()) + 1
    capacity = max(1, round(args.capacity_fraction * n_obj))
    half = ids.size // 2
    whole = proactive.hit_ratio_curves(ids, sizes, [capacity])
    second = proactive.hit_ratio_curves(ids, sizes, [capacity], train_until=half)
    return {
        "trace": args.trace,
        "capacity_objects": capacity,
        **proactive.one_hit_wonders(ids),
        "hit_ratio_whole_trace": dict(zip(whole["policy"], whole["hit_ratio"], strict=True)),
        "hit_ratio_second_half": dict(zip(second["policy"], second["hit_ratio"], strict=True)),
    }
