import * as vscode from 'vscode';
import type { Span } from '../core/model';
import { positionIn } from './line-starts';

/**
 * The editor range of a span: from the `range` the worker filled (a fix's edits), else from the
 * file's line starts the worker posted (graphs and findings), else the start of its line.
 */
export function rangeOf(span: Span): vscode.Range {
  if (span.range) return new vscode.Range(span.range[0], span.range[1], span.range[2], span.range[3]);
  const start = positionIn(span.file, span.start);
  const end = start && positionIn(span.file, span.end);
  if (start && end) return new vscode.Range(start[0], start[1], end[0], end[1]);
  const line = Math.max(0, span.line - 1);
  return new vscode.Range(line, 0, line, 0);
}

export function locationOf(span: Span): vscode.Location {
  return new vscode.Location(vscode.Uri.file(span.file), rangeOf(span));
}

/** The command a tree item or quick pick uses to open a span. */
export function openSpanCommand(span: Span, title = 'Open'): vscode.Command {
  const r = rangeOf(span);
  return { title, command: 'vscode.open', arguments: [vscode.Uri.file(span.file), { selection: new vscode.Range(r.start, r.start) }] };
}

export async function revealSpan(span: Span): Promise<void> {
  const r = rangeOf(span);
  await vscode.window.showTextDocument(vscode.Uri.file(span.file), { selection: new vscode.Range(r.start, r.start) });
}
