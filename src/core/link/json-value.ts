import type { SchemaValue } from '../model';
import { NULL, arr, bool, num, obj, str, unknown, type Value } from './values';

/**
 * A JSON module as the interpreter's values: the text is parsed as data (never evaluated) and
 * objects, arrays, strings, numbers, booleans and null become their abstract values.
 */
export function jsonModuleValue(text: string): { value: Value } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { value: fromJson(parsed, 0) };
}

function fromJson(x: unknown, depth: number): Value {
  if (depth > 200) return unknown('JSON nested too deeply');
  if (typeof x === 'string') return str(x);
  if (typeof x === 'number') return num(x);
  if (typeof x === 'boolean') return bool(x);
  if (x === null) return NULL;
  if (Array.isArray(x)) return arr(x.map((item) => fromJson(item, depth + 1)));
  if (typeof x === 'object') {
    const o = obj();
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.props.set(k, fromJson(v, depth + 1));
    return o;
  }
  return unknown();
}

/** Most JSON nodes copied from one value: a schema bigger than this is left out of the graph (partial). */
const MAX_NODES = 4000;
const MAX_DEPTH = 64;

/**
 * The plain JSON of an interpreter value, for schemas in the graph: what is known is copied, what
 * is not (unknown values, functions, builder objects such as TypeBox's, `undefined`, an unknown
 * spread or computed key, a cycle, a value too big to copy) is left out and marks it `partial`.
 */
export function jsonOfValue(v: Value): SchemaValue {
  let nodes = 0;
  let partial = false;
  const copy = (x: Value, depth: number): unknown => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) throw TOO_BIG;
    switch (x.kind) {
      case 'str':
      case 'num':
      case 'bool':
        return x.v;
      case 'null':
        return null;
      case 'arr': {
        if (x.partial) partial = true;
        const out: unknown[] = [];
        for (const item of x.items) {
          const c = copy(item, depth + 1);
          if (c === LEFT_OUT) return LEFT_OUT;
          out.push(c);
        }
        return out;
      }
      case 'obj': {
        if (x.namespaceOf) return leftOut();
        if (x.partial) partial = true;
        const out: Record<string, unknown> = {};
        for (const [k, item] of x.props) {
          const c = k === '__proto__' ? leftOut() : copy(item, depth + 1);
          if (c !== LEFT_OUT) out[k] = c;
        }
        return out;
      }
      default:
        return leftOut();
    }
  };
  const leftOut = () => {
    partial = true;
    return LEFT_OUT;
  };
  try {
    const value = copy(v, 0);
    if (value === LEFT_OUT) return { partial: true };
    return partial ? { value, partial: true } : { value };
  } catch (e) {
    if (e === TOO_BIG) return { partial: true };
    throw e;
  }
}

const LEFT_OUT = Symbol('left out');
const TOO_BIG = new Error('schema too big to copy');
