import * as posix from 'node:path/posix';
import type { ts } from 'ts-morph';
import type { Linker } from './linker';
import type { ModuleRecord } from './module-record';
import { dotenvLoader } from './dotenv-loaders';
import { UNDEF, assumed, bool, getProp, isAssumed, num, str, truthy, unknown, type BuiltinValue, type EnvSchemaSource, type Value } from './values';

/**
 * `process.env.X` as data: the `.env` file of the project (the package.json folder of the file)
 * gives X when it defines it and the project loads it (dotenv-loaders.ts: dotenv, node
 * --env-file, process.loadEnvFile, fastify start; env-schema / @fastify/env `dotenv: true` for
 * their own result); a `.env` nothing loads gives nothing (unknown, with a note saying so). Else
 * an example file (`.env.example`, `.env.sample`, `.env.dist`) gives an assumed value, marked
 * `assumed` so it never decides a condition. Either way one unresolved note per variable says
 * where the value came from. Read as data through the Host, never run.
 */

const EXAMPLE_FILES = ['.env.example', '.env.sample', '.env.dist'];

/** dotenv's parser (lib/main.js `parse`): `KEY=value`, `export ` prefix, quotes, `#` comments, `\n` in double quotes. */
export function parseDotenv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
  const lines = text.replace(/\r\n?/gm, '\n');
  let m: RegExpExecArray | null;
  while ((m = LINE.exec(lines)) !== null) {
    const key = m[1];
    let value = (m[2] ?? '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    out.set(key, value);
  }
  return out;
}

interface EnvFiles {
  /** Variables of `.env`. */
  env?: Map<string, string>;
  /** Variables of the first example file that exists, and its name. */
  example?: { file: string; vars: Map<string, string> };
}

const filesByLinker = new WeakMap<Linker, Map<string, EnvFiles>>();

function envFiles(linker: Linker, dir: string): EnvFiles {
  let byDir = filesByLinker.get(linker);
  if (!byDir) filesByLinker.set(linker, (byDir = new Map()));
  let f = byDir.get(dir);
  if (f) return f;
  f = {};
  const env = linker.host.readFile(posix.join(dir, '.env'));
  if (env !== undefined) f.env = parseDotenv(env);
  for (const name of EXAMPLE_FILES) {
    const text = linker.host.readFile(posix.join(dir, name));
    if (text !== undefined) {
      f.example = { file: name, vars: parseDotenv(text) };
      break;
    }
  }
  byDir.set(dir, f);
  return f;
}

/**
 * The value of `process.env.<key>` read at `node` of `module`. `readsDotenv`: the reader loads
 * `.env` itself (env-schema / @fastify/env `dotenv: true`), whatever the project does.
 */
export function envValue(linker: Linker, key: string, node: ts.Node | undefined, module: ModuleRecord, readsDotenv = false): Value {
  const dir = module.project?.dir;
  const runtime = (why = `process.env.${key} is only known at run time`) => unknown(why, node, module);
  if (!dir) return runtime();
  const files = envFiles(linker, dir);
  const note = (reason: string) => {
    if (!linker.notes.first(`env\0${dir}\0${key}\0${reason}`)) return;
    if (node) linker.report(node, module, reason);
    else linker.reportFile(module.path, reason);
  };
  const fromEnv = files.env?.get(key);
  if (fromEnv !== undefined) {
    const loader = readsDotenv ? 'dotenv: true reads it' : dotenvLoader(linker, dir);
    if (loader) {
      note(`${key} taken from .env (${loader})`);
      return str(fromEnv);
    }
    const why = `process.env.${key}: the .env value was not used because nothing loads .env (no dotenv config(), dotenv/config, node --env-file, process.loadEnvFile or fastify start)`;
    note(why);
    return runtime(why);
  }
  const fromExample = files.example?.vars.get(key);
  if (fromExample !== undefined) {
    note(`${key} taken from ${files.example!.file} (assumed)`);
    return assumed(str(fromExample));
  }
  return runtime();
}

/**
 * env-schema (index.js) as data: `envSchema({ schema, data, dotenv, env })` merges the `.env` file,
 * process.env and `data` (later wins), validates with ajv (`useDefaults`, `coerceTypes`,
 * `removeAdditional` with `additionalProperties: false`) and returns the result. @fastify/env
 * decorates the instance with the same object. `envSchemaValue` is that object.
 */
