/**
 * A file's analysed text parsed with the bundled TypeScript parser, for fixes that must see the
 * syntax around a graph span: kept per file for the text it was parsed from (the rules ask once
 * per route), and the node a span stands for.
 */
import { ts } from 'ts-morph';
import type { Span } from '../model';

const PARSED = new Map<string, { text: string; sf: ts.SourceFile }>();
const MAX_PARSED = 64;

export function parsedSource(file: string, text: string): ts.SourceFile {
  const hit = PARSED.get(file);
  if (hit && hit.text === text) return hit.sf;
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  PARSED.set(file, { text, sf });
  return sf;
}

/** TS, TSX, JSX or JS, from the file's extension. */
export function scriptKind(file: string): ts.ScriptKind {
  if (/\.[cm]?tsx?$/.test(file)) return file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return file.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The outermost node that starts at `span.start`, ends at `span.end` and passes `test`. */
export function nodeAtSpan<T extends ts.Node>(sf: ts.SourceFile, span: Pick<Span, 'start' | 'end'>, test: (n: ts.Node) => n is T): T | undefined {
  let found: T | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.getEnd() < span.start || n.pos > span.end) return;
    if (n.getStart(sf) === span.start && n.getEnd() === span.end && test(n)) found = n;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** Parentheses, `x!`, `x as T`, `<T>x` and `x satisfies T` change nothing at run time. */
export function skipOuter(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}
