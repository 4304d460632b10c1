import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Set by the bundler (scripts/analyser-stamp.mjs): a hash of the bundle's own code, so any change
 * to the analyser (or to a TypeScript parser bundled with it) gives a new version and an old
 * cache is never read. Undefined when running from source (tests under tsx).
 */
declare const __FASTIFY_LENS_ANALYSER__: string | undefined;

let memo: string | undefined;

/**
 * The version a cache file must carry to be used: the bundle's stamp (or, from source, a hash of
 * every file of `src/core`), plus the version of an external ts-morph (the CLI's parser) and of
 * Node (module resolution reads its list of builtin modules).
 */
export function analyserVersion(): string {
  if (memo !== undefined) return memo;
  const code = typeof __FASTIFY_LENS_ANALYSER__ === 'string' ? __FASTIFY_LENS_ANALYSER__ : `source:${sourceHash(path.join(__dirname, '..'))}`;
  memo = `${code}+ts-morph@${externalTsMorph()}+node@${process.versions.node}`;
  return memo;
}

function externalTsMorph(): string {
  try {
    return (require('ts-morph/package.json') as { version: string }).version;
  } catch {
    return 'bundled';
  }
}

/** Hash of every file under `dir`, by relative path and content. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) hash.update(`${path.relative(dir, p)}\0`).update(fs.readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}
