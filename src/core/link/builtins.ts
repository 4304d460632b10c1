import * as posix from 'node:path/posix';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import type { DirEntry } from '../host';
import type { PluginMeta } from '../model';
import { barrier } from './replay/ownership';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import { behaviourNoted } from './version-rules';
import { jsonModuleValue } from './json-value';
import { LEGACY_CODES, REASON_PHRASES, STATUS_CODES } from '../packages/http-status-codes';
import { newCollection } from './std-methods';
import { envSchemaValue } from './dotenv';
import { callRestartable, createRestartableApp, restartableValue } from './restartable';
import { callFastifyDecorators, fastifyDecoratorsValue } from './fastify-decorators';
import { FASTIFY_AWILIX_PACKAGES, awilixValue, callAwilix, fastifyAwilixValue } from './awilix';
import type { Linker } from './linker';
import {
  NULL, UNDEF, arr, asString, bool, cloneValue, constFn, getProp, iterableItems, num, obj, str, toJson, truthy, unknown, unwrapPromise,
  type BuiltinValue, type Value,
} from './values';

/**
 * Values of the few packages and globals whose behaviour the graph depends on. They are
 * modelled, never loaded: fastify, fastify-plugin, @fastify/autoload, node:path, node:url.
 */
function builtin(name: string, props?: Record<string, Value>, pkg?: string): BuiltinValue {
  return { kind: 'builtin', name, pkg, props: props ? new Map(Object.entries(props)) : undefined };
}

function selfExporting(name: string, aliases: string[], pkg: string): BuiltinValue {
  const b = builtin(name, undefined, pkg);
  b.props = new Map(aliases.map((a) => [a, b] as [string, Value]));
  return b;
}

const PATH_FUNCTIONS = ['join', 'resolve', 'dirname', 'basename', 'extname', 'normalize', 'relative'];

/** The value `require(name)` gives for a package or node builtin. */
export function packageValue(name: string, subpath: string, linker?: Linker): Value {
  if (subpath) return builtin('package', undefined, `${name}/${subpath}`);
  switch (name) {
    case 'fastify':
      return selfExporting('fastify.factory', ['default', 'fastify', 'Fastify'], 'fastify');
    case 'fastify-plugin':
      return selfExporting('fp', ['default', 'fastifyPlugin', 'fp'], 'fastify-plugin');
    case '@fastify/autoload':
    case 'fastify-autoload': {
      // fastify-autoload 3.x is the Fastify 3 era name of the same plugin (same options and walk).
      const b = selfExporting('autoload', ['default', 'fastifyAutoload', 'autoload', 'AutoLoad'], name);
      b.marks = { skipOverride: true };
      return b;
    }
    case 'path':
    case 'path/posix': {
      const p = builtin('path', Object.fromEntries(PATH_FUNCTIONS.map((f) => [f, builtin(`path.${f}`)])), 'path');
      p.props!.set('sep', str('/'));
      p.props!.set('posix', p);
      p.props!.set('default', p);
      return p;
    }
    case 'url': {
      const u = builtin('url', { fileURLToPath: builtin('url.fileURLToPath'), pathToFileURL: builtin('url.pathToFileURL'), URL: builtin('URL') }, 'url');
      u.props!.set('default', u);
      return u;
    }
    case 'desm': {
      // desm(import.meta.url) is the module's folder; join(url, ...parts) joins onto it.
      const d = builtin('desm.dirname', undefined, 'desm');
      d.props = new Map<string, Value>([['join', builtin('desm.join')], ['filename', builtin('desm.filename')], ['default', d]]);
      return d;
    }
    case 'fs':
    case 'fs/promises': {
      // Hand-rolled autoloading lists a folder and requires each file: listing is reading, not running.
      const promises = builtin('fs', { readdir: builtin('fs.readdir.promise'), stat: builtin('fs.stat.promise'), lstat: builtin('fs.lstat.promise') }, 'fs/promises');
      promises.props!.set('default', promises);
      if (name === 'fs/promises') return promises;
      const f = builtin('fs', {
        readdirSync: builtin('fs.readdir'),
        readdir: builtin('fs.readdir.callback'),
        existsSync: builtin('fs.exists'),
        statSync: builtin('fs.stat'),
        lstatSync: builtin('fs.lstat'),
        stat: builtin('fs.stat.callback'),
        lstat: builtin('fs.lstat.callback'),
        promises,
      }, name);
      f.props!.set('default', f);
      return f;
    }
    case '@fastify/restartable':
      return restartableValue(name);
    case 'fastify-decorators':
      return fastifyDecoratorsValue(name);
    case 'awilix':
      return awilixValue(name);
    case 'process': {
      const p = processValue();
      p.props!.set('default', p);
      return p;
    }
    case 'http-status-codes':
      return httpStatusCodes();
    case 'env-schema':
      return selfExporting('env-schema', ['default', 'envSchema'], 'env-schema');
    default:
      // @fastify/awilix: its module-level containers are one per analysis (awilix.ts).
      if (linker && FASTIFY_AWILIX_PACKAGES.includes(name)) return fastifyAwilixValue(linker, name);
      return builtin('package', undefined, name);
  }
}

