/**
 * Edits of a route's schema for the schema quick fixes: adding a part (`params`, `body`,
 * `querystring`, `response`) to the route's `schema` object, to its options, or as a new options
 * object before a shorthand's handler; and the params schema a URL calls for. Only what is written
 * in the route's own declaration is edited: a schema or options object defined elsewhere (a shared
 * variable, another file) may serve other routes too.
 */
import type { Route, Span } from '../model';
import { closest } from '../rules/rule-utils';
import type { TextEdit } from '../rules/types';
import { urlParams } from '../rules/url-params';
import { insertAt, insertFirstProperty, jsLiteral, preferredQuote, propertyKey } from './text-edits';

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A span written inside the route's declaration (not a variable defined elsewhere). */
export function withinRoute(route: Route, span: Span): boolean {
  return span.file === route.span.file && span.start >= route.span.start && span.end <= route.span.end;
}

/**
 * The edit adding `key: <schema>` to the route's schema, where the route's declaration writes it:
 * into its `schema` object literal; else `schema: { key: … }` into its options object; else a new
 * `{ schema: { key: … } }` options object before a shorthand's handler. Undefined when none of
 * those is written in the declaration, or the text there moved.
 */
export function addSchemaPart(text: string, route: Route, key: string, schema: unknown): TextEdit | undefined {
  const quote = preferredQuote(text);
  const prop = `${propertyKey(key, quote)}: ${jsLiteral(schema, quote)}`;
  if (route.schema) {
    if (!withinRoute(route, route.schema.span)) return undefined;
    return strip(insertFirstProperty(text, route.schema.span.file, route.schema.span.start, route.schema.span.end, prop));
  }
  const at = route.optionsAt;
  if (!at) return undefined;
  if ('before' in at) return insertAt(at.before.file, at.before.start, `{ schema: { ${prop} } }, `);
  return strip(insertFirstProperty(text, at.object.file, at.object.start, at.object.end, `schema: { ${prop} }`));
}

function strip(e: (TextEdit & { at: number }) | undefined): TextEdit | undefined {
  return e && { file: e.file, start: e.start, end: e.end, newText: e.newText };
}

/**
 * The params schema that fits `url` (find-my-way's parameters): every URL parameter in
 * `properties` (the existing schema's own property schema kept, or the one of a property whose
 * name is a likely typo of it or that is the only one left for the only parameter left, else `{ type: 'string' }`; `'*'` for the wildcard), all of them
 * `required` but an optional last one; the existing schema's other keywords kept
 * (`additionalProperties`, `description`…). Undefined when the router rejects the URL.
 */
export function paramsSchemaForUrl(url: string, existing?: unknown): JsonObject | undefined {
  const params = urlParams(url);
  if (!params) return undefined;
  const base = isObject(existing) ? existing : {};
  const old = isObject(base.properties) ? base.properties : {};
  const names = params.map((p) => p.name);
  const unused = Object.keys(old).filter((k) => !names.includes(k));
  const properties: JsonObject = {};
  const missing = params.filter((p) => !(p.name in old));
  for (const p of params) {
    if (p.name in old) properties[p.name] = old[p.name];
    else {
      // A likely typo, or the one property left for the one parameter left (a rename): its schema carries over.
      const renamed = closest(p.name, unused) ?? (missing.length === 1 && unused.length === 1 ? unused[0] : undefined);
      properties[p.name] = renamed !== undefined ? old[renamed] : { type: 'string' };
      if (renamed !== undefined) unused.splice(unused.indexOf(renamed), 1);
    }
  }
  const required = params.filter((p) => !p.optional).map((p) => p.name);
  const out: JsonObject = { type: 'object', properties };
  if (required.length) out.required = required;
  for (const [k, v] of Object.entries(base)) if (!(k in out) && k !== 'required' && k !== 'properties' && k !== 'type') out[k] = v;
  return out;
}
