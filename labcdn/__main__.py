"""``python -m labcdn`` — the same as the ``labcdn`` console script."""

import sys

from labcdn.cli import main

sys.exit(main())
