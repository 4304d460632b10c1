import type { AppGraph, Route } from '../model';
import { asFastifyCompiles, isObject, validatorUnknown, validationKey } from './ajv-config';
import { rewriteParamsSchemaFix } from '../fixes/schema-fixes';
import { closest, computedOnce, contextPaths, customValidator, present, silencedByUncertainty } from './rule-utils';
import { RouteMemo, type KeyParts } from './route-memo';
import type { Rule, RuleFinding } from './types';
import { urlParams, type UrlParam } from './url-params';

/** Keywords that make a params schema's meaning more than its own `properties`/`required`/`additionalProperties`. */
const COMBINING = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependencies', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties', 'propertyNames', '$dynamicRef', '$recursiveRef'];

/**
 * A params schema that does not fit the route's URL (`request.params` holds exactly the URL's
 * parameters, find-my-way's names, `'*'` for the wildcard):
 * - `required` names a parameter the URL does not have (and `properties` gives it no `default`):
 *   every request gets 400; or one that is optional in the URL: the URL without it gets 400;
 * - with `additionalProperties: false`, a URL parameter that `properties` does not list: Fastify's
 *   Ajv (`removeAdditional: true`) deletes it, so the handler never sees it;
 * - `properties` names a parameter the URL does not have (not required, no `default`): it never applies.
 *
 * Fix (not safe: the URL may be the typo): the params schema rewritten to fit the URL.
 *
 * Silent (noted) for a URL or schema not known statically, a schema that combines others (`$ref`,
 * `allOf`, `if`…) or has `patternProperties`, and wherever invalid-json-schema is silent about the
 * validator (Fastify 3, custom compilers, `ajv.plugins`…); the removal case only with Ajv's default
 * `removeAdditional`, the `default` cases only with `useDefaults`.
 */
export const paramsSchemaMismatch: Rule = {
  id: 'params-schema-mismatch',
  summary: 'a params schema whose `properties`/`required` name parameters the URL does not have, or that removes a URL parameter (`additionalProperties: false`)',
  why: 'request.params holds exactly the URL\'s parameters: a required name the URL never gives makes every request fail with 400, and with additionalProperties: false Fastify\'s Ajv removes the parameters the schema does not list.',
  wrong: "app.get('/users/:id', { schema: { params: { type: 'object', properties: { userId: { type: 'integer' } }, required: ['userId'] } } }, get)",
  right: "app.get('/users/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } } }, get)",
  defaultSeverity: 'warning',
  check(rc) {
    const { graph, note, source } = rc;
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      if (!app.routes.some((r) => r.schema?.params)) continue;
      const why = validatorUnknown(app);
      if (why) {
        note(`app ${app.id} not checked: ${why}`);
        continue;
      }
      if (silencedByUncertainty(graph, app, note, 'a custom validator compiler')) continue;
      const paths = contextPaths(app);
      const seen = new Set<string>();
      const compute = (r: Route, say: (m: string) => void, route: Route) => {
        if (r.implicitHead || r.package || !r.schema?.params) return undefined;
        const found = customValidator(r, paths.get(route.contextId)) ? [] : checkRoute(app, r, say, source);
        // Routes sharing one schema object report it once: each finding with the text that tells them apart, made once.
        return found.length ? found.map((finding) => ({ finding, seen: `${finding.span.file}:${finding.span.start}:${finding.message}` })) : undefined;
      };
      MEMO.each(rc, app, KEY, compute, (found) => {
        for (const f of found) {
          if (!seen.has(f.seen)) out.push(f.finding);
          seen.add(f.seen);
        }
      });
    }
    return out;
  },
};

/** What a route's check reads besides the route: the app's validator setup and Fastify version (shorthand wrapping, Ajv's options), and a custom validator on the chain. */
const KEY: KeyParts = {
  app: validationKey,
  context: (c) => (c.customValidation ? 'v' : ''),
};

const MEMO = new RouteMemo<readonly { finding: RuleFinding; seen: string }[]>();

function checkRoute(app: AppGraph, route: Route, note: (m: string) => void, source: (file: string) => string | undefined): RuleFinding[] {
  const part = route.schema!.params!;
  const where = () => `${route.methods.join(',')} ${route.url} (${route.span.file}:${route.span.line})`;
  if (!route.urlKnown) return [];
  if (part.partial) {
    note(`${where()}: params schema not known statically`);
    return [];
  }
  const schema = asFastifyCompiles(app, part.value);
  const params = urlParams(route.url);
  if (!params || !isObject(schema)) return [];
  if (COMBINING.some((k) => k in schema) || 'patternProperties' in schema) {
    note(`${where()}: params schema combines other schemas (${COMBINING.concat('patternProperties').filter((k) => k in schema).join(', ')}): not checked`);
    return [];
  }
  if (schema.type !== undefined && schema.type !== 'object') return [];
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  const options = app.serverOptions.validation?.ajvCustomOptions ?? {};
  const useDefaults = options.useDefaults === undefined || !!options.useDefaults;
  const hasDefault = (name: string) => useDefaults && isObject(properties[name]) && 'default' in (properties[name] as object);
  const byName = new Map(params.map((p) => [p.name, p]));
  const names = params.map((p) => p.name);
  const display = (p: UrlParam) => (p.name === '*' ? "'*' (the wildcard)" : `'${p.name}'`);
  const hint = (name: string) => {
    const near = closest(name, names.filter((n) => !(n in properties)));
    return near ? ` (did you mean '${near}'?)` : '';
  };
  const out: RuleFinding[] = [];
  const span = part.span;
  const url = route.url;
  for (const name of new Set(required)) {
    const p = byName.get(name);
    if (hasDefault(name)) continue;
    if (!p) out.push({ message: `params schema requires '${name}', which the URL ${url} does not have${hint(name)}: every request to it fails validation with 400 (params must have required property '${name}')`, span });
    else if (p.optional) out.push({ message: `params schema requires '${name}', which is optional in the URL ${url}: a request to ${route.alsoServes[route.alsoServes.length - 1] ?? 'the URL without it'} fails validation with 400`, span });
  }
  for (const name of Object.keys(properties)) {
    if (byName.has(name) || required.includes(name) || hasDefault(name)) continue;
    out.push({ message: `params schema describes '${name}', which the URL ${url} does not have${hint(name)}: it never applies`, span });
  }
  const removeAdditional = options.removeAdditional === undefined ? true : options.removeAdditional;
  if (schema.additionalProperties === false && removeAdditional === true) {
    for (const p of params) {
      if (p.name in properties) continue;
      out.push({ message: `the URL parameter ${display(p)} is not in the params schema's properties and additionalProperties is false: Fastify's Ajv removes it (removeAdditional), so request.params${p.name === '*' ? "['*']" : `.${p.name}`} is undefined in the handler`, span });
    }
  }
  if (out.length) {
    // One rewrite fixes them all: computed once, for whichever finding asks first.
    const fixes = computedOnce(() => {
      const text = source(span.file);
      return present(text === undefined ? undefined : rewriteParamsSchemaFix(route, part, schema, text));
    });
    for (const f of out) f.fixes = fixes;
  }
  return out;
}
