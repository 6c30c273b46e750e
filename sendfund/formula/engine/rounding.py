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


def _ranks(rem: np.ndarray) -> np.ndarray:
    """For a (k, n) array, each entry's place in its column, 0 = largest; equal values go to the earlier row.

    k(k-1)/2 elementwise comparisons of whole contiguous rows: for the few amounts in a breakdown (or
    the few schools in a cluster) this is several times faster than sorting each column, and it gives
    exactly the order of a stable sort (the order the pennies were handed out in one by one before).
    """
    k = rem.shape[0]
    rank = np.zeros(rem.shape, dtype=np.int8 if k < 127 else np.int64)
    for j in range(1, k):
        for i in range(j):
            ahead = rem[i] >= rem[j]  # i is earlier, so it wins a tie
            rank[j] += ahead  # j is behind i
            rank[i] -= ahead  # i is not behind j; every later row starts out counted as ahead of i
    rank += np.arange(k - 1, -1, -1, dtype=rank.dtype)[:, None]
    return rank


#: Beyond this many amounts in a row (or schools in a cluster), sorting beats comparing every pair.
PAIRWISE_MAX = 24


def largest_remainder_columns(exact: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Column-wise largest remainder on a (k, n) array: column i of the result sums to ``totals[i]``.

    The engine's breakdowns are built this way round (k components, each one contiguous run of n
    clusters or schools): numpy's reductions and comparisons along a short axis cost far more per
    element than along a long one."""
    exact = np.asarray(exact, dtype=np.float64)
    k, n = exact.shape
    totals = np.asarray(totals, dtype=np.int64)
    if k == 0:
        if (totals != 0).any():
            raise ValueError("cannot share a non-zero total among no columns")
        return np.zeros((0, n), dtype=np.int64)
    rem = np.floor(exact)
    out = rem.astype(np.int64)
    np.subtract(exact, rem, out=rem)  # in place: at England's scale each new array costs page faults
    q, r = np.divmod(totals - out.sum(axis=0), k)
    out += q
    # r[i] extra pennies to the r[i] largest remainders of column i (ties: the first row).
    if k <= PAIRWISE_MAX:
        out += _ranks(rem) < r
    else:
        order = np.argsort(-rem, axis=0, kind="stable")
        np.put_along_axis(out, order, np.take_along_axis(out, order, axis=0) + (np.arange(k)[:, None] < r), axis=0)
    return out


def largest_remainder_rows(exact: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Row-wise largest remainder: row i of the result sums to ``totals[i]``."""
    exact = np.asarray(exact, dtype=np.float64)
    return np.ascontiguousarray(largest_remainder_columns(np.ascontiguousarray(exact.T), totals).T)


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
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    widest = int(sizes.max()) if g else 0
    if exact.size and widest <= PAIRWISE_MAX and (group[1:] >= group[:-1]).all():
        # Groups in order, each a run (the engine's canonical order): lay the remainders out as a
        # (widest, groups) table, padding with -inf, and rank each group's column.
        pos = np.arange(exact.size) - starts[group]
        table = np.full((widest, g), -np.inf)
        table[pos, group] = rem
        out += _ranks(table)[pos, group] < r[group]
        return out
    # Sort by group, then remainder descending, then position; rank within the group.
    by_rem = np.argsort(-rem, kind="stable")
    order = by_rem[np.argsort(group[by_rem], kind="stable")]
    rank = np.empty(exact.size, dtype=np.int64)
    rank[order] = np.arange(exact.size) - starts[group[order]]
    out += rank < r[group]
    return out
