/** The commands of the "Fastify" category and the ones tree items and CodeLens run. */
import * as vscode from 'vscode';
import type { Span } from '../core/model';
import type { RouteEntry } from './model/graph-index';
import { curlCommand } from './model/curl';
import { methodsLabel, where, type TreeNode } from './model/tree-node';
import { rangeOf, revealSpan } from './positions';
import type { FastifyViews } from './views/fastify-views';
import { addHookCommand } from './features/add-hook';
import { goToRoute } from './features/route-search';
import type { WorkspaceIndex } from './workspace-index';

export function registerCommands(workspace: WorkspaceIndex, views: FastifyViews, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const routeOf = (folderKey: string, key: string) => {
    const folder = workspace.byKey(folderKey);
    const index = folder?.index;
    const e = index?.route(key);
    return folder && index && e ? { folder, index, e } : undefined;
  };
  const routeOfNode = (node: TreeNode | undefined): RouteEntry | undefined => {
    if (!node?.routeKey) return undefined;
    return workspace.folderOfRow(node.id)?.index?.route(node.routeKey);
  };
  const pickRoute = async (placeHolder: string): Promise<RouteEntry | undefined> => {
    const items = workspace.routes().map(({ folder, entry }) => ({ label: `${methodsLabel(entry.route.methods)} ${entry.route.url}`, description: where(folder.root, entry.route.span), entry }));
    return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.entry;
  };
  const reg = vscode.commands.registerCommand;
  return [
    reg('fastifyLens.refresh', () => workspace.refresh()),
    reg('fastifyLens.showLog', () => log.show()),
    reg('fastifyLens.goToRoute', () => goToRoute(workspace)),
    reg('fastifyLens.addHook', (uri?: vscode.Uri, position?: vscode.Position, hook?: string) => addHookCommand(workspace, uri, position, hook)),
    reg('fastifyLens.openSpan', (span: Span) => revealSpan(span)),
    reg('fastifyLens.copyRouteUrl', async (node?: TreeNode) => {
      const e = routeOfNode(node) ?? (await pickRoute('Copy the URL of a route'));
      if (!e) return;
      await vscode.env.clipboard.writeText(e.route.url);
      vscode.window.setStatusBarMessage(`Copied ${e.route.url}`, 3000);
    }),
    reg('fastifyLens.copyRouteCurl', async (node?: TreeNode) => {
      const e = routeOfNode(node) ?? (await pickRoute('Copy a route as curl'));
      if (!e) return;
      const cmd = curlCommand(e.route.methods[0], e.route.url);
      await vscode.env.clipboard.writeText(cmd);
      vscode.window.setStatusBarMessage(`Copied: ${cmd}`, 3000);
    }),
    reg('fastifyLens.revealRouteInPlugins', async (node?: TreeNode) => {
      if (node?.routeKey) await views.revealInPlugins(node);
    }),
    reg('fastifyLens.groupRoutesByPrefix', () => views.setGrouping('prefix')),
    reg('fastifyLens.groupRoutesByFile', () => views.setGrouping('file')),
    reg('fastifyLens.filterRoutes', async (given?: string) => {
      if (typeof given === 'string') return views.setFilter(given);
      const value = await vscode.window.showInputBox({ prompt: 'Show routes whose method, URL, file or handler contain every word', value: views.filter, placeHolder: 'e.g. post users' });
      if (value !== undefined) views.setFilter(value);
    }),
    reg('fastifyLens.clearRouteFilter', () => views.setFilter('')),
    reg('fastifyLens.showHookChain', async (folderKey: string, key: string) => {
      const found = routeOf(folderKey, key);
      if (!found) return;
      const { folder, index, e } = found;
      const steps = index.hookChain(e);
      const items = steps.map((s, i) => ({
        label: `${i + 1}. ${s.name}`,
        description: s.routeLevel ? 'route-level' : s.context?.kind === 'root' ? 'root context' : `plugin '${s.context?.name}'`,
        detail: where(folder.root, s.span),
        span: s.span,
      }));
      items.push({ label: `${items.length + 1}. handler`, description: e.route.handlerName ?? '', detail: where(folder.root, e.route.handlerSpan ?? e.route.span), span: e.route.handlerSpan ?? e.route.span });
      const pick = await vscode.window.showQuickPick(items, { placeHolder: `${methodsLabel(e.route.methods)} ${e.route.url}: hooks before the handler, in the order they run` });
      if (pick) await revealSpan(pick.span);
    }),
    reg('fastifyLens.showRouteTests', async (folderKey: string, key: string) => {
      const found = routeOf(folderKey, key);
      if (!found) return;
      const { folder, index, e } = found;
      const tests = index.testsOf(e);
      if (!tests.length) {
        void vscode.window.showInformationMessage(`No test calls ${methodsLabel(e.route.methods)} ${e.route.url}.`);
        return;
      }
      const pick = await vscode.window.showQuickPick(
        tests.map((t) => ({ label: `${t.method} ${t.url}`, description: where(folder.root, t.span), span: t.span })),
        { placeHolder: `Test calls that hit ${methodsLabel(e.route.methods)} ${e.route.url}` },
      );
      if (pick) await vscode.window.showTextDocument(vscode.Uri.file(pick.span.file), { selection: rangeOf(pick.span) });
    }),
  ];
}
