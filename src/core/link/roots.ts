import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import { isTestFile } from '../tests/test-calls';
import type { Project, WorkspaceScan } from '../workspace/scan';
import { barrier } from './replay/ownership';
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
  // 2. Factories nobody in the app calls (build() used only by tests): run them once. A module
  // that only reaches fastify through `await import('fastify')` inside a function counts too.
  const factoryModules = new Set(linker.modulesUsingFactory());
  for (const f of appFiles) {
    const m = linker.getModule(f.path);
    if (m && DYNAMIC_FASTIFY.test(m.sf.text)) factoryModules.add(m);
  }
  for (const m of factoryModules) guarded(linker, m.path, () => barrier.frame(() => runUncalledFactories(linker, m)));
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
  // 4. A project that depends on fastify but gave no app: say where the analysis looked.
  for (const p of scan.projects) {
    if (!p.fastifyRange || linker.apps.some((a) => a.builder.project === p.dir)) continue;
    linker.reportFile(posix.join(p.dir, 'package.json'), noAppReason(linker, p, [...factoryModules], known));
  }
}

const DYNAMIC_FASTIFY = /\b(?:import|require)\s*\(\s*['"]fastify['"]\s*\)/;

/** Why a project that depends on fastify has no app: the files that could have started one. */
function noAppReason(linker: Linker, p: Project, factoryModules: ModuleRecord[], known: Set<string>): string {
  const inProject = (file: string) => file.startsWith(p.dir + '/') && !scanProjectsBelow(linker, p, file);
  const looked = new Set<string>();
  for (const m of factoryModules) if (inProject(m.path)) looked.add(m.path);
  for (const e of p.cliEntries) looked.add(sourceOf(e, p, known) ?? e);
  for (const dir of [p.dir, posix.join(p.dir, 'src')]) {
    for (const ext of ['js', 'ts', 'mjs', 'cjs', 'mts', 'cts']) {
      const f = posix.join(dir, `app.${ext}`);
      if (known.has(f)) looked.add(f);
    }
  }
  const files = [...looked].sort().map((f) => linker.rel(f));
  const shown = files.length > 8 ? [...files.slice(0, 8), `… ${files.length - 8} more`] : files;
  return files.length
    ? `no fastify() call or root plugin found; looked at ${shown.join(', ')} (fastify() reached from a module top level or an uncalled factory, a \`fastify start\` entry, or app.js/app.ts at the project root or in src/ exporting a plugin)`
    : 'no fastify() call or root plugin found: no file of this project imports fastify, no package.json script runs `fastify start`, and there is no app.js/app.ts at the project root or in src/';
}

/** True when the file belongs to a project nested inside `p`. */
function scanProjectsBelow(linker: Linker, p: Project, file: string): boolean {
  return linker.scan.projects.some((q) => q !== p && q.dir.startsWith(p.dir + '/') && file.startsWith(q.dir + '/'));
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
  // In document order; a factory run skips the calls inside its own call (as a walk that does not descend there).
  let skipUntil = -1;
  for (const { call, outermostFn } of factoryCallCandidates(m.sf)) {
    if (call.pos < skipUntil) continue;
    if (linker.hasAppAt(call) || !isFactoryCallee(m, call.expression, outermostFn)) continue;
    const fn = linker.interp.makeFunction(outermostFn, m.scope);
    linker.interp.load(() => linker.interp.callFunction(fn, outermostFn.parameters.map(() => unknown('argument of an uncalled factory'))));
    skipUntil = call.end;
  }
}

interface FactoryCallCandidate {
  call: ts.CallExpression;
  /** The outermost function with a body around the call: the factory to run. */
  outermostFn: ts.FunctionLikeDeclaration;
}

/**
 * The calls inside a function whose callee could be the fastify factory (a name, or
 * `require('fastify')` / `import('fastify')`), in document order: a syntactic list, found once per
 * tree (an update re-parses only the changed file). Whether a name is the factory depends on the
 * module's bindings, so `isFactoryCallee` decides at every link.
 */
const candidatesByTree = new WeakMap<ts.SourceFile, FactoryCallCandidate[]>();
function factoryCallCandidates(sf: ts.SourceFile): FactoryCallCandidate[] {
  const hit = candidatesByTree.get(sf);
  if (hit) return hit;
  const out: FactoryCallCandidate[] = [];
  const visit = (n: ts.Node, outermostFn: ts.FunctionLikeDeclaration | undefined): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) outermostFn ??= n as ts.FunctionLikeDeclaration;
    if (ts.isCallExpression(n) && outermostFn) {
      let e: ts.Expression = n.expression;
      while (ts.isParenthesizedExpression(e)) e = e.expression;
      if (ts.isIdentifier(e) || isFastifyModuleCall(e)) out.push({ call: n, outermostFn });
    }
    ts.forEachChild(n, (c) => visit(c, outermostFn));
  };
  visit(sf, undefined);
  candidatesByTree.set(sf, out);
  return out;
}

/**
 * Is this callee the fastify factory: a module-level binding of it, `require('fastify')`, or a
 * local alias made from it in the same function (`const f = fastify ? fastify : _fastify`,
 * `const create = opts.fastify ?? Fastify`, `const { default: Fastify } = await import('fastify')`)?
 */
function isFactoryCallee(m: ModuleRecord, callee: ts.Expression, fn: ts.FunctionLikeDeclaration): boolean {
  let e = callee;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) {
    const local = localInitializer(fn, e.text);
    if (local) return mentionsFactory(m, local);
    return isFactoryBinding(m, e.text);
  }
  return isFastifyModuleCall(e);
}

function isFactoryBinding(m: ModuleRecord, name: string): boolean {
  const v = m.scope.lookup(name);
  return v?.kind === 'builtin' && v.name === 'fastify.factory';
}

/** `require('fastify')` or `import('fastify')`. */
function isFastifyModuleCall(e: ts.Node): boolean {
  if (!ts.isCallExpression(e)) return false;
  const isLoader = e.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(e.expression) && e.expression.text === 'require');
  const arg = e.arguments[0];
  return isLoader && !!arg && ts.isStringLiteral(arg) && arg.text === 'fastify';
}

/** The initializer of a variable (or a name destructured from it) declared in the function. */
function localInitializer(fn: ts.FunctionLikeDeclaration, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const binds = (b: ts.BindingName): boolean =>
    ts.isIdentifier(b) ? b.text === name : b.elements.some((el) => !ts.isOmittedExpression(el) && binds(el.name));
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(n) && n.initializer && binds(n.name)) {
      found = n.initializer;
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

function mentionsFactory(m: ModuleRecord, e: ts.Expression): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) && isFactoryBinding(m, n.text)) || isFastifyModuleCall(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(e);
  return found;
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
