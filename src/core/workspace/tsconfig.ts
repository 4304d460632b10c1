import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import type { Host } from '../host';
import type { Unresolved } from '../model';
import { exportsMap, mapTargets } from './package-maps';
import { findWorkspaceRoot } from './workspaces';

export interface TsConfigInfo {
  file: string;
  baseUrl?: string;
  paths?: Record<string, string[]>;
  /** Folder `paths` are relative to: baseUrl if set, else the folder of the tsconfig that declared them. */
  pathsBase: string;
  rootDir?: string;
  outDir?: string;
}

interface RawOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
  rootDir?: string;
  outDir?: string;
}

/** tsconfig.json of a folder, following `extends` (files and packages under node_modules), cycle-safe. */
export function readTsConfig(dir: string, host: Host, unresolved: Unresolved[]): TsConfigInfo | undefined {
  const file = posix.join(dir, 'tsconfig.json');
  if (host.stat(file) !== 'file') return undefined;
  const merged: TsConfigInfo = { file, pathsBase: dir };
  const chain = loadChain(file, host, unresolved, new Set());
  // Base first, so the extending file overrides; relative paths are relative to their own file.
  // `${configDir}` (TypeScript 5.5) is the folder of the tsconfig being used, whichever file says it.
  const sub = (v: string) => (typeof v === 'string' ? v.split('${configDir}').join(dir) : v);
  for (const { file: f, options } of chain) {
    const d = posix.dirname(f);
    if (typeof options.baseUrl === 'string') merged.baseUrl = posix.resolve(d, sub(options.baseUrl));
    if (options.paths && typeof options.paths === 'object') {
      merged.paths = Object.fromEntries(
        Object.entries(options.paths).map(([k, v]) => [k, Array.isArray(v) ? v.filter((x) => typeof x === 'string').map(sub) : []]),
      );
      merged.pathsBase = d;
    }
    if (typeof options.rootDir === 'string') merged.rootDir = posix.resolve(d, sub(options.rootDir));
    if (typeof options.outDir === 'string') merged.outDir = posix.resolve(d, sub(options.outDir));
  }
  if (merged.baseUrl) merged.pathsBase = merged.baseUrl;
  return merged;
}

function loadChain(file: string, host: Host, unresolved: Unresolved[], seen: Set<string>): { file: string; options: RawOptions }[] {
  if (seen.has(file)) {
    unresolved.push({ file, reason: 'tsconfig "extends" cycle' });
    return [];
  }
  seen.add(file);
  const text = host.readFile(file);
  if (text === undefined) {
    unresolved.push({ file, reason: 'tsconfig file could not be read' });
    return [];
  }
  const parsed = ts.parseConfigFileTextToJson(file, text);
  if (parsed.error || typeof parsed.config !== 'object' || parsed.config === null) {
    unresolved.push({ file, reason: `tsconfig could not be parsed: ${parsed.error ? ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ') : 'not an object'}` });
    return [];
  }
  const config = parsed.config as { extends?: string | string[]; compilerOptions?: RawOptions };
  const bases = config.extends === undefined ? [] : Array.isArray(config.extends) ? config.extends : [config.extends];
  const out: { file: string; options: RawOptions }[] = [];
  for (const b of bases) {
    if (typeof b !== 'string') continue;
    const target = extendsTarget(posix.dirname(file), b, host);
    if (target) out.push(...loadChain(target, host, unresolved, seen));
    else unresolved.push({ file, reason: `tsconfig "extends": '${b}' not found` });
  }
  out.push({ file, options: config.compilerOptions ?? {} });
  return out;
}

function extendsTarget(dir: string, spec: string, host: Host): string | undefined {
  const candidates: string[] = [];
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const p = posix.resolve(dir, spec);
    candidates.push(p, `${p}.json`, posix.join(p, 'tsconfig.json'));
  } else {
    for (let d = dir; ; d = posix.dirname(d)) {
      const p = posix.join(d, 'node_modules', spec);
      candidates.push(p, `${p}.json`, posix.join(p, 'tsconfig.json'));
      if (d === '/' || d === '.') break;
    }
  }
  return candidates.find((c) => host.stat(c) === 'file') ?? (isBare(spec) ? workspacePackageTarget(dir, spec, host) : undefined);
}

function isBare(spec: string): boolean {
  return !spec.startsWith('.') && !spec.startsWith('/');
}

/**
 * A base config in a package of the monorepo (pnpm-workspace.yaml / `workspaces`), found by name
 * when no node_modules link is there: `@acme/tsconfig/base.json`, `@acme/tsconfig` (its package.json
 * "tsconfig" field or tsconfig.json), or a subpath its "exports" maps.
 */
function workspacePackageTarget(dir: string, spec: string, host: Host): string | undefined {
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.slice(nameLength).join('/');
  const pkgDir = findWorkspaceRoot(dir, host)?.packages.get(name);
  if (!pkgDir) return undefined;
  let pkg: Record<string, unknown> = {};
  try {
    pkg = JSON.parse(host.readFile(posix.join(pkgDir, 'package.json')) ?? '{}') as Record<string, unknown>;
  } catch {
    pkg = {};
  }
  const candidates: string[] = [];
  const map = exportsMap(pkg.exports);
  if (map) for (const t of mapTargets(map, subpath ? `./${subpath}` : '.', new Set(['types', 'require', 'import', 'node', 'default']))) candidates.push(posix.resolve(pkgDir, t));
  if (subpath) {
    const p = posix.join(pkgDir, subpath);
    candidates.push(p, `${p}.json`, posix.join(p, 'tsconfig.json'));
  } else {
    if (typeof pkg.tsconfig === 'string') candidates.push(posix.resolve(pkgDir, pkg.tsconfig));
    candidates.push(posix.join(pkgDir, 'tsconfig.json'));
  }
  return candidates.find((c) => host.stat(c) === 'file');
}
