/**
 * "Add type declaration for 'x'": the decorate call under the cursor in a TypeScript file, and the
 * edit that declares its member on Fastify's interface (core/fixes/decorator-declaration.ts).
 * Pure: offsets into the document's text.
 */
import { declareDecoratorEdit, isTypeScriptFile } from '../../core/fixes/decorator-declaration';
import type { Decorator } from '../../core/model';
import type { TextEdit } from '../../core/rules/types';
import type { GraphIndex } from './graph-index';

/** The innermost decorate call of `file` holding `offset`, with the edit declaring it; undefined when there is none or it needs none. */
export function declarationAt(index: GraphIndex, file: string, text: string, offset: number): { decorator: Decorator; edit: TextEdit } | undefined {
  if (!isTypeScriptFile(file)) return undefined;
  let best: Decorator | undefined;
  for (const { decorator: d } of index.decoratorsIn(file)) {
    if (offset < d.span.start || offset > d.span.end) continue;
    if (!best || d.span.end - d.span.start < best.span.end - best.span.start) best = d;
  }
  const edit = best && declareDecoratorEdit(file, text, best);
  return best && edit ? { decorator: best, edit } : undefined;
}
