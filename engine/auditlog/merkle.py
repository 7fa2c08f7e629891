"""Merkle tree hashing, inclusion and consistency proofs as in RFC 6962 section 2.1 (RFC 9162
section 2.1 for the verification algorithms). Leaves and nodes are domain-separated
(0x00 / 0x01 prefixes) so that a leaf can never be passed off as a node."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (not raw data)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


class Accumulator:
    """Roots of every prefix in one pass: add leaves in order, ask for the current root in O(log n)."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
        self.size = 0

    def add(self, leaf: bytes) -> list[tuple[int, bytes]]:
        """Add a leaf; return the complete subtrees it closed, as (level, hash), lowest first."""
        size, digest = 1, leaf
        closed = []
        while self._stack and self._stack[-1][0] == size:
            left_size, left = self._stack.pop()
            size, digest = left_size + size, node_hash(left, digest)
            closed.append((size.bit_length() - 1, digest))
        self._stack.append((size, digest))
        self.size += 1
        return closed

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest


HashRange = Callable[[int, int], bytes]
"""MTH of the leaves [start, end): a stored subtree when the range is one, else combined."""


def inclusion_path(index: int, size: int, mth: HashRange) -> list[bytes]:
    """RFC 9162 PATH(m, D[n]), asking ``mth`` only for the O(log n) sibling subtrees."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start += k
    return path[::-1]


def consistency_path(old_size: int, size: int, mth: HashRange) -> list[bytes]:
    """RFC 9162 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), O(log n) subtrees."""
    if not 0 < old_size <= size:
        raise ValueError(f"no consistency proof from size {old_size} to {size}")
    path = []
    start, end, m, complete = 0, size, old_size, True
    while True:
        if m == end - start:
            if not complete:
                path.append(mth(start, end))
            break
        k = _split(end - start)
        if m <= k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start, m, complete = start + k, m - k, False
    return path[::-1]


def range_hash(start: int, end: int, subtree: Callable[[int, int], bytes]) -> bytes:
    """MTH of [start, end) from complete subtrees: ``subtree(level, index)`` is the hash of the
    leaves [index * 2**level, (index + 1) * 2**level). Ranges from the RFC recursion split into
    O(log n) such subtrees, since their left parts are always aligned powers of two."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        return subtree(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(range_hash(start, start + k, subtree), range_hash(start + k, end, subtree))


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    return inclusion_path(index, len(leaves), lambda a, b: root(leaves[a:b]))


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    return consistency_path(old_size, len(leaves), lambda a, b: root(leaves[a:b]))


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes) -> bool:
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    if old_size == new_size:
        return not proof and old_root == new_root
    if not 0 < old_size < new_size or not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
