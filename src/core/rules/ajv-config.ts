import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { AppGraph, RouteSchema } from '../model';
import { behaviourAt, fastifyAtOfGraph } from '../link/version-rules';

/**
 * Request validation as Fastify sets it up, in one place: the Ajv options of @fastify/ajv-compiler
 * (v4 for Fastify 5, v3 for Fastify 4: the same options, `lib/default-ajv-options.js`), ajv-formats
 * added as `ValidatorCompiler` adds it (no `ajv.plugins`), the server's known `ajv.customOptions`
 * over them, and Fastify 4's `jsonShorthand` wrapping. `uriResolver: fast-uri` is Ajv 8.17+'s
 * default already. Schemas are compiled only, never run; Ajv's own logger is off (strictTypes
 * "log" warnings are not findings).
 */
export const FASTIFY_AJV_OPTIONS: Readonly<Options> = Object.freeze({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: true,
  addUsedSchema: false,
  allErrors: false,
});

/** Why the app's request schemas cannot be compiled the way Fastify does, or undefined when they can. */
export function validatorUnknown(app: AppGraph): string | undefined {
  if (app.fastifyMajor === 3) return 'Fastify 3 compiles with Ajv 6 (not modelled)';
  return app.serverOptions.validation?.unknown;
}

/**
 * Everything of the app that request validation as modelled here reads (`validatorUnknown`,
 * `asFastifyCompiles`, `SchemaCompiler.for`), as text: the app part of a key for results kept
 * across runs (route-memo.ts).
 */
export function validationKey(app: AppGraph): string {
  return JSON.stringify([app.fastifyMajor, String(fastifyAtOfGraph(app)), app.serverOptions.validation ?? null]);
}

/** The schema Fastify hands to Ajv for a request part: Fastify 4 wraps shorthand schemas (`jsonShorthand`, on by default). */
export function asFastifyCompiles(app: AppGraph, schema: unknown): unknown {
  if (behaviourAt('fastify.no-json-shorthand', fastifyAtOfGraph(app)) || app.serverOptions.validation?.jsonShorthand === false) return schema;
  if (!isObject(schema)) return schema;
  if (['$ref', 'oneOf', 'allOf', 'anyOf', '$merge', '$patch'].some((k) => schema[k])) return schema;
  return schema.type || schema.properties ? schema : { type: 'object', properties: schema };
}

export type CompileResult = { ok: true } | { ok: false; missingRef: true; ref: string } | { ok: false; missingRef?: undefined; error: string };

/**
 * Compiles schemas with one app's Ajv setup, the shared schemas of a context chain standing in as
 * `{ $id }` stubs: a `$ref` to a shared schema resolves, a pointer into one does not (missing ref,
 * the caller stays silent), and an error is always the schema's own, never a referenced one's.
 * Results are cached by content across runs (the rules run on every edit).
 */
export class SchemaCompiler {
  private readonly ajv: Ajv;
  private readonly ids: Set<string>;

  private constructor(private readonly key: string, options: Record<string, unknown>, sharedIds: readonly string[]) {
    this.ids = new Set(sharedIds);
    this.ajv = new Ajv({ ...FASTIFY_AJV_OPTIONS, ...options, logger: false });
    addFormats(this.ajv);
    for (const id of sharedIds) this.ajv.addSchema({ $id: id });
  }

  static for(app: AppGraph, sharedIds: readonly string[]): SchemaCompiler {
    const options = app.serverOptions.validation?.ajvCustomOptions ?? {};
    const ids = [...new Set(sharedIds)].sort();
    const key = JSON.stringify([options, ids]);
    let c = COMPILERS.get(key);
    if (!c) {
      if (COMPILERS.size >= MAX_COMPILERS) clearCaches();
      c = new SchemaCompiler(key, options, ids);
      COMPILERS.set(key, c);
    }
    return c;
  }

