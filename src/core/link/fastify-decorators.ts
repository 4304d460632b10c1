import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import type { Decorator, Hook, MergedPlugin, Span } from '../model';
import { hookRoles } from '../facts/function-body';
import { pathOfFileUrl } from './builtins';
import type { ContextBuilder } from './context-builder';
import { hookKind } from '../hook-names';
import { callInstanceMethod } from './instance-api';
import { markConditional } from './add-route';
import { barrier, stamp } from './replay/ownership';
import type { Interpreter } from './interpreter';
import type { ModuleRecord } from './module-record';
import { Scope } from './scope';
import { joinPrefix } from './url-join';
import {
  UNDEF, asString, getProp, obj, str, unknown,
  type BuiltinValue, type ClassValue, type FnValue, type ObjValue, type Value,
} from './values';

/**
 * fastify-decorators 3 (lib/bootstrap/bootstrap.ts, decorators/controller.ts,
 * decorators/helpers/request-decorators.factory.ts, decorators/strategies/controller-type.ts):
 *
 * - `bootstrap` is a fastify-plugin (name 'fastifyDecorators'): it decorates the registering
 *   instance with `Symbol.for('fastify-decorators.class-loader')`, collects controllers from
 *   `directory` (a folder, or a file whose folder is used; walked breadth first, every file whose
 *   *name* matches `mask`, default `/\.(handler|controller)\./`, loaded for its default export)
 *   and then from `controllers`, and loads each in that order.
 * - A `@Controller(route | { route, type, tags })` class registers its own encapsulated plugin with
 *   `{ prefix: (options.prefix ?? '') + route }` (route default '/'); in it, for each method
 *   decorated with `@GET(url = '/', options)`/`@POST`/…/`@ALL` (base class first, then in
 *   declaration order) `instance[method](url, options, handler)`, then `setErrorHandler` when a
 *   method has `@ErrorHandler`, then `addHook(name, method)` for each `@Hook(name)`.
 * - A request-handler class decorated itself with `@GET(url)`… declares its route directly on the
 *   bootstrap's (registering) instance, with no prefix; its `@Hook`s become route hooks.
 * Decorators are TypeScript's legacy (`experimentalDecorators`) ones: member decorators apply in
 * declaration order (the last written first on one member), then the class decorators.
 */

const PKG = 'fastify-decorators';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'ALL'];
const DEFAULT_MASK = /\.(handler|controller)\./;
const CLASS_LOADER = 'symbol:fastify-decorators.class-loader';

function builtin(name: string, props?: [string, Value][]): BuiltinValue {
  return { kind: 'builtin', name, pkg: PKG, props: props ? new Map(props) : undefined };
}

/** The package's exports. */
export function fastifyDecoratorsValue(pkg: string): BuiltinValue {
  const b = builtin('fastify-decorators');
  b.pkg = pkg;
  const boot = builtin('fd.bootstrap');
  boot.marks = { skipOverride: true, meta: { name: 'fastifyDecorators' } };
  const controllerType = obj(new Map<string, Value>([['SINGLETON', { kind: 'num', v: 0 }], ['REQUEST', { kind: 'num', v: 1 }]]));
  const props: [string, Value][] = [
    ['bootstrap', boot],
    ['Controller', builtin('fd.Controller')],
    ['Hook', builtin('fd.Hook')],
    ['ErrorHandler', builtin('fd.ErrorHandler')],
    ['ControllerType', controllerType],
    ['RequestHandler', builtin('fd.RequestHandler')],
    ...METHODS.map((m): [string, Value] => [m, builtin(`fd.route.${m}`)]),
    ...['Service', 'Inject', 'Initializer', 'Destructor'].map((n): [string, Value] => [n, builtin('fd.other')]),
    ['default', b],
  ];
  b.props = new Map(props);
  return b;
}

/** Calls of the package's functions: decorator factories give the decorators applied to classes. */
export function callFastifyDecorators(interp: Interpreter, b: BuiltinValue, args: Value[], call: ts.Node | undefined, scope: Scope): Value {
  if (b.name === 'fd.Controller') return builtin('fd.apply.controller', [['config', args[0] ?? UNDEF]]);
  if (b.name.startsWith('fd.route.')) {
    return builtin('fd.apply.route', [['method', str(b.name.slice(9).toLowerCase())], ['config', args[0] ?? UNDEF], ['options', args[1] ?? UNDEF]]);
  }
  if (b.name === 'fd.Hook') return builtin('fd.apply.hook', [['name', args[0] ?? UNDEF]]);
  if (b.name === 'fd.ErrorHandler') return builtin('fd.apply.error');
  if (b.name === 'fd.other') return builtin('fd.apply.other');
  if (b.name.startsWith('fd.apply.') && call) interp.linker.report(call, scope.module, `${PKG}: a decorator called as a function is not followed`);
  interp.touchCallbacks(args);
  return unknown(`result of a call into '${PKG}'`);
}

