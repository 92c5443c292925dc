"""Key hashes: the one 64-bit mixer, MD5 for ketama, and the study's catalogue.

Every algorithm in :mod:`labcdn.hashing` looks up **64-bit key hashes**
(``uint64``). Integer keys (file ids, server ids) are hashed with
**SplitMix64**: the hash of ``k`` is the first output of a SplitMix64
generator seeded with ``k``, i.e. ``mix64(k + 0x9E3779B97F4A7C15)`` where
``mix64`` is Stafford's "Mix13" finaliser used by SplitMix64 (Steele, Lea &
Flood 2014; Java's ``SplittableRandom``). It is a bijection on 64-bit words,
so distinct ids never collide. String keys for ketama are hashed with MD5 from
:mod:`hashlib`, as libmemcached does.

References
----------
.. [1] G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number
   generators", OOPSLA 2014.
.. [2] R. Jones (last.fm), libketama / libmemcached ``ketama`` distribution (MD5,
   4 points per digest).
.. [3] L. Breslau, P. Cao, L. Fan, G. Phillips, S. Shenker, "Web caching and
   Zipf-like distributions: evidence and implications", INFOCOM 1999.
"""

from __future__ import annotations

from hashlib import md5

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range, rng_from

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)


@kernel
def mix64(z):
    """SplitMix64's finaliser (Stafford Mix13): a bijection on uint64.

    Parameters
    ----------
    z : numpy.uint64
        Word to mix.

    Returns
    -------
    numpy.uint64
    """
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@kernel
def draw64(seed, i):
    """Output ``i`` (0-based) of a SplitMix64 generator seeded with ``seed``.

    Parameters
    ----------
    seed : numpy.uint64
        Generator state before the first step.
    i : int
        Output index, >= 0.

    Returns
    -------
    numpy.uint64
        ``mix64(seed + (i + 1) * 0x9E3779B97F4A7C15)``.
    """
    return mix64(seed + (np.uint64(i) + np.uint64(1)) * GOLDEN)


@kernel
def _hash_keys_kernel(ids, out):
    for i in range(ids.size):
        out[i] = mix64(ids[i] + GOLDEN)


def as_key_hashes(keys, name="keys"):
    """Return ``keys`` as a contiguous 1-D ``uint64`` array.

    Signed integers are reinterpreted modulo 2**64 (two's complement), as the
    jump-consistent-hash C extension does with its key argument.

    Parameters
    ----------
    keys : array_like of int
        Key hashes.
    name : str
        Parameter name for error messages.

    Returns
    -------
    numpy.ndarray of uint64

    Raises
    ------
    ValueError
        If ``keys`` is not a 1-D array of integers.
    """
    try:
        arr = np.asarray(keys)
        if arr.dtype.kind == "O":
            arr = np.array([int(k) & 0xFFFFFFFFFFFFFFFF for k in arr.ravel()], dtype=np.uint64).reshape(arr.shape)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name} must be integers (64-bit key hashes); {exc}") from None
    if arr.size == 0 and arr.dtype.kind == "f":  # [] arrives as float64: no key, nothing to convert
        arr = arr.astype(np.uint64)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an integer array of 64-bit key hashes; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional; got shape {arr.shape}")
    return np.ascontiguousarray(arr.astype(np.uint64, copy=False))


def hash_keys(ids):
    """Hash integer ids to 64-bit key hashes with SplitMix64.

    Parameters
    ----------
    ids : array_like of int
        Integer keys (negative values are taken modulo 2**64).

    Returns
    -------
    numpy.ndarray of uint64
        ``mix64(id + 0x9E3779B97F4A7C15)``: the first SplitMix64 output seeded with each id.

    References
    ----------
    .. [1] Steele, Lea & Flood, OOPSLA 2014.
    """
    ids = as_key_hashes(ids, "ids")
    out = np.empty(ids.size, dtype=np.uint64)
    _hash_keys_kernel(ids, out)
    return out


def ketama_hash(keys):
    """Ketama's 32-bit hash of string keys: the first 4 bytes of MD5, little-endian.

    Parameters
    ----------
    keys : iterable of str or int
        Keys; each is hashed as ``str(key).encode("utf-8")`` (as uhashring does).

    Returns
    -------
    numpy.ndarray of uint64
        Points in ``[0, 2**32)``, ready for :meth:`labcdn.hashing.Ketama.lookup_points`.
    """
    if isinstance(keys, (str, bytes)):
        raise ValueError("keys must be an iterable of keys, not a single string")
    digests = b"".join(md5(str(k).encode("utf-8")).digest()[:4] for k in keys)
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)


def key_catalog(files, seed=None, rng=None):
    """Key hashes of a catalogue of ``files`` files, in popularity-rank order.

    File ids are drawn from the Generator (63-bit, distinct with overwhelming
    probability) and hashed with :func:`hash_keys`, so the same seed gives the
    same bytes.

    Parameters
    ----------
    files : int
        Catalogue size, at least 1.
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    rng : numpy.random.Generator, optional
        Generator to draw from (instead of ``seed``).

    Returns
    -------
    numpy.ndarray of uint64
        One key hash per file; index 0 is the most popular file.
    """
    files = check_range("files", files, 1, 50_000_000, integer=True)
    gen = rng_from(seed, rng)
    ids = gen.integers(0, 2**63 - 1, size=files, dtype=np.int64, endpoint=True)
    return hash_keys(ids)


def zipf_demand(files, exponent):
    """Request share of each file under Zipf-like popularity, rank 1 first.

    Parameters
    ----------
    files : int
        Catalogue size, at least 1.
    exponent : float
        Zipf exponent alpha in [0, 3]; 0 is uniform demand. Web and video
        traces give alpha between about 0.6 and 1.0 (Breslau et al. 1999).

    Returns
    -------
    numpy.ndarray of float64
        ``r**-alpha / sum``, summing to 1.
    """
    files = check_range("files", files, 1, 50_000_000, integer=True)
    exponent = check_range("exponent", exponent, 0.0, 3.0)
    w = np.arange(1, files + 1, dtype=np.float64) ** -float(exponent)
    return w / w.sum()
