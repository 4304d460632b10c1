import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import { BodyFactsCache } from '../facts/function-body';
import type { Host } from '../host';
import type { ServerOptions, Span, Unresolved, ValidationSetup } from '../model';
import { ParseCache, syntaxErrors } from '../facts/parse';
import type { ModuleKind, Resolution, Resolver } from '../workspace/resolve';
import { innermostProject, type Project, type WorkspaceScan } from '../workspace/scan';
import { reapplySkipOverride } from './autoload';
import { packageValue, pathOfFileUrl } from './builtins';
import { AppBuilder } from './context-builder';
import { recordRootUses } from './decorator-uses';
import { jsonModuleValue, jsonOfValue } from './json-value';
import { Interpreter } from './interpreter';
import { registerPlugin } from './instance-api';
import { ModuleRecord } from './module-record';
import { ModuleFrames, resolutionOf, USES_FACTORY, type LinkedModules } from './replay/kept-modules';
import { barrier } from './replay/ownership';
import { OnceNotes } from './replay/once-notes';
import type { PluginRuns, RunHost } from './replay/plugin-runs';
import { liveAnswer } from './replay/watched-host';
import type { Scope } from './scope';
import { UNDEF, asString, getProp, obj, str, truthy, unknown, type FnValue, type InstanceValue, type Value } from './values';
import { behaviourAt, fastifyRulesAt, graphVersions, type VersionLike } from './version-rules';

export interface LinkOptions {
  /** Interpreter steps allowed for the whole workspace before giving up with an unresolved entry. */
  budget?: number;
  /** Files larger than this are not analysed. */
  maxFileBytes?: number;
}

interface AppRecord {
  builder: AppBuilder;
  /** Functions that contain the fastify() call (a factory is not a root plugin). */
  enclosing: ts.Node[];
}

/**
 * Builds the app graphs of a scanned workspace: loads modules on demand, runs the interpreter
 * from every root, and collects what could not be followed.
 */
export class Linker {
  readonly interp = new Interpreter(this);
  readonly unresolved: Unresolved[] = [];
  private readonly unresolvedKeys = new Set<string>();
  private readonly modules = new Map<string, ModuleRecord | null>();
  /** JSON modules by path, parsed once like Node's module cache. */
  private readonly jsonModules = new Map<string, Value>();
  /** The module that loaded each JSON module first: its spans point there, so what holds its values depends on that file too. */
  private readonly jsonLoaders = new Map<string, string>();
  private readonly projectsByFile = new Map<string, Project | undefined>();
  readonly apps: AppRecord[] = [];
  /**
   * The Host for what the analysed app itself lists and stats (`fs.*`, awilix and
   * fastify-decorators globs): may be any file, so the Analyzer passes one that is not cached.
   */
  appFsHost: Host;
  /** The same questions unwatched, for a replay's check of what a recorded run asked (`RunHost.liveAnswer`). */
  appFsLive: Host;
  private readonly appsByCallSite = new Map<ts.Node, AppBuilder>();
  private readonly registeredPlugins = new Set<ts.Node>();
  private readonly factoryModules = new Set<ModuleRecord>();
  /**
   * Plugin functions and autoload folders being interpreted, to stop register cycles. One stack
   * for every app: a plugin that builds a new app and registers itself on it (a factory
   * registered as a plugin) is a cycle too, which per-app stacks would follow exponentially.
   */
  readonly pluginStack: (ts.Node | string)[] = [];

  /** Whether loading `node` now would be a register cycle; a plugin run that meets one depends on the stack above it, so it is not recorded. */
  isCycle(node: ts.Node | string): boolean {
    if (!this.pluginStack.includes(node)) return false;
    this.runs?.fail('a register cycle');
    return true;
  }

