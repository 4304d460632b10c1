import { builtinModules } from 'node:module';
import * as posix from 'node:path/posix';
import type { Host } from '../host';
import { conditionsFor, exportsMap, mapTargets, type ModuleKind } from './package-maps';
import { innermostProject, type Project, type WorkspaceScan } from './scan';
import { workspaceRootFinder, type WorkspaceRoot } from './workspaces';

export type { ModuleKind };

export type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'builtin'; name: string }
  /** `note`: the name is not declared anywhere the app could get it from (said as unresolved). */
  | { kind: 'package'; name: string; subpath: string; note?: string }
  | { kind: 'missing'; reason: string };

export interface Resolver {
  /** `kind` picks the `require` or `import` condition of package.json `imports`/`exports`. */
  resolve(fromFile: string, specifier: string, kind?: ModuleKind): Resolution;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** An import of `x.js` in TypeScript ESM names the file `x.ts`. */
const TS_TWINS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const BUILTINS = new Set(builtinModules);

interface PackageFields {
  imports?: Record<string, unknown>;
  exports?: unknown;
  main?: string;
  aliases?: [string, string][];
}

/**
 * Module resolution for the analysis, through the Host only: relative and absolute paths (with
 * TypeScript's .js→.ts twins, extensions and folder index/main), package.json `imports` (`#x`,
 * with Node's conditions), tsconfig `paths` and `baseUrl`, module-alias `_moduleAliases`,
 * packages of the workspace itself (scanned package.json files and the globs of
 * pnpm-workspace.yaml / `workspaces`, with their `exports`), node builtins. Other packages stay
 * names: node_modules is never read. A bare name no package.json declares carries a note.
 */
export function createResolver(host: Host, scan: WorkspaceScan): Resolver {
  const cache = new Map<string, Resolution>();
  const fieldsCache = new Map<string, PackageFields | undefined>();
  const rootOf: (dir: string) => WorkspaceRoot | undefined = workspaceRootFinder(host);
  // Packages the workspace globs name come first (also those outside the scanned folder), then
  // every other package.json the scan found.
  const packagesByName = new Map<string, string>();
  for (const dir of new Set([scan.root, ...scan.projects.map((p) => p.dir)])) {
    for (const [name, pkgDir] of rootOf(dir)?.packages ?? []) if (!packagesByName.has(name)) packagesByName.set(name, pkgDir);
  }
  for (const p of scan.projects) if (p.name && !packagesByName.has(p.name)) packagesByName.set(p.name, p.dir);

  const fieldsOf = (dir: string): PackageFields | undefined => {
    if (fieldsCache.has(dir)) return fieldsCache.get(dir);
    let fields: PackageFields | undefined;
    const text = host.readFile(posix.join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        const pkg = JSON.parse(text) as Record<string, unknown>;
        fields = {
          imports: pkg.imports && typeof pkg.imports === 'object' && !Array.isArray(pkg.imports) ? (pkg.imports as Record<string, unknown>) : undefined,
          exports: pkg.exports,
          main: typeof pkg.main === 'string' ? pkg.main : undefined,
          aliases: aliasesOf(pkg._moduleAliases),
        };
      } catch {
        fields = undefined;
      }
    }
    fieldsCache.set(dir, fields);
    return fields;
  };

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
  const asDirectory = (dir: string, kind: ModuleKind | undefined, seen = new Set<string>()): string | undefined => {
    if (host.stat(dir) !== 'directory' || seen.has(dir)) return undefined;
    seen.add(dir);
    const fields = fieldsOf(dir);
    const entries = [...(fields ? mapTargets(exportsMap(fields.exports) ?? {}, '.', conditionsFor(kind)) : []), ...(fields?.main ? [fields.main] : [])];
    for (const main of entries) {
      const target = posix.resolve(dir, main);
      const hit = asFile(target) ?? asDirectory(target, kind, seen);
      if (hit) return hit;
    }
    for (const e of EXTENSIONS) {
      const index = posix.join(dir, `index${e}`);
      if (host.stat(index) === 'file') return index;
    }
    return undefined;
  };
  const asPath = (p: string, kind?: ModuleKind): string | undefined => asFile(p) ?? asDirectory(p, kind);

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

  /** Projects containing a file, innermost first. */
  const enclosing = (file: string): Project[] =>
    scan.projects.filter((p) => file.startsWith(p.dir + '/')).sort((a, b) => b.dir.length - a.dir.length);

