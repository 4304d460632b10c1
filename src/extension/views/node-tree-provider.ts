/**
 * A TreeDataProvider over plain TreeNode rows (built by the pure models in ../model/). It keeps
 * the parent of each row so `reveal` works, and rebuilds only when the graph or options change.
 */
import * as vscode from 'vscode';
import type { TreeNode } from '../model/tree-node';
import { openSpanCommand } from '../positions';

export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private roots: TreeNode[] = [];
  private readonly parents = new Map<TreeNode, TreeNode | undefined>();
  private readonly byId = new Map<string, TreeNode>();
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly build: () => TreeNode[]) {}

  refresh(): void {
    this.roots = this.build();
    this.parents.clear();
    this.byId.clear();
    const index = (nodes: TreeNode[], parent: TreeNode | undefined) => {
      for (const n of nodes) {
        this.parents.set(n, parent);
        this.byId.set(n.id, n);
        if (n.children) index(n.children, n);
      }
    };
    index(this.roots, undefined);
    this.changed.fire(undefined);
  }

  /** The rows as built, for tests and for `find`. */
  get nodes(): TreeNode[] {
    return this.roots;
  }

  find(predicate: (n: TreeNode) => boolean): TreeNode | undefined {
    for (const n of this.byId.values()) if (predicate(n)) return n;
    return undefined;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? (node.children ?? []) : this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node);
  }

  getTreeItem(n: TreeNode): vscode.TreeItem {
    const state = !n.children?.length
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.contextValue = n.contextValue;
    if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon.id, n.icon.color ? new vscode.ThemeColor(n.icon.color) : undefined);
    if (n.span) item.command = openSpanCommand(n.span);
    return item;
  }
}

/** With several Fastify folders open, each folder's rows go under a row of its own. */
export function underFolders(parts: { name: string; key: string; nodes: TreeNode[] }[]): TreeNode[] {
  if (parts.length <= 1) return parts[0]?.nodes ?? [];
  return parts.map((p) => ({ id: `${p.key}`, label: p.name, icon: { id: 'root-folder' }, expanded: true, contextValue: 'folder', children: p.nodes }));
}