  /** A plugin function or autoload folder begins to load: on the stack, and loaded by the plugin run being recorded (a replay under it would be a cycle). */
  enterPlugin(node: ts.Node | string): void {
    this.runs?.pluginLoaded(node);
    this.pluginStack.push(node);
  }
  private steps = 0;
  /** The recorder and replayer of plugin runs (replay/plugin-runs.ts); the Analyzer sets it before linking. */
  runs: PluginRuns | undefined;
  /** The module top levels running, told what they do (replay/kept-modules.ts). */
  readonly frames = new ModuleFrames();
  /** Notes said once per analysis (version rules, env values), recorded with the plugin runs that say them. */
  readonly notes = new OnceNotes(() => this.runs, () => this.frames.effect('a once-per-analysis note'));
  private budgetReported = false;
  private readonly budget: number;
  private readonly maxFileBytes: number;

  constructor(
    readonly host: Host,
    readonly scan: WorkspaceScan,
    readonly resolver: Resolver,
    readonly parseCache: ParseCache,
    options: LinkOptions = {},
    /** Handler and hook body facts, one walk per function node: the Analyzer keeps one across updates (nodes of an unchanged file are the same, a re-parsed file's are new). */
    readonly bodyFacts = new BodyFactsCache(),
    /** Modules of the link before taken as they are where this link evaluates them (replay/kept-modules.ts `keptModules`). */
    private readonly carried: ReadonlyMap<string, ModuleRecord> = new Map(),
  ) {
    this.budget = options.budget ?? 20_000_000;
    this.maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
    this.appFsHost = host;
    this.appFsLive = host;
    for (const f of scan.files) this.projectsByFile.set(f.path, f.project);
  }

  /** A path as messages show it: relative to the workspace folder. */
  rel(path: string): string {
    return posix.relative(this.scan.root, path) || '.';
  }

  tick(node: ts.Node, module: ModuleRecord): boolean {
    if (this.runs?.active) this.runs.ranModule(module);
    if (++this.steps <= this.budget) return true;
    if (!this.budgetReported) {
      this.budgetReported = true;
      // The top levels evaluated from here on stop early without a report: none is kept.
      this.frames.keepNone ??= 'the analysis budget ran out';
      this.report(node, module, 'analysis budget exceeded: the rest of this workspace was not followed');
    }
    return false;
  }

  span(node: ts.Node, module: ModuleRecord): Span {
    const sf = module.sf;
    const start = node.getStart(sf);
    return { file: module.path, start, end: node.getEnd(), line: sf.getLineAndCharacterOfPosition(start).line + 1 };
  }

  /** Something at a node of a module could not be followed. */
  report(node: ts.Node, module: ModuleRecord, reason: string): void {
    this.reportAt(this.span(node, module), reason);
  }

  /** Something at a span (or nowhere in particular) could not be followed; said once. */
  reportAt(span: Span | undefined, reason: string): void {
    this.runs?.reportAt(span, reason);
    this.frames.effect('a report');
    const key = `${span?.file ?? ''}:${span?.start ?? ''}:${reason}`;
    if (this.unresolvedKeys.has(key)) return;
    this.unresolvedKeys.add(key);
    this.unresolved.push(span ? { span, reason } : { reason });
  }

  /** A failure while following one file or root: said once, and the rest goes on. */
  reportFailure(file: string, err: unknown): void {
    const e = err as Error;
    this.reportFile(file, e instanceof RangeError ? 'code nested too deeply to follow; the rest of this file was skipped' : `internal error while reading this file: ${e?.message}`);
  }

  reportFile(file: string, reason: string): void {
    this.runs?.reportFile(file, reason);
    this.frames.effect('a report');
    const key = `${file}::${reason}`;
    if (this.unresolvedKeys.has(key)) return;
    this.unresolvedKeys.add(key);
    this.unresolved.push({ file, reason });
  }

  // ---- modules -----------------------------------------------------------------------------

