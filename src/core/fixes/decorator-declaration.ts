/**
 * "Add type declaration for 'x'" on a `decorate` / `decorateRequest` / `decorateReply` call of a
 * TypeScript module: declaration merging into Fastify's own interfaces,
 * `declare module 'fastify' { interface FastifyInstance { x: <type> } }` (`FastifyRequest`,
 * `FastifyReply` for the others), extending the file's own `declare module 'fastify'` block and
 * interface when it has them. The type is read from the value as written (no type checker):
 * literals give their types, object literals a type literal of them, functions
 * `(…params) => unknown` with their parameters' own annotations (else `unknown`), `null`
 * `unknown | null` (a placeholder the code sets later), a `{ getter }` its annotated return type, a top-level constant, function or class
 * of the file `typeof x` (a `new C()` of a top-level class `C`), anything else `unknown`.
 * Pure: offsets into the document's text.
 */
import { ts } from 'ts-morph';
import type { Decorator } from '../model';
import type { TextEdit } from '../rules/types';
import { nodeAtSpan } from '../facts/parse';
import { FASTIFY_INTERFACE, isTypeScriptFile } from './declaration-target';
import { parsedSource, skipOuter } from './parsed-source';
import { indentationAt, indentUnit, insertAt, lineBreak, preferredQuote, propertyKey, usesSemicolons } from './text-edits';

/**
 * The edit declaring the decorator's member, or undefined when the file is not a TypeScript module
 * (in a script, `declare module 'fastify'` would replace Fastify's types instead of merging), when
 * the interface in the file already declares the name, or when the text moved since the graph.
 */
export function declareDecoratorEdit(file: string, text: string, decorator: Pick<Decorator, 'target' | 'name' | 'valueSpan' | 'valueKind'>): TextEdit | undefined {
  if (!isTypeScriptFile(file)) return undefined;
  const sf = parsedSource(file, text);
  if (!isModule(sf)) return undefined;
  const value = decorator.valueSpan ? nodeAtSpan(sf, decorator.valueSpan, (n): n is ts.Expression => ts.isExpression(n)) : undefined;
  if (decorator.valueSpan && !value) return undefined;
  const iface = FASTIFY_INTERFACE[decorator.target];
  const quote = preferredQuote(text);
  const semi = usesSemicolons(text) ? ';' : '';
  const type = !value ? 'unknown' : decorator.valueKind === 'getter' ? getterType(sf, value) : typeOfValue(sf, value);
  const member = `${propertyKey(decorator.name, quote)}: ${type}${semi}`;
  const unit = indentUnit(text);
  const nl = lineBreak(text);

  const block = fastifyModuleBlock(sf);
  if (block) {
    const existing = block.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === iface);
    if (existing) {
      if (existing.members.some((m) => m.name && memberName(m.name) === decorator.name)) return undefined;
      const last = existing.members[existing.members.length - 1];
      if (last) return insertAt(file, last.getEnd(), `${nl}${indentationAt(text, last.getStart(sf))}${member}`);
      const open = existing.members.pos - 1;
      const indent = indentationAt(text, existing.getStart(sf));
      return { file, start: open, end: existing.getEnd(), newText: `{${nl}${indent}${unit}${member}${nl}${indent}}` };
    }
    const indent = block.statements.length ? indentationAt(text, block.statements[0].getStart(sf)) : indentationAt(text, block.parent.getStart(sf)) + unit;
    const at = block.statements.length ? block.statements[block.statements.length - 1].getEnd() : block.getStart(sf) + 1;
    return insertAt(file, at, `${nl}${indent}interface ${iface} {${nl}${indent}${unit}${member}${nl}${indent}}`);
  }

  const lines = [`declare module ${quote}fastify${quote} {`, `${unit}interface ${iface} {`, `${unit}${unit}${member}`, `${unit}}`, '}'];
  const imports = sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s));
  const after = imports[imports.length - 1];
  if (after) return insertAt(file, after.getEnd(), nl + nl + lines.join(nl));
  return insertAt(file, 0, lines.join(nl) + nl + nl);
}

/** A file with a top-level import or export is a module (then `declare module` augments). */
function isModule(sf: ts.SourceFile): boolean {
  return sf.statements.some(
    (s) =>
      ts.isImportDeclaration(s) ||
      ts.isImportEqualsDeclaration(s) ||
      ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) ||
      (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
}

/** The file's top-level `declare module 'fastify' { … }` block. */
function fastifyModuleBlock(sf: ts.SourceFile): ts.ModuleBlock | undefined {
  for (const s of sf.statements) {
    if (ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name) && s.name.text === 'fastify' && s.body && ts.isModuleBlock(s.body)) return s.body;
  }
  return undefined;
}

