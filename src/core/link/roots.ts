import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import { filesByRole } from '../tests/test-calls';
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
  const appFiles = filesByRole(scan.root, scan.files).app;
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
    if (m && importsFastifyDynamically(m.sf)) factoryModules.add(m);
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

/** `DYNAMIC_FASTIFY` on the file's text, once per tree (a regular expression over every file's text was ~2.5 ms of each link at 2,000 files). */
const dynamicFastifyByTree = new WeakMap<ts.SourceFile, boolean>();
function importsFastifyDynamically(sf: ts.SourceFile): boolean {
  let hit = dynamicFastifyByTree.get(sf);
  if (hit === undefined) dynamicFastifyByTree.set(sf, (hit = DYNAMIC_FASTIFY.test(sf.text)));
  return hit;
}

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
  for (const candidate of factoryCallCandidates(m.sf)) {
    const { call, outermostFn } = candidate;
    if (call.pos < skipUntil) continue;
    if (linker.hasAppAt(call) || !isFactoryCallee(m, candidate)) continue;
    const fn = linker.interp.makeFunction(outermostFn, m.scope);
    linker.interp.load(() => linker.interp.callFunction(fn, outermostFn.parameters.map(() => unknown('argument of an uncalled factory'))));
    skipUntil = call.end;
  }
}

/** A name to look up in the module's bindings, or a `require('fastify')` / `import('fastify')` call (always the factory). */
type Mention = string | typeof MODULE_CALL;
const MODULE_CALL = Symbol('fastify module call');

interface FactoryCallCandidate {
  call: ts.CallExpression;
  /** The outermost function with a body around the call: the factory to run. */
  outermostFn: ts.FunctionLikeDeclaration;
  /** What makes the callee the factory, in the order the decision looks (`calleeMentions`): filled on first use. */
  mentions?: readonly Mention[];
}

/**
 * The calls inside a function whose callee could be the fastify factory (a name, or
 * `require('fastify')` / `import('fastify')`), in document order: a syntactic list, found once per
 * tree (an update re-parses only the changed file), each with what its callee mentions (found on
 * first use, also once per tree). Whether a name is the factory depends on the module's bindings,
 * so `isFactoryCallee` decides at every link.
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
 * The names are looked up in document order and the first hit decides (a lookup may evaluate an
 * imported module: the same lookups as a walk of the syntax at every link).
 */
function isFactoryCallee(m: ModuleRecord, candidate: FactoryCallCandidate): boolean {
  candidate.mentions ??= calleeMentions(candidate.call.expression, candidate.outermostFn);
  for (const mention of candidate.mentions) if (mention === MODULE_CALL || isFactoryBinding(m, mention)) return true;
  return false;
}

/**
 * What decides whether `callee` is the factory, syntactically: a name with no local declaration in
 * `fn` is itself; a local one is what its initializer mentions (`mentionsIn`); else the callee is a
 * `require('fastify')` / `import('fastify')` call.
 */
function calleeMentions(callee: ts.Expression, fn: ts.FunctionLikeDeclaration): readonly Mention[] {
  let e = callee;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) {
    const local = localInitializer(fn, e.text);
    return local ? mentionsIn(local) : [e.text];
  }
  return isFastifyModuleCall(e) ? [MODULE_CALL] : [];
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

/**
 * The initializer of a variable (or a name destructured from it) declared in the function: the
 * first such declaration of the name in document order. All of a function's are found in one walk
 * of its body, kept per function node (the nodes of an unchanged tree are the same objects at the
 * next link; a re-parsed file has new ones).
 */
const localsByFunction = new WeakMap<ts.FunctionLikeDeclaration, Map<string, ts.Expression>>();
function localInitializer(fn: ts.FunctionLikeDeclaration, name: string): ts.Expression | undefined {
  let locals = localsByFunction.get(fn);
  if (!locals) {
    const found = new Map<string, ts.Expression>();
    const bind = (b: ts.BindingName, initializer: ts.Expression): void => {
      if (ts.isIdentifier(b)) {
        if (!found.has(b.text)) found.set(b.text, initializer);
      } else for (const el of b.elements) if (!ts.isOmittedExpression(el)) bind(el.name, initializer);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && n.initializer) bind(n.name, n.initializer);
      ts.forEachChild(n, visit);
    };
    if (fn.body) visit(fn.body);
    localsByFunction.set(fn, (locals = found));
  }
  return locals.get(name);
}

/**
 * The names an expression mentions (not the names after a dot) and its `require('fastify')` /
 * `import('fastify')` calls, in document order (nothing inside such a call: it decides first).
 */
function mentionsIn(e: ts.Expression): Mention[] {
  const out: Mention[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) out.push(n.text);
    else if (isFastifyModuleCall(n)) {
      out.push(MODULE_CALL);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(e);
  return out;
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
