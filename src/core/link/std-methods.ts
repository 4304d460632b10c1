import type { ts } from 'ts-morph';
import type { Interpreter } from './interpreter';
import { barrier, stamp } from './replay/ownership';
import type { Scope } from './scope';
import { sameValue } from './operators';
import {
  UNDEF, arr, asString, bool, fromPrimitive, iterableItems, num, obj, primitive, str, truthy, unknown,
  type ArrValue, type BuiltinValue, type CollValue, type Value,
} from './values';

/** Pure String.prototype methods on known strings; they never run user code. */
export function callStringMethod(m: BuiltinValue, args: Value[]): Value {
  const self = m.props?.get('__self');
  if (self?.kind !== 'str') return unknown();
  const s = self.v;
  const name = m.name.slice('string.'.length);
  const a0 = args[0] ?? UNDEF;
  const s0 = asString(a0);
  switch (name) {
    case 'toLowerCase':
      return str(s.toLowerCase());
    case 'toUpperCase':
      return str(s.toUpperCase());
    case 'trim':
      return str(s.trim());
    case 'toString':
    case 'valueOf':
      return str(s);
    case 'startsWith':
    case 'endsWith':
    case 'includes':
      return s0 === undefined ? unknown() : bool(s[name](s0));
    case 'indexOf':
      return s0 === undefined ? unknown() : num(s.indexOf(s0));
    case 'slice':
    case 'substring': {
      const n = args.map((a) => (a.kind === 'num' ? a.v : undefined));
      if (args.length && n.some((x) => x === undefined)) return unknown();
      return str(name === 'slice' ? s.slice(n[0], n[1]) : s.substring(n[0] ?? 0, n[1]));
    }
    case 'concat': {
      const parts = args.map(asString);
      return parts.some((p) => p === undefined) ? unknown() : str(s.concat(...(parts as string[])));
    }
    case 'split':
      return s0 === undefined ? unknown() : arr(s.split(s0).map(str));
    case 'replace':
    case 'replaceAll': {
      const to = asString(args[1] ?? UNDEF);
      if (to === undefined) return unknown();
      if (a0.kind === 'regex') {
        const re = safeRegExp(a0.source, a0.flags);
        return re ? str(s.replace(re, to)) : unknown();
      }
      if (s0 === undefined) return unknown();
      return str(name === 'replace' ? s.replace(s0, to) : s.split(s0).join(to));
    }
    case 'padStart':
    case 'padEnd':
    case 'repeat':
    case 'charAt':
    case 'at':
      return args.every((a) => a.kind === 'num' || a.kind === 'str')
        ? fromPrimitive((s as unknown as Record<string, (...x: unknown[]) => unknown>)[name](...args.map((a) => (a as { v: unknown }).v)))
        : unknown();
    default:
      return unknown(`String.prototype.${name}`);
  }
}

