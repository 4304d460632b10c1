import type { AppGraph, Context, Route, SharedSchema } from '../model';
import { refId, refsIn, requestSchemas, SchemaCompiler, validatorUnknown, validationKey } from './ajv-config';
import { contextPaths, customValidator, silencedByUncertainty, validatorAndSchemaIdsKey, walkContexts } from './rule-utils';
import { RouteMemo, type KeyParts, type MemoScope } from './route-memo';
import type { Rule, RuleFinding } from './types';

const BOOT = 'FST_ERR_SCH_VALIDATION_BUILD when the app gets ready: it does not start';

/**
 * A request schema (body, querystring, params, headers, a body `content` entry) or a shared
 * `addSchema` schema that Ajv rejects as Fastify configures it (ajv-config.ts): unknown keywords
 * and formats (strict mode), a bad `type`, `required` not an array, an invalid `pattern`…
 *
 * Shared schemas: one that fails Ajv's meta-schema is reported when a route in its scope has a
 * request schema (Fastify then adds it to Ajv, which throws); one that only fails to compile
 * (strict mode) when a route's request schema refers to it, directly or through other shared
 * schemas. Response schemas are not checked: fast-json-stringify compiles them without Ajv's
 * schema validation or strict mode.
 *
 * Silent (with a note) for parts not known statically, for a `$ref` that does not resolve (a
 * pointer into a shared schema included: shared schemas stand in as `{ $id }` stubs, so an error
 * is always the schema's own), for Fastify 3, for an app whose validator is not Fastify's default
 * Ajv as far as the graph can tell (`schemaController`, `ajv.plugins`, options not known, a
 * `setValidatorCompiler`/`setSchemaController` in the route's context chain, a route
 * `validatorCompiler`), and for an app with unresolved entries that could hide such a setup.
 */
export const invalidJsonSchema: Rule = {
  id: 'invalid-json-schema',
  summary: 'a request or shared schema that Ajv rejects as Fastify configures it (strict mode: unknown keywords and formats, bad `type`, `required` not an array, invalid `pattern`…)',
  why: 'Fastify compiles request schemas with Ajv in strict mode when the app gets ready; a schema Ajv rejects stops the app with FST_ERR_SCH_VALIDATION_BUILD.',
  wrong: "app.post('/users', { schema: { body: { type: 'object', properties: { name: { type: 'string', example: 'Ada' } } } } }, create)",
  right: "app.post('/users', { schema: { body: { type: 'object', properties: { name: { type: 'string', examples: ['Ada'] } } } } }, create)",
  defaultSeverity: 'error',
  check(rc) {
    const { graph, note } = rc;
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      const why = validatorUnknown(app);
      if (why) {
        if (app.routes.some((r) => r.schema)) note(`app ${app.id} not checked: ${why}`);
        continue;
      }
      if (silencedByUncertainty(graph, app, note, 'a custom validator compiler or a shared schema')) continue;
      checkApp(app, out, note, rc);
    }
    return out;
  },
};

