import * as posix from 'node:path/posix';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import type { PluginMeta } from '../model';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import {
  NULL, UNDEF, arr, asString, bool, getProp, str, truthy, unknown, unwrapPromise,
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
export function packageValue(name: string, subpath: string): Value {
  if (subpath) return builtin('package', undefined, `${name}/${subpath}`);
  switch (name) {
    case 'fastify':
      return selfExporting('fastify.factory', ['default', 'fastify', 'Fastify'], 'fastify');
    case 'fastify-plugin':
      return selfExporting('fp', ['default', 'fastifyPlugin', 'fp'], 'fastify-plugin');
    case '@fastify/autoload': {
      const b = selfExporting('autoload', ['default', 'fastifyAutoload', 'autoload', 'AutoLoad'], '@fastify/autoload');
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
      const async = name === 'fs/promises';
      const f = builtin('fs', { readdirSync: builtin('fs.readdir'), existsSync: builtin('fs.exists'), readdir: builtin(async ? 'fs.readdir.promise' : 'fs.readdir.callback') }, name);
      f.props!.set('promises', async ? f : builtin('fs', { readdir: builtin('fs.readdir.promise') }, 'fs/promises'));
      f.props!.set('default', f);
      return f;
    }
    default:
      return builtin('package', undefined, name);
  }
}

export function globalValue(name: string): Value | undefined {
  switch (name) {
    case 'process':
      return builtin('process', { env: builtin('process.env'), argv: unknown('process.argv') });
    case 'Object':
      return builtin('Object', Object.fromEntries(['keys', 'values', 'entries', 'assign', 'freeze', 'fromEntries'].map((k) => [k, builtin(`Object.${k}`)])));
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
      return fastifyPlugin(args, call);
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
    case 'Array.from':
      return args[0]?.kind === 'arr' ? arr([...args[0].items], args[0].partial) : unknown();
    case 'Promise.all':
      return { kind: 'promise', v: args[0]?.kind === 'arr' ? arr(args[0].items.map(unwrapPromise), args[0].partial) : unknown() };
    case 'Promise.resolve':
      return { kind: 'promise', v: args[0] ?? UNDEF };
    case 'url.fileURLToPath': {
      const p = pathOfFileUrl(asString(args[0] ?? UNDEF));
      return p !== undefined ? str(p) : unknown('fileURLToPath of an unknown URL');
    }
    case 'url.pathToFileURL': {
      const p = asString(args[0] ?? UNDEF);
      return p ? str(pathToFileURL(p).href) : unknown();
    }
    case 'URL':
      return newBuiltin(b, args) ?? unknown();
    default:
      if (b.name.startsWith('path.')) return pathFunction(b.name.slice(5), args, scope);
      if (b.name.startsWith('desm.')) return desmFunction(b.name.slice(5), args, scope);
      if (b.name.startsWith('fs.')) return fsFunction(interp, b.name, args);
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

/** The few file-system reads apps do while wiring plugins, answered from the Host. */
function fsFunction(interp: Interpreter, name: string, args: Value[]): Value {
  const host = interp.linker.host;
  const raw = asString(args[0] ?? UNDEF);
  if (raw === undefined) return unknown(`${name} of a path known only at run time`);
  const p = pathOfFileUrl(raw) ?? raw;
  if (name === 'fs.exists') return bool(host.stat(p) !== undefined);
  const opts = args[1];
  if (opts?.kind === 'obj' && truthy(getProp(opts, 'withFileTypes')) !== false && opts.props.has('withFileTypes')) return unknown('directory entries (withFileTypes)');
  const entries = host.readDirectory(p);
  const listing = entries ? arr(entries.map((e) => str(e.name))) : unknown(`folder ${interp.linker.rel(p)} could not be read`);
  if (name === 'fs.readdir.promise') return { kind: 'promise', v: listing };
  if (name === 'fs.readdir.callback') {
    const cb = args[args.length - 1];
    if (cb?.kind === 'fn') interp.callFunction(cb, [NULL, listing]);
    return UNDEF;
  }
  return listing;
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
function fastifyPlugin(args: Value[], call: ts.Node | undefined): Value {
  let fn = args[0] ?? UNDEF;
  if ((fn.kind === 'obj' || fn.kind === 'fn') && fn.props.get('default')?.kind === 'fn') fn = fn.props.get('default')!;
  const meta = pluginMeta(args[1] ?? UNDEF);
  if (fn.kind === 'fn') {
    fn.marks.skipOverride = meta.encapsulate !== true;
    fn.marks.meta = meta;
    fn.marks.fpNode = call;
    fn.props.set('default', fn);
    return fn;
  }
  if (fn.kind === 'builtin') {
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
