"""Run every benchmark: labcdn and its peer on the same input, in one process.

    python benchmarks/run.py            # full sizes
    python benchmarks/run.py --quick    # a few seconds each
    python benchmarks/run.py caching    # only bench_caching.py

Prints one row per comparison with the ratio (peer time / labcdn time: above 1
means labcdn is faster) and writes all rows as JSON to
``benchmarks/results/latest.json``. Benchmarks are not tests: nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(names: list[str]) -> list[str]:
    found = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not names:
        return found
    wanted = [f"bench_{n}" if not n.startswith("bench_") else n for n in names]
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; available: {[f[6:] for f in found]}")
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small inputs, a few seconds each")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    rows = []
    print(f"{'benchmark':<42} {'size':<26} {'labcdn':>10} {'peer':>10}  ratio  peer")
    for module_name in discover(args.names):
        module = importlib.import_module(module_name)
        for cmp in module.run(quick=args.quick):
            peer_s = "—" if cmp.peer_s is None else f"{cmp.peer_s * 1e3:9.2f}ms"
            ratio = "  —  " if cmp.ratio is None else f"{cmp.ratio:5.1f}×"
            print(f"{cmp.name:<42} {cmp.size:<26} {cmp.labcdn_s * 1e3:8.2f}ms {peer_s:>10}  {ratio}  {cmp.peer}")
            rows.append({"module": module_name, **cmp.as_dict()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "quick": args.quick}
    args.out.write_text(json.dumps({"meta": meta, "results": rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
