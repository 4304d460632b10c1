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
