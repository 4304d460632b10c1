import type { AppGraph, BodyFacts, Context, Route, Span, Unresolved, WorkspaceGraph } from '../model';
import type { MemoScope, RouteMemo } from './route-memo';
import type { Fix } from './types';

/** Every context of an app's tree with its ancestors' `conditional` folded in (a conditional register makes everything inside conditional). */
export function walkContexts(app: AppGraph, visit: (ctx: Context, conditional: boolean) => void): void {
  const walk = (ctx: Context, cond: boolean) => {
    const c = cond || !!ctx.conditional;
    visit(ctx, c);
    for (const child of ctx.children) walk(child, c);
  };
  walk(app.root, false);
}

/**
 * What a rule that compiles request schemas reads of a context, as the context part of its memo key
 * (route-memo.ts): a custom validator there, and the `$id`s of the shared schemas it adds.
 */
export function validatorAndSchemaIdsKey(c: Context): string {
  return `${c.customValidation ? 'v' : ''}${c.schemas.length ? JSON.stringify(c.schemas.map((s) => s.id)) : ''}`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate (case-insensitive distance), when it is close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Where a declaration made in the last context of `chain` (its `order` there) falls among the
 * declarations of `chain[i]`: orders are local to a context (model.ts), so below `chain[i]` it
 * falls where the child on the way down was loaded (`Context.order`). An item of `chain[i]` came
 * before it when the item's order is lower.
 */
export function orderIn(chain: readonly Context[], i: number, order: number): number {
  return i === chain.length - 1 ? order : chain[i + 1].order;
}

/**
 * The chain from the root to each context of an app, by context id (the context itself last).
 * Made once per app object and shared by the rules that ask.
 */
export function contextPaths(app: AppGraph): ReadonlyMap<string, readonly Context[]> {
  let hit = CONTEXT_PATHS.get(app);
  if (!hit) CONTEXT_PATHS.set(app, (hit = listContextPaths(app)));
  return hit;
}

const CONTEXT_PATHS = new WeakMap<AppGraph, ReadonlyMap<string, readonly Context[]>>();

function listContextPaths(app: AppGraph): Map<string, Context[]> {
  const out = new Map<string, Context[]>();
  const walk = (ctx: Context, path: Context[]) => {
    const p = [...path, ctx];
    out.set(ctx.id, p);
    for (const child of ctx.children) walk(child, p);
  };
  walk(app.root, []);
  return out;
}

/** Unresolved entries that only concern URLs, prefixes or hook names: they cannot hide a plugin, a decorator or a shared schema. */
const HARMLESS_UNRESOLVED = /^(route URL|prefix of|route\(\): method|addHook\(\): hook name|@Hook\(\): hook name|[^ ]+: prefix is not known|[^ ]+: route URL)/;

/**
 * The unresolved entries of the app's project that could hide what a rule looks for (a plugin
 * from an unanalysed package, a register not followed, a decorator or `$id` not known
 * statically…); entries about URLs, prefixes and hook names are left out.
 */
export function uncertainties(graph: WorkspaceGraph, app: AppGraph): Unresolved[] {
  // Paths in the graph are posix, like the project folder.
  const base = app.project.endsWith('/') ? app.project : app.project + '/';
  const inProject = (f: string | undefined) => f !== undefined && (f === app.project || f.startsWith(base));
  return graph.unresolved.filter((u) => !HARMLESS_UNRESOLVED.test(u.reason) && (inProject(u.span?.file ?? u.file) || (!u.span && !u.file)));
}

/**
 * True (and the rule's note says why) when the app has unresolved entries that could hide what
 * the rule looks for; `what` names it ("the plugin it depends on", "the $id").
 */
export function silencedByUncertainty(graph: WorkspaceGraph, app: AppGraph, note: (message: string) => void, what: string): boolean {
  const found = uncertainties(graph, app);
  if (!found.length) return false;
  const first = found[0];
  const where = first.span ? `${first.span.file}:${first.span.line}` : first.file ?? '';
  note(`app ${app.id} not checked: ${found.length} unresolved entr${found.length === 1 ? 'y' : 'ies'} could hide ${what} (first${where ? ` at ${where}` : ''}: ${first.reason})`);
  return true;
}

/** What a rule took of one function of the app's request code (`eachRequestCode`), with the function. */
export interface Picked<T> {
  value: T;
  body: BodyFacts;
  role: string;
}

/**
 * The functions of the app's own code that run for requests, for a rule that takes little of most
 * of them: route handlers (package routes and the HEAD twins of GETs left out), with `withHooks`
 * each route's own hooks after its handler and then the lifecycle hooks of the app's contexts.
 * `pick(body, role)` gives what the rule takes of one function (undefined: nothing; it may read
 * the function's facts only; `role` is 'handler' or the hook's name), and `visit` is called for
 * each value, in that order. A function shared by several routes comes once per route: report
 * through `once`. What a route's functions give is kept per route origin in the rule's `memo`
 * (`RouteMemo.each`), so the routes an edit left alone are not read again; the lifecycle hooks
 * are picked on every run.
 */
export function eachRequestCode<T>(scope: MemoScope, app: AppGraph, memo: RouteMemo<readonly Picked<T>[]>, withHooks: boolean, pick: (body: BodyFacts, role: string) => T | undefined, visit: (value: T, body: BodyFacts, role: string) => void): void {
  const ofRoute = (route: Route) => {
    if (route.implicitHead || route.package) return undefined;
    let out: Picked<T>[] | undefined;
    const take = (body: BodyFacts, role: string) => {
      const value = pick(body, role);
      if (value !== undefined) (out ??= []).push({ value, body, role });
    };
    if (route.body) take(route.body, 'handler');
    if (withHooks) for (const h of route.hooks) if (h.body) take(h.body, h.name);
    return out;
  };
  memo.each(scope, app, undefined, ofRoute, (picked) => {
    for (const p of picked) visit(p.value, p.body, p.role);
  });
  if (!withHooks) return;
  walkContexts(app, (ctx) => {
    for (const h of ctx.hooks) {
      if (h.kind !== 'lifecycle' || !h.body) continue;
      const value = pick(h.body, h.name);
      if (value !== undefined) visit(value, h.body, h.name);
    }
  });
}

/** A filter that lets each span through once (a handler shared by routes, a function used twice). */
export function once(): (span: Span) => boolean {
  const seen = new Set<string>();
  return (span) => {
    const key = `${span.file}:${span.start}:${span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

/** The fixes that exist, in order: a finding's `fixes` built from fix builders that may give none. */
export function present(...fixes: (Fix | undefined)[]): Fix[] {
  return fixes.filter((f): f is Fix => !!f);
}

/**
 * `compute` run on the first call of a rules run only, its result given to every call of that run:
 * one fix shared by several findings. A finding kept across runs (route-memo.ts) computes it again
 * in the next run, against the analyser's state then.
 */
export function computedOnce<T>(compute: () => T): () => T {
  let done: { value: T; run: number } | undefined;
  return () => {
    if (done?.run !== rulesRun) done = { value: compute(), run: rulesRun };
    return done.value;
  };
}

let rulesRun = 0;

/** Called by the registry as a rules run begins: what `computedOnce` kept belongs to the run before. */
export function beginRulesRun(): void {
  rulesRun++;
}

/** "handler" or "'onRequest' hook", for messages. */
export function roleText(role: string): string {
  return role === 'handler' ? 'handler' : `'${role}' hook`;
}

/**
 * Why Fastify's default validator (Ajv, with the shared schemas of the route's contexts) is not
 * what compiles a route's request schemas, if it is not: the route's own `validatorCompiler`, or
 * `setValidatorCompiler()` / `setSchemaController()` in its context or a parent (`chain`).
 */
export function customValidator(route: Route, chain: readonly Context[] | undefined): string | undefined {
  if (route.validatorCompiler) return 'the route sets its own validatorCompiler';
  if (chain?.some((c) => c.customValidation)) return 'a custom validator compiler (setValidatorCompiler or setSchemaController) in its context';
  return undefined;
}
