import type { ts } from 'ts-morph';
import type { PluginMeta } from '../model';
import type { ContextBuilder } from './context-builder';
import type { ModuleRecord } from './module-record';
import type { Scope } from './scope';
import { stamp, type Stamped } from './replay/ownership';

/**
 * Abstract values of the static interpreter. Only what matters for building the graph is
 * tracked precisely (strings, objects, functions, instances, modules); the rest is `unknown`.
 */
export type Value =
  | StrValue
  | NumValue
  | BoolValue
  | NullValue
  | UndefValue
  | ObjValue
  | ArrValue
  | FnValue
  | InstanceValue
  | InstanceMethodValue
  | BuiltinValue
  | PromiseValue
  | RegexValue
  | ClassValue
  | CollValue
  | UnknownValue;

/**
 * `assumed`: a value taken from an example file (`.env.example`, dotenv.ts) or computed from one:
 * used for URLs and prefixes, but it never decides a condition (truthy() says unknown).
 */
export interface StrValue { kind: 'str'; v: string; node?: ts.Node; module?: ModuleRecord; assumed?: true }
export interface NumValue { kind: 'num'; v: number; assumed?: true }
export interface BoolValue { kind: 'bool'; v: boolean; assumed?: true }
export interface NullValue { kind: 'null' }
export interface UndefValue { kind: 'undef' }
export interface RegexValue { kind: 'regex'; source: string; flags: string }

export interface ObjValue extends Stamped {
  kind: 'obj';
  props: Map<string, Value>;
  /** True when an unknown spread or computed key may have added properties. */
  partial: boolean;
  /** The literal that made it, for spans. */
  node?: ts.Node;
  module?: ModuleRecord;
  /** Set for ES module namespace objects. */
  namespaceOf?: ModuleRecord;
}

export interface ArrValue extends Stamped { kind: 'arr'; items: Value[]; partial: boolean; node?: ts.Node; module?: ModuleRecord }

export interface PluginMarks {
  skipOverride?: boolean;
  meta?: PluginMeta;
  /** fastify-plugin's wrapper call, for spans. */
  fpNode?: ts.Node;
}

export interface FnValue extends Stamped {
  kind: 'fn';
  node: ts.FunctionLikeDeclaration;
  closure: Scope;
  module: ModuleRecord;
  /** Properties set on the function object (autoPrefix, autoConfig, default…). */
  props: Map<string, Value>;
  marks: PluginMarks;
  /** `this` bound for arrow functions. */
  thisValue?: Value;
  name?: string;
}

export interface InstanceValue { kind: 'instance'; ctx: ContextBuilder }
export interface InstanceMethodValue { kind: 'imethod'; instance: InstanceValue; name: string }

/** Functions and objects of known packages (fastify, fastify-plugin, @fastify/autoload, path, url…). */
export interface BuiltinValue extends Stamped {
  kind: 'builtin';
  name: string;
  /** For values of npm packages we do not look into. */
  pkg?: string;
  props?: Map<string, Value>;
  marks?: PluginMarks;
  /** For `env.values`: the object env-schema returns / @fastify/env decorates (dotenv.ts). */
  env?: EnvSchemaSource;
  /** The module whose import made it (a package's value is that module's: replay/kept-modules.ts). */
  owner?: string;
}

/** What an env-schema call knows: its `data` values, the schema's properties, defaults and types. */
export interface EnvSchemaSource {
  /** Values of the `data` option (they win over process.env and .env). */
  data: Map<string, Value>;
  /** The `data` option may hold keys known only at run time. */
  dataUnknown: boolean;
  /** The schema's property names (others are removed: additionalProperties false, removeAdditional); undefined when not known. */
  keys?: Set<string>;
  defaults: Map<string, Value>;
  types: Map<string, string>;
  /** process.env / the .env file is read (`env` not false, or `dotenv`). */
  readsEnv: boolean;
  /** `dotenv` set: env-schema reads `.env` into its result itself (process.env untouched). */
  dotenv: boolean;
  /** Who made it, for notes. */
  by: string;
}

/** A class: `new` runs its field initialisers and constructor with a fresh object as `this`. */
export interface ClassValue extends Stamped {
  kind: 'class';
  node: ts.ClassLikeDeclaration;
  closure: Scope;
  module: ModuleRecord;
  base?: Value;
  statics: Map<string, Value>;
}

export interface PromiseValue { kind: 'promise'; v: Value }

