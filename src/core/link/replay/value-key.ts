import type { ts } from 'ts-morph';
import type { Value } from '../values';

/**
 * Where a value was written, as far as anything made from it can tell: the position, the line and
 * the text of its node (spans and edit positions come from these; an edit elsewhere in the file
 * keeps them).
 */
function origin(node: ts.Node): string {
  const sf = node.getSourceFile();
  return `${node.pos}:${sf.getLineAndCharacterOfPosition(node.pos).line}:${JSON.stringify(sf.text.slice(node.pos, node.end))}`;
}

const MAX_PARTS = 2000;

/**
 * A string that is equal for two values a plugin run cannot tell apart: plain data (primitives,
 * objects and arrays of them) with the same content, and the same origins (the node a string was
 * written at, in the same tree: spans made from it are equal). Undefined for anything else (a
 * function, an instance, a namespace, something too big): such a value replays only as the same
 * object.
 */
export function valueKey(v: Value): string | undefined {
  const parts: string[] = [];
  const walk = (x: Value, depth: number): boolean => {
    if (parts.length > MAX_PARTS || depth > 32) return false;
    switch (x.kind) {
      case 'str':
      case 'num':
      case 'bool':
        parts.push(`${x.kind}:${JSON.stringify(x.v)}${x.assumed ? '~' : ''}${x.kind === 'str' && x.node ? `@${origin(x.node)}` : ''}${x.kind === 'str' && x.module ? `#${x.module.path}` : ''}`);
        return true;
      case 'null':
      case 'undef':
        parts.push(x.kind);
        return true;
      case 'arr':
        parts.push(`[${x.partial ? '~' : ''}${x.node ? `@${origin(x.node)}` : ''}${x.module ? `#${x.module.path}` : ''}`);
        for (const item of x.items) if (!walk(item, depth + 1)) return false;
        parts.push(']');
        return true;
      case 'obj':
        if (x.namespaceOf) return false;
        parts.push(`{${x.partial ? '~' : ''}${x.node ? `@${origin(x.node)}` : ''}${x.module ? `#${x.module.path}` : ''}`);
        for (const [k, item] of x.props) {
          parts.push(JSON.stringify(k));
          if (!walk(item, depth + 1)) return false;
        }
        parts.push('}');
        return true;
      case 'builtin': {
        // @fastify/env's and env-schema's config (`fastify.config`): what it knows, as data.
        const e = x.env;
        if (!e || x.props || x.marks) return false;
        parts.push(`env:${x.name}:${x.pkg ?? ''}:${e.dataUnknown}:${e.readsEnv}:${e.dotenv}:${e.by}:${e.keys ? [...e.keys].join('\u0001') : '?'}`);
        for (const m of [e.data, e.defaults]) {
          parts.push('(');
          for (const [k, item] of m) {
            parts.push(JSON.stringify(k));
            if (!walk(item, depth + 1)) return false;
          }
          parts.push(')');
        }
        parts.push(JSON.stringify([...e.types]));
        return true;
      }
      default:
        return false;
    }
  };
  return walk(v, 0) ? parts.join(',') : undefined;
}

/** A read's answer that no later answer can match (a function, an instance: its identity is new in every link). */
export const NOT_COMPARABLE = '\u0000';

/** An answer as a run may have read it: `valueKey`, `undefined` for none, `NOT_COMPARABLE` for what has no key. */
export function readKey(v: Value | undefined): string {
  return v === undefined ? 'none' : valueKey(v) ?? NOT_COMPARABLE;
}
