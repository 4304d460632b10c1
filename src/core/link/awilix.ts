import * as posix from 'node:path/posix';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { ts } from 'ts-morph';
import { barrier } from './replay/ownership';
import type { Interpreter } from './interpreter';
import type { Linker } from './linker';
import type { Scope } from './scope';
import { appCwd } from './builtins';
import { construct } from './classes';
import {
  NULL, UNDEF, asString, bool, getProp, obj, str, truthy, unknown, unwrapPromise,
  type BuiltinValue, type ObjValue, type Value,
} from './values';

/**
 * awilix 13 (lib/container.js, resolvers.js, load-modules.js, list-modules.js, camel-case.js) and
 * the container parts of @fastify/awilix 8 (lib/fastifyAwilixPlugin.js), modelled, never loaded:
 *
 * - `createContainer({ injectionMode })` (default PROXY). `register(name, resolver)` /
 *   `register({ name: resolver })` store registrations (a re-registered name keeps its place);
 *   `cradle` is a proxy whose keys are the registrations (the parent's first, for a scope made by
 *   `createScope()`) and whose properties resolve lazily, on each read: here an object whose
 *   properties run the resolver through the interpreter when read.
 * - `asValue(v)` resolves to v; `asFunction(fn)` to `fn(cradle)` (PROXY) or `fn(...deps)` with the
 *   dependencies named by its parameters (CLASSIC); `asClass(C)` to `new C(cradle)` /
 *   `new C(...deps)`; `aliasTo(name)` to `resolve(name)`. Lifetime TRANSIENT (default) runs the
 *   resolver on every read, SINGLETON once per root container, SCOPED once per container.
 *   `.singleton()`, `.scoped()`, `.transient()`, `.setLifetime()`, `.proxy()`, `.classic()`,
 *   `.setInjectionMode()`, `.inject(fn)` and `.disposer()` give new resolvers.
 * - `loadModules(globs, { cwd = process.cwd(), formatName, resolverOptions, esModules })`: each
 *   glob (fast-glob, breadth first, files only, no dot files) is listed from the Host, each file
 *   required (imported with esModules: then a promise); a function or class export (or `default`
 *   export) is registered under the file name up to its last dot (`users.routes.js` →
 *   `users.routes`), formatted by `formatName` ('camelCase' or a function (name, descriptor)),
 *   unless its `[RESOLVER].name` says otherwise; other named exports only with a `[RESOLVER]`.
 *   Non-function exports (a bare route table array) are not registered. Options merge as
 *   `{ lifetime: TRANSIENT, ...resolverOptions, ...[RESOLVER] }`; `register` picks the resolver,
 *   else asClass for classes and asFunction for functions.
 * - @fastify/awilix exports `diContainer` (= `diContainerProxy`) and `diContainerClassic`, one per
 *   process (here: per analysis), and `fastifyAwilixPlugin` (its decorators and hooks are the
 *   package model in packages/fastify-awilix.ts).
 */

const PKG = 'awilix';
const RESOLVER_KEY = 'symbol:awilix.RESOLVER';
const LIFETIMES = ['SINGLETON', 'TRANSIENT', 'SCOPED'];
/** Registrations resolving each other deeper than this give unknown (awilix has no limit; the interpreter's call depth is the other bound). */
const MAX_RESOLUTION_DEPTH = 40;
/** Entries one glob may list at most. */
const MAX_GLOB_ENTRIES = 20_000;

interface Resolver {
  kind: 'value' | 'function' | 'class' | 'alias' | 'unknown';
  target: Value;
  lifetime: string;
  injectionMode?: string;
  injector?: Value;
  why?: string;
}

interface Container {
  interp: Interpreter;
  parent?: Container;
  root: Container;
  regs: Map<string, Resolver>;
  cache: Map<string, Value>;
  injectionMode: string;
  /** Registrations known only at run time may be in it (a glob or register() argument not known statically). */
  partialWhy?: string;
  /** The resolution stack, shared with the container's scopes (as awilix shares it). */
  stack: string[];
  value: BuiltinValue;
  cradle: ObjValue;
}

