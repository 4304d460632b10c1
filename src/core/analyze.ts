import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import { ParseCache } from './facts/parse';
import type { Host } from './host';
import { Linker, type LinkOptions } from './link/linker';
import type { ModuleRecord } from './link/module-record';
import { getProp, unknown, type FnValue } from './link/values';
import type { AppGraph, WorkspaceGraph } from './model';
import { createResolver } from './workspace/resolve';
import { scanWorkspace, type Project, type WorkspaceScan } from './workspace/scan';

export interface AnalyzeOptions extends LinkOptions {
  /** Extra folder names to skip while scanning. */
  exclude?: string[];
}

/** Test files use the app (build(), inject()) but are not part of it. */
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|__mocks__)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/**
 * The analyser of one workspace folder. `analyze()` builds the graph; `update()` takes one
 * changed file and rebuilds, re-parsing only that file (parses are cached by content).
 */
export class Analyzer {
  private scan: WorkspaceScan | undefined;
  private readonly parseCache = new ParseCache();
  private readonly overlay = new Map<string, string>();

  readonly root: string;

  constructor(
    root: string,
    private readonly host: Host,
    private readonly options: AnalyzeOptions = {},
  ) {
    // Module paths are absolute; a relative root would give every file two identities.
    this.root = posix.resolve(root);
  }

