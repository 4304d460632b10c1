import * as posix from 'node:path/posix';
import { visibilityAcross } from '../decorator-visibility';
import { isBuiltinMember } from '../fastify-members';
import { wrapWithFastifyPlugin } from '../fixes/wrap-fastify-plugin';
import type { AppGraph, Context, Decorator, DecoratorTarget, Span, WorkspaceGraph } from '../model';
import { contextPaths, silencedByUncertainty, walkContexts } from './rule-utils';
import type { Fix, Rule, RuleContext, RuleFinding } from './types';

/** One place code reads a decorator, in one of the contexts it runs in. */
interface UseSite {
  target: DecoratorTarget;
  name: string;
  span: Span;
  conditional: boolean;
  context: Context;
  /** Also sees what descendants decorate (a hook runs for the routes of child contexts, with their request, reply and `this`). */
  withDescendants: boolean;
}

interface Declared {
  context: Context;
  decorator: Decorator;
  /** The declaration or its context is conditional. */
  conditional: boolean;
}

const LABEL: Record<DecoratorTarget, string> = { instance: 'instance', request: 'request', reply: 'reply' };

/**
 * Encapsulation (fastify-semantics §1.2): code sees the decorators of its own context and its
 * ancestors (fastify-plugin plugins' land in the context that registered them), never a child's
 * or a sibling's. Reports a read of a name the app decorates for that target only in contexts the
 * reading code does not inherit from. A plugin registered several times is reported for the
 * registrations that do not see it ("in k of n registrations").
 *
 * Silent: for the whole app when unresolved entries could hide a decorator; for a name decorated
 * only under a run-time condition (or in conditional contexts); for guarded or conditional reads;
 * when every context that misses it is itself conditional; for Fastify's own members; for a name
 * the app also assigns on that target somewhere (`request.user = …` sets a property without a
 * decorator, which Fastify allows).
 */
export const decoratorNotInScope: Rule = {
  id: 'decorator-not-in-scope',
  summary: 'a decorator read (`fastify.x`) where `x` is decorated only in a sibling\'s or a child\'s encapsulated context',
  why: 'Decorators are encapsulated: a plugin sees its own and its parents\' decorators only. The read gives undefined (a TypeError when called, at boot or per request).',
  wrong: "app.register(async (f) => { f.decorate('db', connect()) })\napp.register(async (f) => {\n  f.get('/', () => f.db.query())\n})",
  right: "app.register(fp(async (f) => { f.decorate('db', connect()) }))\napp.register(async (f) => {\n  f.get('/', () => f.db.query())\n})",
  defaultSeverity: 'error',
  check(rc) {
    const out: RuleFinding[] = [];
    for (const app of rc.graph.apps) out.push(...checkApp(rc, app));
    return out;
  },
};

function checkApp(rc: RuleContext, app: AppGraph): RuleFinding[] {
  const { graph, note } = rc;
  const paths = contextPaths(app);
  const declared = new Map<string, Declared[]>();
  const sites = new Map<string, UseSite[]>();
  /** Members the app's code assigns somewhere (`request.user = …`): Fastify allows that without a decorator. */
  const written = new Set<string>();
  walkContexts(app, (ctx, cond) => {
    for (const d of ctx.decorators) push(declared, key(d.target, d.name), { context: ctx, decorator: d, conditional: cond || !!d.conditional });
    for (const u of ctx.decoratorUses ?? []) {
      if (u.write) {
        written.add(key(u.target, u.name));
        continue;
      }
      const site: UseSite = { target: u.target, name: u.name, span: u.span, conditional: cond || !!u.conditional, context: ctx, withDescendants: !!u.inHook };
      push(sites, `${u.span.file}:${u.span.start}:${u.target}:${u.name}`, site);
    }
  });

  const candidates: { sites: UseSite[]; hidden: UseSite[]; decls: Declared[] }[] = [];
  for (const group of sites.values()) {
    const { target, name } = group[0];
    if (isBuiltinMember(target, name)) continue;
    const decls = declared.get(key(target, name)) ?? [];
    const certain = decls.filter((d) => !d.conditional);
    if (!certain.length) continue;
    const chains = group.map((s) => (s.withDescendants ? [...(paths.get(s.context.id) ?? []), ...descendants(s.context)] : (paths.get(s.context.id) ?? [])));
    const { hidden } = visibilityAcross(chains, name, target);
    if (!hidden.length) continue;
    const at = `${group[0].span.file}:${group[0].span.line}`;
    if (written.has(key(target, name))) {
      note(`${at}: '${name}' is not visible here, but the app also assigns it on the ${LABEL[target]} somewhere (a property set without a decorator): not reported`);
      continue;
    }
    const hiddenSites = hidden.map((i) => group[i]);
    if (hiddenSites.every((s) => s.conditional)) {
      note(`${at}: '${name}' is not visible here, but the read is guarded or the code runs only under a run-time condition: not reported`);
      continue;
    }
    candidates.push({ sites: group, hidden: hiddenSites.filter((s) => !s.conditional), decls: certain });
  }
  if (!candidates.length) return [];
  if (silencedByUncertainty(graph, app, note, 'a decorator')) return [];
  return candidates.map((c) => finding(rc, paths, c.sites, c.hidden, c.decls));
}

