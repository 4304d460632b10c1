/** Titles of CodeLens and hover texts, from the graph. Pure. */
import { visibilityAcross } from '../../core/decorator-visibility';
import type { DecoratorTarget } from '../../core/model';
import type { DecoratorEntry, GraphIndex, RouteEntry, TestCallEntry } from './graph-index';
import { schemaPartNames } from './routes-tree';
import { methodsLabel, where } from './tree-node';

export function routeLensTitle(index: GraphIndex, e: RouteEntry): string {
  const hooks = index.hookChain(e).length;
  const parts = schemaPartNames(e.route);
  return [
    `${methodsLabel(e.route.methods)} ${e.route.url}`,
    `${hooks} hook${hooks === 1 ? '' : 's'} before handler`,
    parts.length ? `schema: ${parts.join(', ')}` : 'no schema',
  ].join(' · ');
}

export function routeTestsLensTitle(tests: TestCallEntry[]): string {
  return tests.length ? `${tests.length} test call${tests.length === 1 ? '' : 's'}` : 'no tests';
}

export function testCallLensTitle(root: string, call: TestCallEntry): string {
  if (!call.routes.length) return `no route matches ${call.method} ${call.url}`;
  const r = call.routes[0];
  const more = call.routes.length > 1 ? ` (+${call.routes.length - 1} more)` : '';
  return `→ ${methodsLabel(r.route.methods)} ${r.route.url} · ${where(root, r.route.span)}${more}`;
}

const DECORATE_FN: Record<DecoratorTarget, string> = { instance: 'decorate', request: 'decorateRequest', reply: 'decorateReply' };

/**
 * Markdown for a decorator use: where it is decorated, its kind, and whether it is visible from
 * the contexts the code runs in.
 */
export function decoratorHover(index: GraphIndex, file: string, offset: number, name: string, target: DecoratorTarget | undefined): string | undefined {
  const all = index.decorators(name, target);
  if (!all.length) return undefined;
  const root = index.graph.root;
  const here = index.contextsAt(file, offset);
  const lines = [`**${name}** — Fastify decorator`, ''];
  for (const d of all) lines.push(`- \`${DECORATE_FN[d.decorator.target]}('${name}')\` (${d.decorator.valueKind}) in ${contextLabel(d)} — ${where(root, d.decorator.span)}`);
  if (here.length) {
    const { visible } = visibilityAcross(here.map((h) => index.chain(h.app, h.context)), name, target);
    lines.push('');
    if (visible.length === here.length) lines.push(`Visible here (in ${here.length === 1 ? 'this context' : `all ${here.length} registrations of this plugin`}).`);
    else if (!visible.length) lines.push(`**Not visible here**: decorated only in contexts this code does not inherit from (encapsulation). Wrap the declaring plugin with \`fastify-plugin\` or decorate in a parent context.`);
    else lines.push(`Visible in ${visible.length} of the ${here.length} registrations of this plugin.`);
  }
  return lines.join('\n');
}

function contextLabel(d: DecoratorEntry): string {
  return d.context.kind === 'root' ? 'the root context' : `plugin '${d.context.name}'`;
}

/** Markdown for a route's URL: the full URL(s) and the chain of contexts that made its prefix. */
export function routeUrlHover(index: GraphIndex, e: RouteEntry): string {
  const root = index.graph.root;
  const chain = index.chain(e.app, e.context);
  const lines = [`**${methodsLabel(e.route.methods)} ${e.route.url}**`, ''];
  if (e.route.alsoServes.length) lines.push(`Also serves ${e.route.alsoServes.map((u) => `\`${u}\``).join(', ')}`, '');
  lines.push('Contexts, from the root:', '');
  for (const c of chain) lines.push(`1. ${c.kind === 'root' ? 'root' : `\`${c.name}\``}${c.prefix ? ` — prefix \`${c.prefix}\`` : ''} (${where(root, c.span)})`);
  lines.push('', `App: ${where(root, e.app.entry)} · Fastify ${e.app.fastifyMajor}`);
  return lines.join('\n');
}