/** http-status-codes as data (packages/http-status-codes.ts): an object, so unknown names read as undefined. */
function httpStatusCodes(): Value {
  const codes = obj();
  for (const [k, v] of Object.entries(STATUS_CODES)) {
    codes.props.set(k, num(v));
    codes.props.set(String(v), str(k));
  }
  const phrases = obj(new Map(Object.entries(REASON_PHRASES).map(([k, v]) => [k, str(v)] as [string, Value])));
  const m = obj(new Map<string, Value>([['StatusCodes', codes], ['ReasonPhrases', phrases]]));
  for (const [k, v] of Object.entries(LEGACY_CODES)) m.props.set(k, num(v));
  for (const f of ['getStatusCode', 'getReasonPhrase', 'getStatusText']) m.props.set(f, unknown(`http-status-codes ${f}() is not modelled`));
  m.props.set('default', m);
  return m;
}

export function globalValue(name: string): Value | undefined {
  switch (name) {
    case 'process':
      return processValue();
    case 'Object':
      return builtin('Object', Object.fromEntries(['keys', 'values', 'entries', 'assign', 'freeze', 'fromEntries'].map((k) => [k, builtin(`Object.${k}`)])));
    case 'Map':
    case 'Set':
    case 'WeakMap':
    case 'WeakSet':
      return builtin(name);
    case 'structuredClone':
      return builtin('structuredClone');
    case 'JSON':
      return builtin('JSON', { parse: builtin('JSON.parse'), stringify: builtin('JSON.stringify') });
    case 'Symbol':
      return builtin('Symbol', { for: builtin('Symbol.for') });
    case 'Promise':
      return builtin('Promise', { all: builtin('Promise.all'), resolve: builtin('Promise.resolve') });
    case 'Array':
      return builtin('Array', { isArray: builtin('Array.isArray'), from: builtin('Array.from') });
    case 'String':
      return builtin('String');
    case 'URL':
      return builtin('URL');
    case 'globalThis':
      return unknown('globalThis');
    default:
      return undefined;
  }
}

function processValue(): BuiltinValue {
  return builtin('process', { env: builtin('process.env'), argv: unknown('process.argv'), cwd: builtin('process.cwd') });
}

/**
 * The working directory the app is started in: its project folder (where its package.json and
 * start script are), never the analyser's own. Relative fs paths, path.resolve() and
 * process.cwd() all resolve against it.
 */
export function appCwd(interp: Interpreter, scope: Scope): string {
  return scope.module.project?.dir ?? interp.linker.scan.root;
}

export function memberOfBuiltin(b: BuiltinValue, key: string): Value | undefined {
  const own = b.props?.get(key);
  if (own) return own;
  if (b.name === 'process.env') return unknown(`process.env.${key} is only known at run time`);
  // A member of a package (`.default`, `.bootstrap`) is still that package: plugins are named by it.
  if (b.name === 'package') return builtin('package', undefined, b.pkg);
  return undefined;
}

