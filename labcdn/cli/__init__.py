"""The ``labcdn`` command line: one subcommand per study, ``--json`` for its headline metrics.

==============================  =========================================================
:func:`main`                    entry point of the ``labcdn`` console script and ``python -m labcdn``
:func:`build_parser`            the argument parser, one subparser per study
:data:`COMMANDS`                subcommand name -> :class:`~labcdn.cli.commands.Command`
==============================  =========================================================

:mod:`~labcdn.cli.commands` holds the subcommands (each calls its study's
package and returns a dict, computing nothing itself); :mod:`~labcdn.cli.main`
parses the arguments and prints the report or the JSON. ``commands`` imports
nothing from ``main``, so the two form no import cycle.
"""

from labcdn.cli.commands import COMMANDS, Command
from labcdn.cli.main import build_parser, main

__all__ = ["COMMANDS", "Command", "build_parser", "main"]
