"""Slow reference for NGINX ``hash ... consistent``, written from ngx_http_upstream_hash_module.c.

CRC32 is computed bit by bit (reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF,
as ``ngx_crc32_init``/``ngx_crc32_update``/``ngx_crc32_final``); the ring is a list; the lookup scans it.
"""


def crc32(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def ring(servers, weights):
    """Sorted (hash, server index) points, equal hashes dropped after the first."""
    points = []
    for b, name in enumerate(servers):
        colon = name.rfind(":")
        if colon >= 0 and name[colon + 1:].isdigit():
            host, port = name[:colon], name[colon + 1:]
        else:
            host, port = name, ""
        prev = 0
        for _ in range(160 * weights[b]):
            data = host.encode() + b"\0" + port.encode() + prev.to_bytes(4, "little")
            prev = crc32(data)
            points.append((prev, b))
    points.sort(key=lambda p: p[0])
    out = []
    for h, b in points:
        if not out or out[-1][0] != h:
            out.append((h, b))
    return out


def lookup(key: str, points) -> int:
    """Server of the first point whose hash is >= crc32(key), wrapping."""
    h = crc32(key.encode())
    for point, b in points:
        if point >= h:
            return b
    return points[0][1]
