import type { Context as Ctx, Route, Span } from '../model';
import { contextPaths, customValidator, silencedByUncertainty, validatorAndSchemaIdsKey } from './rule-utils';
import { RouteMemo, type KeyParts } from './route-memo';
import type { Rule, RuleFinding } from './types';

const PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/**
 * A route schema part `{ $ref: 'id#' }` or `'id#/…'` whose `id` no `addSchema` of the route's
 * context or an ancestor provides (shared schemas reach children, never parents, whatever the
 * order: they are compiled at ready). Local refs (`#/…`, `#anchor`) are not checked.
 *
 * Silent for a whole app when its project has an unresolved entry that could hide a shared
 * schema (an `$id` not known statically, a plugin from a package that is not analysed, a register
 * not followed…). Not seen by the graph: a custom validator compiler or schema controller, Ajv
 * `schemas` passed in the server options; an app using them may be reported wrongly.
 */
export const unknownSchemaRef: Rule = {
  id: 'unknown-schema-ref',
  summary: '`$ref` to an `$id` (or `$id#/…`) not added with `addSchema` in the route\'s context or a parent',
  why: 'Fastify compiles route schemas when the app gets ready and cannot resolve the reference: FST_ERR_SCH_VALIDATION_BUILD, the app does not start.',
  wrong: "app.register(async (f) => {\n  f.addSchema({ $id: 'user', type: 'object' })\n})\napp.post('/users', { schema: { body: { $ref: 'user#' } } }, create)",
  right: "app.addSchema({ $id: 'user', type: 'object' })\napp.post('/users', { schema: { body: { $ref: 'user#' } } }, create)",
  defaultSeverity: 'error',
  check(rc) {
    const { graph, note } = rc;
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      if (silencedByUncertainty(graph, app, note, 'the $id a route refers to')) continue;
      // Schemas Fastify's Ajv does not compile (or compiles with schemas of its own) resolve $refs their own way.
      const v = app.serverOptions.validation;
      const setup = v?.unknown ?? (v?.ajvCustomOptions && 'schemas' in v.ajvCustomOptions ? 'ajv.customOptions.schemas adds schemas of its own' : undefined);
      if (setup) {
        note(`app ${app.id} not checked: ${setup}`);
        continue;
      }
      const paths = contextPaths(app);
      const compute = (r: Route, say: (m: string) => void, route: Route) => {
        if (r.implicitHead || r.package || !r.schema) return undefined;
        const chain = paths.get(route.contextId);
        if (!chain) return undefined;
        const missing = missingRefs(r, chain, say);
        return missing.length ? missing : undefined;
      };
      MEMO.each(rc, app, KEY, compute, (missing) => {
        for (const m of missing) {
          const elsewhere = allSchemas(app.root).find((s) => s.id === m.id);
          out.push({
            message: `${m.where} $ref '${m.ref}': no shared schema with $id '${m.id}' is added in this route's context or a parent${elsewhere ? ` (the one at line ${elsewhere.span.line} is in a context this route cannot see)` : ''}: Fastify throws ${m.code} when the app gets ready`,
            span: m.span,
            ...(elsewhere ? { related: [{ message: `$id '${m.id}' added here`, span: elsewhere.span }] } : {}),
          });
        }
      });
    }
    return out;
  },
};

/** What `missingRefs` reads of each context of the route's chain: the `$id`s it adds, a custom validator or serializer compiler. */
const KEY: KeyParts = {
  context: (c) => `${validatorAndSchemaIdsKey(c)}${c.calls?.some((k) => k.name === 'setSerializerCompiler') ? 's' : ''}`,
};

const MEMO = new RouteMemo<readonly MissingRef[]>();

/** A `$ref` of a route's schema that no shared schema of its chain provides. */
interface MissingRef {
  where: string;
  ref: string;
  id: string;
  span: Span;
  code: string;
}

/** The refs of a route's schemas that its chain does not provide (reads the chain only as `KEY` names it). */
function missingRefs(route: Route, chain: readonly Ctx[], note: (message: string) => void): MissingRef[] {
  const out: MissingRef[] = [];
  const schema = route.schema!;
  const seenHere = new Set<string>();
  const report = (where: string, ref: string, span: Span, code: string) => {
    const hash = ref.indexOf('#');
    const id = hash < 0 ? ref : ref.slice(0, hash);
    // Local refs (`#/…`) and ids visible from the route's context resolve.
    if (!id || chain.some((c) => c.schemas.some((s) => s.id === id || s.id.replace(/#$/, '') === id))) return;
    if (seenHere.has(`${where} ${ref}`)) return;
    seenHere.add(`${where} ${ref}`);
    out.push({ where, ref, id, span, code });
  };
  const where = () => `${route.methods.join(',')} ${route.url} (${route.span.file}:${route.span.line})`;
  // Request parts: compiled by Fastify's Ajv unless another validator does it.
  const custom = customValidator(route, chain);
  if (custom) {
    if (PARTS.some((p) => schema[p]?.ref)) note(`${where()} request schemas not checked: ${custom}`);
  } else {
    for (const part of PARTS) {
      const sp = schema[part];
      if (!sp) continue;
      for (const ref of new Set([...(sp.ref ? [sp.ref] : []), ...refsIn(sp.value)])) report(part, ref, sp.span, 'FST_ERR_SCH_VALIDATION_BUILD');
    }
  }
  // Response schemas: compiled by fast-json-stringify unless a serializer compiler is set.
  const values = schema.responseValues;
  if (!values) return out;
  const serializer = route.serializerCompiler ? 'the route sets its own serializerCompiler' : chain.some((c) => c.customValidation || c.calls?.some((k) => k.name === 'setSerializerCompiler')) ? 'a custom serializer compiler or schema controller in its context' : undefined;
  if (serializer) {
    if (Object.values(values).some((v) => refsIn(v.value).length)) note(`${where()} response schemas not checked: ${serializer}`);
    return out;
  }
  for (const [status, v] of Object.entries(values)) for (const ref of refsIn(v.value)) report(`response ${status}`, ref, schema.responseSpan ?? schema.span, 'FST_ERR_SCH_SERIALIZATION_BUILD');
  return out;
}

function allSchemas(ctx: Ctx): Ctx['schemas'] {
  return [...ctx.schemas, ...ctx.children.flatMap(allSchemas)];
}

/** Keywords whose values are data, not schemas: a `$ref` key inside them is not a reference. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);

/**
 * Every `$ref` string of a schema known as JSON (nested ones included); none when the schema has
 * an `$id` of its own anywhere (refs then resolve against it, which is not followed here).
 */
function refsIn(value: unknown): string[] {
  const refs = collectRefs(value, []);
  // Most schemas have no `$ref`: the text is made only for those that do.
  return refs.length && JSON.stringify(value ?? null).includes('"$id"') ? [] : refs;
}

function collectRefs(value: unknown, out: string[]): string[] {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, out);
  else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else if (!DATA_KEYWORDS.has(k)) collectRefs(v, out);
    }
  }
  return out;
}
