/** The Plugins view as plain data: apps → contexts in load order → what each context holds. */
import type { AppGraph, Context, Unresolved } from '../../core/model';
import type { GraphIndex } from './graph-index';
import { methodIcon, methodsLabel, relativePath, where, type TreeNode } from './tree-node';

const VERSION_SOURCE = { installed: 'installed', lockfile: 'from the lockfile', range: 'from the package.json range: no lockfile or node_modules pins it' } as const;

const CONTEXT_ICONS: Record<Context['kind'], string> = {
  root: 'server-environment',
  plugin: 'package',
  autoload: 'folder-library',
  autohooks: 'zap',
  external: 'library',
};

export function pluginsTree(index: GraphIndex, idPrefix: string): TreeNode[] {
  const root = index.graph.root;
  const nodes = index.graph.apps.map((app) => appNode(index, app, root, `${idPrefix}/${app.id}`));
  const unresolved = index.graph.unresolved;
  if (unresolved.length) nodes.push(unresolvedNode(unresolved, root, `${idPrefix}/unresolved`));
  return nodes;
}

function appNode(index: GraphIndex, app: AppGraph, root: string, id: string): TreeNode {
  const routes = app.routes.filter((r) => !r.implicitHead).length;
  let contexts = 0;
  const count = (c: Context): void => {
    contexts++;
    c.children.forEach(count);
  };
  count(app.root);
  const kind = app.kind === 'plugin' ? 'root plugin' : 'fastify()';
  return {
    id,
    label: where(root, app.entry),
    description: `Fastify ${app.fastifyMajor} · ${routes} route${routes === 1 ? '' : 's'} · ${contexts} context${contexts === 1 ? '' : 's'}`,
    tooltip: [
      `App started by ${kind} at ${where(root, app.entry)}`,
      `Project: ${relativePath(root, app.project) || '.'}`,
      ...Object.entries(app.versions ?? {}).map(([pkg, v]) => `${pkg} ${v.version} (${VERSION_SOURCE[v.source]})`),
    ].join('\n'),
    icon: { id: 'rocket' },
    span: app.entry,
    expanded: true,
    contextValue: 'app',
    children: [contextNode(index, app, app.root, root, `${id}/c${app.root.id}`)],
  };
}

