import type { AppGraph, Context, ContextKind, FastifyMajor, Route, ServerOptions, Span } from '../model';
import type { PluginRuns } from './replay/plugin-runs';
import type { VersionLike } from './version-rules';
import type { Value } from './values';

/** The app being built: its contexts, routes and the guards that keep interpretation finite. */
export class AppBuilder {
  readonly routes: Route[] = [];
  readonly root: ContextBuilder;
  /**
   * Route keys (`METHOD url`) registered so far, each with its place in `registeredLog` when it was
   * first registered: a run tells the keys it registered itself from those registered before it
   * by that place (replay/plugin-runs.ts), with no set of its own.
   */
  private readonly registered = new Map<string, number>();
  /** Every registration in order (a key registered twice is in it twice): a run's registrations are a slice of it. */
  readonly registeredLog: string[] = [];
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
    this.root = new ContextBuilder(this, undefined, newContext('0', undefined, 0, 'root', rootName, '', true, entry));
  }

  markRegistered(method: string, url: string): void {
    this.runs?.registeredRoute(this);
    this.register(`${method} ${url}`);
  }

  /** The keys (`METHOD url`) a replayed run registered, put back in order. */
  markRegisteredKeys(keys: readonly string[]): void {
    this.runs?.registeredRoute(this);
    for (const k of keys) this.register(k);
  }

  private register(key: string): void {
    if (!this.registered.has(key)) this.registered.set(key, this.registeredLog.length);
    this.registeredLog.push(key);
  }

  /** Whether `key` was first registered at place `from` of `registeredLog` or later. */
  registeredSince(key: string, from: number): boolean {
    const at = this.registered.get(key);
    return at !== undefined && at >= from;
  }

  /** Whether a route was registered (an observed read: the recorder is told). */
  hasRoute(method: string, url: string): boolean {
    const key = `${method} ${url}`;
    const answer = this.registered.has(key);
    this.runs?.routeRead(this, key, answer);
    return answer;
  }

  /** `hasRoute` by its key, for the replay's own checks (not observed). */
  hasRouteKey(key: string): boolean {
    return this.registered.has(key);
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

function newContext(id: string, parentId: string | undefined, order: number, kind: ContextKind, name: string, prefix: string, prefixKnown: boolean, span: Span): Context {
  return {
    id,
    parentId,
    order,
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

/**
 * A context's numbering so far: its next declaration order, its next route number, and the id
 * segments its children took (with how often each was taken). A replayed plugin run checks its
 * context's numbering before and sets it after (replay/plugin-runs.ts).
 */
export interface Numbering {
  order: number;
  route: number;
  children: ReadonlyMap<string, number>;
}

/** A numbering as text, to compare (a new context's is '0|0|'). */
function numberingKey(order: number, route: number, children: ReadonlyMap<string, number>): string {
  let s = `${order}|${route}|`;
  for (const [k, v] of children) s += `${k}=${v},`;
  return s;
}

const NO_CHILDREN: ReadonlyMap<string, number> = new Map();
/** A new context's numbering key (every plugin run's own context when it begins). */
const FRESH_NUMBERING = numberingKey(0, 0, NO_CHILDREN);

/** One encapsulation context under construction. */
export class ContextBuilder {
  /** Values of decorators the analysis knows (@fastify/env's config), visible to child contexts. */
  private values: Map<string, Value> | undefined;
  /**
   * Numbers local to this context (model.ts `Context.id`, `Route.id`, `order`): what is declared
   * elsewhere does not move them, so a replayed plugin run puts its objects back as they were.
   */
  private nextOrder = 0;
  private nextRoute = 0;
  /** Made on the first child: most contexts (a route file's) have none. */
  private childSegments: Map<string, number> | undefined;

  constructor(
    readonly app: AppBuilder,
    readonly parent: ContextBuilder | undefined,
    readonly ctx: Context,
  ) {}

  /** The next position among this context's declarations. */
  order(): number {
    return this.nextOrder++;
  }

  /** The id of the next route declared in this context. */
  routeId(): string {
    return `${this.ctx.id}:${this.nextRoute++}`;
  }

  child(kind: ContextKind, name: string, prefix: string, prefixKnown: boolean, span: Span): ContextBuilder {
    // The id names the child by what it is, not by how many came before it (a repeat gets `~n`).
    let segment = shortHash(`${kind}\u0000${name}\u0000${prefix}`);
    const segments = (this.childSegments ??= new Map());
    const seen = segments.get(segment) ?? 0;
    segments.set(segment, seen + 1);
    if (seen > 0) segment += `~${seen}`;
    const ctx = newContext(`${this.ctx.id}.${segment}`, this.ctx.id, this.order(), kind, name, prefix, prefixKnown, span);
    this.ctx.children.push(ctx);
    return new ContextBuilder(this.app, this, ctx);
  }

  numbering(): Numbering {
    return { order: this.nextOrder, route: this.nextRoute, children: this.childSegments?.size ? new Map(this.childSegments) : NO_CHILDREN };
  }

  /** `numbering()` as text, to compare. */
  numberingKey(): string {
    if (this.nextOrder === 0 && this.nextRoute === 0 && !this.childSegments?.size) return FRESH_NUMBERING;
    return numberingKey(this.nextOrder, this.nextRoute, this.childSegments ?? NO_CHILDREN);
  }

  /** Sets the numbering a replayed run left (replay/plugin-runs.ts). */
  setNumbering(n: Numbering): void {
    this.nextOrder = n.order;
    this.nextRoute = n.route;
    this.childSegments = n.children.size ? new Map(n.children) : undefined;
  }

  /** Sets the value of an instance decorator the analysis knows (@fastify/env's config), visible to child contexts. */
  setDecoratorValue(name: string, value: Value): void {
    (this.values ??= new Map()).set(name, value);
  }

  /** The known value of an instance decorator, here or in a parent context; `observed: false` for the replay's own checks. */
  decoratorValue(name: string, observed = true): Value | undefined {
    for (let c: ContextBuilder | undefined = this; c; c = c.parent) {
      const v = c.values?.get(name);
      if (v) {
        if (observed) this.app.runs?.decoratorRead(name, v, c);
        return v;
      }
    }
    if (observed) this.app.runs?.decoratorRead(name, undefined, undefined);
    return undefined;
  }
}

/**
 * Whether `id` (a context's, or a route's `context:n`) is the context `ancestor`'s or one under
 * it: ids carry their parent's (`ContextBuilder.child`, `routeId`).
 */
export function idUnder(id: string, ancestor: string): boolean {
  if (!id.startsWith(ancestor)) return false;
  const next = id.charCodeAt(ancestor.length);
  // NaN: the context itself; '.' (46): a context under it; ':' (58): a route of one of them.
  return Number.isNaN(next) || next === 46 || next === 58;
}

/** FNV-1a of a text, in base 36: a short id segment (collisions only cost a `~n`, as repeats do). */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
