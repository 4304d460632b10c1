/** The Plugins and Routes views of the "Fastify" container, their options and context keys. */
import * as vscode from 'vscode';
import { pluginsTree } from '../model/plugins-tree';
import { routesTree, type RouteGrouping } from '../model/routes-tree';
import type { TreeNode } from '../model/tree-node';
import type { WorkspaceIndex } from '../workspace-index';
import { NodeTreeProvider, underFolders } from './node-tree-provider';

export class FastifyViews implements vscode.Disposable {
  readonly plugins: NodeTreeProvider;
  readonly routes: NodeTreeProvider;
  readonly pluginsView: vscode.TreeView<TreeNode>;
  readonly routesView: vscode.TreeView<TreeNode>;
  grouping: RouteGrouping;
  filter = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly workspace: WorkspaceIndex,
    private readonly state: vscode.Memento,
  ) {
    this.grouping = state.get<RouteGrouping>('fastifyLens.routeGrouping') === 'file' ? 'file' : 'prefix';
    const parts = (build: (f: (typeof workspace.all)[number], key: string) => TreeNode[]) =>
      underFolders(workspace.all.filter((f) => f.index).map((f) => ({ name: f.folder.name, key: f.folder.uri.toString(), nodes: build(f, f.folder.uri.toString()) })));
    this.plugins = new NodeTreeProvider(() => parts((f, key) => pluginsTree(f.index!, key)));
    this.routes = new NodeTreeProvider(() => parts((f, key) => routesTree(f.index!, this.grouping, this.filter, key)));
    this.pluginsView = vscode.window.createTreeView('fastifyLens.plugins', { treeDataProvider: this.plugins, showCollapseAll: true });
    this.routesView = vscode.window.createTreeView('fastifyLens.routes', { treeDataProvider: this.routes, showCollapseAll: true });
    this.disposables.push(this.pluginsView, this.routesView, workspace.onDidChange(() => this.refresh()));
    this.refresh();
  }

  refresh(): void {
    this.plugins.refresh();
    this.routes.refresh();
    const count = this.workspace.routes().length;
    this.routesView.description = this.filter ? `filter: ${this.filter}` : undefined;
    this.routesView.message = this.filter && !this.routes.nodes.length ? `No route matches '${this.filter}'.` : undefined;
    this.pluginsView.description = this.workspace.state === 'indexing' ? 'indexing…' : undefined;
    void vscode.commands.executeCommand('setContext', 'fastifyLens.state', this.workspace.state === 'ready' && !count && !this.plugins.nodes.length ? 'empty' : this.workspace.state);
    void vscode.commands.executeCommand('setContext', 'fastifyLens.routeGrouping', this.grouping);
    void vscode.commands.executeCommand('setContext', 'fastifyLens.routeFilter', !!this.filter);
  }

  setGrouping(g: RouteGrouping): void {
    this.grouping = g;
    void this.state.update('fastifyLens.routeGrouping', g);
    this.refresh();
  }

  setFilter(filter: string): void {
    this.filter = filter.trim();
    this.refresh();
  }

  /** Selects the Plugins row of the route a Routes row shows. */
  async revealInPlugins(routeRow: TreeNode): Promise<void> {
    const folderKey = this.workspace.folderOfRow(routeRow.id)?.folder.uri.toString();
    const target = this.plugins.find((n) => n.routeKey === routeRow.routeKey && (!folderKey || n.id.startsWith(folderKey + '/')));
    if (target) await this.pluginsView.reveal(target, { select: true, focus: true, expand: true });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