export function callBuiltin(interp: Interpreter, b: BuiltinValue, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  const linker = interp.linker;
  switch (b.name) {
    case 'require': {
      if (!call) return unknown();
      return linker.requireValue(scope.module, args[0] ?? UNDEF, call);
    }
    case 'fastify.factory':
      return call && ts.isCallExpression(call) ? linker.createApp(call, scope, args[0] ?? UNDEF) : unknown();
    case 'fp':
      return fastifyPlugin(interp, args, call, scope);
    case 'env-schema':
      return envSchemaValue(args[0] ?? UNDEF, 'env-schema');
    case 'restartable':
      return callRestartable(interp, b, args, call, scope);
    case 'restartable.create':
      return createRestartableApp(interp, args, call, scope);
    case 'Symbol.for': {
      const k = asString(args[0] ?? UNDEF);
      return k === undefined ? unknown() : builtin(`symbol:${k}`);
    }
    case 'String': {
      const s = asString(args[0] ?? UNDEF);
      return s === undefined ? unknown() : str(s);
    }
    case 'Array.isArray':
      return args[0]?.kind === 'arr' ? bool(true) : args[0]?.kind === 'unknown' ? unknown() : bool(false);
    case 'Array.from': {
      const it = iterableItems(args[0] ?? UNDEF);
      if (!it) return unknown('Array.from of a value that is not known statically');
      const mapFn = args[1];
      if (!mapFn || mapFn.kind === 'undef') return arr([...it.items], it.partial);
      return arr(it.items.map((item, i) => interp.call(mapFn, [item, { kind: 'num', v: i }], call, scope)), it.partial);
    }
    case 'Promise.all': {
      const it = iterableItems(args[0] ?? UNDEF);
      return { kind: 'promise', v: it ? arr(it.items.map(unwrapPromise), it.partial) : unknown() };
    }
    case 'const':
      return b.props?.get('__value') ?? unknown();
    case 'process.cwd':
      return str(appCwd(interp, scope));
    case 'structuredClone':
      return cloneValue(args[0] ?? UNDEF);
    case 'JSON.stringify': {
      if (args.length > 1 && args[1].kind !== 'undef' && args[1].kind !== 'null') return unknown('JSON.stringify with a replacer');
      const d = toJson(args[0] ?? UNDEF);
      if (!d) return unknown('JSON.stringify of a value known only at run time');
      const space = args[2] ? (asString(args[2]) ?? '') : '';
      const text = JSON.stringify(d.data, undefined, /^\d+$/.test(space) ? Number(space) : space);
      return text === undefined ? UNDEF : str(text);
    }
    case 'JSON.parse': {
      const text = asString(args[0] ?? UNDEF);
      if (text === undefined || (args[1] && args[1].kind !== 'undef')) return unknown('JSON.parse of a text known only at run time');
      const parsed = jsonModuleValue(text);
      return 'value' in parsed ? parsed.value : unknown(`JSON.parse of invalid JSON throws: ${parsed.error}`);
    }
    case 'Promise.resolve':
      return { kind: 'promise', v: args[0] ?? UNDEF };
    case 'url.fileURLToPath': {
      const p = pathOfFileUrl(asString(args[0] ?? UNDEF));
      return p !== undefined ? str(p) : unknown('fileURLToPath of an unknown URL');
    }
    case 'url.pathToFileURL': {
      const p = asString(args[0] ?? UNDEF);
      return p ? str(pathToFileURL(posix.resolve(appCwd(interp, scope), p)).href) : unknown();
    }
    case 'URL':
      return newBuiltin(b, args) ?? unknown();
    default:
      if (b.name.startsWith('path.')) return pathFunction(b.name.slice(5), args, scope);
      if (b.name.startsWith('desm.')) return desmFunction(b.name.slice(5), args, scope);
      if (b.name.startsWith('fs.')) return fsFunction(interp, b.name, args, scope, call);
      if (b.name.startsWith('fd.')) return callFastifyDecorators(interp, b, args, call, scope);
      if (b.name.startsWith('awilix.')) return callAwilix(interp, b, args, call, scope);
      interp.touchCallbacks(args);
      return unknown(b.pkg ? `result of a call into '${b.pkg}'` : `result of ${b.name}()`);
  }
}

