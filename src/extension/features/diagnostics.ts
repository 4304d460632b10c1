/**
 * The rules' findings as VS Code diagnostics, one collection for every folder; when a folder's
 * graph changes, the diagnostics of the files whose findings changed are replaced. The code of
 * each diagnostic is its rule id, linking to the rules table.
 */
import * as vscode from 'vscode';
import { ruleHelpUri } from '../../core/rules/help-uri';
import type { Finding } from '../../core/rules/types';
import { locationOf, rangeOf } from '../positions';
import type { WorkspaceIndex } from '../workspace-index';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function registerDiagnostics(workspace: WorkspaceIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('fastify-lens');
  /** Per file, the findings lists its diagnostics were made from (one per folder that has the file). */
  const shown = new Map<string, Finding[][]>();
  const render = () => {
    const now = new Map<string, Finding[][]>();
    for (const folder of workspace.all) {
      for (const [file, list] of folder.findingsByFile) {
        const lists = now.get(file);
        if (lists) lists.push(list);
        else now.set(file, [list]);
      }
    }
    // Only the files whose findings changed (a folder's index keeps a file's list while it does
    // not): one edit re-renders a file or two, not the 12,000 diagnostics of a 2,000-file app.
    const changed: [vscode.Uri, vscode.Diagnostic[] | undefined][] = [];
    for (const [file, lists] of now) {
      const before = shown.get(file);
      if (before && before.length === lists.length && before.every((l, i) => l === lists[i])) continue;
      changed.push([vscode.Uri.file(file), lists.flatMap((l) => l.map(diagnostic))]);
    }
    for (const file of shown.keys()) if (!now.has(file)) changed.push([vscode.Uri.file(file), undefined]);
    shown.clear();
    for (const [file, lists] of now) shown.set(file, lists);
    // One set() for every file: VS Code sends one message to the window, not one per file (2,000
    // files with findings cost ~300 ms more in the extension host the other way).
    if (changed.length) collection.set(changed);
  };
  const sub = workspace.onDidChange(render);
  return vscode.Disposable.from(collection, sub);
}

function diagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(rangeOf(f.span), f.message, SEVERITY[f.severity]);
  d.source = 'Fastify Lens';
  d.code = { value: f.code, target: vscode.Uri.parse(ruleHelpUri(f.code)) };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(locationOf(r.span), r.message));
  return d;
}
