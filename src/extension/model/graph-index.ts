/**
 * Look-ups over one workspace folder's graph, built once per new graph so that tree, CodeLens,
 * hover and search callbacks never walk the whole graph. Pure: no `vscode` import.
 */
import { visibleDecorators } from '../../core/decorator-visibility';
import type { AppGraph, Context, Decorator, DecoratorTarget, Hook, Route, Span, WorkspaceGraph } from '../../core/model';

export interface RouteEntry {
  readonly app: AppGraph;
  readonly route: Route;
  readonly context: Context;
  /** `<app id>#<route id>`: stable while the graph is. */
  readonly key: string;
}

export interface DecoratorEntry {
  readonly app: AppGraph;
  readonly context: Context;
  readonly decorator: Decorator;
}

/** A plugin body (or an app's entry file, for its root context) and the context its code runs in. */
interface BodyEntry {
  readonly app: AppGraph;
  readonly context: Context;
  readonly body?: Span;
}

/**
 * An app's object in the newest graph indexed. Entries are kept from one index to the next for
 * the contexts that did not change (the extension host's objects of those are the same across
 * graphs), and reach the app, a new object in every graph, through it.
 */
interface AppSlot {
  app: AppGraph;
}

class IndexedRoute implements RouteEntry {
  readonly #slot: AppSlot;
  constructor(slot: AppSlot, readonly route: Route, readonly context: Context, readonly key: string) {
    this.#slot = slot;
  }
  get app(): AppGraph {
    return this.#slot.app;
  }
}

class IndexedDecorator implements DecoratorEntry {
  readonly #slot: AppSlot;
  constructor(slot: AppSlot, readonly context: Context, readonly decorator: Decorator) {
    this.#slot = slot;
  }
  get app(): AppGraph {
    return this.#slot.app;
  }
}

class IndexedBody implements BodyEntry {
  readonly #slot: AppSlot;
  constructor(slot: AppSlot, readonly context: Context, readonly body?: Span) {
    this.#slot = slot;
  }
  get app(): AppGraph {
    return this.#slot.app;
  }
}

/** What one context adds to the index, kept while the context object is the same. */
interface Part {
  slot: AppSlot;
  bodies: [file: string, entry: BodyEntry][];
  decorators: DecoratorEntry[];
  /** Its routes but the implicit HEAD ones, in order, and grouped by file. */
  routes: RouteEntry[];
  byFile: [file: string, entries: RouteEntry[]][];
  /** The keys of its implicit HEAD routes, each with its GET route's entry. */
  heads: [key: string, entry: RouteEntry][];
}

/** What an index hands the index made from it (`before`): the app slots and the contexts' parts. */
interface Kept {
  apps: Map<string, AppSlot>;
  parts: WeakMap<Context, Part>;
}

export interface TestCallEntry {
  method: string;
  url: string;
  span: Span;
  routes: RouteEntry[];
}

/** Request hooks that run before the handler, in lifecycle order. */
export const HOOKS_BEFORE_HANDLER = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

export interface HookStep {
  name: string;
  span: Span;
  /** Context the hook was added in; undefined for a route-level hook. */
  context?: Context;
  /** Route-level hook (`onRequest: […]` in the route options). */
  routeLevel: boolean;
}

export class GraphIndex {
  readonly routes: RouteEntry[] = [];
  private readonly routesByFile = new Map<string, RouteEntry[]>();
  private readonly routesByKey = new Map<string, RouteEntry>();
  private readonly contexts = new Map<string, Map<number, Context>>();
  private readonly decoratorsByName = new Map<string, DecoratorEntry[]>();
  /** Plugin bodies per file, with the context their code runs in (fastify-plugin bodies: the parent's). */
  private readonly bodiesByFile = new Map<string, BodyEntry[]>();
  readonly testCalls: TestCallEntry[] = [];
  private readonly testCallsByFile = new Map<string, TestCallEntry[]>();
  private readonly testCallsByRoute = new Map<string, TestCallEntry[]>();
  readonly contextCount: number;
  /** Projects (package.json folders) that have at least one test call. */
  readonly projectsWithTests = new Set<string>();
  private readonly kept: Kept;

