import type { Hook, Route, RouteSchema, Span } from '../model';
import { addInputSchemaFix, addParamsSchemaFix } from '../fixes/schema-fixes';
import { present, walkContexts } from './rule-utils';
import { RouteMemo } from './route-memo';
import type { Rule, RuleContext, RuleFinding } from './types';

/** The request property a handler reads, and the schema part that validates it. */
const PARTS: { member: string; part: keyof Pick<RouteSchema, 'body' | 'querystring' | 'params'> }[] = [
  { member: 'body', part: 'body' },
  { member: 'query', part: 'querystring' },
  { member: 'params', part: 'params' },
];

/**
 * A route whose handler reads `request.body` / `.query` / `.params` with no matching schema part.
 * Off in `fastify-lens check` unless asked. Fixes (not safe: validation turns bad input into 400s):
 * a params schema from the URL; body and querystring skeletons from the route's TypeScript
 * generic, else from the properties the handler reads.
 */
export const missingSchema: Rule = {
  id: 'missing-schema',
  summary: 'a handler reads `request.body`, `request.query` or `request.params` with no matching schema part',
  why: 'Without `schema.body` / `schema.querystring` / `schema.params` Fastify does not validate or coerce that input: the handler gets whatever the client sent (wrong types, missing or extra fields), and the route\'s types and docs say nothing about it.',
  wrong: "app.post('/users', async (request) => db.insert(request.body))",
  right: "app.post('/users', {\n  schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },\n}, async (request) => db.insert(request.body))",
  defaultSeverity: 'hint',
  cliDefaultSeverity: 'off',
  check(rc) {
    const { graph, note, source, resolveModule } = rc;
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      if (!app.routes.some((r) => !r.implicitHead && !r.package && r.body)) continue;
      // An onRoute hook may set schemas on the routes (a plugin that adds them): not seen here.
      let onRoute: Hook | undefined;
      walkContexts(app, (ctx) => (onRoute ??= ctx.hooks.find((h) => h.name === 'onRoute')));
      if (onRoute) {
        note(`app ${app.id} not checked: an onRoute hook (${onRoute.span.file}:${onRoute.span.line}) may add schemas to its routes`);
        continue;
      }
      // The route's own fields only (the onRoute hook above is decided for the whole app, every run).
      MEMO.each(rc, app, undefined, (r, note) => (r.implicitHead || r.package || !r.body ? undefined : checkRoute(r, note, source, resolveModule)), (f) => out.push(f));
    }
    return out;
  },
};

const MEMO = new RouteMemo<RuleFinding | undefined>();

function checkRoute(route: Route, note: (message: string) => void, source: RuleContext['source'], resolveModule: RuleContext['resolveModule']): RuleFinding | undefined {
  if (route.schemaUnknown || route.schema?.partial) {
    note(`${route.methods.join(', ')} ${route.url} (${route.span.file}:${route.span.line}) not checked: its schema is not known statically`);
    return undefined;
  }
  const missing: { member: string; part: string; span: Span }[] = [];
  for (const { member, part } of PARTS) {
    if (route.schema?.[part]) continue;
    // GET and HEAD bodies are not parsed; params only exist where the URL has some.
    if (member === 'body' && route.methods.every((m) => m === 'GET' || m === 'HEAD')) continue;
    if (member === 'params' && (!route.urlKnown || !/[:*]/.test(route.url))) continue;
    const use = route.body!.members.find((m) => m.on === 'request' && m.name === member);
    if (use) missing.push({ member, part, span: use.span });
  }
  if (!missing.length) return undefined;
  const reads = missing.map((m) => `request.${m.member} (line ${m.span.line})`).join(', ');
  const parts = missing.map((m) => `schema.${m.part}`).join(', ');
  const fixes = () => {
    const text = source(route.span.file);
    return text === undefined ? [] : present(...missing.map((m) => (m.part === 'params' ? addParamsSchemaFix(route, text) : addInputSchemaFix(route, text, m.part as 'body' | 'querystring', { source, resolveModule }))));
  };
  return {
    message: `${route.methods.join(', ')} ${route.url}: the handler reads ${reads} but the route has no ${parts}: that input is not validated; add ${missing.length > 1 ? 'them' : 'it'}`,
    span: route.span,
    related: missing.map((m) => ({ message: `request.${m.member} read here`, span: m.span })),
    fixes,
  };
}