  analyze(): WorkspaceGraph {
    this.scan ??= scanWorkspace(this.root, this.host, { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** New text for one file (saved or not); a file the scan did not know is added. */
  update(file: string, text: string): WorkspaceGraph {
    this.overlay.set(file, text);
    const scan = (this.scan ??= scanWorkspace(this.root, this.host, { exclude: this.options.exclude }));
    if (!scan.files.some((f) => f.path === file)) this.scan = scanWorkspace(this.root, this.overlayHost(), { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** A deleted or renamed file, or a new folder: scan again (parses stay cached). */
  rescan(): WorkspaceGraph {
    this.scan = scanWorkspace(this.root, this.overlayHost(), { exclude: this.options.exclude });
    return this.link(this.scan);
  }

  /** Files parsed so far (cache misses): an update re-parses only the changed file. */
  get parseCount(): number {
    return this.parseCache.parses;
  }

  private overlayHost(): Host {
    const base = this.host;
    const overlay = this.overlay;
    if (overlay.size === 0) return base;
    return {
      readFile: (p) => overlay.get(p) ?? base.readFile(p),
      stat: (p) => (overlay.has(p) ? 'file' : base.stat(p)),
      realpath: (p) => (overlay.has(p) ? p : base.realpath(p)),
      readDirectory: (d) => {
        const entries = base.readDirectory(d);
        const added = [...overlay.keys()].filter((p) => posix.dirname(p) === d && !entries?.some((e) => e.name === posix.basename(p)));
        if (!added.length) return entries;
        return [...(entries ?? []), ...added.map((p) => ({ name: posix.basename(p), kind: 'file' as const }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
    };
  }

  private link(scan: WorkspaceScan): WorkspaceGraph {
    const host = this.overlayHost();
    const linker = new Linker(host, scan, createResolver(host, scan), this.parseCache, this.options);
    for (const u of scan.unresolved) linker.unresolved.push(u);
    findRoots(linker, scan);
    const apps = linker.apps
      .map((a) => a.builder)
      .sort((a, b) => (a.entry.file === b.entry.file ? a.entry.start - b.entry.start : a.entry.file < b.entry.file ? -1 : 1))
      .map((b) => b.toGraph(`${posix.relative(scan.root, b.entry.file)}:${b.entry.line}`));
    return { root: scan.root, apps, unresolved: linker.unresolved, files: scan.files.length };
  }
}

export function analyzeWorkspace(root: string, host: Host, options?: AnalyzeOptions): WorkspaceGraph {
  return new Analyzer(root, host, options).analyze();
}

function findRoots(linker: Linker, scan: WorkspaceScan): void {
  const appFiles = scan.files.filter((f) => !TEST_FILE.test(posix.relative(f.project?.dir ?? scan.root, f.path)));
  // 1. Every module's top level: fastify() calls there (or in functions it calls) make apps.
  for (const f of appFiles) {
    guarded(linker, f.path, () => {
      const m = linker.getModule(f.path);
      if (m) linker.evaluate(m);
    });
  }
  // 2. Factories nobody in the app calls (build() used only by tests): run them once.
  for (const m of linker.modulesUsingFactory()) guarded(linker, m.path, () => runUncalledFactories(linker, m));
  // 3. Root plugins as fastify-cli loads them (app.js exporting a plugin).
  for (const p of scan.projects) {
    guarded(linker, p.dir, () => {
      for (const { module, prefix } of rootPluginCandidates(linker, p, scan)) {
        const plugin = pluginExport(module);
        if (!plugin || linker.isRegistered(plugin) || linker.createsApp(plugin) || plugin.node.parameters.length === 0) continue;
        linker.createPluginApp(module, plugin, prefix);
      }
    });
  }
}

/** One root's failure (a stack overflow on absurdly nested code, a bug) must not cost the others. */
function guarded(linker: Linker, file: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const e = err as Error;
    linker.reportFile(file, e instanceof RangeError ? 'code nested too deeply to follow' : `internal error: ${e.message}`);
  }
}

function runUncalledFactories(linker: Linker, m: ModuleRecord): void {
  const visit = (n: ts.Node, outermostFn: ts.FunctionLikeDeclaration | undefined): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) outermostFn ??= n as ts.FunctionLikeDeclaration;
    if (ts.isCallExpression(n) && outermostFn && !linker.hasAppAt(n) && isFactoryCallee(m, n.expression)) {
      const fn = linker.interp.makeFunction(outermostFn, m.scope);
      linker.interp.load(() => linker.interp.callFunction(fn, outermostFn.parameters.map(() => unknown('argument of an uncalled factory'))));
      return;
    }
    ts.forEachChild(n, (c) => visit(c, outermostFn));
  };
  visit(m.sf, undefined);
}

function isFactoryCallee(m: ModuleRecord, callee: ts.Expression): boolean {
  let e = callee;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) {
    const v = m.scope.lookup(e.text);
    return v?.kind === 'builtin' && v.name === 'fastify.factory';
  }
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require') {
    const arg = e.arguments[0];
    return !!arg && ts.isStringLiteral(arg) && arg.text === 'fastify';
  }
  return false;
}

function pluginExport(m: ModuleRecord): FnValue | undefined {
  const ns = m.namespace();
  const def = getProp(ns, 'default');
  const v = def.kind === 'fn' ? def : ns;
  return v.kind === 'fn' ? v : undefined;
}

/** fastify-cli entries named in package.json scripts, else app.* at the project root or in src/. */
function rootPluginCandidates(linker: Linker, p: Project, scan: WorkspaceScan): { module: ModuleRecord; prefix?: string }[] {
  const out: { module: ModuleRecord; prefix?: string }[] = [];
  const add = (file: string | undefined, prefix?: string) => {
    if (!file || out.some((o) => o.module.path === file)) return;
    const m = linker.getModule(file);
    if (m) out.push({ module: linker.evaluate(m), prefix });
  };
  const known = new Set(scan.files.map((f) => f.path));
  for (const entry of p.cliEntries) add(sourceOf(entry, p, known), p.cliPrefix);
  if (!p.fastifyRange && !p.usesFastifyCli) return out;
  for (const dir of [p.dir, posix.join(p.dir, 'src')]) {
    for (const ext of ['js', 'ts', 'mjs', 'cjs', 'mts', 'cts']) {
      const f = posix.join(dir, `app.${ext}`);
      if (known.has(f)) add(f);
    }
  }
  return out;
}

/** `fastify start dist/app.js` names a build output: find its source. */
function sourceOf(entry: string, p: Project, known: Set<string>): string | undefined {
  const candidates = [entry];
  const withoutExt = entry.replace(/\.[cm]?js$/, '');
  const outDir = p.tsconfig?.outDir;
  const rootDir = p.tsconfig?.rootDir ?? posix.join(p.dir, 'src');
  if (outDir && withoutExt.startsWith(outDir + '/')) {
    const rel = withoutExt.slice(outDir.length + 1);
    candidates.push(...['ts', 'mts', 'cts', 'js'].map((e) => posix.join(rootDir, `${rel}.${e}`)));
  }
  const distRel = posix.relative(p.dir, withoutExt);
  if (distRel.startsWith('dist/') || distRel.startsWith('build/')) {
    const rel = distRel.slice(distRel.indexOf('/') + 1);
    candidates.push(...['ts', 'mts', 'cts', 'js'].map((e) => posix.join(p.dir, 'src', `${rel}.${e}`)));
  }
  candidates.push(...['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((e) => `${withoutExt}.${e}`));
  return candidates.find((c) => known.has(c));
}

export type { AppGraph };
