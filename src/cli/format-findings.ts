import * as path from 'node:path';
import type { Finding } from '../core/rules';
import { SEVERITIES } from '../core/rules/types';

/** 1-based line and column of a UTF-16 offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A file's path relative to the folder, with forward slashes. */
export function relativeTo(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).join('/');
}

export interface DiagnosticRow {
  code: string;
  severity: Finding['severity'];
  message: string;
  /** Relative to the folder, with forward slashes. */
  file: string;
  line: number;
  column: number;
}

/** One row per finding; `readText` gives a file's text (undefined when unreadable: the span's line, column 1). */
export function diagnosticRows(findings: Finding[], folder: string, readText: (file: string) => string | undefined): DiagnosticRow[] {
  const texts = new Map<string, string | undefined>();
  return findings.map((f) => {
    if (!texts.has(f.span.file)) texts.set(f.span.file, readText(f.span.file));
    const text = texts.get(f.span.file);
    const pos = text !== undefined ? lineColumn(text, f.span.start) : { line: f.span.line, column: 1 };
    return { code: f.code, severity: f.severity, message: f.message, file: relativeTo(folder, f.span.file), ...pos };
  });
}

export function formatDiagnosticsText(rows: DiagnosticRow[]): string {
  const lines = rows.map((r) => `${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}`);
  const count = (s: string) => rows.filter((r) => r.severity === s).length;
  const parts = SEVERITIES.filter((s) => s !== 'off').filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}${count(s) === 1 ? '' : 's'}`);
  lines.push(rows.length === 0 ? 'no problems found' : `${rows.length} problem${rows.length === 1 ? '' : 's'} (${parts.join(', ')})`);
  return lines.join('\n') + '\n';
}
