/** What `check --fix` changed, as rows and as text (before the findings that are left). */
import { lineColumn, relativeTo } from './format-findings';
import type { AppliedFix } from './fix';

export interface FixedRow {
  code: string;
  /** The fix's title (what it did). */
  fix: string;
  /** Where the finding was, in the text before the fix: relative file, 1-based line and column. */
  file: string;
  line: number;
  column: number;
}

export function fixedRows(applied: AppliedFix[], folder: string): FixedRow[] {
  return applied.map(({ finding, fix, before }) => {
    const pos = before !== undefined ? lineColumn(before, finding.span.start) : { line: finding.span.line, column: 1 };
    return { code: finding.code, fix: fix.title, file: relativeTo(folder, finding.span.file), ...pos };
  });
}

export function formatFixedText(rows: FixedRow[], changedOnDisk: string[]): string {
  const lines = rows.map((r) => `fixed ${r.file}:${r.line}:${r.column} ${r.code}: ${r.fix}`);
  for (const f of changedOnDisk) lines.push(`not fixed ${f}: changed on disk since it was analysed`);
  const files = new Set(rows.map((r) => r.file)).size;
  lines.push(rows.length ? `${rows.length} fix${rows.length === 1 ? '' : 'es'} applied in ${files} file${files === 1 ? '' : 's'}; left:` : 'no safe fixes to apply');
  return lines.join('\n') + '\n';
}
