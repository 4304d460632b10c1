import type { AppGraph, Context, ContextKind, FastifyMajor, Route, ServerOptions, Span } from '../model';
import type { PluginRuns } from './replay/plugin-runs';
import type { VersionLike } from './version-rules';
import type { Value } from './values';

/** The app being built: its contexts, routes and the guards that keep interpretation finite. */
export class AppBuilder {
  readonly routes: Route[] = [];
  readonly root: ContextBuilder;
  private nextContextId = 0;
  private nextOrder = 0;
  private nextRouteId = 0;
  private readonly registered = new Set<string>();
  /** The recorder of plugin runs of the link building this app (replay/plugin-runs.ts), told what runs read and register. */
  runs: PluginRuns | undefined;

  constructor(
    readonly kind: AppGraph['kind'],
    readonly entry: Span,
    readonly project: string,
    readonly fastifyMajor: FastifyMajor,
    readonly serverOptions: ServerOptions,
    rootName: string,
    readonly versions: AppGraph['versions'] = {},
    /** What Fastify's version rules are evaluated at (version-rules.ts fastifyRulesAt). */
    readonly fastifyAt: VersionLike = fastifyMajor,
  ) {
    this.root = new ContextBuilder(this, undefined, this.newContext('root', rootName, '', true, entry));
  }

  newContext(kind: ContextKind, name: string, prefix: string, prefixKnown: boolean, span: Span, parentId?: number): Context {
    return {
      id: this.nextContextId++,
      parentId,
      kind,
      name,
      prefix,
      prefixKnown,
      span,
      children: [],
      plugins: [],
      routes: [],
      hooks: [],
      decorators: [],
      schemas: [],
      errorHandlers: [],
      notFoundHandlers: [],
      contentTypeParsers: [],
    };
  }

  order(): number {
    return this.nextOrder++;
  }

  routeId(): number {
    return this.nextRouteId++;
  }

  markRegistered(method: string, url: string): void {
    this.markRegisteredKey(`${method} ${url}`);
  }

  /** `markRegistered` by its key (`METHOD url`), as a replayed run puts it back. */
  markRegisteredKey(key: string): void {
    const isNew = !this.registered.has(key);
    if (isNew) this.registered.add(key);
    this.runs?.registeredRoute(this, key, isNew);
  }

  /** Whether a route was registered; `observed: false` for the replay's own checks. */
  hasRoute(method: string, url: string, observed = true): boolean {
    const answer = this.registered.has(`${method} ${url}`);
    if (observed) this.runs?.routeRead(this, method, url, answer);
    return answer;
  }

  /** The next context id, declaration order and route id. */
  counters(): { context: number; order: number; route: number } {
    return { context: this.nextContextId, order: this.nextOrder, route: this.nextRouteId };
  }

  /** Moves the counters past what a replayed run numbered. */
  advance(by: { context: number; order: number; route: number }): void {
    this.nextContextId += by.context;
    this.nextOrder += by.order;
    this.nextRouteId += by.route;
  }

  toGraph(id: string): AppGraph {
    return {
      id,
      kind: this.kind,
      entry: this.entry,
      project: this.project,
      fastifyMajor: this.fastifyMajor,
      versions: this.versions,
      serverOptions: this.serverOptions,
      root: this.root.ctx,
      routes: this.routes,
    };
  }
}

/** One encapsulation context under construction. */
export class ContextBuilder {
  /** Values of decorators the analysis knows (@fastify/env's config), visible to child contexts. */
  readonly decoratorValues = new Map<string, Value>();

  constructor(
    readonly app: AppBuilder,
    readonly parent: ContextBuilder | undefined,
    readonly ctx: Context,
  ) {}

  child(kind: ContextKind, name: string, prefix: string, prefixKnown: boolean, span: Span): ContextBuilder {
    const ctx = this.app.newContext(kind, name, prefix, prefixKnown, span, this.ctx.id);
    this.ctx.children.push(ctx);
    return new ContextBuilder(this.app, this, ctx);
  }

  /** The known value of an instance decorator, here or in a parent context; `observed: false` for the replay's own checks. */
  decoratorValue(name: string, observed = true): Value | undefined {
    for (let c: ContextBuilder | undefined = this; c; c = c.parent) {
      const v = c.decoratorValues.get(name);
      if (v) {
        if (observed) this.app.runs?.decoratorRead(name, v, c);
        return v;
      }
    }
    if (observed) this.app.runs?.decoratorRead(name, undefined, undefined);
    return undefined;
  }
}
