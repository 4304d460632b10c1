import { addResponseSchemaFix } from '../fixes/schema-fixes';
import type { Route } from '../model';
import { present } from './rule-utils';
import { RouteMemo } from './route-memo';
import type { Rule, RuleContext, RuleFinding } from './types';

/** A route of the app's own code without `schema.response` (package routes and the HEAD twins of GETs are left out). Off in `fastify-lens check` unless asked (`--rule missing-response-schema=hint`). Fix (not safe: the schema filters and coerces what is sent): a 200 schema from the route's Reply type, else from the object literal the handler returns. */
export const missingResponseSchema: Rule = {
  id: 'missing-response-schema',
  summary: 'a route without a response schema (slower serialisation, fields not filtered)',
  why: 'Without `schema.response` Fastify serialises with JSON.stringify instead of fast-json-stringify, and every field of the returned object reaches the client, secrets included.',
  wrong: "app.get('/users/:id', async (request) => db.user(request.params.id))",
  right: "app.get('/users/:id', {\n  schema: { response: { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } } },\n}, async (request) => db.user(request.params.id))",
  defaultSeverity: 'hint',
  cliDefaultSeverity: 'off',
  check(rc) {
    const { graph, source, resolveModule } = rc;
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      // The route's own fields only.
      MEMO.each(rc, app, undefined, (r) => (r.implicitHead || r.package || r.schema?.response ? undefined : finding(r, source, resolveModule)), (f) => out.push(f));
    }
    return out;
  },
};

const MEMO = new RouteMemo<RuleFinding>();

function finding(route: Route, source: RuleContext['source'], resolveModule: RuleContext['resolveModule']): RuleFinding {
  return {
    message: `${route.methods.join(', ')} ${route.url} has no response schema: it is serialised with JSON.stringify and every field is sent; add schema.response`,
    span: route.span,
    fixes: () => present(addResponseSchemaFix(route, { source, resolveModule })),
  };
}
