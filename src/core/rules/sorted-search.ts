/**
 * The first place in `[from, to)` whose item does not come before what is looked for, where
 * `before(i)` says whether the item at `i` comes before it (true for a prefix of the range, false
 * after): a binary search over a sorted list.
 */
export function firstNotBefore(from: number, to: number, before: (i: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
