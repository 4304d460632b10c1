/**
 * The rules' quick fixes as code actions (kind quickfix): each fix of a finding under the cursor
 * or the diagnostic becomes one `WorkspaceEdit` (one undo step), linked to its diagnostic, the
 * rule's preferred fix marked so. The posted findings carry no fixes: they are asked of the
 * folder's worker, which computes them for the graph it serves. A document edited since the graph
 * (its findings are stale) gets none, checked before asking and again when the answer comes: their
 * offsets would land in the wrong place.
 */
import * as vscode from 'vscode';
import type { Finding, Fix } from '../../core/rules/types';
import { rangeOf } from '../positions';
import type { WorkspaceIndex } from '../workspace-index';

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly workspace: WorkspaceIndex) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token?: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const found = this.workspace.currentDocumentIndex(doc);
    if (!found) return [];
    const here = (found.folder.findingsByFile.get(found.file) ?? [])
      .map((finding) => ({ finding, where: rangeOf(finding.span) }))
      .filter(({ where }) => !!where.intersection(range) || context.diagnostics.some((d) => d.range.isEqual(where)));
    if (!here.length) return [];
    const version = doc.version;
    const fixes = await found.folder.fixesOf(here.map((h) => h.finding));
    // Still the text the fixes were computed for (the worker answers for the graph it serves then).
    if (token?.isCancellationRequested || doc.version !== version || !this.workspace.currentDocumentIndex(doc)) return [];
    const actions: vscode.CodeAction[] = [];
    here.forEach(({ finding, where }, i) => {
      const diagnostic = context.diagnostics.find((d) => codeOf(d) === finding.code && d.range.isEqual(where));
      for (const fix of fixes[i] ?? []) actions.push(this.action(doc, finding, fix, diagnostic));
    });
    return actions;
  }

  private action(doc: vscode.TextDocument, finding: Finding, fix: Fix, diagnostic: vscode.Diagnostic | undefined): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) {
      const uri = vscode.Uri.file(e.file);
      // The document is current (checked above): its offsets are the graph's.
      const range = e.file === finding.span.file ? new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)) : e.range ? new vscode.Range(e.range[0], e.range[1], e.range[2], e.range[3]) : undefined;
      if (range) edit.replace(uri, range, e.newText);
    }
    action.edit = edit;
    if (diagnostic) action.diagnostics = [diagnostic];
    action.isPreferred = !!fix.preferred;
    return action;
  }
}

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}
