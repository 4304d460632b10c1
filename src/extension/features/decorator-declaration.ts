/**
 * "Add type declaration for 'x'" on a `decorate` / `decorateRequest` / `decorateReply` call of a
 * TypeScript file: a refactor code action whose edit merges the member into Fastify's interface
 * (`declare module 'fastify' { interface FastifyInstance { x: … } }`), see
 * model/decorator-declaration.ts. Offered on a document the graph is current for only.
 */
import * as vscode from 'vscode';
import { FASTIFY_INTERFACE } from '../../core/fixes/declaration-target';
import { declarationAt } from '../model/decorator-declaration';
import type { WorkspaceIndex } from '../workspace-index';

const KIND = vscode.CodeActionKind.Refactor.append('fastify.declareDecorator');

export class DecoratorDeclarationActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [KIND] };

  constructor(private readonly workspace: WorkspaceIndex) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !KIND.intersects(context.only)) return [];
    const found = this.workspace.currentDocumentIndex(doc);
    if (!found) return [];
    const at = declarationAt(found.index, found.file, doc.getText(), doc.offsetAt(range.start));
    if (!at) return [];
    const action = new vscode.CodeAction(`Add type declaration for '${at.decorator.name}' (${FASTIFY_INTERFACE[at.decorator.target]})`, KIND);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at.edit.start), doc.positionAt(at.edit.end)), at.edit.newText);
    action.edit = edit;
    return [action];
  }
}
