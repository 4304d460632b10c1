import type { ts } from 'ts-morph';
import type { PluginMeta } from '../model';
import type { ContextBuilder } from './context-builder';
import type { ModuleRecord } from './module-record';
import type { Scope } from './scope';

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
  | UnknownValue;

export interface StrValue { kind: 'str'; v: string; node?: ts.Node; module?: ModuleRecord }
export interface NumValue { kind: 'num'; v: number }
export interface BoolValue { kind: 'bool'; v: boolean }
export interface NullValue { kind: 'null' }
export interface UndefValue { kind: 'undef' }
export interface RegexValue { kind: 'regex'; source: string; flags: string }

export interface ObjValue {
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

export interface ArrValue { kind: 'arr'; items: Value[]; partial: boolean; node?: ts.Node; module?: ModuleRecord }

export interface PluginMarks {
  skipOverride?: boolean;
  meta?: PluginMeta;
  /** fastify-plugin's wrapper call, for spans. */
  fpNode?: ts.Node;
}

export interface FnValue {
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
export interface BuiltinValue {
  kind: 'builtin';
  name: string;
  /** For values of npm packages we do not look into. */
  pkg?: string;
  props?: Map<string, Value>;
  marks?: PluginMarks;
}

/** A class: `new` runs its field initialisers and constructor with a fresh object as `this`. */
export interface ClassValue {
  kind: 'class';
  node: ts.ClassLikeDeclaration;
  closure: Scope;
  module: ModuleRecord;
  base?: Value;
  statics: Map<string, Value>;
}

export interface PromiseValue { kind: 'promise'; v: Value }

export interface UnknownValue {
  kind: 'unknown';
  /** Why it is unknown, for unresolved entries. */
  why?: string;
  node?: ts.Node;
  module?: ModuleRecord;
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
  return { kind: 'obj', props: props ?? new Map(), partial };
}
export function arr(items: Value[], partial = false): ArrValue {
  return { kind: 'arr', items, partial };
}

/** Truthiness when statically known, else undefined. */
export function truthy(v: Value): boolean | undefined {
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

/** Unwraps a promise (await) and an ES module default the way register() accepts plugins. */
export function unwrapPromise(v: Value): Value {
  let cur = v;
  while (cur.kind === 'promise') cur = cur.v;
  return cur;
}
