import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, Context, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { writeWorkspace } from './temp-workspace';

/**
 * Package models against the real packages: a case registers packages with options on a fresh
 * real fastify instance (test/support/boot-packages.mjs, in a child process, never listening) and
 * in a generated workspace the analyser reads. Both sides give decorators (`target.name@where`),
 * hooks (`name@where`) and routes (`METHOD url@where`, onRoute order), `where` being the
 * registering context (`root`) or one below it (`child`).
 */
export interface PackageCase {
  id: string;
  /**
   * `pkg` is what the boot requires; the analysed app requires `as` (default `pkg`) and declares
   * `range` for it (default '*'): an npm alias of an older major boots as its real name and version.
   */
  registers: { pkg: string; export?: string; opts?: string; as?: string; range?: string }[];
  /** More files of the analysed workspace (relative paths), e.g. a static root both sides read: see caseWorkspaceName. */
  files?: Record<string, string>;
  /** 'mysql2': the mysql plugin's mysql2 pool answers without a server (it runs `SELECT NOW()` at register). */
  stub?: 'mysql2';
}

export interface Seen {
  decorators: string[];
  hooks: string[];
  routes: string[];
}

interface Booted {
  id: string;
  error?: string;
  decorators: { target: string; name: string; where: string }[];
  hooks: { name: string; where: string }[];
  routes: { method: string; url: string; where: string }[];
}

const ROOT = path.join(__dirname, '..', '..');
const HARNESS = path.join(ROOT, 'test', 'support', 'boot-packages.mjs');

function toSeen(b: Booted): Seen {
  if (b.error) return { decorators: [`boot error: ${b.error}`], hooks: [], routes: [] };
  return {
    // Symbol-keyed decorators are the package's internals, not names an app can use.
    decorators: b.decorators.filter((d) => !d.name.startsWith('Symbol(')).map((d) => `${d.target}.${d.name}@${d.where}`).sort(),
    hooks: b.hooks.map((h) => `${h.name}@${h.where}`).sort(),
    routes: b.routes.map((r) => `${r.method} ${r.url}@${r.where}`),
  };
}

function runHarness(cases: PackageCase[], cwd: string, file: string): Promise<Booted[]> {
  fs.writeFileSync(file, JSON.stringify(cases));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--no-warnings', HARNESS, file], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      fs.rmSync(file, { force: true });
      if (err) return reject(new Error(`booting ${cases.map((c) => c.id).join(', ')} failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Booted[]);
    });
  });
}

/**
 * A folder under test/.tmp whose node_modules links `fastify` to an older line (the `fastify3` /
 * `fastify4` alias among the dev dependencies); every other package resolves from the repo's
 * node_modules. One per test process and line.
 */
function olderFastifyWorkspace(major: 3 | 4): string {
  const dir = path.join(ROOT, 'test', '.tmp', `package-boot-fastify${major}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `package-boot-fastify${major}`, private: true }));
  fs.symlinkSync(path.join(ROOT, 'node_modules', `fastify${major}`), path.join(dir, 'node_modules', 'fastify'), 'dir');
  return fs.realpathSync(dir);
}

/**
 * Boots the cases with the real fastify of that line (5: the repo's `fastify`; 3, 4: the
 * `fastify3` / `fastify4` alias) and returns what each added. `parallel` children at a time, `perChild` cases in each.
 */
export async function bootPackageCases(cases: PackageCase[], opts: { fastify: 3 | 4 | 5; parallel?: number; perChild?: number }): Promise<Map<string, Seen>> {
  const cwd = opts.fastify === 5 ? ROOT : olderFastifyWorkspace(opts.fastify);
  const tmp = path.join(ROOT, 'test', '.tmp', `package-boot-cases-${process.pid}`);
  fs.mkdirSync(tmp, { recursive: true });
  const per = opts.perChild ?? cases.length;
  const chunks: PackageCase[][] = [];
  for (let i = 0; i < cases.length; i += per) chunks.push(cases.slice(i, i + per));
  const out = new Map<string, Seen>();
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const i = next++;
      for (const b of await runHarness(chunks[i], cwd, path.join(tmp, `chunk-${i}.json`))) out.set(b.id, toSeen(b));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 1, chunks.length) }, worker));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (cwd !== ROOT) fs.rmSync(cwd, { recursive: true, force: true });
  }
  return out;
}

/** The workspace folder analysePackageCase writes for a case id (its `files` are there before the boot when written first). */
export function caseWorkspaceName(id: string, fastifyRange: string): string {
  return `package-model-${fastifyRange.replace(/\W+/g, '')}-${id.replace(/\W+/g, '-')}`;
}

/** The same registers in a generated workspace depending on `fastifyRange`, as the analyser sees them. */
export function analysePackageCase(c: PackageCase, fastifyRange: string): { graph: WorkspaceGraph; app: AppGraph; seen: Seen } {
  const deps = Object.fromEntries([['fastify', fastifyRange], ...c.registers.map((r) => [r.as ?? r.pkg, r.range ?? '*'])]);
  const lines = ["const fastify = require('fastify')", 'const app = fastify()'];
  for (const r of c.registers) lines.push(`app.register(require('${r.as ?? r.pkg}')${r.export ? `.${r.export}` : ''}, ${r.opts ?? '{}'})`);
  lines.push('module.exports = app');
  const dir = writeWorkspace(caseWorkspaceName(c.id, fastifyRange), { ...c.files, 'package.json': JSON.stringify({ name: 'pm', dependencies: deps }), 'app.js': lines.join('\n') + '\n' });
  const graph = analyzeWorkspace(dir, createNodeHost());
  const app = graph.apps[0];
  const decorators: string[] = [];
  const hooks: string[] = [];
  const walk = (ctx: Context, where: string) => {
    for (const d of ctx.decorators) decorators.push(`${d.target}.${d.name}@${where}`);
    for (const h of ctx.hooks) hooks.push(`${h.name}@${where}`);
    for (const ch of ctx.children) walk(ch, 'child');
  };
  walk(app.root, 'root');
  const routes: string[] = [];
  for (const r of app.routes) for (const m of r.methods) routes.push(`${m} ${r.url}@${r.contextId === app.root.id ? 'root' : 'child'}`);
  return { graph, app, seen: { decorators: decorators.sort(), hooks: hooks.sort(), routes } };
}