const CONTAINERS = new WeakMap<BuiltinValue, Container>();
const RESOLVERS = new WeakMap<BuiltinValue, Resolver>();

function builtin(name: string, props?: [string, Value][]): BuiltinValue {
  return { kind: 'builtin', name, pkg: PKG, props: props ? new Map(props) : undefined };
}

function method(name: string, self: Value): BuiltinValue {
  return builtin(name, [['__self', self]]);
}

const constants = (names: string[]) => obj(new Map(names.map((n) => [n, str(n)] as [string, Value])));

/** `require('awilix')`. */
export function awilixValue(pkg: string): BuiltinValue {
  const b = builtin('awilix');
  b.pkg = pkg;
  const fns = ['createContainer', 'asValue', 'asFunction', 'asClass', 'aliasTo', 'isClass', 'isFunction', 'listModules', 'createBuildResolver', 'createDisposableResolver'];
  b.props = new Map<string, Value>([
    ...fns.map((f): [string, Value] => [f, builtin(`awilix.${f}`)]),
    ['Lifetime', constants(LIFETIMES)],
    ['InjectionMode', constants(['PROXY', 'CLASSIC'])],
    ['RESOLVER', builtin(RESOLVER_KEY)],
    ['default', b],
  ]);
  return b;
}

export const FASTIFY_AWILIX_PACKAGES = ['@fastify/awilix', 'fastify-awilix'];

const SHARED = new WeakMap<Linker, Map<string, BuiltinValue>>();

/** `require('@fastify/awilix')`: its two module-level containers (one per analysis) and the plugin. */
export function fastifyAwilixValue(linker: Linker, pkg: string): BuiltinValue {
  let shared = SHARED.get(linker);
  if (!shared) SHARED.set(linker, (shared = new Map()));
  const container = (mode: string): BuiltinValue => {
    const key = `${pkg}:${mode}`;
    let c = shared!.get(key);
    if (!c) shared!.set(key, (c = newContainer(linker.interp, mode).value));
    return c;
  };
  const plugin: BuiltinValue = { kind: 'builtin', name: 'package', pkg, marks: { skipOverride: true, meta: { name: '@fastify/awilix', fastify: '5.x' } } };
  const b: BuiltinValue = { kind: 'builtin', name: 'fastify-awilix', pkg };
  b.props = new Map<string, Value>([
    ['diContainer', container('PROXY')],
    ['diContainerProxy', container('PROXY')],
    ['diContainerClassic', container('CLASSIC')],
    ['fastifyAwilixPlugin', plugin],
    ['default', b],
  ]);
  return b;
}

/**
 * The container @fastify/awilix decorates the instance with (`fastify.diContainer`): the
 * `container` option, else its module-level one for `injectionMode`.
 */
export function fastifyAwilixContainer(linker: Linker, pkg: string, opts: Value): Value {
  const given = getProp(opts.kind === 'undef' ? obj() : opts, 'container');
  if (given.kind !== 'undef') return given;
  const mode = asString(getProp(opts.kind === 'undef' ? obj() : opts, 'injectionMode'));
  return getProp(fastifyAwilixValue(linker, pkg), mode === 'CLASSIC' ? 'diContainerClassic' : 'diContainerProxy');
}

/** Is this a container value of the model (for tests and callers)? */
export function isAwilixContainer(v: Value): boolean {
  return v.kind === 'builtin' && CONTAINERS.has(v);
}

// ---- containers ------------------------------------------------------------------------------

function newContainer(interp: Interpreter, injectionMode: string, parent?: Container): Container {
  const value = builtin('awilix.container');
  const c = { interp, parent, regs: new Map(), cache: new Map(), injectionMode, stack: parent?.stack ?? [], value } as unknown as Container;
  c.root = parent?.root ?? c;
  c.cradle = obj(new CradleProps(c));
  livePartial(c.cradle, c);
  const methods = ['register', 'resolve', 'createScope', 'hasRegistration', 'getRegistration', 'build', 'loadModules', 'dispose', 'inspect'];
  value.props = new Map<string, Value>([
    ...methods.map((m): [string, Value] => [m, method(`awilix.container.${m}`, value)]),
    ['cradle', c.cradle],
    ['options', obj(new Map<string, Value>([['injectionMode', str(injectionMode)], ['strict', bool(false)]]))],
    ['cache', unknown('awilix: the container cache is known only at run time')],
  ]);
  CONTAINERS.set(value, c);
  return c;
}

