"""Largest-remainder rounding to whole pence.

Every function takes exact (float) amounts and integer totals, and returns int64 pence that add
up to the totals exactly. Ties between equal remainders go to the earlier position: the engine
always works in its canonical order (clusters sorted by code, schools by cluster then URN), so
the tie-break never depends on the order rows arrived in.

If float noise leaves the floors summing to more than the total (possible when an exact amount
is a hair above a whole penny), pennies are taken back from the smallest remainders, in the
reverse of the order they would be given.
"""

from __future__ import annotations

import numpy as np


def largest_remainder(exact: np.ndarray, total: int) -> np.ndarray:
    """Whole pence for ``exact`` summing to ``total``; earlier positions win ties."""
    exact = np.asarray(exact, dtype=np.float64)
    n = exact.size
    if n == 0:
        if total != 0:
            raise ValueError("cannot share a non-zero total among nothing")
        return np.zeros(0, dtype=np.int64)
    floors = np.floor(exact)
    rem = exact - floors
    out = floors.astype(np.int64)
    q, r = divmod(int(total) - int(out.sum()), n)
    if q:
        out += q
    if r:
        # r pennies to the r largest remainders (stable sort: lower index first on ties).
        order = np.argsort(-rem, kind="stable")
        out[order[:r]] += 1
    return out


def largest_remainder_rows(exact: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Row-wise largest remainder: row i of the result sums to ``totals[i]``."""
    exact = np.asarray(exact, dtype=np.float64)
    rows, k = exact.shape
    totals = np.asarray(totals, dtype=np.int64)
    if k == 0:
        if (totals != 0).any():
            raise ValueError("cannot share a non-zero total among no columns")
        return np.zeros((rows, 0), dtype=np.int64)
    floors = np.floor(exact)
    rem = exact - floors
    out = floors.astype(np.int64)
    q, r = np.divmod(totals - out.sum(axis=1), k)
    out += q[:, None]
    # Hand out the r[i] extra pennies one round at a time: each round gives one to the largest
    # remaining remainder of every row still owed one (argmax takes the first column on ties).
    # At most k-1 cheap passes over the matrix instead of sorting every row.
    owed = r.copy()
    rounds = int(owed.max()) if owed.size else 0
    if rounds:
        work = rem.copy()
        flat_out = out.reshape(-1)
        flat_work = work.reshape(-1)
        base = np.arange(rows, dtype=np.int64) * k
        for _ in range(rounds):
            pick = base + np.argmax(work, axis=1)
            give = owed > 0
            flat_out[pick[give]] += 1
            flat_work[pick] = -np.inf
            owed -= 1
    return out


def largest_remainder_grouped(exact: np.ndarray, group: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Largest remainder within groups: items of group g sum to ``totals[g]``.

    ``group`` holds each item's group index (0..len(totals)-1); items keep their positions and
    ties within a group go to the earlier position.
    """
    exact = np.asarray(exact, dtype=np.float64)
    group = np.asarray(group, dtype=np.int64)
    totals = np.asarray(totals, dtype=np.int64)
    g = totals.size
    floors = np.floor(exact)
    rem = exact - floors
    out = floors.astype(np.int64)
    sizes = np.bincount(group, minlength=g)
    if ((sizes == 0) & (totals != 0)).any():
        raise ValueError("a group with no items has a non-zero total")
    short = totals - np.bincount(group, weights=out.astype(np.float64), minlength=g).astype(np.int64)
    safe = np.maximum(sizes, 1)
    q, r = np.divmod(short, safe)
    out += q[group]
    # Sort by group, then remainder descending, then position; rank within the group.
    by_rem = np.argsort(-rem, kind="stable")
    order = by_rem[np.argsort(group[by_rem], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.empty(exact.size, dtype=np.int64)
    rank[order] = np.arange(exact.size) - starts[group[order]]
    out += rank < r[group]
    return out
