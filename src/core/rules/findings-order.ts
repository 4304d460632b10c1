/**
 * The order of a rules run's findings: by file (code unit order), start, end, then rule id
 * (`localeCompare`); equal ones keep the order the rules gave them (the rules in `RULES` order,
 * each rule's findings in its own order).
 */
import { firstNotBefore } from './sorted-search';
import type { Finding } from './types';

/**
 * The findings in that order. Each finding's keys are computed once (the files and rule ids
 * ranked once per run), not in every comparison of the sort.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const n = findings.length;
  const fileRank = rank(findings.map((f) => f.span.file), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const codeRank = rank(findings.map((f) => f.code), (a, b) => a.localeCompare(b));
  const file = new Uint32Array(n);
  const code = new Uint32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = findings[i];
    file[i] = fileRank.get(f.span.file)!;
    code[i] = codeRank.get(f.code)!;
    start[i] = f.span.start;
    end[i] = f.span.end;
    order[i] = i;
  }
  order.sort((i, j) => file[i] - file[j] || start[i] - start[j] || end[i] - end[j] || code[i] - code[j] || i - j);
  return order.map((i) => findings[i]);
}

/** Each distinct value's place in `compare`'s order (values it finds equal share one). */
function rank(values: string[], compare: (a: string, b: string) => number): Map<string, number> {
  const distinct = [...new Set(values)].sort(compare);
  const out = new Map<string, number>();
  let r = 0;
  distinct.forEach((v, i) => out.set(v, i > 0 && compare(distinct[i - 1], v) !== 0 ? ++r : r));
  return out;
}

/** The order above without the tie-break: negative when `a` comes first, 0 for a tie. */
function compareFindings(a: Finding, b: Finding): number {
  const fa = a.span.file;
  const fb = b.span.file;
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code);
}

/**
 * `sorted` (a run's findings in order) without the findings of `removed` and with those of
 * `added`, in order — what `sortFindings` gives for the run after, when the rules gave the same
 * findings in the same order apart from these. Undefined when the tie-break would be needed (an
 * added finding equal to another in file, start, end and rule id: its place among them is the
 * rules' order, which this does not know), so the caller sorts the whole list. Each removed
 * finding must occur in `sorted` once and not among the run after's other findings.
 */
export function resorted(sorted: readonly Finding[], removed: readonly Finding[], added: readonly Finding[]): Finding[] | undefined {
  let kept: Finding[];
  if (!removed.length) kept = sorted.slice();
  else if (removed.length <= 8) kept = sorted.filter((f) => !removed.includes(f));
  else {
    const gone = new Set(removed);
    kept = sorted.filter((f) => !gone.has(f));
  }
  if (!added.length) return kept;
  const inOrder = [...added].sort(compareFindings);
  for (let i = 1; i < inOrder.length; i++) if (compareFindings(inOrder[i - 1], inOrder[i]) === 0) return undefined;
  const out: Finding[] = [];
  let from = 0;
  for (const f of inOrder) {
    // The first kept finding that does not come before f, among what is left.
    const lo = firstNotBefore(from, kept.length, (i) => compareFindings(kept[i], f) < 0);
    if (lo < kept.length && compareFindings(kept[lo], f) === 0) return undefined;
    for (let i = from; i < lo; i++) out.push(kept[i]);
    out.push(f);
    from = lo;
  }
  for (let i = from; i < kept.length; i++) out.push(kept[i]);
  return out;
}
