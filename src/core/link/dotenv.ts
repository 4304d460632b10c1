import * as posix from 'node:path/posix';
import type { ts } from 'ts-morph';
import type { Linker } from './linker';
import type { ModuleRecord } from './module-record';
import { str, unknown, type Value } from './values';

/**
 * `process.env.X` as data: the `.env` file of the project (the package.json folder of the file)
 * gives X when it defines it (dotenv, @fastify/env with `dotenv: true` and `node --env-file` all
 * load it), else an example file (`.env.example`, `.env.sample`, `.env.dist`) gives an assumed
 * value; either way one unresolved note per variable says where the value came from. Read as data
 * through the Host, never run.
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
const notedByLinker = new WeakMap<Linker, Set<string>>();

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

/** The value of `process.env.<key>` read at `node` of `module`. */
export function envValue(linker: Linker, key: string, node: ts.Node | undefined, module: ModuleRecord): Value {
  const dir = module.project?.dir;
  const runtime = () => unknown(`process.env.${key} is only known at run time`, node, module);
  if (!dir) return runtime();
  const files = envFiles(linker, dir);
  const note = (reason: string) => {
    let noted = notedByLinker.get(linker);
    if (!noted) notedByLinker.set(linker, (noted = new Set()));
    const id = `${dir}\0${key}`;
    if (noted.has(id)) return;
    noted.add(id);
    if (node) linker.report(node, module, reason);
    else linker.reportFile(module.path, reason);
  };
  const fromEnv = files.env?.get(key);
  if (fromEnv !== undefined) {
    note(`${key} taken from .env (the value when the app loads it: dotenv, @fastify/env, node --env-file)`);
    return str(fromEnv);
  }
  const fromExample = files.example?.vars.get(key);
  if (fromExample !== undefined) {
    note(`${key} taken from ${files.example!.file} (assumed)`);
    return str(fromExample);
  }
  return runtime();
}
