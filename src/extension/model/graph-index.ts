/**
 * Look-ups over one workspace folder's graph, built once per new graph so that tree, CodeLens,
 * hover and search callbacks never walk the whole graph. Pure: no `vscode` import.
 */
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
  private readonly contexts = new Map<string, Map<number, Context>>();
  private readonly decoratorsByName = new Map<string, DecoratorEntry[]>();
  private readonly contextsByFile = new Map<string, { app: AppGraph; context: Context }[]>();
  readonly testCalls: TestCallEntry[] = [];
  private readonly testCallsByFile = new Map<string, TestCallEntry[]>();
  private readonly testCallsByRoute = new Map<string, TestCallEntry[]>();
  readonly contextCount: number;
  /** Projects (package.json folders) that have at least one test call. */
  readonly projectsWithTests = new Set<string>();

  constructor(readonly graph: WorkspaceGraph) {
    let contextCount = 0;
    for (const app of graph.apps) {
      const byId = new Map<number, Context>();
      this.contexts.set(app.id, byId);
      const walk = (ctx: Context) => {
        byId.set(ctx.id, ctx);
        contextCount++;
        const file = ctx.pluginSpan?.file ?? (ctx.kind === 'root' ? app.entry.file : undefined);
        if (file) push(this.contextsByFile, file, { app, context: ctx });
        for (const d of ctx.decorators) push(this.decoratorsByName, d.name, { app, context: ctx, decorator: d });
        for (const r of ctx.routes) {
          if (r.implicitHead) continue;
          const entry: RouteEntry = { app, route: r, context: ctx, key: routeKey(app, r) };
          this.routes.push(entry);
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
   * The contexts whose plugin body holds this offset (the innermost plugin function around it;
   * several when the same plugin is registered more than once), else the roots of apps whose
   * entry is this file.
   */
  contextsAt(file: string, offset: number): { app: AppGraph; context: Context }[] {
    const candidates = this.contextsByFile.get(file) ?? [];
    let best: { app: AppGraph; context: Context }[] = [];
    let bestSize = Infinity;
    for (const c of candidates) {
      const s = c.context.pluginSpan ?? (c.context.kind === 'root' ? undefined : c.context.span);
      if (!s) continue;
      if (offset < s.start || offset > s.end) continue;
      const size = s.end - s.start;
      if (size < bestSize) {
        best = [c];
        bestSize = size;
      } else if (size === bestSize) best.push(c);
    }
    if (best.length) return best;
    return candidates.filter((c) => c.context.kind === 'root');
  }

  /** Every decoration of `name`, optionally for one target (instance, request, reply). */
  decorators(name: string, target?: DecoratorTarget): DecoratorEntry[] {
    const all = this.decoratorsByName.get(name) ?? [];
    return target ? all.filter((d) => d.decorator.target === target) : all;
  }

  /** Decorations of `name` visible from a context: its own and its ancestors'. */
  visibleDecorators(app: AppGraph, ctx: Context, name: string, target?: DecoratorTarget): DecoratorEntry[] {
    const chain = new Set(this.chain(app, ctx).map((c) => c.id));
    return this.decorators(name, target).filter((d) => d.app.id === app.id && chain.has(d.context.id));
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
