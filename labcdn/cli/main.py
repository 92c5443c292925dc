"""``labcdn``: one subcommand per study; ``--json`` prints its headline metrics.

    labcdn --help
    labcdn ranking --json
    labcdn caching --trace 061807.24 --json

Each subcommand runs the study's model at its defaults (or the options given)
and prints a short report, or with ``--json`` one JSON object on stdout.
Anything that runs longer than a couple of seconds shows a progress bar on
stderr, so stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys

import numpy as np

from labcdn.cli.commands import COMMANDS


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_report(name: str, metrics: dict, indent: str = "") -> None:
    if not indent:
        print(f"labcdn {name}")
    for key, value in metrics.items():
        if isinstance(value, dict):
            print(f"{indent}  {key}:")
            _print_report(name, value, indent + "  ")
        elif isinstance(value, float):
            print(f"{indent}  {key}: {value:.4g}")
        else:
            print(f"{indent}  {key}: {value}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every study of :data:`labcdn.cli.commands.COMMANDS`."""
    parser = argparse.ArgumentParser(prog="labcdn", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="study", required=True, metavar="STUDY")
    for name, cmd in COMMANDS.items():
        p = sub.add_parser(name, help=cmd.help, description=cmd.help)
        p.add_argument("--json", action="store_true", help="print the headline metrics as one JSON object")
        cmd.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``labcdn`` console script and ``python -m labcdn``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    name = f"labcdn {args.study}"
    try:
        metrics = _jsonable(COMMANDS[args.study].run(args))
    except (ValueError, FileNotFoundError) as exc:  # FileNotFoundError: a data file or input is missing
        parser.exit(2, f"{name}: error: {exc}\n")
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        kept = f"; finished chunks are kept in {out!r}, rerun the same command to resume" if out else ""
        _leave(130, f"{name}: interrupted{kept}")
    except OSError as exc:
        _leave(1, f"{name}: error: {_os_error(exc)}")
    try:
        if args.json:
            json.dump(metrics, sys.stdout, sort_keys=False)
            sys.stdout.write("\n")
        else:
            _print_report(args.study, metrics)
        sys.stdout.flush()
    except OSError as exc:  # a full disk (> /dev/full), a closed pipe
        _leave(1, f"{name}: error: cannot write the report to standard output ({exc.strerror or exc})",
               stdout_failed=True)
    return 0


def _os_error(exc: OSError) -> str:
    """One line naming the path (or address) and the system's reason."""
    reason = exc.strerror or str(exc)
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    return reason


def _leave(code: int, line: str, *, stdout_failed: bool = False):
    """Print one line on stderr and exit with ``code``, without a traceback or a second failure.

    After a failed write to standard output, it is pointed at ``/dev/null``: a full disk would otherwise
    fail again when the interpreter flushes it on exit.
    """
    if stdout_failed:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # stdout without a descriptor
            pass
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    raise SystemExit(code)