/**
 * A `Map` or `Set` (and their weak twins): entries in insertion order. A Set keeps its values as
 * keys (value = key). Keys compare as JS does: primitives by value, objects by identity; an
 * unknown key is kept as its own entry (it may equal another one), so lookups then say unknown.
 */
export interface CollValue extends Stamped {
  kind: 'coll';
  type: 'Map' | 'Set';
  entries: [Value, Value][];
  /** True when entries known only at run time may be in it (built from an unknown iterable). */
  partial: boolean;
}

export interface UnknownValue {
  kind: 'unknown';
  /** Why it is unknown, for unresolved entries. */
  why?: string;
  node?: ts.Node;
  module?: ModuleRecord;
  /**
   * A string known except for the parts written `{?}` (a folder prefix after an unknown
   * `options.prefix`, say): the text a prefix or URL shows, marked partly unknown.
   */
  text?: string;
}

export const UNDEF: UndefValue = { kind: 'undef' };
export const NULL: NullValue = { kind: 'null' };

export function str(v: string): StrValue {
  return { kind: 'str', v };
}
export function num(v: number): NumValue {
  return { kind: 'num', v };
}
export function bool(v: boolean): BoolValue {
  return { kind: 'bool', v };
}
export function unknown(why?: string, node?: ts.Node, module?: ModuleRecord): UnknownValue {
  return { kind: 'unknown', why, node, module };
}
export function obj(props?: Map<string, Value>, partial = false): ObjValue {
  return { kind: 'obj', props: props ?? new Map(), partial, born: stamp() };
}
export function arr(items: Value[], partial = false): ArrValue {
  return { kind: 'arr', items, partial, born: stamp() };
}

/**
 * Where an unknown value comes from, for reasons: the expression as written
 * (`process.env.API_PREFIX`), else why it is unknown.
 */
export function originOf(v: Value): string {
  if (v.kind !== 'unknown') return 'a value known only at run time';
  if (v.node) {
    try {
      const text = v.node.getText().replace(/\s+/g, ' ');
      if (text) return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      // A node without its source file: fall back to the reason.
    }
  }
  return v.why ?? 'a value known only at run time';
}

/** True for a value taken from an example file, or computed from one (see StrValue). */
export function isAssumed(v: Value): boolean {
  return (v.kind === 'str' || v.kind === 'num' || v.kind === 'bool') && v.assumed === true;
}

/** The value marked assumed (a copy), when it is a primitive that can carry the mark. */
export function assumed(v: Value): Value {
  return v.kind === 'str' || v.kind === 'num' || v.kind === 'bool' ? { ...v, assumed: true } : v;
}

/** Truthiness when statically known, else undefined (also for an assumed value: it decides nothing). */
export function truthy(v: Value): boolean | undefined {
  if (isAssumed(v)) return undefined;
  switch (v.kind) {
    case 'str':
      return v.v.length > 0;
    case 'num':
      return v.v !== 0 && !Number.isNaN(v.v);
    case 'bool':
      return v.v;
    case 'null':
    case 'undef':
      return false;
    case 'unknown':
    case 'promise':
      return undefined;
    default:
      return true;
  }
}

export function isNullish(v: Value): boolean | undefined {
  if (v.kind === 'null' || v.kind === 'undef') return true;
  if (v.kind === 'unknown') return undefined;
  return false;
}

/** A primitive's JS value, or undefined when the value is not a known primitive. */
export function primitive(v: Value): { value: string | number | boolean | null | undefined } | undefined {
  switch (v.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return { value: v.v };
    case 'null':
      return { value: null };
    case 'undef':
      return { value: undefined };
    default:
      return undefined;
  }
}

export function fromPrimitive(x: unknown): Value {
  if (typeof x === 'string') return str(x);
  if (typeof x === 'number') return num(x);
  if (typeof x === 'boolean') return bool(x);
  if (x === null) return NULL;
  if (x === undefined) return UNDEF;
  return unknown();
}

export function getProp(o: Value, key: string): Value {
  if (o.kind === 'obj') {
    const v = o.props.get(key);
    if (v !== undefined) return v;
    return o.partial ? unknown(`property '${key}' may come from an unknown spread`) : UNDEF;
  }
  if (o.kind === 'fn') {
    const v = o.props.get(key);
    if (v !== undefined) return v;
    if (key === 'name' && o.name) return str(o.name);
    return UNDEF;
  }
  if (o.kind === 'class') return o.statics.get(key) ?? UNDEF;
  if (o.kind === 'builtin') return o.props?.get(key) ?? unknown(`property '${key}' of ${o.pkg ?? o.name}`);
  if (o.kind === 'arr') {
    if (key === 'length') return o.partial ? unknown() : num(o.items.length);
    const i = Number(key);
    if (Number.isInteger(i) && i >= 0) return o.items[i] ?? (o.partial ? unknown() : UNDEF);
    return unknown();
  }
  if (o.kind === 'str' && key === 'length') return num(o.v.length);
  if (o.kind === 'null' || o.kind === 'undef') return unknown(`property '${key}' of ${o.kind === 'null' ? 'null' : 'undefined'}`);
  return unknown();
}

