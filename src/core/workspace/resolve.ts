import { builtinModules } from 'node:module';
import * as posix from 'node:path/posix';
import type { Host } from '../host';
import { innermostProject, type Project, type WorkspaceScan } from './scan';

export type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string; subpath: string }
  | { kind: 'missing'; reason: string };

export interface Resolver {
  resolve(fromFile: string, specifier: string): Resolution;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** An import of `x.js` in TypeScript ESM names the file `x.ts`. */
const TS_TWINS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const BUILTINS = new Set(builtinModules);

/**
 * Module resolution for the analysis, through the Host only: relative and absolute paths (with
 * TypeScript's .js→.ts twins, extensions and folder index/main), tsconfig `paths` and `baseUrl`,
 * packages of the workspace itself, node builtins. Other packages stay names: node_modules is
 * never read.
 */
export function createResolver(host: Host, scan: WorkspaceScan): Resolver {
  const cache = new Map<string, Resolution>();
  const packagesByName = new Map<string, Project>();
  for (const p of scan.projects) if (p.name && !packagesByName.has(p.name)) packagesByName.set(p.name, p);

  const asFile = (p: string): string | undefined => {
    if (host.stat(p) === 'file') return p;
    const ext = posix.extname(p);
    for (const twin of TS_TWINS[ext] ?? []) {
      const q = p.slice(0, -ext.length) + twin;
      if (host.stat(q) === 'file') return q;
    }
    for (const e of EXTENSIONS) if (host.stat(p + e) === 'file') return p + e;
    return undefined;
  };
  const asDirectory = (dir: string, seen = new Set<string>()): string | undefined => {
    if (host.stat(dir) !== 'directory' || seen.has(dir)) return undefined;
    seen.add(dir);
    const main = packageEntry(dir);
    if (main) {
      const target = posix.resolve(dir, main);
      const hit = asFile(target) ?? asDirectory(target, seen);
      if (hit) return hit;
    }
    for (const e of EXTENSIONS) {
      const index = posix.join(dir, `index${e}`);
      if (host.stat(index) === 'file') return index;
    }
    return undefined;
  };
  const packageEntry = (dir: string): string | undefined => {
    const text = host.readFile(posix.join(dir, 'package.json'));
    if (text === undefined) return undefined;
    try {
      const pkg = JSON.parse(text) as { main?: unknown; exports?: unknown; module?: unknown };
      return exportsEntry(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : undefined);
    } catch {
      return undefined;
    }
  };
  const asPath = (p: string): string | undefined => asFile(p) ?? asDirectory(p);

  const viaTsconfig = (project: Project | undefined, spec: string): string | undefined => {
    const tc = project?.tsconfig;
    if (!tc) return undefined;
    if (tc.paths) {
      const patterns = Object.keys(tc.paths).sort((a, b) => prefixLength(b) - prefixLength(a));
      for (const pattern of patterns) {
        const star = matchPattern(pattern, spec);
        if (star === undefined) continue;
        for (const sub of tc.paths[pattern]) {
          const hit = asPath(posix.resolve(tc.pathsBase, sub.replace('*', star)));
          if (hit) return hit;
        }
      }
    }
    return tc.baseUrl ? asPath(posix.resolve(tc.baseUrl, spec)) : undefined;
  };

  const resolveUncached = (fromFile: string, spec: string): Resolution => {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/')) {
      const hit = asPath(posix.resolve(posix.dirname(fromFile), spec));
      return hit ? { kind: 'file', path: hit } : { kind: 'missing', reason: 'no such file' };
    }
    if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) return { kind: 'builtin', name: spec.replace(/^node:/, '') };
    const viaConfig = viaTsconfig(innermostProject(scan.projects, fromFile), spec);
    if (viaConfig) return { kind: 'file', path: viaConfig };
    const parts = spec.split('/');
    const nameLength = spec.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    const subpath = parts.slice(nameLength).join('/');
    const local = packagesByName.get(name);
    if (local) {
      const hit = subpath ? asPath(posix.join(local.dir, subpath)) : asDirectory(local.dir);
      if (hit) return { kind: 'file', path: hit };
    }
    return { kind: 'package', name, subpath };
  };

  return {
    resolve(fromFile, spec) {
      const key = `${posix.dirname(fromFile)}\0${spec}`;
      let r = cache.get(key);
      if (!r) {
        r = resolveUncached(fromFile, spec);
        cache.set(key, r);
      }
      return r;
    },
  };
}

/** The '.' entry of package.json "exports" (import/require/default conditions). */
function exportsEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return undefined;
  const o = exp as Record<string, unknown>;
  const dot = '.' in o ? o['.'] : o;
  if (typeof dot === 'string') return dot;
  if (dot && typeof dot === 'object') {
    for (const cond of ['import', 'require', 'node', 'default']) {
      const v = exportsEntry((dot as Record<string, unknown>)[cond]);
      if (v) return v;
    }
  }
  return undefined;
}

function prefixLength(pattern: string): number {
  const i = pattern.indexOf('*');
  return i < 0 ? pattern.length + 1 : i;
}

/** What `*` matches when `spec` fits the tsconfig paths pattern ('' for an exact pattern). */
function matchPattern(pattern: string, spec: string): string | undefined {
  const i = pattern.indexOf('*');
  if (i < 0) return pattern === spec ? '' : undefined;
  const before = pattern.slice(0, i);
  const after = pattern.slice(i + 1);
  if (spec.length < before.length + after.length || !spec.startsWith(before) || !spec.endsWith(after)) return undefined;
  return spec.slice(before.length, spec.length - after.length);
}