function checkApp(app: AppGraph, out: RuleFinding[], note: (m: string) => void, scope: MemoScope): void {
  const paths = contextPaths(app);
  const custom = (ctx: Context) => (paths.get(ctx.id) ?? []).some((c) => c.customValidation);
  /** Contexts where Fastify sets up its validator (a route there has a request schema). */
  const setUp = new Set<string>();
  /** Shared schemas a compiled request schema refers to, directly or through other shared schemas. */
  const used = new Set<SharedSchema>();
  /**
   * The shared schemas a context's routes see (its chain's, root first): the parent's list itself
   * where the context adds none, so most contexts share one list, and one compiler per list.
   */
  const sharedOf = new Map<Context, readonly SharedSchema[]>();
  const sharedIn = (chain: readonly Context[]): readonly SharedSchema[] => {
    let shared: readonly SharedSchema[] = [];
    for (const c of chain) {
      let s = sharedOf.get(c);
      if (!s) sharedOf.set(c, (s = c.schemas.length ? [...shared, ...c.schemas] : shared));
      shared = s;
    }
    return shared;
  };
  const compilers = new Map<readonly SharedSchema[], SchemaCompiler>();
  const compilerOf = (chain: readonly Context[]) => {
    const shared = sharedIn(chain);
    let compiler = compilers.get(shared);
    if (!compiler) compilers.set(shared, (compiler = SchemaCompiler.for(app, shared.map((s) => s.id))));
    return compiler;
  };

  const compute = (origin: Route, say: (m: string) => void, route: Route) => {
    if (origin.implicitHead || origin.package || !origin.schema) return undefined;
    const chain = paths.get(route.contextId);
    return chain ? checkRoute(app, origin, chain, compilerOf, say) : undefined;
  };
  let lastContext: string | undefined;
  MEMO.each(scope, app, KEY, compute, (r, route) => {
    // A context's routes mostly come one after the other.
    if (route.contextId !== lastContext) setUp.add((lastContext = route.contextId));
    if (r.refIds.length) markUsed(r.refIds, sharedIn(paths.get(route.contextId)!), used);
    for (const f of r.findings) out.push(f);
  });

  walkContexts(app, (ctx) => {
    if (!ctx.schemas.length || custom(ctx)) return;
    const chain = paths.get(ctx.id) ?? [];
    const inScope = [...setUp].some((id) => paths.get(id)?.includes(ctx));
    for (const s of ctx.schemas) {
      if (s.partial) {
        if (inScope) note(`shared schema '${s.id}' (${s.span.file}:${s.span.line}) not checked: not known statically`);
        continue;
      }
      const others = chain.flatMap((c) => c.schemas).filter((o) => o !== s).map((o) => o.id);
      const compiler = SchemaCompiler.for(app, others);
      const meta = compiler.metaErrors(s.value);
      if (meta !== undefined) {
        if (inScope) out.push({ message: `shared schema '${s.id}': Ajv rejects it (${meta}): Fastify adds it to Ajv when it sets up the validator for a route in its scope, and the app does not start`, span: s.span });
        continue;
      }
      if (!used.has(s)) continue;
      const r = compiler.compile(s.value);
      if (r.ok) continue;
      if (r.missingRef) note(`shared schema '${s.id}' not checked: $ref '${r.ref}' not resolved statically`);
      else out.push({ message: `shared schema '${s.id}': Ajv rejects it as Fastify compiles it (${r.error}): a route's request schema refers to it, so ${BOOT}`, span: s.span });
    }
  });
}

/** Marks the shared schemas with these `$id`s (as a schema's `$ref`s name them), and those they refer to in turn. */
function markUsed(ids: readonly string[], shared: readonly SharedSchema[], used: Set<SharedSchema>): void {
  const todo = [...ids];
  while (todo.length) {
    const id = todo.pop()!;
    for (const s of shared) {
      if (used.has(s) || (s.id !== id && s.id.replace(/#$/, '') !== id)) continue;
      used.add(s);
      if (!s.partial) todo.push(...refsIn(s.value).map(refId).filter(Boolean));
    }
  }
}

/**
 * What `KEY` names besides the route: the app's validator setup and Fastify version (the schemas
 * Fastify compiles, Ajv's options), and of each context of the chain a custom validator and the
 * shared schemas' `$id`s (the compiler's stubs).
 */
const KEY: KeyParts = {
  app: validationKey,
  context: validatorAndSchemaIdsKey,
};

/** A route's request schemas checked: its findings, and the `$id`s they refer to. Undefined: Fastify's Ajv does not set up for it. */
interface RouteResult {
  findings: readonly RuleFinding[];
  refIds: readonly string[];
}

const MEMO = new RouteMemo<RouteResult | undefined>();

/** Checks one route's request schemas with the compiler of its chain (reads the chain only as `KEY` names it). */
function checkRoute(app: AppGraph, route: Route, chain: readonly Context[], compilerOf: (chain: readonly Context[]) => SchemaCompiler, note: (m: string) => void): RouteResult | undefined {
  const schemas = requestSchemas(app, route.schema!);
  if (!schemas.length) return undefined;
  const where = () => `${route.methods.join(',')} ${route.url} (${route.span.file}:${route.span.line})`;
  const custom = customValidator(route, chain);
  if (custom) {
    note(`${where()} not checked: ${custom}`);
    return undefined;
  }
  const compiler = compilerOf(chain);
  const findings: RuleFinding[] = [];
  const refIds: string[] = [];
  for (const s of schemas) {
    const span = route.schema![s.part]!.span;
    if (s.schema === undefined) {
      note(`${where()}: ${s.label} schema not known statically`);
      continue;
    }
    for (const ref of refsIn(s.schema)) {
      const id = refId(ref);
      if (id) refIds.push(id);
    }
    const r = compiler.compile(s.schema);
    if (r.ok) continue;
    if (r.missingRef) {
      note(`${where()}: ${s.label} schema not checked: $ref '${r.ref}' not resolved statically`);
      continue;
    }
    findings.push({ message: `${s.label} schema: Ajv rejects it as Fastify compiles it (${r.error}): ${BOOT}`, span });
  }
  return { findings, refIds };
}
