/** Status bar item: routes and plugin counts, a spinner while indexing or checking rules; click focuses the views. */
import * as vscode from 'vscode';
import type { WorkspaceIndex } from './workspace-index';

export function createStatusBar(workspace: WorkspaceIndex): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('fastifyLens.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Fastify Lens';
  item.command = 'workbench.view.extension.fastifyLens';
  const render = () => {
    const folders = workspace.all;
    if (!folders.length) {
      item.hide();
      return;
    }
    const indexing = folders.some((f) => f.state === 'indexing');
    const checking = !indexing && folders.some((f) => f.checking);
    const busy = indexing || checking;
    const failed = folders.some((f) => f.state === 'failed');
    const routes = folders.reduce((n, f) => n + (f.index?.routes.length ?? 0), 0);
    const contexts = folders.reduce((n, f) => n + (f.index ? f.index.contextCount : 0), 0);
    const unresolved = folders.reduce((n, f) => n + (f.index?.graph.unresolved.length ?? 0), 0);
    item.text = `${busy ? '$(sync~spin)' : failed ? '$(error)' : '$(type-hierarchy)'} Fastify: ${routes} routes · ${contexts} plugins`;
    item.tooltip = `Fastify Lens — ${routes} routes in ${contexts} plugin contexts${unresolved ? `, ${unresolved} unresolved` : ''}${indexing ? ' (indexing…)' : checking ? ' (checking rules…)' : ''}. Click to show the Fastify views.`;
    item.show();
  };
  const sub = workspace.onDidChange(render);
  render();
  return vscode.Disposable.from(item, sub);
}