/** A cradle may hold names known only at run time while its container (or a parent) may. */
function livePartial(cradle: ObjValue, c: Container, also = false): void {
  Object.defineProperty(cradle, 'partial', { get: () => also || partialWhy(c) !== undefined, set: () => undefined, enumerable: true });
}

/** Registration names as `Object.keys(cradle)` lists them: `{ ...parent, ...own }`. */
function names(c: Container): string[] {
  const chain: Container[] = [];
  for (let x: Container | undefined = c; x && chain.length < 64; x = x.parent) chain.unshift(x);
  const out = new Set<string>();
  for (const x of chain) for (const k of x.regs.keys()) out.add(k);
  return [...out];
}

function registration(c: Container, name: string): Resolver | undefined {
  for (let x: Container | undefined = c, i = 0; x && i < 64; x = x.parent, i++) {
    const r = x.regs.get(name);
    if (r) return r;
  }
  return undefined;
}

function partialWhy(c: Container): string | undefined {
  for (let x: Container | undefined = c, i = 0; x && i < 64; x = x.parent, i++) if (x.partialWhy) return x.partialWhy;
  return undefined;
}

/**
 * The cradle's properties: the registration names, each resolved when read (awilix's proxy `get`).
 * Assignments are ignored (awilix throws on them).
 */
class CradleProps extends Map<string, Value> {
  constructor(private readonly c: Container, private readonly locals?: ObjValue) {
    super();
    Object.defineProperty(this, 'size', { get: () => this.allNames().length });
  }

  private allNames(): string[] {
    const own = names(this.c);
    if (!this.locals) return own;
    return [...new Set([...own, ...this.locals.props.keys()])];
  }

  override has(key: string): boolean {
    return this.allNames().includes(key);
  }

  override get(key: string): Value | undefined {
    if (this.locals?.props.has(key)) return this.locals.props.get(key);
    if (!registration(this.c, key) && (key === 'then' || key.startsWith('symbol:'))) return undefined;
    return resolveName(this.c, key, false);
  }

  override set(): this {
    return this;
  }

  override delete(): boolean {
    return false;
  }

  override clear(): void {}

  override *keys(): MapIterator<string> {
    yield* this.allNames();
  }

  override *values(): MapIterator<Value> {
    for (const k of this.allNames()) yield this.get(k) ?? UNDEF;
  }

  override *entries(): MapIterator<[string, Value]> {
    for (const k of this.allNames()) yield [k, this.get(k) ?? UNDEF];
  }

  override [Symbol.iterator](): MapIterator<[string, Value]> {
    return this.entries();
  }

