/**
 * Text helpers for the rules' quick fixes: they work on the analysed text of a file (what
 * `RuleContext.source` gives) and graph spans, and return `TextEdit`s. Pure string work, no parser.
 */
import type { Span } from '../model';
import type { TextEdit } from '../rules/types';

/** Replaces a span's text. */
export function replaceSpan(span: Span, newText: string): TextEdit {
  return { file: span.file, start: span.start, end: span.end, newText };
}

/** Inserts text at an offset of a file. */
export function insertAt(file: string, offset: number, newText: string): TextEdit {
  return { file, start: offset, end: offset, newText };
}

/** The start offset of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

/** The blanks (spaces, tabs) that start the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The file's indentation step: a tab when lines are tab-indented, else the smallest space indent seen (2 when none). */
export function indentUnit(text: string): string {
  let tabs = 0;
  let smallest = Infinity;
  for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
    if (m[1].startsWith('\t')) tabs++;
    else smallest = Math.min(smallest, m[1].length);
  }
  if (tabs && (smallest === Infinity || tabs > 2)) return '\t';
  return ' '.repeat(smallest === Infinity || smallest > 8 ? 2 : smallest);
}

/** The line break the file uses. */
export function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Inserts lines after a statement (its span ends after its `;` when it has one), each on a new
 * line with the statement's own indentation (lines may add their own on top).
 */
export function insertAfterStatement(text: string, statement: Span, lines: string[]): TextEdit {
  const indent = indentationAt(text, statement.start);
  const nl = lineBreak(text);
  return insertAt(statement.file, statement.end, lines.map((l) => nl + (l ? indent + l : '')).join(''));
}

/** Re-indents the lines of a multi-line snippet after its first by `extra` (moving it one level deeper). */
export function indentContinuation(snippet: string, extra: string): string {
  return snippet.replace(/\n(?=[^\r\n])/g, `\n${extra}`);
}

export interface ModuleStyle {
  /** How the file imports: ES `import` or CommonJS `require`. */
  kind: 'esm' | 'cjs';
  typescript: boolean;
}

/**
 * How a file is written, from its name and text: `.mjs`/`.mts` are ES modules, `.cjs`/`.cts`
 * CommonJS; otherwise an `import`/`export` statement at the start of a line means ESM, else a
 * `require(` CommonJS, else TypeScript files are taken as ESM and JavaScript ones as CommonJS.
 */
