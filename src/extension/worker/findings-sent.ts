import type { Finding } from '../../core/rules/types';

/**
 * The findings of an analysis as the extension host is to get them: after an `analyze`, every
 * file's; after a change, only the files whose findings differ from the ones posted before (a file
 * with none left gets an empty list). One edit changes the findings of a file or two, and the host
 * then builds and sets the diagnostics of those files only, instead of all (12,000 findings at
 * 2,000 files).
 */
export interface FindingsUpdate {
  /** The files listed are all the files with findings: forget the others. */
  full: boolean;
  files: [file: string, findings: Finding[]][];
}

export class SentFindings {
  private readonly sent = new Map<string, Finding[]>();

  /** The host has nothing (a new analyser, or new severities). */
  reset(): void {
    this.sent.clear();
  }

  /**
   * The update from what was posted last to `findings` (sorted by file, as the rules give them).
   * A file whose findings are in, or point to (related), a file of `moved` (its lines moved: line
   * starts posted again) is posted even with the same findings, so that the host places them again.
   */
  update(findings: readonly Finding[], moved: ReadonlySet<string>): FindingsUpdate {
    const full = this.sent.size === 0;
    const now = new Map<string, Finding[]>();
    for (const f of findings) {
      const list = now.get(f.span.file);
      if (list) list.push(f);
      else now.set(f.span.file, [f]);
    }
    const files: FindingsUpdate['files'] = [];
    for (const [file, list] of now) {
      const before = this.sent.get(file);
      if (!full && before && !moved.has(file) && !list.some((f) => f.related?.some((r) => moved.has(r.span.file))) && sameFindings(before, list)) continue;
      files.push([file, list]);
    }
    for (const file of this.sent.keys()) if (!now.has(file)) files.push([file, []]);
    this.sent.clear();
    for (const [file, list] of now) this.sent.set(file, list);
    return { full, files };
  }
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameFinding(a[i], b[i])) return false;
  return true;
}

/** Equal as the host shows them: rule, severity, message, place, and the related places. */
function sameFinding(a: Finding, b: Finding): boolean {
  if (a.code !== b.code || a.severity !== b.severity || a.message !== b.message || !sameSpan(a.span, b.span)) return false;
  const ra = a.related ?? [];
  const rb = b.related ?? [];
  return ra.length === rb.length && ra.every((r, i) => r.message === rb[i].message && sameSpan(r.span, rb[i].span));
}

function sameSpan(a: Finding['span'], b: Finding['span']): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end && a.line === b.line;
}