  /**
   * `before`: the index of the graph before (the same folder's), whose entries are kept for the
   * contexts that are the same objects in this graph. Its entries then answer for this graph
   * (their `app` is this graph's): use the newest index only.
   */
  constructor(
    readonly graph: WorkspaceGraph,
    before?: GraphIndex,
  ) {
    const kept = (this.kept = before?.kept ?? { apps: new Map(), parts: new WeakMap() });
    let contextCount = 0;
    for (const app of graph.apps) {
      let slot = kept.apps.get(app.id);
      if (slot) slot.app = app;
      else kept.apps.set(app.id, (slot = { app }));
      const byId = new Map<number, Context>();
      this.contexts.set(app.id, byId);
      const walk = (ctx: Context) => {
        byId.set(ctx.id, ctx);
        contextCount++;
        let part = kept.parts.get(ctx);
        if (!part || part.slot !== slot) kept.parts.set(ctx, (part = partOf(slot, ctx)));
        for (const [file, b] of part.bodies) push(this.bodiesByFile, file, b);
        for (const d of part.decorators) push(this.decoratorsByName, d.decorator.name, d);
        for (const [key, e] of part.heads) this.routesByKey.set(key, e);
        for (const e of part.routes) {
          this.routes.push(e);
          this.routesByKey.set(e.key, e);
        }
        for (const [file, list] of part.byFile) {
          const all = this.routesByFile.get(file);
          if (all) all.push(...list);
          else this.routesByFile.set(file, [...list]);
        }
        for (const c of ctx.children) walk(c);
      };
      walk(app.root);
    }
    this.contextCount = contextCount;
    for (const call of graph.testCalls ?? []) {
      const routes = call.routes.map((r) => this.routesByKey.get(`${r.app}#${r.routeId}`)).filter((r): r is RouteEntry => !!r);
      const entry: TestCallEntry = { method: call.method, url: call.url, span: call.span, routes };
      this.testCalls.push(entry);
      push(this.testCallsByFile, call.span.file, entry);
      for (const r of routes) {
        push(this.testCallsByRoute, r.key, entry);
        this.projectsWithTests.add(r.app.project);
      }
    }
  }

  route(key: string): RouteEntry | undefined {
    return this.routesByKey.get(key);
  }

  routesIn(file: string): RouteEntry[] {
    return this.routesByFile.get(file) ?? [];
  }

  testCallsIn(file: string): TestCallEntry[] {
    return this.testCallsByFile.get(file) ?? [];
  }

  testsOf(entry: RouteEntry): TestCallEntry[] {
    return this.testCallsByRoute.get(entry.key) ?? [];
  }

  /** True when the route's project has tests that hit some route, so "no tests" means something. */
  hasTestsInProject(entry: RouteEntry): boolean {
    return this.projectsWithTests.has(entry.app.project);
  }

  context(app: AppGraph, id: number): Context | undefined {
    return this.contexts.get(app.id)?.get(id);
  }

  /** Contexts from the app's root down to `ctx`. */
  chain(app: AppGraph, ctx: Context): Context[] {
    const out: Context[] = [];
    for (let c: Context | undefined = ctx; c; c = c.parentId === undefined ? undefined : this.context(app, c.parentId)) out.unshift(c);
    return out;
  }

  /**
   * The request hooks that run before the route's handler, in order: per lifecycle step, the
   * hooks of the contexts from the root down (each context's in declaration order), then the
   * route's own.
   */
  hookChain(entry: RouteEntry): HookStep[] {
    const chain = this.chain(entry.app, entry.context);
    const steps: HookStep[] = [];
    for (const name of HOOKS_BEFORE_HANDLER) {
      for (const ctx of chain) {
        const hooks = ctx.hooks.filter((h: Hook) => h.name === name).sort((a, b) => a.order - b.order);
        for (const h of hooks) steps.push({ name, span: h.span, context: ctx, routeLevel: false });
      }
      for (const h of entry.route.hooks) if (h.name === name) steps.push({ name, span: h.span, routeLevel: true });
    }
    return steps;
  }

