import type { Context } from '../../model';

/**
 * A plugin run's own context as the run's key reads it (run-key.ts): everything but its id, its
 * parent's, its place among its parent's declarations (nothing in the run depends on them: its
 * numbers are local to it) and its children — kept as a copy of the plain data, compared field by
 * field. (As a JSON text it was the largest allocation of an update: ~2.6 KB per run, ~1,850 runs
 * per link at 2,000 files.)
 */
export type ContextSnapshot = Readonly<Record<string, unknown>>;

/** Fields a run's key does not read. */
function skipped(k: string): boolean {
  return k === 'id' || k === 'parentId' || k === 'order' || k === 'children';
}

export function contextSnapshot(c: Context): ContextSnapshot {
  const out: Record<string, unknown> = {};
  for (const k in c) {
    if (skipped(k)) continue;
    const v = (c as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = copyData(v);
  }
  return out;
}

/** Whether `c` is, in the fields a snapshot keeps, the context `s` was taken of. */
export function sameContext(s: ContextSnapshot, c: Context): boolean {
  let n = 0;
  for (const k in c) {
    if (skipped(k)) continue;
    const v = (c as unknown as Record<string, unknown>)[k];
    if (v === undefined) continue;
    n++;
    if (!sameData(s[k], v)) return false;
  }
  return n === Object.keys(s).length;
}

/** A copy of plain data (arrays and plain objects copied, undefined fields left out, as JSON would). */
function copyData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.length === 0 ? EMPTY : v.map(copyData);
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = copyData(x);
  }
  return out;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * Plain data equal as JSON would write it (undefined fields left out; key order not compared).
 * Written out because it runs for every replayed run: node:util's `isDeepStrictEqual` (which
 * `graph-post.ts` uses, off this path) took ~6x as long on the benchmark's contexts.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  let n = 0;
  for (const k in a) {
    const x = (a as Record<string, unknown>)[k];
    if (x === undefined) continue;
    n++;
    if (!sameData(x, (b as Record<string, unknown>)[k])) return false;
  }
  for (const k in b) if ((b as Record<string, unknown>)[k] !== undefined) n--;
  return n === 0;
}