  override forEach(cb: (value: Value, key: string, map: Map<string, Value>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }
}

/** `container.resolve(name)`: the registration run with its lifetime's caching. */
function resolveName(c: Container, name: string, allowUnregistered: boolean): Value {
  const reg = registration(c, name);
  if (!reg) {
    const partial = partialWhy(c);
    if (partial) return unknown(`awilix: '${name}' may be registered by ${partial}`);
    if (allowUnregistered) return UNDEF;
    return unknown(`awilix: '${name}' is not registered (resolving it throws)`);
  }
  if (c.stack.includes(name)) return unknown(`awilix: cyclic dependency through '${name}' (resolving it throws)`);
  if (c.stack.length >= MAX_RESOLUTION_DEPTH) return unknown('awilix: dependencies nested too deeply');
  const cache = reg.lifetime === 'SINGLETON' ? c.root.cache : reg.lifetime === 'SCOPED' ? c.cache : undefined;
  const cached = cache?.get(name);
  if (cached) return cached;
  c.stack.push(name);
  let v: Value;
  try {
    v = runResolver(c, reg);
  } finally {
    c.stack.pop();
  }
  if (cache) {
    // A cached instance is shared by whoever resolves it next, in any plugin run: a foreign write.
    barrier.write(c.value);
    cache.set(name, v);
  }
  return v;
}

function runResolver(c: Container, reg: Resolver): Value {
  const interp = c.interp;
  switch (reg.kind) {
    case 'value':
      return reg.target;
    case 'alias': {
      const n = asString(reg.target);
      return n === undefined ? unknown('awilix: aliasTo a name known only at run time') : resolveName(c, n, false);
    }
    case 'function':
    case 'class': {
      const target = reg.target;
      if (target.kind !== 'fn' && target.kind !== 'class') return unknown(reg.why ?? `awilix: ${reg.kind === 'class' ? 'asClass' : 'asFunction'} of a value not known statically`);
      const mode = reg.injectionMode ?? c.injectionMode;
      let args: Value[];
      if (mode !== 'CLASSIC') {
        args = [reg.injector ? injectorCradle(c, reg.injector) : c.cradle];
      } else {
        const deps = dependencies(target);
        if (!deps) return unknown('awilix: CLASSIC injection of parameters that are not plain names');
        const locals = reg.injector ? injectorLocals(c, reg.injector) : undefined;
        args = deps.map((d) => (locals?.props.has(d.name) ? locals.props.get(d.name)! : resolveName(c, d.name, d.optional)));
      }
      if (reg.kind === 'class' || target.kind === 'class') {
        if (target.kind === 'class') return construct(interp, target, args);
        // Reflect.construct of a plain function: a fresh object as `this`, unless it returns an object.
        const self = obj();
        const r = interp.callFunction(target, args, self);
        return r.kind === 'obj' || r.kind === 'arr' || r.kind === 'fn' ? r : self;
      }
      return interp.callFunction(target, args);
    }
    default:
      return unknown(reg.why ?? 'awilix: a registration not known statically');
  }
}

function injectorLocals(c: Container, injector: Value): ObjValue | undefined {
  if (injector.kind !== 'fn') return undefined;
  const v = c.interp.callFunction(injector, [c.value]);
  return v.kind === 'obj' ? v : undefined;
}

function injectorCradle(c: Container, injector: Value): ObjValue {
  const locals = injectorLocals(c, injector);
  const o = obj(new CradleProps(c, locals));
  livePartial(o, c, !locals);
  return o;
}

/** The dependencies CLASSIC injection reads: the parameter names (a class: its constructor's, else its base's). */
function dependencies(target: Value): { name: string; optional: boolean }[] | undefined {
  let params: readonly ts.ParameterDeclaration[] | undefined;
  if (target.kind === 'fn') params = target.node.parameters;
  else if (target.kind === 'class') {
    for (let c: Value | undefined = target, i = 0; c?.kind === 'class' && i < 20; c = c.base, i++) {
      const ctor = c.node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m));
      if (ctor) {
        params = ctor.parameters;
        break;
      }
    }
    params ??= [];
  }
  if (!params) return undefined;
  const out: { name: string; optional: boolean }[] = [];
  for (const p of params) {
    if (!ts.isIdentifier(p.name)) return undefined;
    out.push({ name: p.name.text, optional: !!p.initializer });
  }
  return out;
}

// ---- resolvers -------------------------------------------------------------------------------

function resolverValue(r: Resolver): BuiltinValue {
  const b = builtin('awilix.resolver');
  const methods = ['singleton', 'scoped', 'transient', 'setLifetime', 'proxy', 'classic', 'setInjectionMode', 'inject', 'disposer', 'resolve'];
  b.props = new Map<string, Value>([
    ...methods.map((m): [string, Value] => [m, method(`awilix.resolver.${m}`, b)]),
    ['lifetime', str(r.lifetime)],
  ]);
  if (r.injectionMode) b.props.set('injectionMode', str(r.injectionMode));
  RESOLVERS.set(b, r);
  return b;
}