function pathFunction(fn: string, args: Value[], scope: Scope): Value {
  const parts = args.map(asString);
  if (parts.some((p) => p === undefined)) return unknown(`path.${fn} of a value known only at run time`);
  const ps = parts as string[];
  switch (fn) {
    case 'join':
      return str(posix.join(...ps));
    case 'resolve':
      // Relative to the working directory: for `npm start` that is the project folder.
      return str(posix.resolve(scope.module.project?.dir ?? posix.dirname(scope.module.path), ...ps));
    case 'dirname':
      return str(posix.dirname(ps[0] ?? ''));
    case 'basename':
      return str(posix.basename(ps[0] ?? '', ps[1]));
    case 'extname':
      return str(posix.extname(ps[0] ?? ''));
    case 'normalize':
      return str(posix.normalize(ps[0] ?? ''));
    case 'relative':
      return str(posix.relative(ps[0] ?? '', ps[1] ?? ''));
    default:
      return unknown();
  }
}

function desmFunction(fn: string, args: Value[], scope: Scope): Value {
  const file = pathOfFileUrl(asString(args[0] ?? UNDEF));
  if (file === undefined) return unknown('desm of a URL known only at run time');
  if (fn === 'filename') return str(file);
  if (fn === 'dirname') return str(posix.dirname(file));
  return pathFunction('join', [str(posix.dirname(file)), ...args.slice(1)], scope);
}

/** Entries listed by one recursive readdir at most (a link loop ends here; Node would not end). */
const MAX_WALK_ENTRIES = 20_000;

/** The few file-system reads apps do while wiring plugins, answered from the Host. */
function fsFunction(interp: Interpreter, name: string, args: Value[], scope: Scope, call: ts.Node | undefined): Value {
  const host = interp.linker.appFsHost;
  const [, op, style = 'sync'] = name.split('.');
  const raw = asString(args[0] ?? UNDEF);
  const cb = style === 'callback' ? args.slice(1).reverse().find((a) => a.kind === 'fn') : undefined;
  const settle = (result: Value): Value => {
    if (style === 'promise') return { kind: 'promise', v: result };
    if (style === 'callback') {
      if (cb?.kind === 'fn') interp.callFunction(cb, result.kind === 'unknown' ? [result, unknown()] : [NULL, result]);
      else interp.touchCallbacks(args);
      return UNDEF;
    }
    return result;
  };
  if (raw === undefined) return settle(unknown(`${name} of a path known only at run time`));
  // As given (Dirent.parentPath keeps it so), and absolute against the app's folder for reading.
  const given = pathOfFileUrl(raw) ?? raw;
  const abs = posix.resolve(appCwd(interp, scope), given);
  if (op === 'exists') return bool(host.stat(abs) !== undefined);
  if (op === 'stat' || op === 'lstat') return settle(statValue(interp, op, abs, given));
  const opts = args[1]?.kind === 'obj' ? args[1] : undefined;
  const flag = (key: string): boolean | undefined => (opts ? truthy(getProp(opts, key)) : false);
  const withFileTypes = flag('withFileTypes');
  const recursive = flag('recursive');
  if (withFileTypes === undefined || recursive === undefined) return settle(unknown(`${name} with options known only at run time`));
  const listing = listDirectory(interp, abs, given, withFileTypes, recursive, style === 'promise');
  if (listing.kind === 'unknown' && call && listing.why) interp.linker.report(call, scope.module, listing.why);
  return settle(listing);
}

