/**
 * Choosing and applying quick fixes to texts: a fix is all of its edits or nothing, fixes whose
 * edits overlap (or insert at the same place) are not combined, and a file's edits are applied
 * from its end backwards so the offsets of the others stay valid.
 */
import type { Fix, TextEdit } from '../rules/types';

/** The fix `check --fix` applies for a finding with these fixes: its preferred safe fix, else its first safe one. */
export function safeFixOf(fixes: readonly Fix[]): Fix | undefined {
  const safe = fixes.filter((f) => f.safe);
  return safe.find((f) => f.preferred) ?? safe[0];
}

/** Whether two edits of the same file touch: overlapping ranges, or an insertion inside or at the edge of the other. */
export function editsConflict(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  if (a.start < b.end && b.start < a.end) return true;
  const inside = (p: number, e: TextEdit) => e.start <= p && p <= e.end;
  return (a.start === a.end && inside(a.start, b)) || (b.start === b.end && inside(b.start, a));
}

/**
 * The fixes that can be applied together, in the order given (earlier ones win), and the ones
 * left out because they conflict with a chosen one or with themselves.
 */
export function chooseFixes<T extends { fix: Fix }>(candidates: T[]): { chosen: T[]; skipped: T[] } {
  const chosen: T[] = [];
  const skipped: T[] = [];
  const taken: TextEdit[] = [];
  for (const c of candidates) {
    const edits = c.fix.edits;
    const selfConflict = edits.some((e, i) => edits.some((o, j) => j > i && editsConflict(e, o)));
    if (!edits.length || selfConflict || edits.some((e) => taken.some((t) => editsConflict(e, t)))) {
      skipped.push(c);
      continue;
    }
    chosen.push(c);
    taken.push(...edits);
  }
  return { chosen, skipped };
}

/** Applies non-conflicting edits of one file to its text, from the end backwards. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) {
    if (e.start < 0 || e.end > text.length || e.start > e.end) throw new Error(`edit [${e.start}, ${e.end}) is outside the text (${text.length} characters)`);
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}

/** The edits of some fixes, grouped by file. */
export function editsByFile(fixes: readonly Fix[]): Map<string, TextEdit[]> {
  const out = new Map<string, TextEdit[]>();
  for (const f of fixes) {
    for (const e of f.edits) {
      const list = out.get(e.file);
      if (list) list.push(e);
      else out.set(e.file, [e]);
    }
  }
  return out;
}
