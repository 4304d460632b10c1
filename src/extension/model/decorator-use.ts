/** Reading `fastify.x` / `request.x` / `reply.x` / `this.x` at a cursor, from the line's text. Pure. */
import type { DecoratorTarget } from '../../core/model';

export interface DecoratorUse {
  object: string;
  name: string;
  /** Characters of the property name on the line: [start, end). */
  start: number;
  end: number;
  /** The decorator kind the object name implies, when it implies one. */
  target?: DecoratorTarget;
}

const REQUEST_NAMES = new Set(['request', 'req']);
const REPLY_NAMES = new Set(['reply', 'res']);
const INSTANCE_NAMES = new Set(['fastify', 'app', 'server', 'instance', 'this', 'f']);

export function decoratorUseAt(line: string, character: number): DecoratorUse | undefined {
  const ident = /[A-Za-z_$][\w$]*/g;
  let m: RegExpExecArray | null;
  while ((m = ident.exec(line))) {
    const start = m.index;
    const end = start + m[0].length;
    if (character < start || character > end) continue;
    const before = line.slice(0, start).match(/([A-Za-z_$][\w$]*)\s*\??\.\s*$/);
    if (!before) return undefined;
    const object = before[1];
    const target = REQUEST_NAMES.has(object) ? 'request' : REPLY_NAMES.has(object) ? 'reply' : INSTANCE_NAMES.has(object) ? 'instance' : undefined;
    return { object, name: m[0], start, end, target };
  }
  return undefined;
}

/** The string literal around a character of a line: its text and [start, end) without quotes. */
export function stringLiteralAt(line: string, character: number): { text: string; start: number; end: number } | undefined {
  const lit = /(['"`])((?:\\.|(?!\1).)*)\1/g;
  let m: RegExpExecArray | null;
  while ((m = lit.exec(line))) {
    const start = m.index + 1;
    const end = start + m[2].length;
    if (character >= m.index && character <= end + 1) return { text: m[2], start, end };
  }
  return undefined;
}