export function safeRegExp(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

/** Array methods; callbacks are interpreted per known item (route tables fed to route()). */
export function callArrayMethod(interp: Interpreter, m: BuiltinValue, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  const self = m.props?.get('__self');
  if (self?.kind !== 'arr') return unknown();
  const name = m.name.slice('array.'.length);
  const cb = args[0] ?? UNDEF;
  const each = (fn: (item: Value, i: number) => void) => {
    if (self.partial && self.items.length === 0) fn(unknown('item of a list known only at run time'), 0);
    else self.items.forEach((item, i) => fn(item, i));
  };
  const invoke = (item: Value, i: number) => interp.call(cb, [item, num(i), self], call, scope);
  switch (name) {
    case 'forEach':
      each((item, i) => invoke(item, i));
      return UNDEF;
    case 'map':
    case 'flatMap': {
      const out: ArrValue = arr([], self.partial);
      each((item, i) => {
        const r = invoke(item, i);
        if (name === 'flatMap' && r.kind === 'arr') out.items.push(...r.items);
        else out.items.push(r);
      });
      return out;
    }
    case 'filter': {
      const out: ArrValue = arr([], self.partial);
      each((item, i) => {
        if (truthy(invoke(item, i)) !== false) out.items.push(item);
      });
      return out;
    }
    case 'find': {
      for (let i = 0; i < self.items.length; i++) {
        const t = truthy(invoke(self.items[i], i));
        if (t === true) return self.items[i];
        if (t === undefined) return unknown();
      }
      return self.partial ? unknown() : UNDEF;
    }
    case 'some':
    case 'every': {
      const results = self.items.map((item, i) => truthy(invoke(item, i)));
      if (results.some((r) => r === undefined) || self.partial) return unknown();
      return bool(name === 'some' ? results.some(Boolean) : results.every(Boolean));
    }
    case 'reduce': {
      let acc = args.length > 1 ? args[1] : self.items[0] ?? UNDEF;
      self.items.slice(args.length > 1 ? 0 : 1).forEach((item, i) => {
        acc = interp.call(cb, [acc, item, num(i), self], call, scope);
      });
      return self.partial ? unknown() : acc;
    }
    case 'concat': {
      const out = arr([...self.items], self.partial);
      for (const a of args) {
        if (a.kind === 'arr') {
          out.items.push(...a.items);
          out.partial ||= a.partial;
        } else out.items.push(a);
      }
      return out;
    }
    case 'push':
      barrier.write(self);
      self.items.push(...args);
      return num(self.items.length);
    case 'slice':
      return arr(self.items.slice(...args.map((a) => (a.kind === 'num' ? a.v : undefined))), self.partial);
    case 'includes': {
      const v = asString(cb);
      return v === undefined || self.partial ? unknown() : bool(self.items.some((i) => asString(i) === v));
    }
    case 'sort': {
      // Without a comparator: by the strings, in place, as JS does (undefined last).
      if (args.length || self.partial) return self;
      const keys = self.items.map((i) => (i.kind === 'undef' ? '' : asString(i)));
      if (keys.some((k) => k === undefined)) return self;
      barrier.write(self);
      const order = self.items.map((item, i) => ({ item, key: keys[i] as string, undef: item.kind === 'undef' }));
      order.sort((a, b) => (a.undef !== b.undef ? (a.undef ? 1 : -1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      self.items.splice(0, self.items.length, ...order.map((o) => o.item));
      return self;
    }
    case 'reverse':
      barrier.write(self);
      if (!self.partial) self.items.reverse();
      return self;
    case 'unshift':
      barrier.write(self);
      self.items.unshift(...args);
      return self.partial ? unknown() : num(self.items.length);
    case 'indexOf': {
      if (self.partial || !primitive(cb)) return unknown();
      return num(self.items.findIndex((i) => sameValue(i, cb)));
    }
    case 'keys':
      return arr(self.items.map((_, i) => num(i)), self.partial);
    case 'values':
      return arr([...self.items], self.partial);
    case 'entries':
      return arr(self.items.map((item, i) => arr([num(i), item])), self.partial);
    case 'join': {
      const parts = self.items.map(asString);
      const sep = args[0] ? asString(args[0]) : ',';
      return self.partial || sep === undefined || parts.some((p) => p === undefined) ? unknown() : str(parts.join(sep));
    }
    default:
      interp.touchCallbacks(args);
      return unknown(`Array.prototype.${name}`);
  }
}

export function callObjectStatic(name: string, args: Value[]): Value {
  const o = args[0] ?? UNDEF;
  switch (name) {
    case 'keys':
    case 'values':
    case 'entries': {
      if (o.kind === 'arr') {
        const idx = o.items.map((item, i) => (name === 'keys' ? str(String(i)) : name === 'values' ? item : arr([str(String(i)), item])));
        return arr(idx, o.partial);
      }
      if (o.kind !== 'obj') return unknown();
      // Keys only: an awilix cradle resolves a property when its value is read (awilix.ts).
      if (name === 'keys') return arr([...o.props.keys()].filter((k) => !k.startsWith('symbol:')).map((k) => str(k)), o.partial);
      const entries = [...o.props.entries()].filter(([k]) => !k.startsWith('symbol:'));
      const items = entries.map(([k, v]) => (name === 'values' ? v : arr([str(k), v])));
      return arr(items, o.partial);
    }
    case 'assign': {
      if (o.kind !== 'obj') return unknown();
      barrier.write(o);
      for (const src of args.slice(1)) {
        if (src.kind === 'obj') {
          for (const [k, v] of src.props) o.props.set(k, v);
          o.partial ||= src.partial;
        } else if (src.kind !== 'undef' && src.kind !== 'null') o.partial = true;
      }
      return o;
    }
    case 'freeze':
      return o;
    case 'fromEntries': {
      const it = iterableItems(o);
      if (!it || o.kind === 'str') return unknown();
      const out = obj(undefined, it.partial);
      for (const e of it.items) {
        const k = e.kind === 'arr' ? asString(e.items[0] ?? UNDEF) : undefined;
        if (k === undefined || e.kind !== 'arr') out.partial = true;
        else out.props.set(k, e.items[1] ?? UNDEF);
      }
      return out;
    }
    default:
      return unknown();
  }
}

/** A key's identity as Map and Set compare keys: primitives by value, objects by reference. */
function sameKey(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  const pa = primitive(a);
  const pb = primitive(b);
  if (pa || pb) return !!pa && !!pb && (pa.value === pb.value || (Number.isNaN(pa.value) && Number.isNaN(pb.value)));
  return a === b;
}

/** Where `key` is in the collection: its index, -1 when surely absent, undefined when it cannot be told. */
function findKey(c: CollValue, key: Value): number | undefined {
  let maybe = c.partial || key.kind === 'unknown';
  for (let i = 0; i < c.entries.length; i++) {
    const same = sameKey(c.entries[i][0], key);
    if (same === true) return i;
    if (same === undefined) maybe = true;
  }
  return maybe ? undefined : -1;
}

/** A new Map or Set from an iterable argument (`new Map([[k, v]])`, `new Set(list)`). */
export function newCollection(type: 'Map' | 'Set', init: Value | undefined): CollValue {
  const c: CollValue = { kind: 'coll', type, entries: [], partial: false, born: stamp() };
  if (!init || init.kind === 'undef' || init.kind === 'null') return c;
  const it = iterableItems(init);
  if (!it) {
    c.partial = true;
    return c;
  }
  c.partial = it.partial;
  for (const item of it.items) {
    if (type === 'Set') addEntry(c, item, item);
    else if (item.kind === 'arr') addEntry(c, item.items[0] ?? UNDEF, item.items[1] ?? UNDEF);
    else c.partial = true;
  }
  return c;
}

function addEntry(c: CollValue, key: Value, value: Value): void {
  barrier.write(c);
  const i = findKey(c, key);
  if (i !== undefined && i >= 0) c.entries[i][1] = value;
  else c.entries.push([key, value]);
}

/** Map and Set methods; forEach callbacks are interpreted per known entry, like arrays'. */
export function callCollectionMethod(interp: Interpreter, m: BuiltinValue, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  const self = m.props?.get('__self');
  if (self?.kind !== 'coll') return unknown();
  const name = m.name.slice(m.name.indexOf('.') + 1);
  const a0 = args[0] ?? UNDEF;
  const isMap = self.type === 'Map';
  switch (name) {
    case 'set':
    case 'add':
      if ((name === 'set') !== isMap) return unknown(`${self.type}.prototype.${name}`);
      addEntry(self, a0, isMap ? args[1] ?? UNDEF : a0);
      return self;
    case 'get': {
      const i = findKey(self, a0);
      return i === undefined ? unknown('Map entry known only at run time') : i < 0 ? UNDEF : self.entries[i][1];
    }
    case 'has': {
      const i = findKey(self, a0);
      return i === undefined ? unknown() : bool(i >= 0);
    }
    case 'delete': {
      const i = findKey(self, a0);
      if (i === undefined) {
        // Which entry goes is not known: the entries that may match are uncertain from now on.
        barrier.write(self);
        self.partial = true;
        return unknown();
      }
      if (i >= 0) {
        barrier.write(self);
        self.entries.splice(i, 1);
      }
      return bool(i >= 0);
    }
    case 'clear':
      barrier.write(self);
      self.entries.length = 0;
      self.partial = false;
      return UNDEF;
    case 'keys':
    case 'values':
    case 'entries': {
      // Iterators are modelled as arrays of their items (what spread, for…of and Array.from make of them).
      const items = self.entries.map(([k, v]) => (name === 'keys' ? k : name === 'values' ? v : arr([k, v])));
      return arr(items, self.partial);
    }
    case 'forEach': {
      const cb = a0;
      if (self.partial && self.entries.length === 0) interp.call(cb, [unknown('entry known only at run time'), unknown(), self], call, scope);
      for (const [k, v] of [...self.entries]) interp.call(cb, [v, k, self], call, scope);
      return UNDEF;
    }
    default:
      interp.touchCallbacks(args);
      return unknown(`${self.type}.prototype.${name}`);
  }
}

/** `size` of a Map or Set. */
export function collectionSize(c: CollValue): Value {
  if (c.partial || c.entries.some(([k]) => k.kind === 'unknown')) return unknown(`${c.type} size known only at run time`);
  return num(c.entries.length);
}
