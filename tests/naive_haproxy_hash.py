"""Slow reference for HAProxy 2.6 ``balance uri`` with ``hash-type consistent``, from its source.

``hash_sdbm`` (include/haproxy/hash.h), ``full_hash`` (include/haproxy/tools.h), the server nodes
``full_hash(puid * SRV_EWGHT_RANGE + node)`` with 16 nodes per unit of weight (src/lb_chash.c), and
``chash_get_server_hash``: the nearer of the node before and the node at-or-after the key, the one
before on a tie. Plain Python integers masked to 32 bits.
"""

M = 0xFFFFFFFF
SRV_EWGHT_RANGE = 256 * 16


def full_hash(a: int) -> int:
    a = ((a + 0x7ED55D16) + (a << 12)) & M
    a = ((a ^ 0xC761C23C) ^ (a >> 19)) & M
    a = ((a + 0x165667B1) + (a << 5)) & M
    a = ((a + 0xD3A2646C) ^ (a << 9)) & M
    a = ((a + 0xFD7046C5) + (a << 3)) & M
    a = ((a ^ 0xB55A4F09) ^ (a >> 16)) & M
    return (a * 3221225473) & M


def sdbm(data: bytes) -> int:
    h = 0
    for c in data:
        h = (c + (h << 6) + (h << 16) - h) & M
    return h


def uri_key(uri: str) -> int:
    end = uri.find("?")
    return full_hash(sdbm((uri if end < 0 else uri[:end]).encode()))


def lookup(uri: str, weights, ids) -> int:
    nodes = sorted((full_hash(ids[b] * SRV_EWGHT_RANGE + i), b, i)
                   for b in range(len(weights)) for i in range(16 * weights[b]))
    if len(weights) == 1:
        return 0
    key = uri_key(uri)
    after = next((j for j, node in enumerate(nodes) if node[0] >= key), 0)
    before = (after - 1) % len(nodes)
    dp = (key - nodes[before][0]) & M
    dn = (nodes[after][0] - key) & M
    return nodes[before][1] if dp <= dn else nodes[after][1]
