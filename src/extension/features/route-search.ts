/** Route search: workspace symbols (Ctrl+T finds `GET /users/:id`) and the "Go to Route…" quick pick. */
import * as vscode from 'vscode';
import { routeFilter } from '../model/routes-tree';
import { methodsLabel, where } from '../model/tree-node';
import { locationOf, revealSpan } from '../positions';
import type { WorkspaceIndex } from '../workspace-index';

export class RouteSymbolProvider implements vscode.WorkspaceSymbolProvider {
  constructor(private readonly workspace: WorkspaceIndex) {}

  provideWorkspaceSymbols(query: string): vscode.SymbolInformation[] {
    const out: vscode.SymbolInformation[] = [];
    for (const { folder, entry } of this.workspace.routes()) {
      if (!routeFilter(query)(entry, folder.root) && !fuzzy(query, `${entry.route.methods.join(' ')} ${entry.route.url}`)) continue;
      out.push(new vscode.SymbolInformation(`${methodsLabel(entry.route.methods)} ${entry.route.url}`, vscode.SymbolKind.Method, where(folder.root, entry.app.entry), locationOf(entry.route.span)));
      if (out.length >= 500) break;
    }
    return out;
  }
}

/** Letters of the query in order (what VS Code's own symbol search also accepts). */
function fuzzy(query: string, text: string): boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  let i = 0;
  for (const ch of t) if (ch === q[i]) i++;
  return i === q.length;
}

export async function goToRoute(workspace: WorkspaceIndex): Promise<void> {
  const items = workspace.routes().map(({ folder, entry }) => ({
    label: `${methodsLabel(entry.route.methods)} ${entry.route.url}`,
    description: where(folder.root, entry.route.span),
    detail: entry.route.handlerName ? `handler ${entry.route.handlerName}` : undefined,
    span: entry.route.span,
  }));
  if (!items.length) {
    void vscode.window.showInformationMessage('Fastify Lens: no routes found yet.');
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Go to a route: type a method, a URL or a handler name', matchOnDescription: true, matchOnDetail: true });
  if (pick) await revealSpan(pick.span);
}