  /**
   * The contexts the code at this offset runs in: those of the innermost plugin function around
   * it (several when the plugin is registered more than once; a fastify-plugin body runs in the
   * context that registered it), else the roots of apps whose entry is this file.
   */
  contextsAt(file: string, offset: number): { app: AppGraph; context: Context }[] {
    const candidates = this.bodiesByFile.get(file) ?? [];
    let best: { app: AppGraph; context: Context }[] = [];
    let bestSize = Infinity;
    for (const c of candidates) {
      const s = c.body;
      if (!s || offset < s.start || offset > s.end) continue;
      const size = s.end - s.start;
      if (size < bestSize) {
        best = [{ app: c.app, context: c.context }];
        bestSize = size;
      } else if (size === bestSize && !best.some((b) => b.app === c.app && b.context === c.context)) best.push({ app: c.app, context: c.context });
    }
    if (best.length) return best;
    return candidates.filter((c) => !c.body).map((c) => ({ app: c.app, context: c.context }));
  }

  /** The decorations declared in `file` (a plugin registered twice gives its calls twice). */
  decoratorsIn(file: string): DecoratorEntry[] {
    return [...this.decoratorsByName.values()].flat().filter((d) => d.decorator.span.file === file);
  }

  /** Every decoration of `name`, optionally for one target (instance, request, reply). */
  decorators(name: string, target?: DecoratorTarget): DecoratorEntry[] {
    const all = this.decoratorsByName.get(name) ?? [];
    return target ? all.filter((d) => d.decorator.target === target) : all;
  }

  /** Decorations of `name` visible from a context: its own and its ancestors'. */
  visibleDecorators(app: AppGraph, ctx: Context, name: string, target?: DecoratorTarget): DecoratorEntry[] {
    return visibleDecorators(this.chain(app, ctx), name, target).map((v) => ({ app, ...v }));
  }
}

export function routeKey(app: AppGraph, route: Route): string {
  return `${app.id}#${route.id}`;
}

/** What a context adds to the index: its bodies, decorators and routes as entries. */
function partOf(slot: AppSlot, ctx: Context): Part {
  const app = slot.app;
  const part: Part = { slot, bodies: [], decorators: [], routes: [], byFile: [], heads: [] };
  const body = ctx.kind === 'root' ? undefined : (ctx.pluginSpan ?? ctx.span);
  if (body) part.bodies.push([body.file, new IndexedBody(slot, ctx, body)]);
  else if (ctx.kind === 'root') part.bodies.push([app.entry.file, new IndexedBody(slot, ctx)]);
  for (const p of ctx.plugins) if (p.pluginSpan) part.bodies.push([p.pluginSpan.file, new IndexedBody(slot, ctx, p.pluginSpan)]);
  for (const d of ctx.decorators) part.decorators.push(new IndexedDecorator(slot, ctx, d));
  const byFile = new Map<string, RouteEntry[]>();
  for (const r of ctx.routes) {
    if (r.implicitHead) {
      // A test's HEAD request hits the HEAD route Fastify adds for a GET: key it to that GET.
      const get = part.routes.find((e) => e.route.span.file === r.span.file && e.route.span.start === r.span.start && (e.route.url === r.url || e.route.alsoServes.includes(r.url)));
      if (get) part.heads.push([routeKey(app, r), get]);
      continue;
    }
    const entry = new IndexedRoute(slot, r, ctx, routeKey(app, r));
    part.routes.push(entry);
    push(byFile, r.span.file, entry);
  }
  part.byFile = [...byFile];
  return part;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