/** Resolver options (`{ lifetime, injectionMode, injector }`) merged onto a resolver: later wins. */
function withOptions(r: Resolver, ...sources: Value[]): Resolver {
  const out = { ...r };
  for (const s of sources) {
    if (s.kind !== 'obj') continue;
    const lifetime = s.props.get('lifetime');
    if (lifetime) {
      const l = asString(lifetime);
      out.lifetime = l && LIFETIMES.includes(l) ? l : 'TRANSIENT';
      if (!l) out.why = 'awilix: a lifetime known only at run time';
    }
    const mode = s.props.get('injectionMode');
    if (mode) out.injectionMode = asString(mode);
    const injector = s.props.get('injector');
    if (injector) out.injector = injector;
  }
  return out;
}

function inlineConfig(target: Value): Value {
  if (target.kind === 'fn') return target.props.get(RESOLVER_KEY) ?? UNDEF;
  if (target.kind === 'class') return target.statics.get(RESOLVER_KEY) ?? UNDEF;
  return UNDEF;
}

function makeResolver(kind: 'function' | 'class', target: Value, opts: Value): BuiltinValue {
  const base: Resolver = { kind, target, lifetime: 'TRANSIENT' };
  return resolverValue(withOptions(base, opts, inlineConfig(target)));
}

const isFunctionValue = (v: Value) => v.kind === 'fn' || v.kind === 'class';

// ---- calls -----------------------------------------------------------------------------------

/** Calls of awilix's functions, a container's methods and a resolver's methods. */
export function callAwilix(interp: Interpreter, b: BuiltinValue, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  const arg = (i: number) => args[i] ?? UNDEF;
  const report = (why: string) => {
    if (call) interp.linker.report(call, scope.module, why);
  };
  switch (b.name) {
    case 'awilix.createContainer': {
      const mode = asString(getProp(arg(0).kind === 'obj' ? arg(0) : obj(), 'injectionMode')) ?? 'PROXY';
      return newContainer(interp, mode).value;
    }
    case 'awilix.asValue':
      return resolverValue({ kind: 'value', target: arg(0), lifetime: 'TRANSIENT' });
    case 'awilix.asFunction':
    case 'awilix.asClass':
      return makeResolver(b.name === 'awilix.asClass' ? 'class' : 'function', arg(0), arg(1));
    case 'awilix.aliasTo':
      return resolverValue({ kind: 'alias', target: arg(0), lifetime: 'TRANSIENT' });
    case 'awilix.isClass':
      return arg(0).kind === 'unknown' ? unknown() : bool(arg(0).kind === 'class');
    case 'awilix.isFunction':
      return arg(0).kind === 'unknown' ? unknown() : bool(isFunctionValue(arg(0)));
  }
  const self = b.props?.get('__self');
  const c = self?.kind === 'builtin' ? CONTAINERS.get(self) : undefined;
  if (c && b.name.startsWith('awilix.container.')) return callContainer(interp, c, b.name.slice(17), args, call, scope, report);
  const r = self?.kind === 'builtin' ? RESOLVERS.get(self) : undefined;
  if (r && b.name.startsWith('awilix.resolver.')) return callResolver(r, b.name.slice(16), args);
  interp.touchCallbacks(args);
  return unknown(`result of a call into '${b.pkg ?? PKG}'`);
}

function callResolver(r: Resolver, name: string, args: Value[]): Value {
  const arg = args[0] ?? UNDEF;
  switch (name) {
    case 'singleton':
    case 'scoped':
    case 'transient':
      return resolverValue({ ...r, lifetime: name.toUpperCase() });
    case 'setLifetime':
      return resolverValue(withOptions(r, obj(new Map([['lifetime', arg]]))));
    case 'proxy':
    case 'classic':
      return resolverValue({ ...r, injectionMode: name.toUpperCase() });
    case 'setInjectionMode':
      return resolverValue({ ...r, injectionMode: asString(arg) });
    case 'inject':
      return resolverValue({ ...r, injector: arg });
    case 'disposer':
      return resolverValue({ ...r });
    default:
      return unknown(`awilix: resolver.${name}() is not modelled`);
  }
}