export function asString(v: Value): string | undefined {
  if (v.kind === 'str') return v.v;
  if (v.kind === 'num' || v.kind === 'bool') return String(v.v);
  return undefined;
}

/** A constant function (a Dirent's `isDirectory()`, say): calling it gives `value`. */
export function constFn(value: Value, name = 'const'): BuiltinValue {
  return { kind: 'builtin', name: 'const', pkg: name, props: new Map([['__value', value]]) };
}

/** The items `for…of`, spread and `Array.from` see: arrays, strings, Maps (as [key, value]) and Sets. */
export function iterableItems(v: Value): { items: Value[]; partial: boolean } | undefined {
  if (v.kind === 'arr') return { items: v.items, partial: v.partial };
  if (v.kind === 'str') return { items: [...v.v].map(str), partial: false };
  if (v.kind === 'coll') {
    return { items: v.entries.map(([k, x]) => (v.type === 'Map' ? arr([k, x]) : x)), partial: v.partial };
  }
  return undefined;
}

/**
 * JSON.stringify's model: the plain data of a value when all of it is known, else undefined.
 * Functions and undefined are dropped from objects (null in arrays), as JSON.stringify does.
 */
export function toJson(v: Value, depth = 0): { data: unknown } | undefined {
  if (depth > 64) return undefined;
  switch (v.kind) {
    case 'str':
    case 'bool':
    case 'null':
      return { data: v.kind === 'null' ? null : v.v };
    case 'num':
      return { data: Number.isFinite(v.v) ? v.v : null };
    case 'arr': {
      if (v.partial) return undefined;
      const out: unknown[] = [];
      for (const i of v.items) {
        if (i.kind === 'undef' || i.kind === 'fn' || i.kind === 'class') out.push(null);
        else {
          const d = toJson(i, depth + 1);
          if (!d) return undefined;
          out.push(d.data);
        }
      }
      return { data: out };
    }
    case 'obj': {
      if (v.partial) return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, pv] of v.props) {
        if (k.startsWith('symbol:') || pv.kind === 'undef' || pv.kind === 'fn' || pv.kind === 'class') continue;
        const d = toJson(pv, depth + 1);
        if (!d) return undefined;
        out[k] = d.data;
      }
      return { data: out };
    }
    case 'coll':
      return v.type === 'Map' || v.type === 'Set' ? { data: {} } : undefined;
    case 'regex':
      return { data: {} };
    default:
      return undefined;
  }
}

/**
 * structuredClone's model: a deep copy of known data. Functions and instances cannot be cloned
 * (the real call throws), so they make the copy unknown.
 */
export function cloneValue(v: Value, depth = 0): Value {
  if (depth > 64) return unknown('structuredClone of data nested too deeply');
  switch (v.kind) {
    case 'str':
    case 'num':
    case 'bool':
    case 'null':
    case 'undef':
      return v.kind === 'str' ? str(v.v) : v;
    case 'regex':
      return { ...v };
    case 'arr':
      return arr(v.items.map((i) => cloneValue(i, depth + 1)), v.partial);
    case 'obj': {
      const o = obj(undefined, v.partial);
      for (const [k, pv] of v.props) {
        if (k.startsWith('symbol:')) continue;
        o.props.set(k, cloneValue(pv, depth + 1));
      }
      return o;
    }
    case 'coll':
      return { kind: 'coll', type: v.type, partial: v.partial, entries: v.entries.map(([k, x]) => [cloneValue(k, depth + 1), cloneValue(x, depth + 1)]) };
    case 'unknown':
      return v;
    default:
      return unknown(`structuredClone of a ${v.kind === 'fn' || v.kind === 'class' ? 'function' : 'value that cannot be cloned'} throws`);
  }
}

/** Unwraps a promise (await) and an ES module default the way register() accepts plugins. */
export function unwrapPromise(v: Value): Value {
  let cur = v;
  while (cur.kind === 'promise') cur = cur.v;
  return cur;
}
