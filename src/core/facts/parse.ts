import { ts } from 'ts-morph';
import type { Span } from '../model';

/** Script kind from the file extension, as the TypeScript parser needs it. */
export function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.(ts|mts|cts)$/i.test(path)) return ts.ScriptKind.TS;
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

interface Entry {
  text: string;
  sf: ts.SourceFile;
}

/**
 * Parsed files, kept while their text is unchanged: an edit to one file re-parses only that file.
 */
export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  /** How many files were parsed (not served from the cache), for tests and the benchmark. */
  parses = 0;

  get(path: string, text: string): ts.SourceFile {
    const hit = this.entries.get(path);
    if (hit && hit.text === text) return hit.sf;
    this.parses++;
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindOf(path));
    this.entries.set(path, { text, sf });
    return sf;
  }

  /** Every path parsed so far. */
  paths(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** The last tree parsed for a path, whatever its text now. */
  peek(path: string): ts.SourceFile | undefined {
    return this.entries.get(path)?.sf;
  }
}

/** The parser's syntax errors (the parser keeps them on the source file). */
export function syntaxErrors(sf: ts.SourceFile): { start: number; message: string }[] {
  const diags = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diags.map((d) => ({ start: d.start, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') }));
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