interface RouteMeta { method: string; config: Value; options: Value; node: ts.Node; fn?: FnValue }
interface ClassMeta {
  controller?: { config: Value };
  /** A request-handler class: `@GET(url)` on the class itself. */
  route?: RouteMeta;
  handlers: RouteMeta[];
  hooks: { name: Value; node: ts.Node; fn: FnValue }[];
  errorHandlers: ts.Node[];
}

const META = new WeakMap<ClassValue, ClassMeta>();

/** Applies fastify-decorators' decorators written on a class and its methods (legacy decorator order). */
export function applyClassDecorators(interp: Interpreter, cls: ClassValue, node: ts.ClassLikeDeclaration, scope: Scope): void {
  if (!ts.canHaveDecorators(node)) return;
  const members = node.members.filter((m) => ts.canHaveDecorators(m) && ts.getDecorators(m)?.length);
  const own = ts.getDecorators(node) ?? [];
  if (!members.length && !own.length) return;
  const meta: ClassMeta = { handlers: [], hooks: [], errorHandlers: [] };
  // Only fastify-decorators' own decorators are followed: others (an ORM's, the app's) are not run.
  const ours = (e: ts.Expression): boolean => {
    const callee = ts.isCallExpression(e) ? e.expression : e;
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return false;
    const v = interp.eval(callee, scope);
    return v.kind === 'builtin' && v.name.startsWith('fd.');
  };
  const decoratorsOf = (n: ts.HasDecorators) => (ts.getDecorators(n) ?? []).filter((d) => ours(d.expression)).map((d) => interp.eval(d.expression, scope)).reverse();
  for (const m of members) {
    if (!ts.isMethodDeclaration(m) || isStatic(m)) continue;
    const fn = interp.makeFunction(m, new Scope(cls.closure, cls.module));
    for (const d of decoratorsOf(m)) {
      if (d.kind !== 'builtin') continue;
      if (d.name === 'fd.apply.route') meta.handlers.push({ method: asString(getProp(d, 'method')) ?? 'get', config: getProp(d, 'config'), options: getProp(d, 'options'), node: m, fn });
      else if (d.name === 'fd.apply.hook') meta.hooks.push({ name: getProp(d, 'name'), node: m, fn });
      else if (d.name === 'fd.apply.error') meta.errorHandlers.push(m);
    }
  }
  for (const d of decoratorsOf(node)) {
    if (d.kind !== 'builtin') continue;
    if (d.name === 'fd.apply.controller') meta.controller = { config: getProp(d, 'config') };
    else if (d.name === 'fd.apply.route') meta.route = { method: asString(getProp(d, 'method')) ?? 'get', config: getProp(d, 'config'), options: getProp(d, 'options'), node };
  }
  if (meta.controller || meta.route || meta.handlers.length || meta.hooks.length || meta.errorHandlers.length) META.set(cls, meta);
}

/** Handlers, hooks and error handlers of a class: its base classes' first (fastify-decorators' Container). */
function collected(cls: ClassValue): Pick<ClassMeta, 'handlers' | 'hooks' | 'errorHandlers'> {
  const chain: ClassValue[] = [];
  for (let c: Value | undefined = cls; c?.kind === 'class' && chain.length < 20; c = c.base) chain.unshift(c);
  const out: Pick<ClassMeta, 'handlers' | 'hooks' | 'errorHandlers'> = { handlers: [], hooks: [], errorHandlers: [] };
  for (const c of chain) {
    const m = META.get(c);
    if (!m) continue;
    out.handlers.push(...m.handlers);
    out.hooks.push(...m.hooks);
    out.errorHandlers.push(...m.errorHandlers);
  }
  return out;
}

