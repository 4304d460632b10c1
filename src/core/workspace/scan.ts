import * as posix from 'node:path/posix';
import type { Host } from '../host';
import type { Unresolved } from '../model';

export interface TsConfigInfo { file: string; baseUrl?: string; paths?: Record<string, string[]>; pathsBase: string; rootDir?: string; outDir?: string }
export interface Project {
  dir: string; name?: string; moduleType: 'commonjs' | 'module'; deps: Record<string, string>; fastifyRange?: string; fastifyMajor: 4 | 5;
  usesFastifyCli: boolean; cliEntries: string[]; cliPrefix?: string; main?: string; exports?: unknown; tsconfig?: TsConfigInfo;
}
export interface SourceFileEntry { path: string; project?: Project }
export interface WorkspaceScan { root: string; projects: Project[]; files: SourceFileEntry[]; unresolved: Unresolved[] }

const SKIP = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);
const SRC = /\.(c|m)?[jt]sx?$/;
export function scanWorkspace(root: string, host: Host, options?: { exclude?: string[] }): WorkspaceScan {
  const projects: Project[] = [];
  const files: SourceFileEntry[] = [];
  const unresolved: Unresolved[] = [];
  const walk = (dir: string) => {
    const entries = host.readDirectory(dir) ?? [];
    if (entries.some((e) => e.name === 'package.json')) {
      const text = host.readFile(posix.join(dir, 'package.json')) ?? '{}';
      let pj: Record<string, any> = {};
      try { pj = JSON.parse(text); } catch { unresolved.push({ file: posix.join(dir, 'package.json'), reason: 'bad package.json' }); }
      const deps = { ...pj.peerDependencies, ...pj.devDependencies, ...pj.dependencies };
      const range = deps.fastify as string | undefined;
      const scripts = Object.values(pj.scripts ?? {}) as string[];
      const cliEntries: string[] = [];
      for (const s of scripts) { const m = /fastify start\s+(?:-\S+\s+\S+\s+)*(\S+\.[cm]?[jt]s)/.exec(s); if (m) cliEntries.push(posix.join(dir, m[1])); }
      projects.push({ dir, name: pj.name, moduleType: pj.type === 'module' ? 'module' : 'commonjs', deps, fastifyRange: range, fastifyMajor: range && /^[\^~]?4/.test(range) ? 4 : 5, usesFastifyCli: !!deps['fastify-cli'] || cliEntries.length > 0, cliEntries });
    }
    for (const e of entries) {
      const p = posix.join(dir, e.name);
      if (e.kind === 'directory' && !SKIP.has(e.name) && !e.name.startsWith('.') && !(options?.exclude ?? []).includes(e.name)) walk(p);
      else if (e.kind === 'file' && SRC.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) files.push({ path: p });
    }
  };
  walk(root);
  for (const f of files) { let best: Project | undefined; for (const p of projects) if (f.path.startsWith(p.dir + '/') && (!best || p.dir.length > best.dir.length)) best = p; f.project = best; }
  return { root, projects, files, unresolved };
}