  /** A workspace package by name: its `exports` (with conditions), else the folder and subpath. */
  const viaWorkspacePackage = (name: string, subpath: string, kind: ModuleKind | undefined): string | undefined => {
    const dir = packagesByName.get(name);
    if (!dir) return undefined;
    const map = exportsMap(fieldsOf(dir)?.exports);
    if (map) {
      for (const t of mapTargets(map, subpath ? `./${subpath}` : '.', conditionsFor(kind))) {
        const hit = asPath(posix.resolve(dir, t), kind);
        if (hit) return hit;
      }
    }
    return subpath ? asPath(posix.join(dir, subpath), kind) : asDirectory(dir, kind);
  };

  const resolveBare = (fromFile: string, spec: string, kind: ModuleKind | undefined, depth: number): Resolution => {
    if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) return { kind: 'builtin', name: spec.replace(/^node:/, '') };
    const projects = enclosing(fromFile);
    const viaConfig = viaTsconfig(projects[0] ?? innermostProject(scan.projects, fromFile), spec);
    if (viaConfig) return { kind: 'file', path: viaConfig };
    if (spec.startsWith('#')) {
      // Node reads `imports` of the nearest package.json only.
      const scope = projects[0];
      const imports = scope ? fieldsOf(scope.dir)?.imports : undefined;
      if (!scope || !imports) return { kind: 'missing', reason: `'${spec}' is not in the "imports" of a package.json` };
      const targets = mapTargets(imports, spec, conditionsFor(kind));
      if (targets.length === 0) return { kind: 'missing', reason: `'${spec}' matches no entry of the "imports" in ${posix.join(posix.basename(scope.dir), 'package.json')}` };
      for (const t of targets) {
        if (t.startsWith('./')) {
          const hit = asPath(posix.resolve(scope.dir, t), kind);
          if (hit) return { kind: 'file', path: hit };
        } else if (!t.startsWith('/') && !t.startsWith('../') && !t.startsWith('#') && depth < 8) {
          return resolveBare(fromFile, t, kind, depth + 1);
        }
      }
      return { kind: 'missing', reason: `"imports" maps '${spec}' to ${targets.map((t) => `'${t}'`).join(', ')}: no such file` };
    }
    for (const p of projects) {
      for (const [alias, target] of fieldsOf(p.dir)?.aliases ?? []) {
        if (spec !== alias && !spec.startsWith(alias.endsWith('/') ? alias : `${alias}/`)) continue;
        const rest = spec.slice(alias.length).replace(/^\//, '');
        const base = posix.resolve(p.dir, target);
        const hit = asPath(rest ? posix.join(base, rest) : base, kind);
        return hit ? { kind: 'file', path: hit } : { kind: 'missing', reason: `module alias '${alias}' → '${target}' (package.json "_moduleAliases"): no such file` };
      }
    }
    const parts = spec.split('/');
    const nameLength = spec.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    const subpath = parts.slice(nameLength).join('/');
    const local = viaWorkspacePackage(name, subpath, kind);
    if (local) return { kind: 'file', path: local };
    if (projects.length === 0 || declared(projects, name)) return { kind: 'package', name, subpath };
    return { kind: 'package', name, subpath, note: `'${spec}' is not a dependency in package.json, an alias or a workspace package` };
  };

  const declared = (projects: Project[], name: string): boolean => {
    for (const p of projects) {
      if (name in p.deps || p.name === name) return true;
      const root = rootOf(p.dir);
      if (root && name in root.deps) return true;
    }
    return false;
  };

  const resolveUncached = (fromFile: string, spec: string, kind: ModuleKind | undefined): Resolution => {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/')) {
      const hit = asPath(posix.resolve(posix.dirname(fromFile), spec), kind);
      return hit ? { kind: 'file', path: hit } : { kind: 'missing', reason: 'no such file' };
    }
    return resolveBare(fromFile, spec, kind, 0);
  };

  return {
    resolve(fromFile, spec, kind) {
      const key = `${posix.dirname(fromFile)}\0${kind ?? ''}\0${spec}`;
      let r = cache.get(key);
      if (!r) {
        r = resolveUncached(fromFile, spec, kind);
        cache.set(key, r);
      }
      return r;
    },
  };
}

/** module-alias's `_moduleAliases`, longest alias first (as it matches them). */
function aliasesOf(raw: unknown): [string, string][] | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out = Object.entries(raw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '');
  return out.sort((a, b) => b[0].length - a[0].length);
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
