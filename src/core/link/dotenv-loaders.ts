import * as posix from 'node:path/posix';
import type { Linker } from './linker';

/**
 * Whether a project loads its `.env` file into process.env, read as data (package.json scripts and
 * the project's source text, never run). What loads it, from the packages' sources:
 * - dotenv: `require('dotenv').config()` / `import { config } from 'dotenv'; config()` (no `path`,
 *   or a `path` naming `.env`), `require('dotenv/config')` / `import 'dotenv/config'`, and
 *   `-r dotenv/config` / `--require` / `--import dotenv/config` in a script;
 * - Node: `node --env-file=.env` (or `--env-file-if-exists`), `process.loadEnvFile()`;
 * - fastify-cli `fastify start`: start.js loads the cwd's `.env` at startup (v1–v7:
 *   `require('dotenv').config()`; v8: `process.loadEnvFile()` in env-loader.js).
 * env-schema (7+) and @fastify/env with `dotenv: true` read `.env` into their own result only
 * (node:util parseEnv, process.env untouched): dotenv.ts envSchemaMember handles that.
 */

const SCRIPT_LOADERS: { re: RegExp; what: string }[] = [
  { re: /(?:^|\s|['"])(?:-r|--require|--import)(?:\s+|=)['"]?dotenv\/config\b/, what: 'a script preloads dotenv/config' },
  { re: /--env-file(?:-if-exists)?(?:\s+|=)['"]?(?:\.\/)?\.env(?=['"]?(?:\s|$))/, what: 'a script runs node --env-file=.env' },
];

const DOTENV_MODULE = /(?:require\s*\(\s*|import\s*\(\s*|\bfrom\s+)['"]dotenv['"]/;
const SOURCE_LOADERS: { re: RegExp; what: string; needs?: RegExp }[] = [
  { re: /(?:require\s*\(\s*|import\s*\(\s*|\bimport\s+|\bfrom\s+)['"]dotenv\/config(?:\.js)?['"]/, what: "the code imports 'dotenv/config'" },
  // config() / config({ … }) without a path, or with a path naming .env.
  { re: /\bconfig\s*\(\s*(?:\)|\{(?![^}]*\bpath\b)|\{[^}]*\bpath\s*:\s*[^}]*?['"`](?:[^'"`]*\/)?\.env['"`])/, what: "the code calls dotenv's config()", needs: DOTENV_MODULE },
  { re: /\bprocess\.loadEnvFile\s*\(\s*(?:\)|['"`](?:\.\/)?\.env['"`])/, what: 'the code calls process.loadEnvFile()' },
];

const cache = new WeakMap<Linker, Map<string, string | null>>();

/** How the project in `dir` loads `.env` (for notes), or undefined when nothing does. */
export function dotenvLoader(linker: Linker, dir: string): string | undefined {
  let byDir = cache.get(linker);
  if (!byDir) cache.set(linker, (byDir = new Map()));
  let found = byDir.get(dir);
  if (found === undefined) {
    found = findLoader(linker, dir) ?? null;
    byDir.set(dir, found);
  }
  return found ?? undefined;
}

function findLoader(linker: Linker, dir: string): string | undefined {
  const project = linker.scan.projects.find((p) => p.dir === dir);
  if (project?.cliEntries.length) return 'fastify start loads it';
  const pkg = linker.host.readFile(posix.join(dir, 'package.json'));
  if (pkg !== undefined) {
    try {
      const scripts = (JSON.parse(pkg) as { scripts?: unknown }).scripts;
      if (scripts && typeof scripts === 'object') {
        for (const s of Object.values(scripts)) {
          if (typeof s !== 'string') continue;
          const hit = SCRIPT_LOADERS.find((l) => l.re.test(s));
          if (hit) return hit.what;
        }
      }
    } catch {
      // A broken package.json has no scripts to read.
    }
  }
  for (const f of linker.scan.files) {
    if (f.project?.dir !== dir) continue;
    const text = linker.host.readFile(f.path);
    if (!text || !/dotenv|loadEnvFile/.test(text)) continue;
    const hit = SOURCE_LOADERS.find((l) => l.re.test(text) && (!l.needs || l.needs.test(text)));
    if (hit) return `${hit.what} (${posix.relative(dir, f.path)})`;
  }
  return undefined;
}
