/**
 * The rules' findings as VS Code diagnostics, one collection for every folder, replaced whenever a
 * folder's graph changes. The code of each diagnostic is its rule id, linking to the rules table.
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
  const render = () => {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const folder of workspace.all) {
      for (const f of folder.findings) {
        const d = new vscode.Diagnostic(rangeOf(f.span), f.message, SEVERITY[f.severity]);
        d.source = 'Fastify Lens';
        d.code = { value: f.code, target: vscode.Uri.parse(ruleHelpUri(f.code)) };
        if (f.related?.length) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(locationOf(r.span), r.message));
        const list = byFile.get(f.span.file);
        if (list) list.push(d);
        else byFile.set(f.span.file, [d]);
      }
    }
    collection.clear();
    // One set() for every file: VS Code sends one message to the window, not one per file (2,000
    // files with findings cost ~300 ms more in the extension host the other way).
    collection.set([...byFile].map(([file, diags]): [vscode.Uri, vscode.Diagnostic[]] => [vscode.Uri.file(file), diags]));
  };
  const sub = workspace.onDidChange(render);
  return vscode.Disposable.from(collection, sub);
}
