import type { Span } from '../../core/model';

/** One row of a view, as plain data: the views turn it into a `vscode.TreeItem`. */
export interface TreeNode {
  /** Unique in its view, stable across graphs (keeps expansion state). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** Codicon id, and a theme colour id for it. */
  icon?: { id: string; color?: string };
  /** Where a click goes. */
  span?: Span;
  children?: TreeNode[];
  expanded?: boolean;
  /** `view/item/context` menus match on this. */
  contextValue?: string;
  /** For route rows: `<app id>#<route id>` (see GraphIndex). */
  routeKey?: string;
}

const METHOD_ICONS: Record<string, { id: string; color?: string }> = {
  GET: { id: 'arrow-down', color: 'charts.green' },
  POST: { id: 'add', color: 'charts.yellow' },
  PUT: { id: 'edit', color: 'charts.blue' },
  PATCH: { id: 'diff', color: 'charts.purple' },
  DELETE: { id: 'trash', color: 'charts.red' },
  HEAD: { id: 'eye', color: 'charts.foreground' },
  OPTIONS: { id: 'settings', color: 'charts.foreground' },
  ALL: { id: 'circle-large-outline', color: 'charts.orange' },
};

export function methodIcon(methods: string[]): { id: string; color?: string } {
  return METHOD_ICONS[methods[0]] ?? { id: 'symbol-method' };
}

export function methodsLabel(methods: string[]): string {
  return methods.join('|');
}

/** `file:line` relative to the folder root, forward slashes. */
export function where(root: string, span: Span): string {
  return `${relativePath(root, span.file)}:${span.line}`;
}

export function relativePath(root: string, file: string): string {
  if (file === root) return '';
  return file.startsWith(root + '/') ? file.slice(root.length + 1) : file;
}
