/** The Routes view as plain data: apps → prefix or file groups → routes, with a filter. */
import type { GraphIndex, RouteEntry } from './graph-index';
import { methodIcon, methodsLabel, relativePath, where, type TreeNode } from './tree-node';

export type RouteGrouping = 'prefix' | 'file';

/**
 * An app's groups open by themselves up to this many routes (after the filter); a larger app shows
 * its groups closed, with their counts. Opening every group of a 2,000-file app made the first
 * index fetch ~10k route rows: about a second before the views showed.
 */
export const EXPAND_GROUPS_UP_TO = 300;

export function routesTree(index: GraphIndex, grouping: RouteGrouping, filter: string, idPrefix: string): TreeNode[] {
  const root = index.graph.root;
  const matches = routeFilter(filter);
  const nodes: TreeNode[] = [];
  for (const app of index.graph.apps) {
    const entries = index.routes.filter((e) => e.app === app && matches(e, root));
    if (!entries.length && filter) continue;
    const groups = new Map<string, RouteEntry[]>();
    for (const e of entries) {
      // Routes a package adds are listed apart, under the package, not mixed with the app's own.
      const key = e.route.package ? `from ${e.route.package}` : grouping === 'prefix' ? e.context.prefix || '/' : relativePath(root, e.route.span.file);
      const list = groups.get(key);
      if (list) list.push(e);
      else groups.set(key, [e]);
    }
    const appId = `${idPrefix}/${app.id}`;
    const keys = [...groups.keys()];
    if (grouping === 'file') keys.sort();
    // Package groups after the app's own routes.
    keys.sort((a, b) => Number(a.startsWith('from ')) - Number(b.startsWith('from ')));
    nodes.push({
      id: appId,
      label: where(root, app.entry),
      description: `${entries.length} route${entries.length === 1 ? '' : 's'}`,
      icon: { id: 'rocket' },
      span: app.entry,
      expanded: true,
      contextValue: 'app',
      children: keys.map((key) => ({
        id: `${appId}/${grouping}:${key}`,
        label: key,
        description: `${groups.get(key)!.length}`,
        icon: { id: key.startsWith('from ') ? 'library' : grouping === 'prefix' ? 'symbol-namespace' : 'file-code' },
        expanded: entries.length <= EXPAND_GROUPS_UP_TO,
        contextValue: 'routeGroup',
        children: groups.get(key)!.map((e) => routeNode(index, e, grouping, root, `${appId}/r${e.route.id}`)),
      })),
    });
  }
  return nodes;
}

function routeNode(index: GraphIndex, e: RouteEntry, grouping: RouteGrouping, root: string, id: string): TreeNode {
  const r = e.route;
  const tests = index.testsOf(e).length;
  const parts = [
    r.package ? `registered at ${where(root, r.span)}` : grouping === 'prefix' ? where(root, r.span) : `line ${r.span.line}`,
    r.schema ? 'schema' : 'no schema',
    tests ? `${tests} test${tests === 1 ? '' : 's'}` : index.hasTestsInProject(e) ? 'untested' : '',
    r.conditional ? 'conditional' : '',
  ];
  const schemaParts = r.schema ? schemaPartNames(r).join(', ') || 'schema object' : 'none';
  return {
    id,
    label: `${methodsLabel(r.methods)} ${r.url}`,
    description: parts.filter(Boolean).join(' · '),
    tooltip: [
      `${methodsLabel(r.methods)} ${r.url}`,
      r.alsoServes.length ? `Also serves: ${r.alsoServes.join(', ')}` : '',
      `Declared with ${r.via} at ${where(root, r.span)}`,
      `Schema: ${schemaParts}`,
      tests ? `Hit by ${tests} test call${tests === 1 ? '' : 's'}` : index.hasTestsInProject(e) ? 'No test calls this route' : '',
      r.conditional ? 'Declared under a condition only known at run time' : '',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: methodIcon(r.methods),
    span: r.span,
    contextValue: tests || !index.hasTestsInProject(e) ? 'route' : 'route.untested',
    routeKey: e.key,
  };
}

/** Schema parts a route declares: params, querystring, body, headers, response. */
export function schemaPartNames(r: RouteEntry['route']): string[] {
  const s = r.schema;
  if (!s) return [];
  const out: string[] = [];
  for (const k of ['params', 'querystring', 'body', 'headers'] as const) if (s[k]) out.push(k);
  if (s.response?.length || s.responsePartial) out.push(`response ${[...(s.response ?? []), ...(s.responsePartial ? ['…?'] : [])].join('/')}`);
  return out;
}

/** Every whitespace-separated term must appear in method, URL, file, via or handler name. */
export function routeFilter(filter: string): (e: RouteEntry, root: string) => boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return () => true;
  return (e, root) => {
    const hay = `${e.route.methods.join(' ')} ${e.route.url} ${relativePath(root, e.route.span.file)} ${e.route.via} ${e.route.handlerName ?? ''} ${e.route.package ?? ''}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  };
}