function contextNode(index: GraphIndex, app: AppGraph, ctx: Context, root: string, id: string): TreeNode {
  const children: TreeNode[] = [];
  for (const p of ctx.plugins) {
    children.push({
      id: `${id}/p${p.order}`,
      label: p.name,
      description: [p.external ? `external ${p.external}` : 'fastify-plugin', p.conditional ? 'conditional' : ''].filter(Boolean).join(' · '),
      tooltip: p.external
        ? `Plugin from the package ${p.external}: not analysed (its decorators, hooks and routes are not shown)`
        : `fastify-plugin: runs in this context without making a new one, so what it declares is visible here and below`,
      icon: { id: p.external ? 'library' : 'plug' },
      span: p.span,
      contextValue: 'plugin',
    });
  }
  for (const d of ctx.decorators) {
    const fn = d.target === 'instance' ? 'decorate' : d.target === 'request' ? 'decorateRequest' : 'decorateReply';
    children.push({
      id: `${id}/d${d.order}`,
      label: d.name,
      description: [fn, d.valueKind, d.conditional ? 'conditional' : ''].filter(Boolean).join(' · '),
      tooltip: `${fn}('${d.name}') — ${d.valueKind}\n${where(root, d.span)}`,
      icon: { id: 'symbol-property' },
      span: d.span,
      contextValue: 'decorator',
    });
  }
  for (const h of ctx.hooks) {
    children.push({
      id: `${id}/h${h.order}`,
      label: h.name,
      description: [`${h.kind} hook`, h.style, h.conditional ? 'conditional' : ''].filter((s) => s && s !== 'unknown').join(' · '),
      tooltip: `addHook('${h.name}') — ${h.kind} hook, ${h.style}\n${where(root, h.span)}`,
      icon: { id: 'zap' },
      span: h.span,
      contextValue: 'hook',
    });
  }
  for (const s of ctx.schemas) {
    children.push({ id: `${id}/s${s.order}`, label: s.id, description: 'addSchema', tooltip: `Shared schema $id '${s.id}'`, icon: { id: 'json' }, span: s.span, contextValue: 'schema' });
  }
  ctx.errorHandlers.forEach((s, i) => children.push({ id: `${id}/e${i}`, label: 'setErrorHandler', icon: { id: 'error' }, span: s, contextValue: 'handler' }));
  ctx.notFoundHandlers.forEach((s, i) => children.push({ id: `${id}/n${i}`, label: 'setNotFoundHandler', icon: { id: 'question' }, span: s, contextValue: 'handler' }));
  for (const p of ctx.contentTypeParsers) {
    children.push({ id: `${id}/t${p.order}`, label: p.contentTypes.join(', '), description: 'addContentTypeParser', icon: { id: 'symbol-namespace' }, span: p.span, contextValue: 'parser' });
  }
  for (const r of ctx.routes) {
    if (r.implicitHead) continue;
    children.push({
      id: `${id}/r${ownPart(r.id)}`,
      label: `${methodsLabel(r.methods)} ${r.url}`,
      description: [r.package ? `from ${r.package}` : r.via === r.methods[0].toLowerCase() ? '' : r.via, r.conditional ? 'conditional' : '', r.urlKnown ? '' : 'URL partly unknown'].filter(Boolean).join(' · '),
      tooltip: `${methodsLabel(r.methods)} ${r.url}\n${where(root, r.span)}`,
      icon: methodIcon(r.methods),
      span: r.span,
      contextValue: 'route',
      routeKey: `${app.id}#${r.id}`,
    });
  }
  ctx.children.forEach((c) => children.push(contextNode(index, app, c, root, `${id}/c${ownPart(c.id)}`)));
  const marker = ctx.kind === 'root' ? 'root context' : ctx.kind === 'external' ? 'external package' : ctx.encapsulatedFp ? 'fastify-plugin, encapsulated' : 'encapsulated';
  const description = [ctx.prefix ? ctx.prefix : '', ctx.prefixKnown ? '' : '(prefix partly unknown)', marker, ctx.conditional ? 'conditional' : ''].filter(Boolean).join(' · ');
  return {
    id,
    label: ctx.kind === 'root' ? (app.kind === 'plugin' ? `${ctx.name} (root plugin)` : 'root') : ctx.name,
    description,
    tooltip: [
      `${ctx.kind === 'root' ? 'Root context' : `Plugin '${ctx.name}'`} — ${marker}`,
      `Prefix: ${ctx.prefix || '(none)'}`,
      ctx.file ? `File: ${relativePath(root, ctx.file)}` : '',
      `Registered at ${where(root, ctx.span)}`,
      ctx.meta?.name ? `fastify-plugin name: ${ctx.meta.name}` : '',
      ctx.conditional ? 'Registered under a condition only known at run time' : '',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: { id: CONTEXT_ICONS[ctx.kind] },
    span: ctx.pluginSpan && ctx.kind !== 'root' ? ctx.pluginSpan : ctx.span,
    expanded: ctx.kind === 'root',
    contextValue: 'context',
    children,
  };
}

function unresolvedNode(list: Unresolved[], root: string, id: string): TreeNode {
  return {
    id,
    label: `Unresolved (${list.length})`,
    description: 'what could not be followed',
    tooltip: 'Parts of the app the static analysis could not follow; the rest of the graph is still built.',
    icon: { id: 'warning', color: 'list.warningForeground' },
    contextValue: 'unresolved',
    children: list.map((u, i) => ({
      id: `${id}/${i}`,
      label: u.reason,
      description: u.span ? where(root, u.span) : u.file ? relativePath(root, u.file) : '',
      tooltip: `${u.reason}\n${u.span ? where(root, u.span) : u.file ? relativePath(root, u.file) : ''}`,
      icon: { id: 'circle-slash' },
      span: u.span,
      contextValue: 'unresolvedEntry',
    })),
  };
}

/**
 * A context's or route's own part of its id (after the last `.` or `:`): ids carry their
 * ancestors' (model.ts), and a row's id already carries its parent row's.
 */
function ownPart(id: string): string {
  return id.slice(Math.max(id.lastIndexOf('.'), id.lastIndexOf(':')) + 1);
}
