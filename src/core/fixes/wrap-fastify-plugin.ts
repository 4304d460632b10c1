import { ts } from 'ts-morph';
import type { Span } from '../model';
import type { Fix, TextEdit } from '../rules/types';
import { nodeAtSpan } from '../facts/parse';
import { parsedSource } from './parsed-source';
import { addImport } from './text-edits';

/**
 * Wraps a plugin function with fastify-plugin, so that what it decorates lands in the context that
 * registers it: a function expression in place (`module.exports = fp(async (f) => …)`), an
 * `export default function` as `export default fp(function …)`, a function declaration where it
 * is exported or registered in its file (`module.exports = fp(db)`, `app.register(fp(db))`).
 * Adds `const fp = require('fastify-plugin')` or `import fp from 'fastify-plugin'` in the file's
 * module style unless the file already has fastify-plugin under some name. Never safe: it changes
 * encapsulation for every registration of the plugin. Undefined when the text around the span is
 * not one of those shapes.
 */
export function wrapWithFastifyPlugin(file: string, text: string, pluginSpan: Span, title: string): Fix | undefined {
  const sf = parsedSource(file, text);
  const fn = findFunction(sf, pluginSpan);
  if (!fn) return undefined;
  const existing = existingImport(sf);
  const fp = existing ?? freeName(sf);
  if (!fp) return undefined;
  const wraps = wrapPoints(sf, fn);
  if (!wraps) return undefined;
  const edits: TextEdit[] = [];
  if (!existing) {
    const line = addImport(file, text, { name: fp, from: 'fastify-plugin' });
    if (!line) return undefined;
    edits.push(line);
  }
  for (const [start, end] of wraps) {
    edits.push({ file, start, end: start, newText: `${fp}(` });
    edits.push({ file, start: end, end, newText: ')' });
  }
  return { title, edits, safe: false };
}

/** The plugin function written at `span`: a function expression, an arrow function or a declaration. */
function findFunction(sf: ts.SourceFile, span: Span): ts.FunctionLikeDeclaration | undefined {
  return nodeAtSpan(sf, span, (n): n is ts.FunctionExpression | ts.ArrowFunction | ts.FunctionDeclaration => ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isFunctionDeclaration(n));
}

/** The [start, end) ranges to put inside `fp(…)`. */
function wrapPoints(sf: ts.SourceFile, fn: ts.FunctionLikeDeclaration): [number, number][] | undefined {
  if (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) return [[fn.getStart(sf), fn.getEnd()]];
  if (!ts.isFunctionDeclaration(fn) || !fn.body) return undefined;
  const mods = ts.getModifiers(fn) ?? [];
  const isExport = mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  if (isExport && !isDefault) return undefined;
  const name = fn.name?.text;
  if (isDefault) {
    // `export default async function db() {}` → `export default fp(async function db() {})`: the name stops being a module binding.
    if (name && references(sf, name, fn).length) return undefined;
    const rest = mods.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
    const start = rest.length ? rest[0].getStart(sf) : fn.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword)?.getStart(sf);
    return start === undefined ? undefined : [[start, fn.getEnd()]];
  }
  if (!name) return undefined;
  const points = references(sf, name, fn).filter(isExportOrRegister).map((r): [number, number] => [r.getStart(sf), r.getEnd()]);
  return points.length ? points : undefined;
}

/** `module.exports = db`, `exports.default = db`, `export default db`, `….register(db, …)`. */
function isExportOrRegister(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isExportAssignment(p)) return true;
  if (ts.isBinaryExpression(p) && p.right === id && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = p.left.getText();
    return left === 'module.exports' || left === 'module.exports.default' || left === 'exports.default';
  }
  if (ts.isCallExpression(p) && p.arguments[0] === id && ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'register') return true;
  return false;
}

/** Identifier uses of `name` other than the declaration itself. */
function references(sf: ts.SourceFile, name: string, decl: ts.FunctionDeclaration): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && n !== decl.name && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The local name fastify-plugin already has in the file (`import fp from`, `const fp = require(…)`). */
function existingImport(sf: ts.SourceFile): string | undefined {
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'fastify-plugin' && s.importClause?.name) return s.importClause.name.text;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && isRequireOf(d.initializer, 'fastify-plugin')) return d.name.text;
      }
    }
  }
  return undefined;
}

function isRequireOf(e: ts.Expression, spec: string): boolean {
  return requireSpecifier(e) === spec;
}

/** `x` of `require('x')`. */
function requireSpecifier(e: ts.Expression): string | undefined {
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1 && ts.isStringLiteral(e.arguments[0]) ? e.arguments[0].text : undefined;
}

/** `fp`, else `fastifyPlugin`, when the file does not use the name already. */
function freeName(sf: ts.SourceFile): string | undefined {
  const used = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) used.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return ['fp', 'fastifyPlugin'].find((n) => !used.has(n));
}