export function moduleStyle(file: string, text: string): ModuleStyle {
  const ext = /\.([cm]?)([jt])sx?$/i.exec(file);
  const typescript = ext?.[2]?.toLowerCase() === 't';
  const flavour = ext?.[1]?.toLowerCase();
  if (flavour === 'm') return { kind: 'esm', typescript };
  if (flavour === 'c') return { kind: 'cjs', typescript };
  const code = stripComments(text);
  if (/^\s*(import\s*[\w*{'"]|export\s+(default|const|let|var|function|async|class|\{|\*|type|interface))/m.test(code)) return { kind: 'esm', typescript };
  if (/\brequire\s*\(/.test(code)) return { kind: 'cjs', typescript };
  return { kind: typescript ? 'esm' : 'cjs', typescript };
}

export interface ImportSpec {
  /** The local name. */
  name: string;
  /** The module specifier. */
  from: string;
  /** Import a named export (`import { name } from`, `const { name } = require(...)`) rather than the default. */
  named?: boolean;
}

/**
 * An edit that imports `spec` in the file's own style, after its last top-level import or
 * require (else after a shebang, 'use strict' and leading comments); undefined when the file
 * already imports that module.
 */
export function addImport(file: string, text: string, spec: ImportSpec): TextEdit | undefined {
  const quoted = `(['"])${escapeRegExp(spec.from)}\\1`;
  if (new RegExp(`(from\\s*${quoted}|require\\s*\\(\\s*${quoted}\\s*\\)|^\\s*import\\s*${quoted})`, 'm').test(text)) return undefined;
  const style = moduleStyle(file, text);
  const quote = /^[^'"\n]*"[^"\n]*"/m.test(text) && !/'/.test(text) ? '"' : "'";
  const semi = usesSemicolons(text) ? ';' : '';
  const from = `${quote}${spec.from}${quote}`;
  const line =
    style.kind === 'esm'
      ? `import ${spec.named ? `{ ${spec.name} }` : spec.name} from ${from}${semi}`
      : `const ${spec.named ? `{ ${spec.name} }` : spec.name} = require(${from})${semi}`;
  const nl = lineBreak(text);
  const last = lastImportLineEnd(text, style.kind);
  if (last !== undefined) return insertAt(file, last, nl + line);
  const at = preambleEnd(text);
  return insertAt(file, at, line + nl + (at === 0 && text.length && !/^\r?\n/.test(text.slice(at)) ? nl : ''));
}

/** Whether most statement lines end with `;` (a rough vote over the file). */
export function usesSemicolons(text: string): boolean {
  const lines = stripComments(text).split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => /[\w)'"`\]]$|;$/.test(l));
  const withSemi = lines.filter((l) => l.endsWith(';')).length;
  return withSemi * 2 > lines.length;
}

/** The end of the last top-level (unindented) import or require line of the leading block of them. */
function lastImportLineEnd(text: string, kind: 'esm' | 'cjs'): number | undefined {
  const re = kind === 'esm' ? /^import\b[^\n]*?(?:from\s*)?['"][^'"\n]+['"];?[ \t]*$/gm : /^(?:const|let|var)\s[^\n=]+=\s*require\s*\([^\n]*\)[^\n]*$/gm;
  let end: number | undefined;
  for (const m of text.matchAll(re)) end = m.index! + m[0].length;
  return end;
}

/** After a shebang, leading comments and a 'use strict' directive. */
function preambleEnd(text: string): number {
  const m = /^(#![^\n]*\n)?(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*\n))*(\s*['"]use strict['"];?[ \t]*\n)?/.exec(text);
  return m ? m[0].length : 0;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An edit adding `property` (`key: value`, no trailing comma) as the first property of the object
 * literal at `[start, end)` of `text`: on its own line, indented like the next key, when the object
 * spans lines; inline otherwise (`{ property }` for an empty object). Undefined when the text there
 * is not an object literal any more (the text moved since the graph). `at` is where `property`
 * itself starts in the text after the edit.
 */
export function insertFirstProperty(text: string, file: string, start: number, end: number, property: string): (TextEdit & { at: number }) | undefined {
  if (text[start] !== '{' || text[end - 1] !== '}') return undefined;
  const inner = text.slice(start + 1, end - 1);
  if (!inner.trim()) return { file, start, end, newText: `{ ${property} }`, at: start + 2 };
  const multiLine = /^[ \t]*\r?\n/.exec(inner);
  if (multiLine) {
    const firstKey = start + 1 + multiLine[0].length;
    const indent = indentationAt(text, firstKey);
    const prefix = `${lineBreak(text)}${indent}`;
    return { file, start: start + 1, end: start + 1, newText: `${prefix}${property},`, at: start + 1 + prefix.length };
  }
  return { file, start: start + 1, end: start + 1, newText: /^\s/.test(inner) ? ` ${property},` : ` ${property}, `, at: start + 2 };
}

/** A property key as JavaScript writes it: bare when it is an identifier or a plain number, else quoted. */
export function propertyKey(key: string, quote = "'"): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key) || /^(0|[1-9]\d*)$/.test(key)) return key;
  return quoteString(key, quote);
}

/** A string literal in the given quote. */
export function quoteString(s: string, quote = "'"): string {
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r') + quote;
}

/** The quote the file's strings mostly use (single unless double quotes are the majority). */
export function preferredQuote(text: string): "'" | '"' {
  const single = (text.match(/'/g) ?? []).length;
  const double = (text.match(/"/g) ?? []).length;
  return double > single ? '"' : "'";
}

/** Plain JSON data written as a one-line JavaScript literal: `{ type: 'object', properties: { id: { type: 'string' } } }`. */
export function jsLiteral(value: unknown, quote = "'"): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return quoteString(value, quote);
  if (Array.isArray(value)) return `[${value.map((v) => jsLiteral(v, quote)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${propertyKey(k, quote)}: ${jsLiteral(v, quote)}`).join(', ')} }` : '{}';
  }
  return 'undefined';
}
