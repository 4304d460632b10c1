import * as posix from 'node:path/posix';
import * as semver from 'semver';
import type { Host } from '../host';

/**
 * The version of a package a project really uses, read as data (never loaded): the installed
 * `node_modules/<pkg>/package.json` (the project's folder, then its parents up to the workspace
 * root), else the nearest lockfile that names it (package-lock.json / npm-shrinkwrap.json v1–v3,
 * yarn.lock classic and berry, pnpm-lock.yaml), else the lowest version the declared range allows.
 */

export type VersionSource = 'installed' | 'lockfile' | 'range';

export interface UsedVersion {
  version: string;
  source: VersionSource;
  /** The range the project's package.json declares, when it does. */
  range?: string;
  /** The manifest or lockfile the version was read from. */
  file?: string;
}

/** The packages whose versions change what the graph looks like (see link/version-rules.ts). */
export const TRACKED_PACKAGES = ['fastify', '@fastify/autoload', 'fastify-plugin'] as const;

/** What versionOf needs of a project (scan.ts `Project` has it). */
export interface ProjectLike {
  dir: string;
  deps: Record<string, string>;
}

export interface VersionProblem {
  file: string;
  reason: string;
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'] as const;

type LockIndex = (projectRel: string, pkg: string, range: string | undefined) => string | undefined;

/** Reads manifests and lockfiles through the Host; each lockfile is parsed once. */
export class VersionReader {
  private readonly locks = new Map<string, LockIndex | null>();
  /** Lockfiles that could not be parsed (each reported once). */
  readonly problems: VersionProblem[] = [];

  constructor(
    readonly root: string,
    readonly host: Host,
  ) {}

  versionOf(project: ProjectLike, pkg: string): UsedVersion | undefined {
    const range = project.deps[pkg];
    const installed = this.installed(project.dir, pkg);
    if (installed) return { ...installed, range };
    const locked = this.locked(project.dir, pkg, range);
    if (locked) return { ...locked, range };
    const lowest = lowestOf(range);
    return lowest ? { version: lowest, source: 'range', range } : undefined;
  }

  /** The folders from `dir` up to the workspace root (both included); only `dir` when outside it. */
  private folders(dir: string): string[] {
    const out = [dir];
    if (dir !== this.root && !dir.startsWith(this.root.endsWith('/') ? this.root : this.root + '/')) return out;
    for (let d = dir; d !== this.root; ) {
      const up = posix.dirname(d);
      if (up === d) break;
      out.push(up);
      d = up;
    }
    return out;
  }

  private installed(dir: string, pkg: string): Omit<UsedVersion, 'range'> | undefined {
    for (const d of this.folders(dir)) {
      const file = posix.join(d, 'node_modules', pkg, 'package.json');
      const text = this.host.readFile(file);
      if (text === undefined) continue;
      try {
        const v = (JSON.parse(text) as { version?: unknown }).version;
        if (typeof v === 'string' && semver.valid(v)) return { version: v, source: 'installed', file };
      } catch {
        // A broken manifest says nothing; the lockfile or the range decide.
      }
    }
    return undefined;
  }

  private locked(dir: string, pkg: string, range: string | undefined): Omit<UsedVersion, 'range'> | undefined {
    for (const d of this.folders(dir)) {
      for (const name of LOCKFILES) {
        const file = posix.join(d, name);
        const index = this.lock(file, name);
        if (!index) continue;
        const v = index(posix.relative(d, dir), pkg, range);
        if (v) return { version: v, source: 'lockfile', file };
      }
    }
    return undefined;
  }