function resolverOf(v: Value): Resolver {
  if (v.kind === 'builtin') {
    const r = RESOLVERS.get(v);
    if (r) return r;
  }
  return { kind: 'unknown', target: v, lifetime: 'TRANSIENT', why: 'awilix: a registration whose resolver is not known statically' };
}

function callContainer(
  interp: Interpreter, c: Container, name: string, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope, report: (why: string) => void,
): Value {
  const arg = (i: number) => args[i] ?? UNDEF;
  switch (name) {
    case 'register': {
      const a0 = arg(0);
      const key = asString(a0);
      // The container lives outside every frame (one per process for @fastify/awilix): a foreign write.
      barrier.write(c.value);
      if (key !== undefined) c.regs.set(key, resolverOf(arg(1)));
      else if (a0.kind === 'builtin' && a0.name.startsWith('symbol:')) c.regs.set(a0.name, resolverOf(arg(1)));
      else if (a0.kind === 'obj') {
        const o = a0;
        for (const [k, v] of o.props) c.regs.set(k, resolverOf(v));
        if (o.partial) {
          c.partialWhy ??= 'a register() object with keys known only at run time';
          report('awilix: register() of an object whose keys are partly known only at run time');
        }
      } else {
        c.partialWhy ??= 'a register() call with a name known only at run time';
        report('awilix: register() of a name known only at run time');
      }
      return c.value;
    }
    case 'resolve': {
      const key = asString(arg(0));
      if (key === undefined) return unknown('awilix: resolve() of a name known only at run time');
      const allow = truthy(getProp(arg(1).kind === 'obj' ? arg(1) : obj(), 'allowUnregistered')) === true;
      const v = resolveName(c, key, allow);
      if (v.kind === 'unknown' && v.why?.includes('is not registered')) report(v.why);
      return v;
    }
    case 'hasRegistration': {
      const key = asString(arg(0));
      if (key === undefined) return unknown();
      if (registration(c, key)) return bool(true);
      return partialWhy(c) ? unknown(`awilix: '${key}' may be registered by ${partialWhy(c)}`) : bool(false);
    }
    case 'getRegistration': {
      const key = asString(arg(0));
      const r = key === undefined ? undefined : registration(c, key);
      return r ? resolverValue(r) : partialWhy(c) || key === undefined ? unknown() : NULL;
    }
    case 'createScope':
      return newContainer(interp, c.injectionMode, c).value;
    case 'build': {
      const t = arg(0);
      let r: Resolver | undefined = t.kind === 'builtin' ? RESOLVERS.get(t) : undefined;
      if (!r && isFunctionValue(t)) r = RESOLVERS.get(makeResolver(t.kind === 'class' ? 'class' : 'function', t, arg(1)));
      return r ? runResolver(c, r) : unknown('awilix: build() of a value not known statically');
    }
    case 'loadModules':
      return loadModules(interp, c, arg(0), arg(1), call, scope, report);
    case 'dispose':
      return { kind: 'promise', v: UNDEF };
    default:
      return unknown(`awilix: container.${name}() is not modelled`);
  }
}

// ---- loadModules -----------------------------------------------------------------------------