  getModule(path: string): ModuleRecord | undefined {
    const cached = this.modules.get(path);
    // A run that looks at a module (its exports: autoload) depends on its text and imports.
    if (cached) this.runs?.ranModule(cached);
    else if (cached === null) this.runs?.diskRead(path);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.host.readFile(path);
    if (text === undefined) {
      this.reportFile(path, 'file could not be read');
      this.modules.set(path, null);
      return undefined;
    }
    if (text.length > this.maxFileBytes) {
      this.reportFile(path, `file is too large to analyse (${text.length} characters)`);
      this.modules.set(path, null);
      return undefined;
    }
    const sf = this.parseCache.get(path, text);
    const carried = this.carried.get(path);
    if (carried?.sf === sf) {
      // The link before's record, its top level taken up where this link evaluates it.
      carried.state = 'kept';
      carried.linker = this;
      carried.project = this.projectOf(path);
      this.modules.set(path, carried);
      return carried;
    }
    const m = new ModuleRecord(path, sf, this.projectOf(path), this);
    // What is said about the file itself is said again each time it is read: not kept.
    if (text.includes('\uFFFD')) {
      this.reportFile(path, 'file is not valid UTF-8; invalid bytes were replaced');
      m.unkeepable = 'not valid UTF-8';
    }
    for (const err of syntaxErrors(sf).slice(0, 3)) {
      const line = sf.getLineAndCharacterOfPosition(err.start).line + 1;
      const span = { file: path, start: err.start, end: err.start, line };
      this.reportAt(span, `syntax error: ${err.message} (the rest of the file is read as far as the parser recovers)`);
      m.unkeepable = 'a syntax error';
    }
    this.modules.set(path, m);
    return m;
  }

  /**
   * The modules of this link, for the next one's choice of those it keeps (`keptModules`), let go
   * of this linker (kept, they are not reached before the next link takes them up: it does not
   * stay alive through them).
   */
  linkedModules(): LinkedModules {
    const modules: ModuleRecord[] = [];
    for (const m of this.modules.values()) {
      if (!m) continue;
      m.linker = undefined;
      modules.push(m);
    }
    return { modules, keepNone: this.frames.keepNone };
  }

  private projectOf(path: string): Project | undefined {
    if (!this.projectsByFile.has(path)) this.projectsByFile.set(path, innermostProject(this.scan.projects, path));
    return this.projectsByFile.get(path);
  }

  /** Runs a module's top level once (like Node's module cache; a cycle sees partial exports). */
  evaluate(m: ModuleRecord): ModuleRecord {
    if (m.state === 'evaluating') barrier.taint('a module cycle (partial exports)');
    this.frames.required(m.path);
    if (m.state !== 'new' && m.state !== 'kept') {
      this.runs?.ranModule(m);
      return m;
    }
    this.runs?.fail('a module evaluated for the first time');
    const kept = m.state === 'kept';
    m.state = 'evaluating';
    this.frames.begin(m, this.steps, this.interp.moduleState());
    try {
      if (kept) this.takeKept(m);
      else {
        // A frame of its own: the module's values are its own, writes to anything else are foreign.
        barrier.enter(m.path);
        m.adopt();
        try {
          this.evaluateNow(m);
        } finally {
          barrier.exit();
        }
      }
    } finally {
      this.frames.end(this.steps, kept);
    }
    m.state = 'done';
    return m;
  }

  /**
   * A kept module's top level counted where this link evaluates it, instead of run: the modules it
   * evaluated in turn, the JSON modules it loaded, its steps and loop iterations. Where that would
   * not give what evaluating it gives, the link is done again without kept modules (`ModuleFrames.invalid`).
   */
  private takeKept(m: ModuleRecord): void {
    const e = m.evaluation!;
    const state = this.interp.moduleState();
    if (state.length !== e.state.length || state.some((x, i) => x !== e.state[i])) this.frames.invalid ??= 'a kept module evaluated in another state';
    for (const p of e.required) {
      if (p === USES_FACTORY) {
        this.factoryModules.add(m);
        continue;
      }
      const n = this.getModule(p);
      if (n) this.evaluate(n);
    }
    // Its values hold the JSON values it got: the same ones this link's modules get, loaded where they were.
    for (const [p, v, first] of e.json) {
      const now = this.jsonModules.get(p);
      if (now === undefined && first) {
        this.jsonModules.set(p, v);
        this.jsonLoaders.set(p, m.path);
      } else if (now !== v) this.frames.invalid ??= 'a kept module\'s JSON module loaded elsewhere first';
    }
    if (this.steps + e.steps > this.budget) this.frames.invalid ??= 'the analysis budget reached by a kept module';
    this.steps += e.steps;
    if (!this.interp.loopsFit(e.loops)) this.frames.invalid ??= 'a loop cap reached by a kept module';
    for (const [loop, n] of e.loops) this.interp.addLoop(loop, n);
  }