  private lock(file: string, name: (typeof LOCKFILES)[number]): LockIndex | null {
    const cached = this.locks.get(file);
    if (cached !== undefined) return cached;
    let index: LockIndex | null = null;
    const text = this.host.readFile(file);
    if (text !== undefined) {
      try {
        index = name === 'yarn.lock' ? yarnIndex(text) : name === 'pnpm-lock.yaml' ? pnpmIndex(text) : npmIndex(text);
      } catch (err) {
        this.problems.push({ file, reason: `${name} could not be parsed (${(err as Error).message}): versions are not read from it` });
      }
    }
    this.locks.set(file, index);
    return index;
  }
}

/** One-off look-up; use a VersionReader to share parsed lockfiles. */
export function versionOf(project: ProjectLike, pkg: string, root: string, host: Host): UsedVersion | undefined {
  return new VersionReader(root, host).versionOf(project, pkg);
}

/** A range as written in package.json, without an `npm:name@` alias prefix; undefined for non-registry specs. */
export function registryRange(range: string | undefined): string | undefined {
  if (range === undefined) return undefined;
  const r = range.trim().replace(/^npm:(?:@[^/@]+\/)?[^@]+@/, '');
  if (/^(?:file|link|workspace|git|git\+\w+|https?|github|portal|patch):/.test(r) || r.includes('/')) return undefined;
  return r;
}

/** The lowest version a range allows (`^6.0.0` → 6.0.0); undefined for `*`, `latest`, tags and non-registry specs. */
export function lowestOf(range: string | undefined): string | undefined {
  const r = registryRange(range);
  if (r === undefined || semver.validRange(r) === null) return undefined;
  try {
    const min = semver.minVersion(r);
    return min && min.major > 0 ? min.version : undefined;
  } catch {
    return undefined;
  }
}

function clean(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // pnpm peer suffixes: 5.2.1(typescript@5.0.0) or 4.28.1_ajv@8; yarn berry: 6.3.1 as is.
  const m = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(v.trim());
  return m && semver.valid(m[1]) ? m[1] : undefined;
}

// ---- package-lock.json / npm-shrinkwrap.json -----------------------------------------------

function npmIndex(text: string): LockIndex {
  const lock = JSON.parse(text) as { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
  if (!lock || typeof lock !== 'object') throw new Error('not an object');
  return (projectRel, pkg) => {
    if (lock.packages && typeof lock.packages === 'object') {
      // v2/v3: "node_modules/<pkg>", nested for workspaces: "<project>/node_modules/<pkg>".
      const keys = projectRel ? [`${projectRel}/node_modules/${pkg}`, `node_modules/${pkg}`] : [`node_modules/${pkg}`];
      for (const k of keys) {
        const v = clean(lock.packages[k]?.version);
        if (v) return v;
      }
      return undefined;
    }
    // v1: top-level "dependencies" (hoisted); an aliased entry's version is "npm:name@x.y.z".
    const entry = lock.dependencies?.[pkg];
    const raw = entry?.version?.replace(/^npm:(?:@[^/@]+\/)?[^@]+@/, '');
    return clean(raw);
  };
}

// ---- yarn.lock (classic v1 and berry) ------------------------------------------------------

interface YarnEntry {
  specs: { name: string; range: string }[];
  version?: string;
}

function unquote(s: string): string {
  const t = s.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}

function yarnIndex(text: string): LockIndex {
  const entries: YarnEntry[] = [];
  let current: YarnEntry | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      if (!line.trimEnd().endsWith(':')) throw new Error(`unexpected line '${line.slice(0, 40)}'`);
      const header = line.trimEnd().slice(0, -1);
      const specs = header
        .split(',')
        .map(unquote)
        .filter(Boolean)
        .map((spec) => {
          const at = spec.indexOf('@', 1);
          return at < 0 ? { name: spec, range: '' } : { name: spec.slice(0, at), range: spec.slice(at + 1).replace(/^npm:/, '') };
        });
      current = { specs };
      entries.push(current);
      continue;
    }
    const m = /^ {2}version:?\s+(.+)$/.exec(line);
    if (m && current) current.version = clean(unquote(m[1]));
  }
  return (_projectRel, pkg, range) => {
    const own = entries.filter((e) => e.specs.some((s) => s.name === pkg) && e.version);
    const r = registryRange(range);
    const exact = r === undefined ? undefined : own.find((e) => e.specs.some((s) => s.name === pkg && s.range === r));
    if (exact) return exact.version;
    // Only one version of the package in the lockfile: that is the one.
    const versions = new Set(own.map((e) => e.version));
    return versions.size === 1 ? own[0].version : undefined;
  };
}

// ---- pnpm-lock.yaml (v5.x, v6, v9) ----------------------------------------------------------

const DEP_SECTIONS = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);

function pnpmIndex(text: string): LockIndex {
  if (!/^lockfileVersion:/m.test(text)) throw new Error('no lockfileVersion');
  // importer ('.' for a lockfile without importers) → package → version
  const importers = new Map<string, Map<string, string>>();
  const lines = text.split(/\r?\n/);
  let inImporters = false;
  let importer: string | undefined;
  let sectionIndent = -1;
  let pkgName: string | undefined;
  let pkgIndent = -1;
  const put = (name: string, raw: string) => {
    const v = clean(unquote(raw));
    if (!v) return;
    const key = importer ?? '.';
    if (!importers.has(key)) importers.set(key, new Map());
    importers.get(key)!.set(name, v);
  };
  for (const line of lines) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^\s*((?:'[^']*'|"[^"]*"|[^:\s][^:]*?)):(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const key = unquote(m[1]);
    const value = m[2]?.trim();
    if (indent === 0) {
      inImporters = key === 'importers';
      importer = undefined;
      sectionIndent = DEP_SECTIONS.has(key) ? 0 : -1;
      pkgName = undefined;
      continue;
    }
    if (inImporters && indent === 2) {
      importer = key;
      sectionIndent = -1;
      pkgName = undefined;
      continue;
    }
    if (inImporters && indent === 4) {
      sectionIndent = DEP_SECTIONS.has(key) ? 4 : -1;
      pkgName = undefined;
      continue;
    }
    if (sectionIndent < 0) continue;
    if (indent === sectionIndent + 2) {
      pkgName = key;
      pkgIndent = indent;
      if (value) put(key, value);
    } else if (pkgName && indent === pkgIndent + 2 && key === 'version' && value) {
      put(pkgName, value);
    }
  }
  return (projectRel, pkg) => importers.get(projectRel || '.')?.get(pkg);
}
