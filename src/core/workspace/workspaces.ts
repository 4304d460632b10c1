import * as posix from 'node:path/posix';
import picomatch from 'picomatch';
import type { Host } from '../host';

/** A monorepo root: the folder with `pnpm-workspace.yaml` or a package.json `workspaces` field. */
export interface WorkspaceRoot {
  dir: string;
  /** The globs as written (relative to `dir`, `!` for exclusions). */
  globs: string[];
  /** Dependencies declared by the root package.json (all kinds). */
  deps: Record<string, string>;
  /** Package name → folder of each workspace package the globs name. */
  packages: Map<string, string>;
}

const MAX_GLOB_DEPTH = 8;
const MAX_PACKAGES = 2_000;

/** The globs a folder declares as workspace root, or undefined when it is not one. */
export function workspaceGlobs(dir: string, host: Host): string[] | undefined {
  const yaml = host.readFile(posix.join(dir, 'pnpm-workspace.yaml')) ?? host.readFile(posix.join(dir, 'pnpm-workspace.yml'));
  if (yaml !== undefined) return pnpmWorkspacePackages(yaml);
  const pkg = readJson(host, posix.join(dir, 'package.json'));
  const ws = pkg?.workspaces;
  if (Array.isArray(ws)) return ws.filter((g): g is string => typeof g === 'string');
  if (ws && typeof ws === 'object') {
    const p = (ws as { packages?: unknown }).packages;
    if (Array.isArray(p)) return p.filter((g): g is string => typeof g === 'string');
  }
  return undefined;
}

/** The nearest workspace root at or above `dir` (pnpm-workspace.yaml or `workspaces`). */
export function findWorkspaceRoot(dir: string, host: Host): WorkspaceRoot | undefined {
  return workspaceRootFinder(host)(dir);
}

/** `findWorkspaceRoot` with every folder and root remembered: for many look-ups in one analysis. */
export function workspaceRootFinder(host: Host): (dir: string) => WorkspaceRoot | undefined {
  const byDir = new Map<string, WorkspaceRoot | undefined>();
  const find = (dir: string): WorkspaceRoot | undefined => {
    if (byDir.has(dir)) return byDir.get(dir);
    const globs = workspaceGlobs(dir, host);
    const parent = posix.dirname(dir);
    const root = globs ? loadWorkspaceRoot(dir, globs, host) : dir === '/' || dir === '.' || parent === dir ? undefined : find(parent);
    byDir.set(dir, root);
    return root;
  };
  return find;
}

function loadWorkspaceRoot(dir: string, globs: string[], host: Host): WorkspaceRoot {
  const pkg = readJson(host, posix.join(dir, 'package.json'));
  const deps: Record<string, string> = {};
  for (const key of ['peerDependencies', 'optionalDependencies', 'devDependencies', 'dependencies']) {
    const d = pkg?.[key];
    if (d && typeof d === 'object') for (const [k, v] of Object.entries(d)) if (typeof v === 'string') deps[k] = v;
  }
  const packages = new Map<string, string>();
  for (const folder of expandWorkspaceGlobs(dir, globs, host)) {
    const name = readJson(host, posix.join(folder, 'package.json'))?.name;
    if (typeof name === 'string' && !packages.has(name)) packages.set(name, folder);
  }
  return { dir, globs, deps, packages };
}

/** Folders under `root` holding a package.json that the workspace globs include (never node_modules). */
export function expandWorkspaceGlobs(root: string, globs: string[], host: Host): string[] {
  const include = globs.filter((g) => !g.startsWith('!')).map(normaliseGlob).filter((g) => g !== '');
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => normaliseGlob(g.slice(1)));
  if (include.length === 0) return [];
  const isIncluded = picomatch(include, { dot: false });
  const isExcluded = exclude.length ? picomatch(exclude, { dot: false }) : () => false;
  const out: string[] = [];
  const seen = new Set<string>();
  let maxDepth = MAX_GLOB_DEPTH;
  const visit = (rel: string, depth: number) => {
    if (out.length >= MAX_PACKAGES || depth > maxDepth) return;
    const dir = rel ? posix.join(root, rel) : root;
    const real = host.realpath(dir) ?? dir;
    if (seen.has(real)) return;
    seen.add(real);
    if (rel && isIncluded(rel) && !isExcluded(rel) && host.stat(posix.join(dir, 'package.json')) === 'file') out.push(dir);
    for (const e of host.readDirectory(dir) ?? []) {
      if (e.kind !== 'directory' && e.kind !== 'symlink-directory') continue;
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      visit(rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  // Walk only below the static part of each glob, and no deeper than it can match.
  const depthOf = (g: string) => (g.includes('**') ? MAX_GLOB_DEPTH : g.split('/').length);
  maxDepth = Math.min(MAX_GLOB_DEPTH, Math.max(...include.map(depthOf)));
  const bases = new Set(include.map((g) => picomatch.scan(g).base.replace(/\/$/, '')));
  for (const base of bases) {
    if (host.stat(base ? posix.join(root, base) : root) === 'directory') visit(base, base ? base.split('/').length : 0);
  }
  return out.sort();
}

function normaliseGlob(g: string): string {
  return g.trim().replace(/^\.\//, '').replace(/\/+$/, '').replace(/\/package\.json$/, '');
}

/**
 * The `packages:` list of a pnpm-workspace.yaml: the small YAML subset it uses (a block list or a
 * flow list `[a, b]`, quoted or plain scalars, comments). Other keys are ignored.
 */
export function pnpmWorkspacePackages(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^packages\s*:\s*(.*)$/.exec(stripComment(lines[i]));
    if (!m) continue;
    const rest = m[1].trim();
    if (rest.startsWith('[')) {
      let flow = rest;
      while (!flow.includes(']') && i + 1 < lines.length) flow += ' ' + stripComment(lines[++i]).trim();
      for (const item of flow.slice(1, flow.indexOf(']')).split(',')) {
        const v = scalar(item);
        if (v) out.push(v);
      }
      return out;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const line = stripComment(lines[j]);
      if (line.trim() === '') continue;
      if (!/^\s/.test(line) && !line.startsWith('-')) break;
      const item = /^\s*-\s*(.*)$/.exec(line);
      if (!item) break;
      const v = scalar(item[1]);
      if (v) out.push(v);
    }
    return out;
  }
  return out;
}

function stripComment(line: string): string {
  // A '#' starts a comment at the line start or after whitespace, outside quotes.
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).replace(/\s+$/, '');
  }
  return line;
}

function scalar(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

function readJson(host: Host, file: string): Record<string, unknown> | undefined {
  const text = host.readFile(file);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