  private evaluateNow(m: ModuleRecord): void {
    const scope = m.scope;
    scope.declare('module', m.moduleObj);
    scope.declare('exports', m.cjsExports);
    scope.declare('__filename', str(m.path));
    scope.declare('__dirname', str(posix.dirname(m.path)));
    scope.declare('require', { kind: 'builtin', name: 'require', props: new Map([['resolve', unknown('require.resolve')]]) });
    for (const st of m.sf.statements) this.declareImportsAndExports(m, st);
    try {
      this.interp.guarded(() => this.interp.atModuleTop(() => this.interp.load(() => this.interp.execBlock(m.sf.statements, scope))));
    } catch (err) {
      this.reportFailure(m.path, err);
    }
  }

  private declareImportsAndExports(m: ModuleRecord, st: ts.Statement): void {
    const scope = m.scope;
    if (ts.isImportDeclaration(st)) {
      const spec = stringSpecifier(st.moduleSpecifier);
      // Imports bind lazily; a factory nobody calls must still be found (analyze.ts, step 2).
      if (spec === 'fastify') this.usesFactory(m);
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) return;
      // Through the module's linker: a kept module's imports resolve through the link using it.
      const target = () => (spec === undefined ? NO_SPECIFIER : importThrough(m, spec, st));
      if (clause.name) scope.declareLive(clause.name.text, () => exportOf(target(), 'default'));
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) scope.declareLive(nb.name.text, () => namespaceOf(target()));
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          const imported = (el.propertyName ?? el.name).text;
          scope.declareLive(el.name.text, () => exportOf(target(), imported));
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
      const spec = stringSpecifier(st.moduleReference.expression);
      scope.declareLive(st.name.text, () => namespaceOf(spec === undefined ? NO_SPECIFIER : importThrough(m, spec, st)));
      return;
    }
    if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly) return;
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      const clause = st.exportClause;
      if (spec !== undefined) {
        const target = () => importThrough(m, spec, st);
        if (!clause) {
          m.starExports.push(() => {
            const t = target();
            return t.kind === 'module' ? t.module : undefined;
          });
        } else if (ts.isNamespaceExport(clause)) {
          m.esmExports.set(clause.name.text, () => namespaceOf(target()));
        } else {
          for (const el of clause.elements) {
            const imported = (el.propertyName ?? el.name).text;
            m.esmExports.set(el.name.text, () => exportOf(target(), imported));
          }
        }
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) {
          const local = (el.propertyName ?? el.name).text;
          m.esmExports.set(el.name.text, () => scope.lookup(local) ?? UNDEF);
        }
      }
      return;
    }
    const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) ?? [] : [];
    if (!mods.some((x) => x.kind === ts.SyntaxKind.ExportKeyword)) return;
    const isDefault = mods.some((x) => x.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        for (const name of bindingNames(d.name)) m.esmExports.set(name, () => scope.lookup(name) ?? UNDEF);
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && (st.name || isDefault)) {
      if (isDefault && !st.name && ts.isFunctionDeclaration(st)) {
        const fn = this.interp.makeFunction(st, scope);
        m.esmExports.set('default', () => fn);
        return;
      }
      const local = st.name?.text;
      if (local) m.esmExports.set(isDefault ? 'default' : local, () => scope.lookup(local) ?? UNDEF);
    }
  }

  /** What a specifier names: a workspace module, a package we model, or nothing we can see. */
  importTarget(from: ModuleRecord, spec: string, node: ts.Node, kind: ModuleKind = staticImportKind(from)): ImportTarget {
    const r = this.resolver.resolve(from.path, spec, kind);
    const key = resolutionKey(r);
    this.runs?.resolved(from.path, spec, kind, key);
    from.resolutions.set(resolutionOf(spec, kind), key);
    if (r.kind === 'file') from.imports.add(r.path);
    switch (r.kind) {
      case 'file': {
        if (/\.json$/i.test(r.path)) return { kind: 'value', value: this.jsonModule(r.path, spec, node, from), json: true };
        if (!/\.(m|c)?[jt]sx?$/i.test(r.path)) return { kind: 'value', value: unknown(`non-script module '${spec}'`) };
        const m = this.getModule(r.path);
        if (!m) return { kind: 'value', value: unknown(`module '${spec}' could not be read`) };
        return { kind: 'module', module: this.evaluate(m) };
      }
      case 'builtin':
        return { kind: 'value', value: owned(packageValue(r.name, '', this), from) };
      case 'package': {
        if (r.note) this.report(node, from, r.note);
        const v = owned(packageValue(r.name, r.subpath, this), from);
        if (v.kind === 'builtin' && v.name === 'fastify.factory') this.usesFactory(from);
        return { kind: 'value', value: v };
      }
      default:
        this.report(node, from, `module '${spec}' not found${r.reason ? `: ${r.reason}` : ''}`);
        return { kind: 'value', value: unknown(`missing module '${spec}'`) };
    }
  }

  requireValue(from: ModuleRecord, specV: Value, node: ts.Node): Value {
    const spec = asString(specV);
    if (spec === undefined) {
      this.report(node, from, 'require() of a path known only at run time');
      return unknown('dynamic require');
    }
    return namespaceOf(this.importTarget(from, spec, node, 'require'));
  }

  /** A JSON module's parsed value (data, never code); unknown when it cannot be read or parsed. */
  private jsonModule(path: string, spec: string, node: ts.Node, from: ModuleRecord): Value {
    const cached = this.jsonModules.get(path);
    if (cached) {
      this.frames.json(path, cached, false);
      return cached;
    }
    // Its spans point at the first require of it: a replay would leave that to a later one.
    this.runs?.fail('a JSON module loaded for the first time');
    const text = this.host.readFile(path);
    let value: Value;
    if (text === undefined) {
      this.report(node, from, `JSON module '${spec}' could not be read`);
      value = unknown(`JSON module '${spec}' could not be read`);
    } else if (text.length > this.maxFileBytes) {
      this.report(node, from, `JSON module '${spec}' is too large to analyse (${text.length} characters)`);
      value = unknown(`JSON module '${spec}' is too large`);
    } else {
      const parsed = jsonModuleValue(text);
      if ('error' in parsed) this.report(node, from, `JSON module '${spec}' could not be parsed: ${parsed.error}`);
      value = 'error' in parsed ? unknown(`JSON module '${spec}' could not be parsed`) : parsed.value;
      // Spans of the data (a route's schema) point at the require/import that loaded it first.
      if (value.kind === 'obj' || value.kind === 'arr') {
        value.node = node;
        value.module = from;
      }
    }
    this.jsonModules.set(path, value);
    this.jsonLoaders.set(path, from.path);
    this.frames.json(path, value, true);
    return value;
  }

  importValue(from: ModuleRecord, specV: Value, node: ts.Node): Value {
    const raw = asString(specV);
    // import() takes file: URLs too (import(pathToFileURL(file).href)).
    const spec = raw === undefined ? undefined : pathOfFileUrl(raw) ?? raw;
    if (spec === undefined) {
      this.report(node, from, 'import() of a path known only at run time');
      return unknown('dynamic import');
    }
    const t = this.importTarget(from, spec, node, 'import');
    // import() of JSON gives { default: value }.
    if (t.kind === 'value' && t.json) return obj(new Map([['default', t.value]]));
    if (t.kind === 'module') {
      // import() of CommonJS gives { default: module.exports, ...named }.
      if (!t.module.esm) {
        const ns = namespaceOf(t);
        const wrapped = obj();
        if (ns.kind === 'obj') for (const [k, v] of ns.props) wrapped.props.set(k, v);
        wrapped.props.set('default', ns);
        return wrapped;
      }
      return t.module.namespace();
    }
    return t.value;
  }

  markRegistered(fn: FnValue): void {
    this.runs?.registeredPlugin(fn.node);
    this.registeredPlugins.add(fn.node);
  }

  /**
   * Marks set on plugin functions from outside their own module and outside every plugin run
   * (`fp(imported)` at a module's top level, an autoload in root code), each as one text: the
   * function, the module setting them, how many plugin runs had begun, the marks. These writes
   * repeat on every link; a link that replayed runs is done again without replay unless they are
   * the ones of the link before (`Analyzer.link`), so a replayed run always saw the marks it was
   * recorded with.
   */
  readonly outsideMarks: string[] = [];

  /** `fn`'s marks were just set by module `by`, from outside its module and every plugin run. */
  marksSetBy(fn: FnValue, by: string): void {
    this.frames.effect('marks set on another module\'s function');
    this.markedFromOutside(fn.module.path);
    this.outsideMarks.push(`${fn.module.path}:${fn.node.pos}|${by}|${this.runs?.begun ?? 0}|${fn.marks.skipOverride === true}|${JSON.stringify(fn.marks.meta ?? null)}`);
  }

  /** What the recorder of plugin runs asks of the linker (replay/plugin-runs.ts). */
  runHost(): RunHost {
    return {
      steps: () => this.steps,
      stepsLeft: () => this.budget - this.steps,
      addSteps: (n) => {
        this.steps += n;
      },
      moduleDone: (path) => this.modules.get(path)?.state === 'done' || this.jsonModules.has(path),
      importsOf: (path) => {
        const loader = this.jsonLoaders.get(path);
        return this.modules.get(path)?.imports ?? (loader ? [loader] : []);
      },
      resolveNow: (from, spec, kind) => resolveKey(this.resolver, from, spec, kind),
      loopCount: (loop) => this.interp.loopCount(loop),
      addLoop: (loop, n) => this.interp.addLoop(loop, n),
      onStack: (n) => this.pluginStack.includes(n),
      markRegisteredPlugin: (n) => {
        this.registeredPlugins.add(n);
      },
      noteSaid: (id) => this.notes.has(id),
      sayNote: (id) => this.notes.add(id),
      reapplySkipOverride: (file) => reapplySkipOverride(this.interp, file),
      reportAt: (span, reason) => this.reportAt(span, reason),
      reportFile: (file, reason) => this.reportFile(file, reason),
      liveAnswer: (kind, path) => liveAnswer(this.appFsLive, kind, path),
    };
  }

  isRegistered(fn: FnValue): boolean {
    return this.registeredPlugins.has(fn.node);
  }

  // ---- apps --------------------------------------------------------------------------------

  createApp(call: ts.CallExpression, scope: Scope, optsV: Value): InstanceValue {
    const existing = this.appsByCallSite.get(call);
    const module = scope.module;
    const project = module.project;
    const span = this.span(call, module);
    if (existing) {
      // The same fastify() call reached again (a factory called twice): a throwaway instance.
      const copy = new AppBuilder('instance', span, existing.project, existing.fastifyMajor, existing.serverOptions, 'root', existing.versions, existing.fastifyAt);
      this.runs?.fail('an app created');
      return { kind: 'instance', ctx: copy.root };
    }
    const at = fastifyRulesAt(project);
    const builder = new AppBuilder('instance', span, project?.dir ?? this.scan.root, project?.fastifyMajor ?? 5, serverOptions(optsV, at), 'root', graphVersions(project), at);
    this.appsByCallSite.set(call, builder);
    const enclosing: ts.Node[] = [];
    for (let n: ts.Node | undefined = call.parent; n; n = n.parent) if (ts.isFunctionLike(n)) enclosing.push(n);
    this.addApp({ builder, enclosing });
    recordRootUses(this.interp, builder.root, call, module);
    return { kind: 'instance', ctx: builder.root };
  }

  private addApp(app: AppRecord): void {
    this.runs?.fail('an app created');
    this.frames.effect('an app created');
    app.builder.runs = this.runs;
    this.apps.push(app);
  }

  createPluginApp(module: ModuleRecord, plugin: FnValue, prefix: string | undefined): void {
    const project = module.project;
    const entry = this.span(plugin.node, plugin.module);
    const at = fastifyRulesAt(project);
    // fastify-cli passes the root plugin file's `options` export to fastify(): its ajv settings count.
    const cliOptions = module.getExport('options');
    const options = { ...serverOptions(UNDEF, at), ...(cliOptions ? validationSetup(cliOptions) : {}) };
    const builder = new AppBuilder('plugin', entry, project?.dir ?? this.scan.root, project?.fastifyMajor ?? 5, options, 'fastify-cli', graphVersions(project), at);
    this.addApp({ builder, enclosing: [] });
    const opts = obj();
    // `-x $API_PREFIX`: the shell fills it in at run time.
    if (prefix) opts.props.set('prefix', prefix.includes('$') ? unknown(`fastify-cli -x ${prefix} (a shell variable, known only at run time)`) : str(prefix));
    registerPlugin(this.interp, builder.root, plugin, opts, entry, module.scope, posix.basename(module.path));
  }

  /** Functions that create an app are factories, not root plugins. */
  createsApp(fn: FnValue): boolean {
    return this.apps.some((a) => a.enclosing.includes(fn.node));
  }

  hasAppAt(call: ts.Node): boolean {
    return this.appsByCallSite.has(call);
  }

  modulesUsingFactory(): ModuleRecord[] {
    return [...this.factoryModules];
  }

  /** Module `m` imports the fastify factory: listed for the uncalled factories (a kept module again where it is taken up). */
  private usesFactory(m: ModuleRecord): void {
    this.factoryModules.add(m);
    this.frames.usesFactory(m);
  }

  /**
   * A value of module `path` (a function, a package's value) got marks from outside its module's
   * top level (fastify-plugin's, autoload's skip-override): a write the barrier lets through, so
   * the module is not kept.
   */
  markedFromOutside(path: string): void {
    const m = this.modules.get(path);
    if (m) m.unkeepable ??= 'marks set on its values from outside';
  }
}

