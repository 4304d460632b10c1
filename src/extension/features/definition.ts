/** Go to Definition from `fastify.x` / `request.x` / `reply.x` to the `decorate*` call(s). */
import * as vscode from 'vscode';
import { decoratorUseAt } from '../model/decorator-use';
import { locationOf } from '../positions';
import type { WorkspaceIndex } from '../workspace-index';

export class DecoratorDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly workspace: WorkspaceIndex) {}

  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location[] | undefined {
    const found = this.workspace.documentIndex(doc.uri);
    if (!found) return undefined;
    const { file, index } = found;
    const use = decoratorUseAt(doc.lineAt(pos.line).text, pos.character);
    if (!use) return undefined;
    const offset = doc.offsetAt(pos);
    const all = index.decorators(use.name, use.target);
    // Prefer the decorations visible from here; else every decoration of the name.
    const here = index.contextsAt(file, offset);
    const visible = here.flatMap((h) => index.visibleDecorators(h.app, h.context, use.name, use.target));
    const chosen = visible.length ? visible : all;
    const seen = new Set<string>();
    return chosen.filter((d) => !seen.has(`${d.decorator.span.file}:${d.decorator.span.start}`) && seen.add(`${d.decorator.span.file}:${d.decorator.span.start}`)).map((d) => locationOf(d.decorator.span));
  }
}