function finding(rc: RuleContext, paths: ReadonlyMap<string, readonly Context[]>, sites: UseSite[], hidden: UseSite[], decls: Declared[]): RuleFinding {
  const { target, name, span } = sites[0];
  const use = hidden[0].context;
  const useChain = paths.get(use.id) ?? [use];
  const useIds = new Set(useChain.map((c) => c.id));
  const decl = decls[0];
  const declChain = paths.get(decl.context.id) ?? [decl.context];
  // The outermost context on the way down to the declaration that the reading code does not inherit from.
  const boundary = declChain.find((c) => !useIds.has(c.id)) ?? decl.context;
  const where = `${rel(rc.graph, decl.decorator.span)}:${decl.decorator.span.line}`;
  // The context of the reading code's chain that the boundary is a sibling of.
  const sibling = useChain.find((c) => c.parentId !== undefined && c.parentId === boundary.parentId);
  const relation =
    boundary.parentId === use.id
      ? 'a child of this context (decorators never flow up to the parent)'
      : sibling === use
        ? 'a sibling'
        : `a sibling of the enclosing plugin \`${sibling?.name ?? '?'}\``;
  const inside = boundary === decl.context ? '' : `, inside plugin \`${boundary.name}\``;
  const advice =
    boundary === decl.context
      ? relation.startsWith('a child') ? 'wrap that plugin with fastify-plugin so its decorators land here' : 'wrap that plugin with fastify-plugin or register it in a parent'
      : `decorate it in a context both share, or wrap \`${boundary.name}\` and the plugins below it with fastify-plugin`;
  const count = sites.length > 1 ? ` in ${hidden.length} of ${sites.length} registrations of this plugin` : '';
  const what = `${LABEL[target]} decorator '${name}'`;
  const message = `${what} is not visible here${count}: it is decorated in the encapsulated context of plugin \`${decl.context.name}\` (${where})${inside}, ${relation}: ${advice}. Reading it gives undefined (a TypeError when called)`;
  const related = decls.slice(0, 5).map((d) => ({ message: `'${name}' decorated here (plugin \`${d.context.name}\`)`, span: d.decorator.span }));
  if (sites.length > 1) for (const s of hidden.slice(0, 5)) related.push({ message: `registration where '${name}' is not visible`, span: s.context.span });
  const wraps = boundary === decl.context && useIds.has(decl.context.parentId ?? '');
  return { message, span, related, ...(wraps ? { fixes: () => wrapFix(rc, decl.context) ?? [] } : {}) };
}

/** Wrapping the decorating plugin with fastify-plugin: offered for a plugin function of the app's own code. */
function wrapFix(rc: RuleContext, ctx: Context): Fix[] | undefined {
  if (ctx.kind !== 'plugin' || !ctx.pluginSpan || ctx.meta) return undefined;
  const text = rc.source(ctx.pluginSpan.file);
  if (text === undefined) return undefined;
  const fix = wrapWithFastifyPlugin(ctx.pluginSpan.file, text, ctx.pluginSpan, `wrap plugin \`${ctx.name}\` with fastify-plugin (its decorators then land in the registering context)`);
  return fix ? [fix] : undefined;
}

function descendants(ctx: Context): Context[] {
  const out: Context[] = [];
  const walk = (c: Context) => {
    for (const child of c.children) {
      out.push(child);
      walk(child);
    }
  };
  walk(ctx);
  return out;
}

function rel(graph: WorkspaceGraph, span: Span): string {
  return posix.relative(graph.root, span.file) || span.file;
}

function key(target: DecoratorTarget, name: string): string {
  return `${target}:${name}`;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}