/** A readdir result as Node 20 gives it: names (relative with '/' when recursive) or Dirents. */
function listDirectory(interp: Interpreter, abs: string, given: string, withFileTypes: boolean, recursive: boolean, promiseOrder: boolean): Value {
  const host = interp.linker.appFsHost;
  const first = host.readDirectory(abs);
  if (!first) return unknown(`folder ${interp.linker.rel(abs)} could not be read (readdir throws at run time)`);
  const out: Value[] = [];
  // Sync and callback versions walk breadth first; fs.promises pops the last folder found first.
  const queue: { abs: string; given: string; entries: DirEntry[] }[] = [{ abs, given, entries: first }];
  while (queue.length && out.length < MAX_WALK_ENTRIES) {
    const dir = promiseOrder ? queue.pop()! : queue.shift()!;
    for (const e of dir.entries) {
      const childAbs = posix.join(dir.abs, e.name);
      const childGiven = posix.join(dir.given, e.name);
      out.push(withFileTypes ? direntValue(e, dir.given) : str(recursive ? posix.relative(abs, childAbs) : e.name));
      // With file types a link is not followed (Dirent.isDirectory() is false); names stat through it.
      const descend = recursive && (e.kind === 'directory' || (!withFileTypes && e.kind === 'symlink-directory'));
      if (descend && out.length < MAX_WALK_ENTRIES) {
        const entries = host.readDirectory(childAbs);
        if (entries) queue.push({ abs: childAbs, given: childGiven, entries });
      }
    }
  }
  if (out.length >= MAX_WALK_ENTRIES) interp.linker.reportFile(abs, `folder walk stopped after ${MAX_WALK_ENTRIES} entries`);
  return arr(out.slice(0, MAX_WALK_ENTRIES));
}

/** A Dirent: its name, folder (as the path was given) and kind questions, which do not follow links. */
function direntValue(e: DirEntry, parentPath: string): Value {
  const d = obj();
  d.props.set('name', str(e.name));
  d.props.set('parentPath', str(parentPath));
  d.props.set('path', str(parentPath));
  const is = (k: boolean) => constFn(bool(k), 'Dirent');
  d.props.set('isDirectory', is(e.kind === 'directory'));
  d.props.set('isFile', is(e.kind === 'file'));
  d.props.set('isSymbolicLink', is(e.kind === 'symlink-file' || e.kind === 'symlink-directory'));
  for (const k of ['isBlockDevice', 'isCharacterDevice', 'isFIFO', 'isSocket']) d.props.set(k, is(false));
  return d;
}

/** statSync / lstatSync / fs.promises.stat: a Stats with its kind questions; a missing path throws. */
function statValue(interp: Interpreter, op: string, abs: string, given: string): Value {
  let kind: DirEntry['kind'] | undefined;
  if (op === 'lstat') {
    const parent = interp.linker.appFsHost.readDirectory(posix.dirname(abs));
    kind = parent?.find((e) => e.name === posix.basename(abs))?.kind;
    if (!kind && interp.linker.appFsHost.stat(abs)) return unknown(`lstat of ${given} known only at run time`);
  } else {
    kind = interp.linker.appFsHost.stat(abs);
  }
  if (!kind) return unknown(`${op} of a missing path throws (${given})`);
  const s = obj();
  const is = (k: boolean) => constFn(bool(k), 'Stats');
  s.props.set('isDirectory', is(kind === 'directory'));
  s.props.set('isFile', is(kind === 'file'));
  s.props.set('isSymbolicLink', is(kind === 'symlink-file' || kind === 'symlink-directory'));
  for (const k of ['isBlockDevice', 'isCharacterDevice', 'isFIFO', 'isSocket']) s.props.set(k, is(false));
  for (const k of ['size', 'mtimeMs', 'mtime', 'mode']) s.props.set(k, unknown(`Stats.${k} is known only at run time`));
  return s;
}