type ImportTarget = { kind: 'module'; module: ModuleRecord } | { kind: 'value'; value: Value; json?: boolean };

/** A package's value as module `from`'s import gives it: its owner, when marks are set on it from elsewhere (`Linker.markedFromOutside`). */
function owned(v: Value, from: ModuleRecord): Value {
  if (v.kind === 'builtin') v.owner = from.path;
  return v;
}

/** An import of module `m`, resolved through the linker using it now (a kept module's is the link taking it up). */
function importThrough(m: ModuleRecord, spec: string, node: ts.Node): ImportTarget {
  if (!m.linker) throw new Error(`a module of an earlier link was used: ${m.path}`);
  return m.linker.importTarget(m, spec, node);
}

/** A resolution as one comparable string (replay/plugin-runs.ts and kept-modules.ts check them again after files come and go). */
function resolutionKey(r: Resolution): string {
  return JSON.stringify(r);
}

/** A resolution made again now, as `resolutionKey` records it. */
export function resolveKey(resolver: Resolver, from: string, spec: string, kind: string): string {
  return resolutionKey(resolver.resolve(from, spec, kind as ModuleKind));
}

/** What an import binds when broken code leaves it without a module name (`import { a, ( } from 'x'` parses so). */
const NO_SPECIFIER: ImportTarget = { kind: 'value', value: unknown('import without a module name (a syntax error)') };