  /** Ajv's `validateSchema` against its meta-schema (what `addSchema` checks): the errors, or undefined when valid. */
  metaErrors(schema: unknown): string | undefined {
    const r = this.cached('meta', schema, () => {
      const ok = this.ajv.validateSchema(schema as object);
      return ok ? { ok: true } : { ok: false, error: this.ajv.errorsText(this.ajv.errors, { dataVar: 'schema' }) };
    });
    return r.ok || r.missingRef ? undefined : r.error;
  }

  compile(schema: unknown): CompileResult {
    return this.cached('compile', schema, () => {
      try {
        // Fastify's compiler hands back the shared schema for an `$id` it has, without compiling this one.
        if (isObject(schema) && typeof schema.$id === 'string' && this.ids.has(schema.$id)) return { ok: true };
        this.ajv.compile(schema as object);
        return { ok: true };
      } catch (e) {
        const err = e as Error & { missingRef?: string; missingSchema?: string };
        if (err.missingRef !== undefined || err.constructor?.name === 'MissingRefError') return { ok: false, missingRef: true, ref: err.missingRef ?? '' };
        return { ok: false, error: err.message };
      }
    });
  }

  private cached(kind: string, schema: unknown, run: () => CompileResult): CompileResult {
    const k = `${this.key}\0${kind}\0${JSON.stringify(schema)}`;
    let r = RESULTS.get(k);
    if (!r) {
      if (RESULTS.size >= MAX_RESULTS) RESULTS.clear();
      r = run();
      RESULTS.set(k, r);
    }
    return r;
  }
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const MAX_COMPILERS = 32;
const MAX_RESULTS = 5000;
const COMPILERS = new Map<string, SchemaCompiler>();
const RESULTS = new Map<string, CompileResult>();

function clearCaches(): void {
  COMPILERS.clear();
  RESULTS.clear();
}

/** Every `$ref` in a schema, at any depth. */
export function refsIn(schema: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 64 || typeof schema !== 'object' || schema === null) return out;
  if (Array.isArray(schema)) {
    for (const item of schema) refsIn(item, out, depth + 1);
    return out;
  }
  for (const k of Object.keys(schema)) {
    const v = (schema as Record<string, unknown>)[k];
    if (k === '$ref' && typeof v === 'string') out.push(v);
    else refsIn(v, out, depth + 1);
  }
  return out;
}

/** The `$id` part of a `$ref` ('' for a local one: `#/…`, `#anchor`). */
export function refId(ref: string): string {
  const hash = ref.indexOf('#');
  return hash < 0 ? ref : ref.slice(0, hash);
}

export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';
export const REQUEST_PARTS: readonly RequestPart[] = ['headers', 'body', 'querystring', 'params'];

/** One schema Fastify compiles for a route's request part (`schema` undefined: not known statically). */
export interface RequestSchema {
  part: RequestPart;
  /** `body content 'application/json'` for a per-content-type body schema, else the part. */
  label: string;
  schema?: unknown;
}

/**
 * The schemas Fastify's validator compiles for a route (lib/validation.js
 * compileSchemasForValidation): each request part, a body's `content` entries one by one, after
 * Fastify 4's shorthand wrapping. `null` parts are left out (Fastify 4 skips them; 5 fails on them
 * for another reason). Header property names are lower-cased by Fastify first, which does not change
 * whether the schema compiles.
 */
export function requestSchemas(app: AppGraph, schema: RouteSchema): RequestSchema[] {
  const out: RequestSchema[] = [];
  for (const part of REQUEST_PARTS) {
    const p = schema[part];
    if (!p) continue;
    if (p.partial) {
      out.push({ part, label: part });
      continue;
    }
    if (p.value === null) continue;
    const content = part === 'body' && isObject(p.value) ? p.value.content : undefined;
    if (content) {
      if (!isObject(content)) continue;
      for (const [type, entry] of Object.entries(content)) {
        if (isObject(entry) && entry.schema !== undefined && entry.schema !== null) out.push({ part, label: `body content '${type}'`, schema: asFastifyCompiles(app, entry.schema) });
      }
      continue;
    }
    out.push({ part, label: part, schema: asFastifyCompiles(app, p.value) });
  }
  return out;
}