/** `app.register(bootstrap, options)`: what fastify-decorators' plugin body does. */
export function runBootstrap(interp: Interpreter, ctx: ContextBuilder, opts: Value, span: Span): void {
  // The class metadata (`META`) is kept outside the write barrier: a link that bootstraps keeps nothing replayable.
  barrier.taint("fastify-decorators' class metadata is kept outside the write barrier");
  const linker = interp.linker;
  ctx.ctx.plugins.push(markConditional<MergedPlugin>(interp, { name: 'fastifyDecorators', span, external: PKG, meta: { name: 'fastifyDecorators' }, order: ctx.order() }));
  if (opts.kind !== 'obj') {
    linker.reportAt(span, `${PKG}: bootstrap options not known statically; its controllers are not in the graph`);
    return;
  }
  const controllers: Value[] = [];
  if (opts.props.has('directory')) controllers.push(...loadDirectory(interp, opts, span));
  if (opts.props.has('controllers')) {
    const list = getProp(opts, 'controllers');
    if (list.kind !== 'arr' || list.partial) linker.reportAt(span, `${PKG}: the controllers list is not known statically`);
    if (list.kind === 'arr') controllers.push(...list.items);
  } else if (opts.partial) linker.reportAt(span, `${PKG}: bootstrap options may hold controllers not known statically`);
  ctx.ctx.decorators.push(markConditional<Decorator>(interp, { target: 'instance', name: CLASS_LOADER, valueKind: 'function', span, order: ctx.order() }));
  const prefix = getProp(opts, 'prefix');
  const seen = new Set<Value>();
  for (const c of controllers) {
    if (seen.has(c)) continue;
    seen.add(c);
    loadController(interp, ctx, c, prefix, span);
  }
}

function loadController(interp: Interpreter, ctx: ContextBuilder, c: Value, prefix: Value, span: Span): void {
  const linker = interp.linker;
  const meta = c.kind === 'class' ? META.get(c) : undefined;
  if (c.kind !== 'class' || !meta || (!meta.controller && !meta.route)) {
    const why = c.kind === 'class' ? `class ${c.node.name?.text ?? ''} has no @Controller or request-handler decorator (bootstrap throws unless skipBroken)` : `a controller is not known statically${c.kind === 'unknown' && c.why ? ` (${c.why})` : ''}`;
    linker.reportAt(span, `${PKG}: ${why}`);
    return;
  }
  const cls = c;
  if (meta.route && !meta.controller) {
    // A request-handler class: its route lands on the bootstrap's instance, without the prefix.
    const hooks = collected(cls).hooks;
    const handle = findMethod(interp, cls, 'handle');
    declare(interp, ctx, meta.route, cls.module, handle, hooks);
    return;
  }
  const config = meta.controller!.config;
  const route = config.kind === 'str' ? config : config.kind === 'obj' ? getProp(config, 'route') : config.kind === 'undef' ? UNDEF : unknown('controller options not known statically');
  const routeText = route.kind === 'undef' ? '/' : asString(route);
  const prefixText = prefix.kind === 'undef' ? '' : asString(prefix);
  const classSpan = interp.span(cls.node, cls.module);
  const name = cls.node.name?.text ?? 'anonymous';
  interp.enqueue(() => {
    const app = ctx.app;
    let full = ctx.ctx.prefix;
    let known = ctx.ctx.prefixKnown;
    if (routeText === undefined || prefixText === undefined) {
      full = joinPrefix(full, '{?}', app.fastifyAt);
      known = false;
      linker.reportAt(classSpan, `${PKG}: the prefix of controller ${name} is not known statically`);
    } else full = joinPrefix(full, prefixText + routeText, app.fastifyAt);
    const target = ctx.child('plugin', name, full, known, classSpan);
    markConditional(interp, target.ctx);
    target.ctx.pluginSpan = classSpan;
    target.ctx.file = cls.module.path;
    interp.load(() => {
      const { handlers, hooks, errorHandlers } = collected(cls);
      for (const h of handlers) declare(interp, target, h, cls.module);
      if (errorHandlers.length) target.ctx.errorHandlers.push(interp.span(errorHandlers[0], cls.module));
      for (const h of hooks) addHook(interp, target, h.name, h.fn, interp.span(h.node, cls.module));
    });
  });
}

/** `instance[method](url, options, handler)`, declared at the decorated method (or class). */
function declare(interp: Interpreter, ctx: ContextBuilder, r: RouteMeta, module: ModuleRecord, handler?: FnValue, hooks: ClassMeta['hooks'] = []): void {
  let url: Value = r.config;
  let options: Value = r.options;
  if (r.config.kind === 'obj') {
    // `@GET({ url, options })`: options from the config object win over the second argument.
    url = getProp(r.config, 'url');
    const o = getProp(r.config, 'options');
    if (o.kind !== 'undef') options = o;
  }
  if (url.kind === 'undef') url = str('/');
  const route: ObjValue = { kind: 'obj', props: new Map(), partial: false, node: r.node, module, born: stamp() };
  if (options.kind === 'obj') {
    for (const [k, v] of options.props) route.props.set(k, v);
    route.partial = options.partial;
  } else if (options.kind !== 'undef') route.partial = true;
  for (const h of hooks) {
    const name = asString(h.name);
    if (name === undefined) continue;
    const prev = route.props.get(name);
    route.props.set(name, prev && prev.kind !== 'undef' ? { kind: 'arr', items: [...(prev.kind === 'arr' ? prev.items : [prev]), h.fn], partial: false } : h.fn);
  }
  route.props.set('method', str(r.method === 'all' ? 'ALL' : r.method.toUpperCase()));
  route.props.set('url', url);
  route.props.set('handler', handler ?? r.fn ?? UNDEF);
  callInstanceMethod(interp, { kind: 'instance', ctx }, 'route', [route], undefined, new Scope(undefined, module));
}

