"""The one place that decides how labcdn's kernels are compiled.

Every jitted kernel in the package is decorated with :func:`kernel`, so cache,
error model and fastmath are chosen here and nowhere else.

- ``cache=True``: compiled machine code is kept in ``__pycache__`` (or
  ``NUMBA_CACHE_DIR``) so notebooks, tests and book builds start warm.
- ``error_model="numpy"``: division by zero gives inf/nan instead of raising
  inside a loop; the public wrappers validate inputs so this never hides a bug.
- ``fastmath=False``: results must be bit-for-bit reproducible and equal to the
  slow references in ``tests/``.
"""

from __future__ import annotations

import numba

JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "fastmath": False}


def kernel(func=None, **overrides):
    """Compile ``func`` with labcdn's jit options (``@kernel`` or ``@kernel(...)``)."""
    options = {**JIT_OPTIONS, **overrides}
    if func is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(func)
