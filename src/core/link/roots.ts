import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import { isTestFile } from '../tests/test-calls';
import type { Project, WorkspaceScan } from '../workspace/scan';
import type { Linker } from './linker';
import type { ModuleRecord } from './module-record';
import { getProp, unknown, type FnValue } from './values';

/**
 * Where apps start: fastify() calls reached from module top levels, factories nobody calls, and
 * root plugins the way fastify-cli loads them.
 */
export function findRoots(linker: Linker, scan: WorkspaceScan): void {
  // Test files use the app (build(), inject()) but are not part of it.
  const appFiles = scan.files.filter((f) => !isTestFile(posix.relative(f.project?.dir ?? scan.root, f.path)));
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
  const known = new Set(scan.files.map((f) => f.path));
  for (const p of scan.projects) {
    guarded(linker, p.dir, () => {
      for (const { module, prefix } of rootPluginCandidates(linker, p, known)) {
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
    linker.interp.guarded(fn);
  } catch (err) {
    linker.reportFailure(file, err);
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
function rootPluginCandidates(linker: Linker, p: Project, known: Set<string>): { module: ModuleRecord; prefix?: string }[] {
  const out: { module: ModuleRecord; prefix?: string }[] = [];
  const add = (file: string | undefined, prefix?: string) => {
    if (!file || out.some((o) => o.module.path === file)) return;
    const m = linker.getModule(file);
    if (m) out.push({ module: linker.evaluate(m), prefix });
  };
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