/** The module name of an import, or undefined when the parser found something else than a string there. */
function stringSpecifier(e: ts.Expression): string | undefined {
  return ts.isStringLiteral(e) ? e.text : undefined;
}

/** Whether an import declaration of this file runs as `import` or (compiled TypeScript / CommonJS) as `require`. */
function staticImportKind(m: ModuleRecord): ModuleKind {
  if (/\.m[jt]s$/i.test(m.path)) return 'import';
  if (/\.c[jt]s$/i.test(m.path)) return 'require';
  if (m.project?.moduleType === 'module') return 'import';
  return /\.tsx?$/i.test(m.path) ? 'require' : 'import';
}

function exportOf(t: ImportTarget, name: string): Value {
  if (t.kind === 'module') return t.module.getExport(name) ?? unknown(`'${name}' is not exported by the imported module`);
  const v = t.value;
  if (v.kind !== 'builtin') return name === 'default' ? v : getProp(v, name);
  return v.props?.get(name) ?? (name === 'default' ? v : { kind: 'builtin', name: 'package', pkg: `${v.pkg}.${name}` });
}

function namespaceOf(t: ImportTarget): Value {
  return t.kind === 'module' ? t.module.namespace() : t.value;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...bindingNames(el.name));
  return out;
}

export function serverOptions(v: Value, fastify: VersionLike = 5): ServerOptions {
  const router = getProp(v, 'routerOptions');
  const flag = (key: string, dflt: boolean): boolean => {
    const fromRouter = router.kind === 'obj' ? truthy(getProp(router, key)) : undefined;
    const top = v.kind === 'obj' ? getProp(v, key) : UNDEF;
    if (fromRouter !== undefined && getProp(router, key).kind !== 'undef') return fromRouter;
    return top.kind === 'undef' ? dflt : truthy(top) ?? dflt;
  };
  return {
    ignoreTrailingSlash: flag('ignoreTrailingSlash', false),
    ignoreDuplicateSlashes: behaviourAt('fastify.ignore-duplicate-slashes', fastify) && flag('ignoreDuplicateSlashes', false),
    exposeHeadRoutes: flag('exposeHeadRoutes', behaviourAt('fastify.expose-head-routes-default', fastify)),
    caseSensitive: flag('caseSensitive', true),
    ...validationSetup(v),
  };
}