function loadModules(
  interp: Interpreter, c: Container, globsArg: Value, optsArg: Value, call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope, report: (why: string) => void,
): Value {
  const opts = optsArg.kind === 'obj' ? optsArg : obj();
  const esModules = truthy(getProp(opts, 'esModules'));
  const done = (): Value => (esModules === false ? c.value : { kind: 'promise', v: c.value });
  const giveUp = (why: string): Value => {
    c.partialWhy ??= `loadModules() (${why})`;
    report(`awilix: loadModules(): ${why}`);
    return done();
  };
  if (!call) return giveUp('called where its modules cannot be loaded');
  if (esModules === undefined) return giveUp('esModules known only at run time');
  const cwdV = getProp(opts, 'cwd');
  const cwdGiven = cwdV.kind === 'undef' ? undefined : asString(cwdV);
  if (cwdV.kind !== 'undef' && cwdGiven === undefined) return giveUp('cwd known only at run time');
  const cwd = posix.resolve(appCwd(interp, scope), cwdGiven ?? '.');
  const patterns: { glob: string; opts: Value }[] = [];
  const list = globsArg.kind === 'arr' ? globsArg.items : [globsArg];
  if (globsArg.kind === 'arr' && globsArg.partial) return giveUp('globs known only at run time');
  for (const item of list) {
    const g = asString(item.kind === 'arr' ? (item.items[0] ?? UNDEF) : item);
    if (g === undefined) return giveUp('a glob known only at run time');
    patterns.push({ glob: g, opts: item.kind === 'arr' ? (item.items[1] ?? UNDEF) : UNDEF });
  }
  const formatName = getProp(opts, 'formatName');
  const resolverOptions = getProp(opts, 'resolverOptions');
  for (const p of patterns) {
    for (const file of listGlob(interp, cwd, p.glob)) {
      const m = /(.*)\..*/.exec(posix.basename(file));
      if (!m) {
        giveUp(`'${interp.linker.rel(file)}' has no extension (awilix throws on it)`);
        continue;
      }
      const loaded = unwrapPromise(esModules
        ? interp.linker.importValue(scope.module, str(pathToFileURL(file).href), call)
        : interp.linker.requireValue(scope.module, str(file), call));
      for (const item of exportsToRegister(interp, loaded, m[1], call, scope)) {
        registerDescriptor(interp, c, item, file, p.opts, formatName, resolverOptions, call, scope, report);
      }
    }
  }
  return done();
}

/** parseLoadedModule: a function export, the default export when a function, named exports with a [RESOLVER]. */
function exportsToRegister(interp: Interpreter, loaded: Value, name: string, call: ts.Node, scope: Scope): { name: string; value: Value }[] {
  if (loaded.kind === 'unknown') return [{ name, value: loaded }];
  if (truthy(loaded) !== true) return [];
  if (isFunctionValue(loaded)) return [{ name, value: loaded }];
  if (loaded.kind !== 'obj') return [];
  const items: { name: string; value: Value }[] = [];
  const dflt = interp.member(loaded, 'default', call, scope);
  if (isFunctionValue(dflt) || dflt.kind === 'unknown') items.push({ name, value: dflt });
  for (const key of loaded.props.keys()) {
    if (key === 'default' || key.startsWith('symbol:')) continue;
    const v = interp.member(loaded, key, call, scope);
    if (isFunctionValue(v) && inlineConfig(v).kind !== 'undef') items.push({ name: key, value: v });
  }
  return items;
}

function registerDescriptor(
  interp: Interpreter, c: Container, item: { name: string; value: Value }, file: string, patternOpts: Value, formatName: Value, resolverOptions: Value,
  call: ts.Node, scope: Scope, report: (why: string) => void,
): void {
  if (item.value.kind === 'unknown') {
    c.partialWhy ??= `loadModules() (${interp.linker.rel(file)} is not known statically)`;
    return;
  }
  const inline = inlineConfig(item.value);
  let name = asString(getProp(inline.kind === 'obj' ? inline : obj(), 'name'));
  if (!name) {
    name = item.name;
    if (formatName.kind === 'str') {
      if (formatName.v === 'camelCase') name = camelCase(name);
    } else if (formatName.kind === 'fn') {
      const descriptor = obj(new Map<string, Value>([['name', str(item.name)], ['path', str(file)], ['value', item.value], ['opts', patternOpts]]));
      const formatted = asString(interp.callFunction(formatName, [str(name), descriptor]));
      if (formatted === undefined) {
        c.partialWhy ??= 'loadModules() (a formatName result known only at run time)';
        report(`awilix: loadModules(): formatName gives a name known only at run time for ${interp.linker.rel(file)}`);
        return;
      }
      name = formatted;
    } else if (formatName.kind !== 'undef' && formatName.kind !== 'null') {
      c.partialWhy ??= 'loadModules() (formatName known only at run time)';
      report('awilix: loadModules(): formatName known only at run time');
      return;
    }
  }
  const descriptorOpts = patternOpts.kind === 'str' ? obj(new Map([['lifetime', patternOpts]])) : patternOpts;
  const regOpts = obj(new Map<string, Value>([['lifetime', str('TRANSIENT')]]));
  for (const src of [resolverOptions, descriptorOpts, inline]) if (src.kind === 'obj') for (const [k, v] of src.props) regOpts.props.set(k, v);
  const register = regOpts.props.get('register');
  let resolver: Value;
  if (register && register.kind !== 'undef') resolver = interp.call(register, [item.value, regOpts], call as ts.CallExpression, scope);
  else resolver = makeResolver(item.value.kind === 'class' ? 'class' : 'function', item.value, regOpts);
  barrier.write(c.value);
  c.regs.set(name, resolverOf(resolver));
}

