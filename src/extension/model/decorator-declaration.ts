/**
 * "Add type declaration for 'x'": the decorate call under the cursor in a TypeScript file, and the
 * edit that declares its member on Fastify's interface (core/fixes/decorator-declaration.ts).
 * Pure: offsets into the document's text.
 */
import type * as Declaration from '../../core/fixes/decorator-declaration';
import { isTypeScriptFile } from '../../core/fixes/declaration-target';
import type { Decorator } from '../../core/model';
import type { TextEdit } from '../../core/rules/types';
import type { GraphIndex } from './graph-index';

let declaration: typeof Declaration | undefined;

/**
 * The edit parses the file (ts-morph, with TypeScript): required on first use only, so activation
 * never loads the parser. scripts/build.mjs bundles that module as dist/decorator-declaration.js
 * and points this require there.
 */
function loadDeclaration(): typeof Declaration {
  return (declaration ??= require('../../core/fixes/decorator-declaration') as typeof Declaration);
}

/** The innermost decorate call of `file` holding `offset`, with the edit declaring it; undefined when there is none or it needs none. */
export function declarationAt(index: GraphIndex, file: string, text: string, offset: number): { decorator: Decorator; edit: TextEdit } | undefined {
  if (!isTypeScriptFile(file)) return undefined;
  let best: Decorator | undefined;
  for (const { decorator: d } of index.decoratorsIn(file)) {
    if (offset < d.span.start || offset > d.span.end) continue;
    if (!best || d.span.end - d.span.start < best.span.end - best.span.start) best = d;
  }
  const edit = best && loadDeclaration().declareDecoratorEdit(file, text, best);
  return best && edit ? { decorator: best, edit } : undefined;
}