function addHook(interp: Interpreter, ctx: ContextBuilder, nameV: Value, fn: FnValue, span: Span): void {
  const name = asString(nameV);
  if (name === undefined) {
    interp.linker.reportAt(span, '@Hook(): hook name not known statically');
    return;
  }
  const kind: Hook['kind'] = hookKind(name);
  const isAsync = (ts.getCombinedModifierFlags(fn.node as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  const hook: Hook = {
    name, kind, style: isAsync ? 'async' : 'callback', params: fn.node.parameters.length, span, handlerSpan: interp.span(fn.node, fn.module), order: ctx.order(),
    body: interp.linker.bodyFacts.get(fn.node, hookRoles(name, kind), fn.module.path),
  };
  ctx.ctx.hooks.push(markConditional(interp, hook));
}

function findMethod(interp: Interpreter, cls: ClassValue, name: string): FnValue | undefined {
  for (let c: Value | undefined = cls; c?.kind === 'class'; c = c.base) {
    const m = c.node.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && !!x.name && ts.isIdentifier(x.name) && x.name.text === name && !isStatic(x));
    if (m) return interp.makeFunction(m, new Scope(c.closure, c.module));
  }
  return undefined;
}

/** `directory` (+ `mask`): the files the walk finds, each module's default export. */
function loadDirectory(interp: Interpreter, opts: ObjValue, span: Span): Value[] {
  const linker = interp.linker;
  const host = linker.appFsHost;
  const raw = asString(getProp(opts, 'directory'));
  if (raw === undefined) {
    linker.reportAt(span, `${PKG}: the controllers directory is not known statically`);
    return [];
  }
  let root = pathOfFileUrl(raw) ?? raw;
  if (!root.startsWith('/')) {
    linker.reportAt(span, `${PKG}: directory '${raw}' is not an absolute path or file: URL (bootstrap reads it as file://${raw})`);
    return [];
  }
  if (host.stat(root) === 'file') root = posix.dirname(root);
  const maskV = getProp(opts, 'mask');
  let mask = DEFAULT_MASK;
  if (maskV.kind === 'regex' || maskV.kind === 'str') {
    try {
      mask = maskV.kind === 'regex' ? new RegExp(maskV.source, maskV.flags.replace('g', '')) : new RegExp(maskV.v);
    } catch {
      linker.reportAt(span, `${PKG}: invalid mask`);
      return [];
    }
  } else if (maskV.kind !== 'undef' && maskV.kind !== 'null') {
    linker.reportAt(span, `${PKG}: the mask is not known statically`);
    return [];
  }
  const files: string[] = [];
  const dirs = [root];
  for (let i = 0; i < dirs.length && i < 10_000; i++) {
    const entries = host.readDirectory(dirs[i]);
    if (!entries) {
      linker.reportAt(span, `${PKG}: folder ${linker.rel(dirs[i])} could not be read (bootstrap throws at run time)`);
      continue;
    }
    for (const e of entries) {
      const full = posix.join(dirs[i], e.name);
      if (e.kind === 'directory') dirs.push(full);
      else if (mask.test(e.name)) files.push(full);
    }
  }
  const out: Value[] = [];
  for (const f of files) {
    if (!/\.(m|c)?[jt]sx?$/i.test(f) || /\.d\.[cm]?ts$/i.test(f)) {
      linker.reportAt(span, `${PKG}: ${linker.rel(f)} matches the mask but is not a script module (loading it fails at run time)`);
      continue;
    }
    const m = linker.getModule(f);
    if (!m) continue;
    const ns = linker.evaluate(m).namespace();
    const def = getProp(ns, 'default');
    out.push(def.kind !== 'undef' && def.kind !== 'unknown' ? def : ns);
  }
  return out;
}


function isStatic(m: ts.ClassElement): boolean {
  return (ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
}
