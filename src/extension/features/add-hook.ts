/**
 * "Add hook…" on a route: a refactor code action where the cursor is inside a route declaration,
 * and the command `fastifyLens.addHook` (palette, or the action) that asks which request/reply
 * hook and writes it into the route's options (see model/add-hook.ts).
 */
import * as vscode from 'vscode';
import { addHookEdit, hookOptionText, hooksToAdd, routeAt } from '../model/add-hook';
import { methodsLabel } from '../model/tree-node';
import type { WorkspaceIndex } from '../workspace-index';

const KIND = vscode.CodeActionKind.Refactor.append('fastify.addHook');

export class AddHookActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [KIND] };

  constructor(private readonly workspace: WorkspaceIndex) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !KIND.intersects(context.only)) return [];
    const found = this.workspace.currentDocumentIndex(doc);
    if (!found) return [];
    const entry = routeAt(found.index, found.file, doc.offsetAt(range.start));
    if (!entry || !hooksToAdd(entry.route).length) return [];
    const action = new vscode.CodeAction(`Add hook to ${methodsLabel(entry.route.methods)} ${entry.route.url}…`, KIND);
    action.command = { title: action.title, command: 'fastifyLens.addHook', arguments: [doc.uri, range.start] };
    return [action];
  }
}

/**
 * The command: the route at `position` of `uri` (else the active editor's cursor), a quick pick
 * of the hooks it does not have (or `hook` when given), then one edit; the cursor lands in the
 * new hook's body.
 */
export async function addHookCommand(workspace: WorkspaceIndex, uri?: vscode.Uri, position?: vscode.Position, hook?: string): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!doc) return false;
  const at = position ?? (editor?.document === doc ? editor.selection.active : undefined);
  const folder = workspace.folderOf(doc.uri);
  if (!at || !folder) return false;
  await folder.whenIdle();
  const found = workspace.documentIndex(doc.uri);
  const entry = found && folder.isCurrent(doc) ? routeAt(found.index, found.file, doc.offsetAt(at)) : undefined;
  if (!entry) {
    void vscode.window.showInformationMessage('Fastify Lens: put the cursor inside a route declaration whose options are written there (app.get(url, handler), app.get(url, { … }, handler), app.route({ … })).');
    return false;
  }
  const choices = hooksToAdd(entry.route);
  const name =
    hook ??
    (
      await vscode.window.showQuickPick(
        choices.map((h) => ({ label: h, description: hookOptionText(h).slice(h.length + 2) })),
        { placeHolder: `Add a hook to ${methodsLabel(entry.route.methods)} ${entry.route.url}` },
      )
    )?.label;
  if (!name || !choices.includes(name)) return false;
  const edit = addHookEdit(doc.getText(), entry.route, name);
  if (!edit) return false;
  const we = new vscode.WorkspaceEdit();
  we.replace(doc.uri, new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end)), edit.newText);
  if (!(await vscode.workspace.applyEdit(we))) return false;
  const shown = await vscode.window.showTextDocument(doc);
  const body = doc.positionAt(edit.bodyAt + 1);
  shown.selection = new vscode.Selection(body, body);
  return true;
}
