import * as posix from 'node:path/posix';
import type { WorkspaceGraph } from '../core/model';

export interface UnresolvedRow {
  /** Relative to the analysed folder; '' when the entry names no file. */
  file: string;
  line?: number;
  reason: string;
}

/** What the analysis could not follow, with places relative to the analysed folder. */
export function unresolvedRows(g: WorkspaceGraph): UnresolvedRow[] {
  return g.unresolved.map((u) => {
    const file = u.span?.file ?? u.file;
    const row: UnresolvedRow = { file: file ? posix.relative(g.root, file) : '', reason: u.reason };
    if (u.span) row.line = u.span.line;
    return row;
  });
}

/** `file:line`, `file`, or `-`. */
export function placeOf(row: UnresolvedRow): string {
  return row.line !== undefined ? `${row.file}:${row.line}` : row.file || '-';
}