/** The path of a `file:` URL string, or undefined for anything else. */
export function pathOfFileUrl(url: string | undefined): string | undefined {
  if (!url?.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

export function newBuiltin(ctor: BuiltinValue, args: Value[]): Value | undefined {
  if (ctor.name === 'Map' || ctor.name === 'WeakMap') return newCollection('Map', args[0]);
  if (ctor.name === 'Set' || ctor.name === 'WeakSet') return newCollection('Set', args[0]);
  if (ctor.name !== 'URL') return undefined;
  const rel = asString(args[0] ?? UNDEF);
  const base = args[1] ? asString(args[1]) : undefined;
  if (rel === undefined || (args[1] && base === undefined)) return unknown('URL known only at run time');
  try {
    return str(new URL(rel, base).href);
  } catch {
    return unknown('invalid URL');
  }
}

/** fastify-plugin: marks the function skip-override (unless encapsulate: true) and records its metadata. */
function fastifyPlugin(interp: Interpreter, args: Value[], call: ts.Node | undefined, scope: Scope): Value {
  let fn = args[0] ?? UNDEF;
  if ((fn.kind === 'obj' || fn.kind === 'fn') && fn.props.get('default')?.kind === 'fn') fn = fn.props.get('default')!;
  const meta = pluginMeta(args[1] ?? UNDEF);
  // `encapsulate` exists from fastify-plugin 4.3.0 on; older releases always skip override.
  if (meta.encapsulate) {
    const report = (reason: string) => interp.linker.reportAt(call ? interp.span(call, scope.module) : undefined, reason);
    if (!behaviourNoted(interp.linker.notes, scope.module.project, 'fastify-plugin.encapsulate', report)) delete meta.encapsulate;
  }
  if (fn.kind === 'fn') {
    // `fp(imported)` at a module's top level (a server registering `fp(app)`): the marking
    // module's doing every time it is evaluated, compared link to link (`Linker.outsideMarks`).
    // Anywhere else the write barrier judges it.
    const writer = barrier.moduleFrame();
    const outside = writer !== undefined && writer !== fn.module.path;
    if (!outside) barrier.write(fn);
    fn.marks.skipOverride = meta.encapsulate !== true;
    fn.marks.meta = meta;
    fn.marks.fpNode = call;
    fn.props.set('default', fn);
    if (outside) interp.linker.marksSetBy(fn, writer);
    return fn;
  }
  if (fn.kind === 'builtin') {
    // A package's value is the module's that imported it (`owner`), a write the barrier does not
    // see: from elsewhere, that module is not kept, nor the module writing; with no owner, none is.
    const writer = barrier.moduleFrame();
    if (fn.owner === undefined) interp.linker.frames.keepNone ??= 'fastify-plugin marks on a package value';
    else if (writer !== fn.owner) {
      interp.linker.markedFromOutside(fn.owner);
      interp.linker.frames.effect('marks set on another module\'s value');
    }
    fn.marks = { skipOverride: meta.encapsulate !== true, meta, fpNode: call };
    return fn;
  }
  return unknown('fastify-plugin of a value that is not known statically');
}

function stringList(v: Value): string[] | undefined {
  if (v.kind !== 'arr') return undefined;
  return v.items.map(asString).filter((s): s is string => s !== undefined);
}

export function pluginMeta(v: Value): PluginMeta {
  if (v.kind === 'str') return { fastify: v.v };
  if (v.kind !== 'obj') return {};
  const meta: PluginMeta = {};
  const name = asString(getProp(v, 'name'));
  if (name !== undefined) meta.name = name;
  const range = asString(getProp(v, 'fastify'));
  if (range !== undefined) meta.fastify = range;
  const deps = stringList(getProp(v, 'dependencies'));
  if (deps) meta.dependencies = deps;
  const decorators = getProp(v, 'decorators');
  if (decorators.kind === 'obj') {
    meta.decorators = {};
    for (const k of ['fastify', 'request', 'reply'] as const) {
      const list = stringList(getProp(decorators, k));
      if (list) meta.decorators[k] = list;
    }
  }
  if (truthy(getProp(v, 'encapsulate')) === true) meta.encapsulate = true;
  return meta;
}