/**
 * What the server options change in request validation (`ServerOptions.validation`): nothing for
 * no options; known `ajv.customOptions`; else why the validator compiler is not Fastify's
 * default Ajv as far as the analysis can tell.
 */
export function validationSetup(v: Value): { validation?: ValidationSetup } {
  if (v.kind === 'undef' || v.kind === 'null') return {};
  if (v.kind !== 'obj') return { validation: { unknown: 'server options not known statically' } };
  const out: ValidationSetup = {};
  if (getProp(v, 'jsonShorthand').kind === 'bool' && truthy(getProp(v, 'jsonShorthand')) === false) out.jsonShorthand = false;
  const ajv = getProp(v, 'ajv');
  const controller = getProp(v, 'schemaController');
  if (v.partial) out.unknown = 'server options partly unknown (a spread or computed key)';
  else if (controller.kind !== 'undef') out.unknown = 'a schemaController server option';
  else if (ajv.kind === 'obj' && !ajv.partial) {
    const extra = [...ajv.props.keys()].filter((k) => k !== 'customOptions' && k !== 'plugins');
    const plugins = getProp(ajv, 'plugins');
    const custom = getProp(ajv, 'customOptions');
    const json = custom.kind === 'undef' ? { value: {} } : jsonOfValue(custom);
    if (extra.length) out.unknown = `ajv.${extra[0]} in the server options`;
    else if (plugins.kind !== 'undef' && !(plugins.kind === 'arr' && !plugins.partial && plugins.items.length === 0)) out.unknown = 'ajv.plugins in the server options';
    else if (json.partial || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) out.unknown = 'ajv.customOptions not known statically';
    else if (Object.keys(json.value).length) out.ajvCustomOptions = json.value as Record<string, unknown>;
  } else if (ajv.kind !== 'undef') out.unknown = 'ajv server option not known statically';
  return Object.keys(out).length ? { validation: out } : {};
}