/**
 * fast-glob's sync listing of one pattern relative to `cwd`: files only, no dot entries, breadth
 * first from the pattern's static base, each folder's entries in the Host's order. Absolute paths.
 */
function listGlob(interp: Interpreter, cwd: string, pattern: string): string[] {
  const host = interp.linker.appFsHost;
  let glob = pattern.replace(/\\/g, '/');
  while (glob.startsWith('./')) glob = glob.slice(2);
  const parts = glob.split('/');
  const magic = /[*?[\]{}()!+@]/;
  const staticParts: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (magic.test(part)) break;
    staticParts.push(part);
  }
  if (!magic.test(glob)) return host.stat(posix.resolve(cwd, glob)) === 'file' ? [posix.resolve(cwd, glob)] : [];
  const base = posix.resolve(cwd, staticParts.join('/') || '.');
  const absolute = glob.startsWith('/');
  const isMatch = picomatch(absolute ? glob : posix.normalize(glob), { dot: false });
  const out: string[] = [];
  const queue = [base];
  let seen = 0;
  for (let i = 0; i < queue.length && seen < MAX_GLOB_ENTRIES; i++) {
    const dir = queue[i];
    for (const e of host.readDirectory(dir) ?? []) {
      if (++seen > MAX_GLOB_ENTRIES) break;
      const abs = posix.join(dir, e.name);
      const rel = absolute ? abs : posix.relative(cwd, abs);
      const isDir = e.kind === 'directory' || e.kind === 'symlink-directory';
      if (!isDir && isMatch(rel)) out.push(abs);
      if (isDir && !e.name.startsWith('.') && e.name !== 'node_modules' && queue.length < MAX_GLOB_ENTRIES) queue.push(abs);
    }
  }
  if (seen > MAX_GLOB_ENTRIES) interp.linker.reportFile(base, `awilix: loadModules() glob listing stopped after ${MAX_GLOB_ENTRIES} entries`);
  return out;
}

/** awilix's camelCase (lib/camel-case.js), character for character. */
export function camelCase(input: string): string {
  let result = '';
  let wordIdx = 0;
  let wordPos = 0;
  let inWord = false;
  let prevType = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const type = c >= 97 && c <= 122 ? 2 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 3 : 0;
    if (type === 0) {
      if (inWord) {
        wordIdx++;
        inWord = false;
      }
      prevType = 0;
      continue;
    }
    if (!inWord) {
      inWord = true;
      wordPos = 0;
    } else if (type === 1) {
      const nextLower = i + 1 < input.length && input.charCodeAt(i + 1) >= 97 && input.charCodeAt(i + 1) <= 122;
      if (prevType >= 2 || (prevType === 1 && nextLower)) {
        wordIdx++;
        wordPos = 0;
      }
    }
    if (wordIdx === 0) result += type === 1 ? String.fromCharCode(c | 0x20) : input[i];
    else if (wordPos === 0) result += type === 3 ? `_${input[i]}` : type === 2 ? String.fromCharCode(c & 0x5f) : input[i];
    else result += type === 1 ? String.fromCharCode(c | 0x20) : input[i];
    wordPos++;
    prevType = type;
  }
  return result;
}
