import * as posix from 'node:path/posix';
import { relativeTo } from '../workspace/relative-path';
import type { Span } from '../model';
import { pathOfFileUrl } from './builtins';
import type { ContextBuilder } from './context-builder';
import { callInstanceMethod, registerPlugin } from './instance-api';
import { barrier } from './replay/ownership';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import { safeRegExp } from './std-methods';
import { joinPrefix, joinUnknownPrefix } from './url-join';
import { behaviourNoted, type RuleId } from './version-rules';
import type { Project } from '../workspace/scan';
import { UNDEF, asString, getProp, obj, originOf, str, truthy, unknown, type FnValue, type ObjValue, type Value } from './values';

/**
 * @fastify/autoload (5.x and 6.x) replayed over the file tree, following its index.js /
 * lib/find-plugins.js: which files load, in which order, with which prefix, and how autohooks wrap
 * a folder. Autoload is itself skip-override: everything lands in `ctx`. What changed between
 * releases is decided by the version the project uses (version-rules.ts, `autoload.*` rows).
 */

const DEFAULT_SCRIPT = /(?:(?:^.?|\.[^d]|[^.]d|[^.][^d])\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;
const DEFAULT_INDEX = /^index(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;
const DEFAULT_AUTOHOOKS = /^[_.]?auto_?hooks(?:\.ts|\.js|\.cjs|\.mjs|\.cts|\.mts)$/i;

interface Options {
  dir: string;
  dirNameRoutePrefix: Value;
  routeParams: boolean;
  indexPattern: RegExp;
  ignorePattern?: RegExp;
  scriptPattern: RegExp;
  autoHooksPattern: RegExp;
  matchFilter?: Value;
  ignoreFilter?: Value;
  maxDepth?: number;
  autoHooks: boolean;
  cascadeHooks: boolean;
  overwriteHooks: boolean;
  encapsulate: boolean;
  appendAutoPrefix: boolean;
  override: Value;
  /** The project of the file that registers autoload: its @fastify/autoload version decides the rules. */
  project?: Project;
  span: Span;
}

interface TreeNode {
  dir: string;
  hooks: string[];
  plugins: { file: string; prefix: string | undefined }[];
}

interface Loaded {
  file: string;
  /** The file relative to the autoload folder: the plugin's name in the tree. */
  label: string;
  name: string;
  plugin: Value;
  options: ObjValue;
  /** With a function autoConfig: what the plugin body gets (its result and the overrides, `prefix` as returned), when `options.prefix` is the context's. */
  bodyOptions?: () => Value;
  dependencies: string[];
  registered: boolean;
}

export function runAutoload(interp: Interpreter, ctx: ContextBuilder, optsV: Value, span: Span, scope: Scope): void {
  const linker = interp.linker;
  const dirV = getProp(optsV, 'dir');
  const rawDir = asString(dirV);
  if (rawDir === undefined) {
    linker.reportAt(span, `@fastify/autoload: 'dir' is not known statically${dirV.kind === 'unknown' && dirV.why ? ` (${dirV.why})` : ''}`);
    return;
  }
  // A relative `dir` is relative to where the app runs: its project folder, never the analyser's cwd.
  const dir = posix.resolve(scope.module.project?.dir ?? posix.dirname(scope.module.path), pathOfFileUrl(rawDir) ?? rawDir);
  const real = linker.host.realpath(dir);
  if (!real || linker.host.stat(dir) !== 'directory') {
    linker.reportAt(span, `@fastify/autoload: folder ${linker.rel(dir)} does not exist`);
    return;
  }
  const key = `autoload:${real}`;
  if (linker.isCycle(key)) {
    linker.reportAt(span, `register cycle: @fastify/autoload of ${linker.rel(dir)} is reached again from inside it; stopped following it`);
    return;
  }
  const opts = readOptions(interp, optsV, dir, span, scope.module.project);
  const tree: TreeNode[] = [];
  try {
    buildTree(interp, tree, dir, opts, undefined, 0, [], span, new Set([real]));
  } catch (err) {
    linker.reportAt(span, `@fastify/autoload: ${(err as Error).message}`);
    return;
  }
  linker.enterPlugin(key);
  try {
    interp.load(() => {
      for (const node of tree) registerNode(interp, ctx, node, opts, span, scope);
    });
  } finally {
    linker.pluginStack.pop();
  }
}

function regexOption(v: Value, fallback: RegExp): RegExp;
function regexOption(v: Value, fallback?: RegExp): RegExp | undefined;
function regexOption(v: Value, fallback?: RegExp): RegExp | undefined {
  if (v.kind === 'regex') return safeRegExp(v.source, v.flags) ?? fallback;
  if (v.kind === 'str') return safeRegExp(v.v, '') ?? fallback;
  return fallback;
}

/** A version rule of @fastify/autoload for the project, with the "range spans it" note where it decides something. */
function rule(interp: Interpreter, opts: Pick<Options, 'project' | 'span'>, id: RuleId): boolean {
  return behaviourNoted(interp.linker.notes, opts.project, id, (reason) => interp.linker.reportAt(opts.span, reason));
}

function readOptions(interp: Interpreter, o: Value, dir: string, span: Span, project: Project | undefined): Options {
  const flag = (k: string, d: boolean) => {
    const v = getProp(o, k);
    if (v.kind === 'undef') return d;
    const t = truthy(v);
    if (t === undefined) interp.linker.reportAt(span, `@fastify/autoload: option '${k}' is not known statically; assumed ${d}`);
    return t ?? d;
  };
  const filter = (k: string) => {
    const v = getProp(o, k);
    return v.kind === 'undef' ? undefined : v;
  };
  const maxDepth = getProp(o, 'maxDepth');
  const dnp = getProp(o, 'dirNameRoutePrefix');
  const appendAutoPrefix = flag('appendAutoPrefix', false);
  return {
    project,
    span,
    dir,
    dirNameRoutePrefix: dnp.kind === 'undef' ? { kind: 'bool', v: true } : dnp,
    routeParams: flag('routeParams', false),
    indexPattern: regexOption(getProp(o, 'indexPattern'), DEFAULT_INDEX),
    ignorePattern: regexOption(getProp(o, 'ignorePattern')),
    scriptPattern: regexOption(getProp(o, 'scriptPattern'), DEFAULT_SCRIPT),
    autoHooksPattern: regexOption(getProp(o, 'autoHooksPattern'), DEFAULT_AUTOHOOKS),
    matchFilter: filter('matchFilter'),
    ignoreFilter: filter('ignoreFilter'),
    maxDepth: maxDepth.kind === 'num' ? maxDepth.v : undefined,
    autoHooks: flag('autoHooks', false),
    cascadeHooks: flag('cascadeHooks', false),
    overwriteHooks: flag('overwriteHooks', false),
    encapsulate: flag('encapsulate', true),
    // The option exists from 6.5.0 on; older releases ignore it.
    appendAutoPrefix: appendAutoPrefix && rule(interp, { project, span }, 'autoload.append-auto-prefix'),
    override: getProp(o, 'options'),
  };
}

/** A listed entry's path: `dir` is absolute and normalised, `name` a plain name (posix.join without its normalising, on every file of every walk). */
function entryPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function buildTree(
  interp: Interpreter,
  tree: TreeNode[],
  dir: string,
  opts: Options,
  prefix: string | undefined,
  depth: number,
  hooks: string[],
  span: Span,
  seen: Set<string>,
): void {
  const host = interp.linker.host;
  let node = tree.find((n) => n.dir === dir);
  if (!node) {
    node = { dir, hooks: [], plugins: [] };
    tree.push(node);
  }
  const entries = host.readDirectory(dir);
  if (!entries) {
    interp.linker.reportAt(span, `@fastify/autoload: folder ${interp.linker.rel(dir)} could not be read`);
    return;
  }
  let currentHooks: string[] = [];
  if (opts.autoHooks) {
    currentHooks = [...hooks];
    const hookEntry = entries.find((e) => opts.autoHooksPattern.test(e.name));
    if (hookEntry) {
      if (opts.overwriteHooks && currentHooks.length > 0) currentHooks = [];
      currentHooks.push(entryPath(dir, hookEntry.name));
    }
    node.hooks = currentHooks;
  }
  const indexEntry = entries.find((e) => opts.indexPattern.test(e.name));
  if (indexEntry) {
    accumulate(interp, node, entryPath(dir, indexEntry.name), prefix, opts);
    if (entries.every((e) => e.kind !== 'directory')) return;
  }
  if (entries.some((e) => e.name === 'package.json') && !indexEntry) {
    throw new Error(`cannot import plugin at '${interp.linker.rel(dir)}': a folder with package.json needs an index file`);
  }
  for (const e of entries) {
    const file = entryPath(dir, e.name);
    if (opts.ignorePattern && ignored(interp, opts, opts.ignorePattern, e.name, relativeTo(opts.dir, file))) continue;
    const atMaxDepth = opts.maxDepth !== undefined && opts.maxDepth <= depth;
    if (e.kind === 'directory' && !atMaxDepth) {
      const real = host.realpath(file);
      if (real && seen.has(real)) {
        interp.linker.reportAt(span, `@fastify/autoload: folder loop at ${interp.linker.rel(file)}`);
        continue;
      }
      let crumb = prefix ? `${prefix}/` : '/';
      const dnp = opts.dirNameRoutePrefix;
      if (dnp.kind === 'bool' && dnp.v) crumb += e.name;
      else if (dnp.kind === 'fn') {
        const r = interp.callFunction(dnp, [str(dir), str(e.name)]);
        const t = truthy(r);
        if (t === undefined) interp.linker.reportAt(span, `@fastify/autoload: dirNameRoutePrefix result for '${e.name}' is not known statically`);
        else if (t) crumb += asString(r) ?? '';
      }
      const childSeen = new Set(seen);
      if (real) childSeen.add(real);
      buildTree(interp, tree, file, opts, crumb, depth + 1, opts.autoHooks && opts.cascadeHooks ? currentHooks : [], span, childSeen);
    } else if (indexEntry) {
      // An index file hides its siblings (sub-folders are still scanned).
    } else if (e.kind === 'file' && opts.scriptPattern.test(e.name) && !opts.autoHooksPattern.test(e.name)) {
      accumulate(interp, node, file, prefix, opts);
    }
  }
}

/** 6.4+ tests ignorePattern on the path relative to dir, older releases on the entry name. */
function ignored(interp: Interpreter, opts: Options, pattern: RegExp, name: string, relPath: string): boolean {
  pattern.lastIndex = 0;
  const byPath = pattern.test(relPath);
  pattern.lastIndex = 0;
  const byName = pattern.test(name);
  pattern.lastIndex = 0;
  if (byPath === byName) return byPath;
  return rule(interp, opts, 'autoload.ignore-pattern-relative-path') ? byPath : byName;
}

function accumulate(interp: Interpreter, node: TreeNode, file: string, prefix: string | undefined, opts: Options): void {
  const rel = '/' + relativeTo(opts.dir, file);
  if (opts.matchFilter && filterPath(interp, rel, opts.matchFilter) === false) return;
  if (opts.ignoreFilter && filterPath(interp, rel, opts.ignoreFilter) === true) return;
  node.plugins.push({ file, prefix });
}

function filterPath(interp: Interpreter, path: string, filter: Value): boolean | undefined {
  if (filter.kind === 'str') return path.includes(filter.v);
  if (filter.kind === 'regex') return safeRegExp(filter.source, filter.flags)?.test(path);
  if (filter.kind === 'fn') return truthy(interp.callFunction(filter, [str(path)]));
  return undefined;
}

/** The module's exports the way autoload sees them, and the plugin inside. */
function loadContent(interp: Interpreter, file: string): { content: Value; plugin: Value } | undefined {
  const m = interp.linker.getModule(file);
  if (!m) return undefined;
  interp.linker.evaluate(m);
  const content = m.namespace();
  const def = getProp(content, 'default');
  const plugin = def.kind !== 'undef' && truthy(def) !== false ? def : content;
  return { content, plugin };
}

/**
 * Marks a file's plugin skip-override, as @fastify/autoload sets `Symbol.for('skip-override')` on
 * the function it loads. A plugin run being recorded records it (replay/plugin-runs.ts puts it back
 * with `reapplySkipOverride`). Outside every run (an autoload in root code, which runs again on
 * every link) it is the doing of the autoload registered in module `by`, compared link to link
 * (`Linker.outsideMarks`).
 */
function markSkipOverride(interp: Interpreter, file: string, plugin: FnValue, by: string): void {
  const runs = interp.linker.runs;
  const marking = !runs?.active && plugin.marks.skipOverride !== true;
  if (runs?.active) runs.skipOverride(file);
  interp.linker.markedFromOutside(plugin.module.path);
  plugin.marks.skipOverride = true;
  if (marking) interp.linker.marksSetBy(plugin, by);
}

/** `markSkipOverride` again for a replayed run: the file's module is evaluated already (the replay checked). */
export function reapplySkipOverride(interp: Interpreter, file: string): void {
  const l = loadContent(interp, file);
  if (l?.plugin.kind !== 'fn') return;
  interp.linker.markedFromOutside(l.plugin.module.path);
  l.plugin.marks.skipOverride = true;
}

function isRouteObject(v: Value): v is ObjValue {
  return v.kind === 'obj' && !v.namespaceOf && v.props.has('method');
}

function prop(plugin: Value, content: Value, key: string): Value {
  const own = plugin.kind === 'fn' ? plugin.props.get(key) : undefined;
  if (own !== undefined && own.kind !== 'undef' && own.kind !== 'null') return own;
  return content.kind === 'obj' || content.kind === 'fn' ? getProp(content, key) : UNDEF;
}

function loadPlugin(interp: Interpreter, ctx: ContextBuilder, file: string, directoryPrefix: string | undefined, opts: Options): Loaded | undefined {
  const loaded = loadContent(interp, file);
  if (!loaded) return undefined;
  const { content, plugin } = loaded;
  // A file may export a package's plugin as is (`export default cors` with an autoConfig).
  const packagePlugin = plugin.kind === 'builtin' && plugin.name === 'package';
  if (plugin.kind !== 'fn' && !isRouteObject(plugin) && !packagePlugin) {
    if (plugin.kind === 'unknown') interp.linker.reportFile(file, '@fastify/autoload: the export of this file is not known statically; it was not followed');
    return undefined;
  }
  if (truthy(prop(plugin, content, 'autoload')) === false && prop(plugin, content, 'autoload').kind === 'bool') return undefined;

  const override = opts.override.kind === 'obj' ? opts.override : obj(undefined, opts.override.kind === 'unknown');
  const autoConfig = prop(plugin, content, 'autoConfig');
  const options = obj();
  let bodyOptions: (() => Value) | undefined;
  if (autoConfig.kind === 'fn') {
    // `(fastify) => ({ ...autoConfig(fastify), ...override })`: Fastify calls it with the parent
    // when the plugin loads (after the plugins before it); only the context's prefix is the function's own.
    bodyOptions = () => {
      const r = interp.callFunction(autoConfig, [{ kind: 'instance', ctx }]);
      const body = obj(r.kind === 'obj' ? new Map(r.props) : new Map(), override.partial || r.kind !== 'obj' || r.partial);
      for (const [k, v] of override.props) body.props.set(k, v);
      return body;
    };
    for (const [k, v] of override.props) options.props.set(k, v);
    const p = override.props.get('prefix') ?? autoConfig.props.get('prefix');
    if (p) options.props.set('prefix', p);
    else options.props.delete('prefix');
  } else {
    if (autoConfig.kind === 'obj') for (const [k, v] of autoConfig.props) options.props.set(k, v);
    for (const [k, v] of override.props) options.props.set(k, v);
  }
  options.partial = override.partial;

  let optPrefix = options.props.get('prefix');
  // Unknown `options` may hold a prefix: it stays unknown, never ''.
  if (optPrefix === undefined && override.partial) {
    optPrefix = unknown(`autoload options ← ${originOf(opts.override)}`);
  }
  if (optPrefix?.kind === 'str' && optPrefix.v.endsWith('/')) optPrefix = str(optPrefix.v.slice(0, -1));
  const autoPrefix = prop(plugin, content, 'autoPrefix');
  let prefix: Value | undefined;
  if (opts.appendAutoPrefix && autoPrefix.kind !== 'undef' && directoryPrefix) prefix = concat(str(`${directoryPrefix}/`), autoPrefix);
  else if (autoPrefix.kind !== 'undef') prefix = autoPrefix;
  else prefix = directoryPrefix === undefined ? undefined : str(directoryPrefix);
  const prefixOverride = prop(plugin, content, 'prefixOverride');
  let finalPrefix: Value | undefined = optPrefix;
  if (prefixOverride.kind !== 'undef') finalPrefix = prefixOverride;
  else if (prefix && truthy(prefix) !== false) {
    const collapsed = prefix.kind === 'str' ? str(prefix.v.replace(/\/+/g, '/')) : prefix;
    finalPrefix = concat(optPrefix && truthy(optPrefix) !== false ? optPrefix : str(''), collapsed);
  }
  if (finalPrefix?.kind === 'str' && opts.routeParams && finalPrefix.v) finalPrefix = str(replaceRouteParams(finalPrefix.v));
  if (finalPrefix) options.props.set('prefix', finalPrefix);

  if (!opts.encapsulate && plugin.kind === 'fn') markSkipOverride(interp, file, plugin, opts.span.file);
  const meta = plugin.kind === 'fn' ? plugin.marks.meta : undefined;
  return { file, label: relativeTo(opts.dir, file), name: meta?.name ?? file, plugin, options, bodyOptions, dependencies: meta?.dependencies ?? [], registered: false };
}

/** Joins prefix parts; an unknown part keeps the known ones as text around `{?}` and where it came from. */
function concat(a: Value, b: Value): Value {
  const x = asString(a);
  const y = asString(b);
  if (x !== undefined && y !== undefined) return str(x + y);
  const src = x === undefined ? a : b;
  const part = (v: Value, s: string | undefined) => s ?? (v.kind === 'unknown' ? (v.text ?? '{?}') : '{?}');
  const out = src.kind === 'unknown' ? unknown(src.why ?? 'autoload prefix known only at run time', src.node, src.module) : unknown('autoload prefix known only at run time');
  out.text = part(a, x) + part(b, y);
  return out;
}

function replaceRouteParams(p: string): string {
  if (/__/.test(p)) return p.replace(/__/g, ':');
  if (/\/_/.test(p)) return p.replace(/\/_/g, '/:');
  return p;
}

function registerNode(interp: Interpreter, ctx: ContextBuilder, node: TreeNode, opts: Options, span: Span, scope: Scope): void {
  const loaded = new Map<string, Loaded>();
  for (const p of node.plugins) {
    const l = loadPlugin(interp, ctx, p.file, p.prefix, opts);
    if (l) loaded.set(l.name, l);
  }
  if (node.hooks.length === 0) {
    registerAll(interp, ctx, node, loaded, span, scope, opts.encapsulate);
    return;
  }
  const prefixes = [...loaded.values()].map((l) => l.options.props.get('prefix')).map((v) => (v ? asString(v) : undefined)).filter((p): p is string => !!p);
  // 6.4+: the composed wrapper takes the prefix all the folder's plugins share; before, it had none.
  const common = prefixes.length > 0 && prefixes.every((p) => p === prefixes[0]) ? prefixes[0] : undefined;
  const hooksPrefix = common && rule(interp, opts, 'autoload.hooks-prefix') ? common : undefined;
  if (hooksPrefix) {
    for (const l of loaded.values()) {
      const p = asString(l.options.props.get('prefix') ?? UNDEF);
      if (p !== undefined && p.startsWith(hooksPrefix)) {
        const rest = p.slice(hooksPrefix.length);
        barrier.write(l.options);
        if (rest) l.options.props.set('prefix', str(rest));
        else l.options.props.delete('prefix');
      }
    }
  }
  const prefix = hooksPrefix ? joinPrefix(ctx.ctx.prefix, hooksPrefix, ctx.app.fastifyAt) : ctx.ctx.prefix;
  // `fastify.register(composedPlugin)`: its context exists once avvio loads it, after the
  // plugins registered before it.
  interp.enqueue(() => {
    const composed = ctx.child('autohooks', `autohooks ${relativeTo(opts.dir, node.dir) || '.'}`, prefix, ctx.ctx.prefixKnown, span);
    composed.ctx.file = node.hooks[node.hooks.length - 1];
    for (const hookFile of node.hooks) {
      const l = loadContent(interp, hookFile);
      if (!l) continue;
      if (l.plugin.kind === 'fn') markSkipOverride(interp, hookFile, l.plugin, opts.span.file);
      registerPlugin(interp, composed, l.plugin, UNDEF, span, scope, relativeTo(opts.dir, hookFile));
    }
    registerAll(interp, composed, node, loaded, span, scope, opts.encapsulate);
  });
}

function registerAll(interp: Interpreter, ctx: ContextBuilder, node: TreeNode, loaded: Map<string, Loaded>, span: Span, scope: Scope, encapsulate: boolean): void {
  const byFile = new Map([...loaded.values()].map((l) => [l.file, l]));
  for (const p of node.plugins) {
    const l = byFile.get(p.file);
    if (l) registerWithDependencies(interp, ctx, l, loaded, span, scope, new Set(), encapsulate);
  }
}

function registerWithDependencies(interp: Interpreter, ctx: ContextBuilder, l: Loaded, all: Map<string, Loaded>, span: Span, scope: Scope, parents: Set<string>, encapsulate: boolean): void {
  if (parents.has(l.name)) {
    const names = [...parents, l.name].map((n) => (n.startsWith('/') ? interp.linker.rel(n) : n));
    interp.linker.reportAt(span, `@fastify/autoload: cyclic dependency between plugins (${names.join(' -> ')}); Fastify throws 'Cyclic dependency'`);
    return;
  }
  if (l.registered) return;
  const chain = new Set(parents).add(l.name);
  for (const dep of l.dependencies) {
    const d = all.get(dep);
    if (d) registerWithDependencies(interp, ctx, d, all, span, scope, chain, encapsulate);
  }
  const fileSpan: Span = { file: l.file, start: 0, end: 0, line: 1 };
  if (isRouteObject(l.plugin)) {
    const route = l.plugin;
    // autoload wraps a route object in `async f => f.route(obj)`, an encapsulated plugin unless encapsulate: false.
    interp.enqueue(() => {
      let target = ctx;
      if (encapsulate) {
        const pv = l.options.props.get('prefix') ?? UNDEF;
        let p = asString(pv);
        let known = ctx.ctx.prefixKnown;
        if (pv.kind === 'unknown') {
          p = pv.text ?? '{?}';
          known = false;
          interp.linker.reportAt(fileSpan, `prefix of route '${l.label}' is not known statically (options.prefix ← ${originOf(pv)})`);
        }
        target = ctx.child('plugin', l.label, known ? joinPrefix(ctx.ctx.prefix, p, ctx.app.fastifyAt) : joinUnknownPrefix(ctx.ctx.prefix, p ?? '{?}', ctx.app.fastifyAt), known, fileSpan);
        target.ctx.file = l.file;
      }
      callInstanceMethod(interp, { kind: 'instance', ctx: target }, 'route', [route], undefined, scope);
    });
  } else {
    registerPlugin(interp, ctx, l.plugin, l.options, fileSpan, scope, l.label, l.bodyOptions);
  }
  l.registered = true;
}
