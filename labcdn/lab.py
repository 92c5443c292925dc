"""``make lab``: JupyterLab on 127.0.0.1 over ``notebooks/``, as root too (common in containers).

JupyterLab refuses to start as root unless given ``--allow-root``. Containers often
run as root, so ``make lab`` failed there with Jupyter's own refusal. This launcher
detects root, says so on stderr, and passes the flag deliberately; as any other user
it passes nothing extra. The server binds 127.0.0.1 only and keeps Jupyter's token.

    python -m labcdn.lab [extra jupyter lab options]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT_NOTE = ("labcdn lab: running as root (usual in a container): passing --allow-root to JupyterLab "
             "deliberately; it still listens on 127.0.0.1 only and requires its token")


def command(extra=(), *, euid: int | None = None, root_dir: str = "notebooks") -> tuple[list[str], str | None]:
    """The ``jupyter lab`` command line, and the note to print (``None`` when not root).

    Parameters
    ----------
    extra : sequence of str
        More options for ``jupyter lab``.
    euid : int, optional
        The effective user id (default: this process's).
    root_dir : str
        Folder JupyterLab opens on.

    Returns
    -------
    argv : list of str
    note : str or None
    """
    euid = os.geteuid() if euid is None and hasattr(os, "geteuid") else euid
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    argv = [jupyter, "lab", "--ip=127.0.0.1", "--no-browser", f"--ServerApp.root_dir={root_dir}", *extra]
    if euid == 0 and "--allow-root" not in argv:
        return [*argv, "--allow-root"], ROOT_NOTE
    return argv, None


def main(argv: list[str] | None = None) -> None:
    """Replace this process with ``jupyter lab`` (so Ctrl-C and signals reach it directly)."""
    args, note = command(sys.argv[1:] if argv is None else argv)
    if note:
        print(note, file=sys.stderr, flush=True)
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
