"""Build data/'s compressed copies of the real data sets from the files as published, or check them.

    python scripts/build_data.py --from ../shared/data     # write data/<path>.xz for each registered file
    python scripts/build_data.py --check                   # decompress each data/<path>.xz, check its sha256
    python scripts/build_data.py --check --from DIR        # ... and that it equals DIR/<path> byte for byte

The copies are the original files, byte for byte, compressed with xz (preset 9e, CRC64). Nothing is
converted or cleaned: the loaders read the decompressed bytes, so their line-numbered errors name the
line of the published file, and the sha256 recorded in labcdn.datasets.DATA_FILES (and data/README.md)
is that of the published file, which anyone can download and check (sources in data/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import lzma
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labcdn.datasets import DATA_FILES  # noqa: E402
from labcdn.datasets.registry import COMPRESSED_SUFFIX  # noqa: E402

PRESET = 9 | lzma.PRESET_EXTREME


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(source: Path, target: Path) -> int:
    """Compress each published file of ``source`` into ``target``; refuse any whose sha256 is not the registry's."""
    for entry in DATA_FILES:
        original = (source / entry.path).read_bytes()
        if _sha256(original) != entry.sha256:
            print(f"{source / entry.path}: sha256 {_sha256(original)} is not the published {entry.sha256}",
                  file=sys.stderr)
            return 1
        packed = lzma.compress(original, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=PRESET)
        assert lzma.decompress(packed) == original
        out = target / (entry.path + COMPRESSED_SUFFIX)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(packed)
        print(f"{out.relative_to(target.parent) if target.parent in out.parents else out}: "
              f"{len(original):,} -> {len(packed):,} bytes, sha256 of the original {entry.sha256}")
    return 0


def check(target: Path, source: Path | None) -> int:
    """Decompress each copy in ``target`` and compare with the registry (and with ``source``'s originals)."""
    failures = 0
    for entry in DATA_FILES:
        path = target / (entry.path + COMPRESSED_SUFFIX)
        try:
            data = lzma.decompress(path.read_bytes(), format=lzma.FORMAT_XZ)
        except (OSError, lzma.LZMAError) as exc:
            print(f"{path}: cannot be read ({exc})", file=sys.stderr)
            failures += 1
            continue
        problems = []
        if _sha256(data) != entry.sha256:
            problems.append(f"sha256 {_sha256(data)}, expected {entry.sha256}")
        if source is not None and (source / entry.path).read_bytes() != data:
            problems.append(f"differs from {source / entry.path}")
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        failures += bool(problems)
        if not problems:
            print(f"{path}: ok ({len(data):,} bytes, sha256 {entry.sha256})")
    return 1 if failures else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="folder holding the published files under their registered paths")
    parser.add_argument("--to", dest="target", type=Path, default=ROOT / "data",
                        help="folder for the compressed copies (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="check the copies instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.target, args.source)
    if args.source is None:
        parser.error("--from DIR is required to build (the folder of the published files)")
    return build(args.source, args.target)


if __name__ == "__main__":
    sys.exit(main())
