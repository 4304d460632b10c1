import type { Context as Ctx } from '../model';
import { contextPaths, customValidator, silencedByUncertainty } from './rule-utils';
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
  check({ graph, note }) {
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
      for (const route of app.routes) {
        if (route.implicitHead || route.package || !route.schema) continue;
        const chain = paths.get(route.contextId);
        if (!chain) continue;
        const custom = customValidator(route, chain);
        if (custom) {
          if (PARTS.some((p) => route.schema?.[p]?.ref)) note(`${route.methods.join(',')} ${route.url} (${route.span.file}:${route.span.line}) not checked: ${custom}`);
          continue;
        }
        for (const part of PARTS) {
          const ref = route.schema[part]?.ref;
          if (!ref) continue;
          const hash = ref.indexOf('#');
          const id = hash < 0 ? ref : ref.slice(0, hash);
          if (!id) continue;
          if (chain.some((c) => c.schemas.some((s) => s.id === id || s.id.replace(/#$/, '') === id))) continue;
          const elsewhere = allSchemas(app.root).find((s) => s.id === id);
          out.push({
            message: `${part} $ref '${ref}': no shared schema with $id '${id}' is added in this route's context or a parent${elsewhere ? ` (the one at line ${elsewhere.span.line} is in a context this route cannot see)` : ''}: Fastify throws FST_ERR_SCH_VALIDATION_BUILD when the app gets ready`,
            span: route.schema[part]!.span,
            ...(elsewhere ? { related: [{ message: `$id '${id}' added here`, span: elsewhere.span }] } : {}),
          });
        }
      }
    }
    return out;
  },
};



function allSchemas(ctx: Ctx): Ctx['schemas'] {
  return [...ctx.schemas, ...ctx.children.flatMap(allSchemas)];
}
