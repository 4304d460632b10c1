/**
 * A file's analysed text parsed with the bundled TypeScript parser, for fixes that must see the
 * syntax around a graph span: kept per file for the text it was parsed from (the rules ask once
 * per route); `nodeAtSpan` (facts/parse.ts) finds the node a span stands for.
 */
import { ts } from 'ts-morph';
import { scriptKindOf } from '../facts/parse';

const PARSED = new Map<string, { text: string; sf: ts.SourceFile }>();
const MAX_PARSED = 64;

/** The analyser's own trees, while rules run (`withTrees`): a file analysed from this text is not parsed again. */
let analysedTree: ((file: string) => ts.SourceFile | undefined) | undefined;

/** Runs `fn` (the rules) with the analyser's trees at hand for `parsedSource`. */
export function withTrees<T>(trees: ((file: string) => ts.SourceFile | undefined) | undefined, fn: () => T): T {
  const before = analysedTree;
  analysedTree = trees;
  try {
    return fn();
  } finally {
    analysedTree = before;
  }
}

export function parsedSource(file: string, text: string): ts.SourceFile {
  const own = analysedTree?.(file);
  if (own && own.text === text) return own;
  const hit = PARSED.get(file);
  if (hit && hit.text === text) return hit.sf;
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  PARSED.set(file, { text, sf });
  return sf;
}



/** Parentheses, `x!`, `x as T`, `<T>x` and `x satisfies T` change nothing at run time. */
export function skipOuter(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}
