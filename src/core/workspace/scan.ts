import * as posix from 'node:path/posix';
import type { Host } from '../host';
import { majorOf } from '../link/version-rules';
import type { FastifyMajor, Unresolved } from '../model';
import { parseFastifyStart } from './fastify-cli-args';
import { readTsConfig, type TsConfigInfo } from './tsconfig';
import { TRACKED_PACKAGES, VersionReader, type UsedVersion } from './versions';

export type { TsConfigInfo };

export interface Project {
  /** Folder holding the package.json. */
  dir: string;
  name?: string;
  moduleType: 'commonjs' | 'module';
  /** dependencies, devDependencies and peerDependencies merged. */
  deps: Record<string, string>;
  fastifyRange?: string;
  /** From the version used (versions.fastify), else 5. */
  fastifyMajor: FastifyMajor;
  /** Versions used of fastify, @fastify/autoload and fastify-plugin (workspace/versions.ts). */
  versions: Partial<Record<string, UsedVersion>>;
  usesFastifyCli: boolean;
  /** Files named by `fastify start … <file>` scripts. */
  cliEntries: string[];
  /** `-x/--prefix` of that command. */
  cliPrefix?: string;
  main?: string;
  exports?: unknown;
  tsconfig?: TsConfigInfo;
}

export interface SourceFileEntry {
  path: string;
  /** The innermost project containing the file. */
  project?: Project;
}

export interface WorkspaceScan {
  root: string;
  projects: Project[];
  files: SourceFileEntry[];
  unresolved: Unresolved[];
}

export interface ScanOptions {
  maxFiles?: number;
  maxDepth?: number;
  /** More folder names to skip. */
  exclude?: string[];
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** Whether the scan takes a file of this name as source (a script, not a declaration file). */
export function isSourceFile(name: string): boolean {
  return SOURCE_FILE.test(name) && !DECLARATION_FILE.test(name);
}

/** Projects, tsconfig and source files of a folder; follows folder links once, never loops. */
export function scanWorkspace(root: string, host: Host, options: ScanOptions = {}): WorkspaceScan {
  const maxFiles = options.maxFiles ?? 50_000;
  const maxDepth = options.maxDepth ?? 40;
  const skip = new Set([...SKIPPED_FOLDERS, ...(options.exclude ?? [])]);
  const scan: WorkspaceScan = { root, projects: [], files: [], unresolved: [] };
  const visited = new Set<string>();
  let limitReported = false;

  const walk = (dir: string, depth: number) => {
    const real = host.realpath(dir) ?? dir;
    if (visited.has(real)) {
      scan.unresolved.push({ file: dir, reason: `folder link loop or repeat at ${posix.relative(root, dir) || '.'}: not scanned twice` });
      return;
    }
    visited.add(real);
    if (depth > maxDepth) {
      scan.unresolved.push({ file: dir, reason: `folders nested deeper than ${maxDepth} levels are not scanned` });
      return;
    }
    const entries = host.readDirectory(dir);
    if (!entries) {
      scan.unresolved.push({ file: dir, reason: 'folder could not be read' });
      return;
    }
    if (entries.some((e) => e.name === 'package.json' && (e.kind === 'file' || e.kind === 'symlink-file'))) {
      scan.projects.push(readProject(dir, host, scan.unresolved));
    }
    for (const e of entries) {
      const p = posix.join(dir, e.name);
      if (e.kind === 'directory' || e.kind === 'symlink-directory') {
        if (!skip.has(e.name) && !e.name.startsWith('.')) walk(p, depth + 1);
      } else if ((e.kind === 'file' || e.kind === 'symlink-file') && isSourceFile(e.name)) {
        if (scan.files.length >= maxFiles) {
          if (!limitReported) scan.unresolved.push({ file: dir, reason: `more than ${maxFiles} source files: the rest are not analysed` });
          limitReported = true;
          return;
        }
        scan.files.push({ path: p });
      }
    }
  };
  walk(root, 0);

  scan.projects.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  readVersions(scan, host);
  scan.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of scan.files) f.project = innermostProject(scan.projects, f.path);
  return scan;
}

export function innermostProject(projects: Project[], file: string): Project | undefined {
  let best: Project | undefined;
  for (const p of projects) if (file.startsWith(p.dir + '/') && (!best || p.dir.length > best.dir.length)) best = p;
  return best;
}

function readProject(dir: string, host: Host, unresolved: Unresolved[]): Project {
  const file = posix.join(dir, 'package.json');
  let pkg: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(host.readFile(file) ?? '{}');
    if (parsed && typeof parsed === 'object') pkg = parsed;
  } catch (err) {
    unresolved.push({ file, reason: `package.json could not be parsed: ${(err as Error).message}` });
  }
  const deps: Record<string, string> = {};
  for (const key of ['peerDependencies', 'devDependencies', 'dependencies']) {
    const d = pkg[key];
    if (d && typeof d === 'object') for (const [k, v] of Object.entries(d)) if (typeof v === 'string') deps[k] = v;
  }
  const fastifyRange = deps.fastify;
  const project: Project = {
    dir,
    name: typeof pkg.name === 'string' ? pkg.name : undefined,
    moduleType: pkg.type === 'module' ? 'module' : 'commonjs',
    deps,
    fastifyRange,
    fastifyMajor: fastifyRange !== undefined && targetsV4(fastifyRange) ? 4 : 5,
    versions: {},
    usesFastifyCli: 'fastify-cli' in deps,
    cliEntries: [],
    main: typeof pkg.main === 'string' ? pkg.main : undefined,
    exports: pkg.exports,
    tsconfig: readTsConfig(dir, host, unresolved),
  };
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? Object.values(pkg.scripts as Record<string, unknown>) : [];
  for (const s of scripts) {
    if (typeof s !== 'string') continue;
    for (const start of parseFastifyStart(s)) {
      project.usesFastifyCli = true;
      project.cliEntries.push(posix.resolve(dir, start.entry));
      if (start.prefix !== undefined) project.cliPrefix = start.prefix;
    }
  }
  return project;
}

/** The versions each project uses (installed, lockfile, else the range's lowest), and the Fastify major from them. */
function readVersions(scan: WorkspaceScan, host: Host): void {
  const reader = new VersionReader(scan.root, host);
  for (const project of scan.projects) {
    for (const pkg of TRACKED_PACKAGES) {
      const v = reader.versionOf(project, pkg);
      if (v) project.versions[pkg] = v;
    }
    if (project.versions.fastify) project.fastifyMajor = majorOf(project.versions.fastify.version);
  }
  for (const p of reader.problems) scan.unresolved.push(p);
}

/** True when a semver range targets Fastify 4 only (^4, ~4.2, 4.x, >=4 <5, 4.29.1…). */
export function targetsV4(range: string): boolean {
  const lowerBounds = range.replace(/^npm:[^@]*@/, '').replace(/<=?\s*[\d.x*]+/g, '');
  const majors = [...lowerBounds.matchAll(/(?:^|[\s^~=>|v])(\d+)/g)].map((m) => Number(m[1]));
  return majors.length > 0 && majors.every((m) => m === 4);
}