export function envSchemaValue(opts: Value, by: string): BuiltinValue {
  const src: EnvSchemaSource = { data: new Map(), dataUnknown: false, defaults: new Map(), types: new Map(), readsEnv: true, dotenv: false, by };
  const o = opts.kind === 'obj' ? opts : undefined;
  if (!o) {
    src.dataUnknown = opts.kind !== 'undef';
    return { kind: 'builtin', name: 'env.values', pkg: by, env: src };
  }
  const schema = getProp(o, 'schema');
  const props = schema.kind === 'obj' ? getProp(schema, 'properties') : undefined;
  if (props?.kind === 'obj' && !props.partial) {
    src.keys = new Set(props.props.keys());
    for (const [k, p] of props.props) {
      if (p.kind !== 'obj') continue;
      const d = getProp(p, 'default');
      if (d.kind !== 'undef') src.defaults.set(k, d);
      const t = getProp(p, 'type');
      if (t.kind === 'str') src.types.set(k, t.v);
    }
  }
  const env = getProp(o, 'env');
  const dotenv = getProp(o, 'dotenv');
  src.dotenv = truthy(dotenv) === true;
  src.readsEnv = !(env.kind === 'bool' && env.v === false) || src.dotenv;
  const data = getProp(o, 'data');
  for (const d of data.kind === 'arr' ? data.items : [data]) {
    if (d.kind === 'undef' || (d.kind === 'builtin' && d.name === 'process.env')) continue;
    if (d.kind !== 'obj') {
      src.dataUnknown = true;
      continue;
    }
    if (d.partial) src.dataUnknown = true;
    for (const [k, v] of d.props) src.data.set(k, v);
  }
  if (data.kind === 'arr' && data.partial) src.dataUnknown = true;
  return { kind: 'builtin', name: 'env.values', pkg: by, env: src };
}

/** `env.X` of an env-schema result: `data`, else the .env / example value, else the schema default, else unknown. */
export function envSchemaMember(linker: Linker, b: BuiltinValue, key: string, node: ts.Node | undefined, module: ModuleRecord): Value {
  const src = b.env;
  if (!src) return unknown(`'${key}' of ${b.pkg ?? b.name}`, node, module);
  const own = b.props?.get(key);
  if (own) return own;
  let v: Value | undefined = src.data.get(key);
  if (v === undefined && src.dataUnknown) return unknown(`${src.by}: the data option is known only at run time (${key})`, node, module);
  if (v === undefined && src.keys && !src.keys.has(key)) return UNDEF;
  if (v === undefined && src.readsEnv) {
    const fromFiles = envValue(linker, key, node, module, src.dotenv);
    if (fromFiles.kind !== 'unknown') v = fromFiles;
  }
  if (v === undefined) {
    const d = src.defaults.get(key);
    if (d !== undefined) {
      noteDefault(linker, key, src.by, node, module);
      return d;
    }
    return unknown(src.readsEnv ? `${key} of ${src.by} is only known at run time (process.env)` : `${key} of ${src.by} has no value`, node, module);
  }
  return coerce(v, src.types.get(key));
}

/** ajv's coerceTypes for the scalar types an env schema uses (an assumed value stays assumed). */
function coerce(v: Value, type: string | undefined): Value {
  const out = coerceType(v, type);
  return isAssumed(v) ? assumed(out) : out;
}

function coerceType(v: Value, type: string | undefined): Value {
  if (v.kind !== 'str' || !type) return v;
  if ((type === 'number' || type === 'integer') && v.v.trim() !== '' && !Number.isNaN(Number(v.v))) return num(Number(v.v));
  if (type === 'boolean' && (v.v === 'true' || v.v === 'false')) return bool(v.v === 'true');
  return v;
}

function noteDefault(linker: Linker, key: string, by: string, node: ts.Node | undefined, module: ModuleRecord): void {
  if (!linker.notes.first(`default\0${module.project?.dir ?? ''}\0${key}`)) return;
  const reason = `${key} taken from the ${by} schema default (no .env value; the value when the variable is not set)`;
  if (node) linker.report(node, module, reason);
  else linker.reportFile(module.path, reason);
}
