/**
 * The schema quick fixes of missing-schema, missing-response-schema and params-schema-mismatch, as
 * `Fix`es: a params schema that fits the URL, and body / querystring / 200 response skeletons
 * (schema-skeleton.ts) written into the route's declaration (route-schema.ts). None is safe:
 * adding or changing validation makes requests that passed get 400, and a response schema filters
 * and coerces what is sent.
 */
import type { Route, SchemaPart } from '../model';
import type { Fix } from '../rules/types';
import { addSchemaPart, paramsSchemaForUrl, withinRoute } from './route-schema';
import { parsedSource } from './parsed-source';
import { schemaFromGeneric, schemaFromReads, schemaFromReturns, type GenericKey, type JsonSchema, type TypeSources } from './schema-skeleton';
import { jsLiteral, preferredQuote, replaceSpan } from './text-edits';

/** `Add schema.params from the URL` for a route whose handler reads params without a params schema. */
export function addParamsSchemaFix(route: Route, text: string): Fix | undefined {
  const schema = route.urlKnown ? paramsSchemaForUrl(route.url) : undefined;
  if (!schema) return undefined;
  const edit = addSchemaPart(text, route, 'params', schema);
  return edit && { title: `Add schema.params for ${route.url}`, edits: [edit], safe: false };
}

/** `Rewrite schema.params to fit the URL`: the params object literal written in the route replaced. */
export function rewriteParamsSchemaFix(route: Route, part: SchemaPart, existing: unknown, text: string): Fix | undefined {
  const { span } = part;
  if (!withinRoute(route, span) || text[span.start] !== '{' || text[span.end - 1] !== '}') return undefined;
  const schema = paramsSchemaForUrl(route.url, existing);
  if (!schema) return undefined;
  return { title: `Rewrite schema.params to fit ${route.url}`, edits: [replaceSpan(span, jsLiteral(schema, preferredQuote(text)))], safe: false };
}

const SOURCES: Record<'body' | 'querystring', { generic: GenericKey; member: string }> = {
  body: { generic: 'Body', member: 'body' },
  querystring: { generic: 'Querystring', member: 'query' },
};

/** `Add schema.body` / `schema.querystring`, from the route's generic (types imported from other files followed through `sources`), else the handler's reads. */
export function addInputSchemaFix(route: Route, text: string, part: 'body' | 'querystring', sources?: TypeSources): Fix | undefined {
  const { generic, member } = SOURCES[part];
  let schema: JsonSchema | undefined = schemaFromGeneric(parsedSource(route.span.file, text), route, generic, sources);
  let from = `the route's ${generic} type`;
  if (!schema && route.body) {
    schema = schemaFromReads(route.body.members, member);
    from = `the handler's reads of request.${member}`;
  }
  if (!schema) return undefined;
  const edit = addSchemaPart(text, route, part, schema);
  return edit && { title: `Add schema.${part} (from ${from})`, edits: [edit], safe: false };
}

/**
 * `Add schema.response 200`, from the route's Reply type, else the object the handler returns (its
 * returns read in the handler's own file, which `source` gives).
 */
export function addResponseSchemaFix(route: Route, sources: TypeSources): Fix | undefined {
  const source = (file: string) => sources.source(file);
  const text = source(route.span.file);
  if (text === undefined) return undefined;
  let schema = schemaFromGeneric(parsedSource(route.span.file, text), route, 'Reply', sources);
  let from = "the route's Reply type";
  const returns = route.body?.returnsValue ?? [];
  const handlerText = returns.length ? source(returns[0].file) : undefined;
  if (!schema && handlerText !== undefined) {
    schema = schemaFromReturns(parsedSource(returns[0].file, handlerText), returns.filter((r) => r.file === returns[0].file));
    from = 'what the handler returns';
  }
  if (!schema) return undefined;
  const edit = addSchemaPart(text, route, 'response', { 200: schema });
  return edit && { title: `Add schema.response 200 (from ${from})`, edits: [edit], safe: false };
}
