/** Hover on decorator uses (where decorated, visible here?) and on route URL strings (full URL, contexts). */
import * as vscode from 'vscode';
import { decoratorUseAt, stringLiteralAt } from '../model/decorator-use';
import { decoratorHover, routeUrlHover } from '../model/lens-titles';
import type { WorkspaceIndex } from '../workspace-index';

export class FastifyHoverProvider implements vscode.HoverProvider {
  constructor(private readonly workspace: WorkspaceIndex) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const found = this.workspace.documentIndex(doc.uri);
    if (!found) return undefined;
    const { file, index } = found;
    const line = doc.lineAt(pos.line).text;
    const offset = doc.offsetAt(pos);

    const lit = stringLiteralAt(line, pos.character);
    if (lit) {
      const route = index.routesIn(file).find((e) => e.route.span.start <= offset && offset <= e.route.span.end && e.route.path === lit.text);
      if (route) return new vscode.Hover(new vscode.MarkdownString(routeUrlHover(index, route)), new vscode.Range(pos.line, lit.start, pos.line, lit.end));
    }
    const use = decoratorUseAt(line, pos.character);
    if (!use) return undefined;
    const text = decoratorHover(index, file, offset, use.name, use.target);
    return text ? new vscode.Hover(new vscode.MarkdownString(text), new vscode.Range(pos.line, use.start, pos.line, use.end)) : undefined;
  }
}
