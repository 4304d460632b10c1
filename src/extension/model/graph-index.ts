/**
 * Look-ups over one workspace folder's graph, built once per new graph so that tree, CodeLens,
 * hover and search callbacks never walk the whole graph. Pure: no `vscode` import.
 */
import { visibleDecorators } from '../../core/decorator-visibility';
import type { AppGraph, Context, Decorator, DecoratorTarget, Hook, Route, Span, WorkspaceGraph } from '../../core/model';

export interface RouteEntry {
  app: AppGraph;
  route: Route;
  context: Context;
  /** `<app id>#<route id>`: stable while the graph is. */
  key: string;
}

export interface DecoratorEntry {
  app: AppGraph;
  context: Context;
  decorator: Decorator;
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
  private readonly contexts = new Map<string, Map<string, Context>>();
  private readonly decoratorsByName = new Map<string, DecoratorEntry[]>();
  /** Plugin bodies per file, with the context their code runs in (fastify-plugin bodies: the parent's). */
  private readonly bodiesByFile = new Map<string, { app: AppGraph; context: Context; body?: Span }[]>();
  readonly testCalls: TestCallEntry[] = [];
  private readonly testCallsByFile = new Map<string, TestCallEntry[]>();
  private readonly testCallsByRoute = new Map<string, TestCallEntry[]>();
  readonly contextCount: number;
  /** Projects (package.json folders) that have at least one test call. */
  readonly projectsWithTests = new Set<string>();

  constructor(readonly graph: WorkspaceGraph) {
    let contextCount = 0;
    for (const app of graph.apps) {
      const byId = new Map<string, Context>();
      this.contexts.set(app.id, byId);
      const walk = (ctx: Context) => {
        byId.set(ctx.id, ctx);
        contextCount++;
        const body = ctx.kind === 'root' ? undefined : (ctx.pluginSpan ?? ctx.span);
        if (body) push(this.bodiesByFile, body.file, { app, context: ctx, body });
        else if (ctx.kind === 'root') push(this.bodiesByFile, app.entry.file, { app, context: ctx });
        for (const p of ctx.plugins) if (p.pluginSpan) push(this.bodiesByFile, p.pluginSpan.file, { app, context: ctx, body: p.pluginSpan });
        for (const d of ctx.decorators) push(this.decoratorsByName, d.name, { app, context: ctx, decorator: d });
        const own: RouteEntry[] = [];
        for (const r of ctx.routes) {
          if (r.implicitHead) {
            // A test's HEAD request hits the HEAD route Fastify adds for a GET: key it to that GET.
            const get = own.find((e) => e.route.span.file === r.span.file && e.route.span.start === r.span.start && (e.route.url === r.url || e.route.alsoServes.includes(r.url)));
            if (get) this.routesByKey.set(routeKey(app, r), get);
            continue;
          }
          const entry: RouteEntry = { app, route: r, context: ctx, key: routeKey(app, r) };
          this.routes.push(entry);
          own.push(entry);
          this.routesByKey.set(entry.key, entry);
          push(this.routesByFile, r.span.file, entry);
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

  context(app: AppGraph, id: string): Context | undefined {
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