function memberName(n: ts.PropertyName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n) ? n.text : undefined;
}

/** The type of a value as written (see the file comment). */
export function typeOfValue(sf: ts.SourceFile, expr: ts.Expression, depth = 0): string {
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) return 'string';
  if (ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand) && e.operator !== ts.SyntaxKind.ExclamationToken)) return 'number';
  if (ts.isBigIntLiteral(e)) return 'bigint';
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  if (e.kind === ts.SyntaxKind.NullKeyword) return 'unknown | null';
  if (ts.isRegularExpressionLiteral(e)) return 'RegExp';
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return functionType(sf, e);
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.filter((x) => !ts.isOmittedExpression(x));
    const types = [...new Set(items.map((x) => (ts.isSpreadElement(x) ? 'unknown' : typeOfValue(sf, x, depth + 1))))];
    return types.length === 1 && /^(string|number|boolean|bigint)$/.test(types[0]) ? `${types[0]}[]` : 'unknown[]';
  }
  if (ts.isObjectLiteralExpression(e)) return depth > 4 ? 'unknown' : objectType(sf, e, depth);
  if (ts.isIdentifier(e) && e.text === 'undefined') return 'unknown';
  if (ts.isIdentifier(e) && topLevelValue(sf, e.text)) return `typeof ${e.text}`;
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
    const name = e.expression.text;
    if (['Map', 'Set', 'WeakMap', 'WeakSet'].includes(name)) return `${name}<unknown${name.endsWith('Map') ? ', unknown' : ''}>`;
    if (['Date', 'RegExp', 'Error', 'URL', 'AbortController'].includes(name) || topLevelClass(sf, name)) return name;
  }
  return 'unknown';
}

function functionType(sf: ts.SourceFile, fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): string {
  const params: string[] = [];
  let i = 0;
  for (const p of fn.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') {
      if (p.type) params.push(`this: ${p.type.getText(sf)}`);
      continue;
    }
    const name = ts.isIdentifier(p.name) ? p.name.text : `arg${i}`;
    i++;
    const type = p.type ? p.type.getText(sf) : p.dotDotDotToken ? 'unknown[]' : 'unknown';
    params.push(`${p.dotDotDotToken ? '...' : ''}${name}${(p.questionToken || p.initializer) && !p.dotDotDotToken ? '?' : ''}: ${type}`);
  }
  const async = (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const ret = fn.type ? fn.type.getText(sf) : async ? 'Promise<unknown>' : 'unknown';
  return `(${params.join(', ')}) => ${ret}`;
}

function objectType(sf: ts.SourceFile, o: ts.ObjectLiteralExpression, depth: number): string {
  const members: string[] = [];
  for (const p of o.properties) {
    const name = p.name && memberName(p.name);
    if (ts.isSpreadAssignment(p) || name === undefined) return 'unknown';
    const key = propertyKey(name);
    if (ts.isPropertyAssignment(p)) members.push(`${key}: ${typeOfValue(sf, p.initializer, depth + 1)}`);
    else if (ts.isShorthandPropertyAssignment(p)) members.push(`${key}: ${topLevelValue(sf, name) ? `typeof ${name}` : 'unknown'}`);
    else if (ts.isMethodDeclaration(p)) members.push(`${key}: ${functionType(sf, p)}`);
    else if (ts.isGetAccessorDeclaration(p)) members.push(`readonly ${key}: ${p.type ? p.type.getText(sf) : 'unknown'}`);
    else return 'unknown';
  }
  return members.length ? `{ ${members.join('; ')} }` : 'Record<string, unknown>';
}

/** `{ getter() { … } }`: Fastify defines a property that reads as the getter's result. */
function getterType(sf: ts.SourceFile, value: ts.Expression): string {
  const o = skipOuter(value);
  if (!ts.isObjectLiteralExpression(o)) return 'unknown';
  const g = o.properties.find((p) => p.name && memberName(p.name) === 'getter');
  const fn = g && ts.isMethodDeclaration(g) ? g : g && ts.isPropertyAssignment(g) && (ts.isArrowFunction(g.initializer) || ts.isFunctionExpression(g.initializer)) ? g.initializer : undefined;
  return fn?.type ? fn.type.getText(sf) : 'unknown';
}

/** A `const`, function or class declared at the file's top level (so `typeof name` works in the declaration). */
function topLevelValue(sf: ts.SourceFile, name: string): boolean {
  return sf.statements.some(
    (s) =>
      ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name) ||
      (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.Const && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)),
  );
}

function topLevelClass(sf: ts.SourceFile, name: string): boolean {
  return sf.statements.some((s) => ts.isClassDeclaration(s) && s.name?.text === name);
}
