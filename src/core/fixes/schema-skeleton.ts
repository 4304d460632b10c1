/**
 * Schema skeletons for a route's body, querystring and 200 response, for the missing-schema and
 * missing-response-schema quick fixes, from what the code says, best first:
 * - the route's TypeScript generic (`app.get<{ Body: …; Querystring: …; Reply: … }>(…)`), read
 *   syntactically (no type checker): keywords, literal unions (`enum`), arrays, nested type
 *   literals, optional members (not `required`), and interfaces and type aliases declared in the
 *   same file or imported from another file of the workspace (named, default or namespace
 *   imports, re-exports and `export *` followed; `sources` gives the files and resolves the
 *   specifiers as the analyser does); types from packages and anything else become `{}` (any value);
 * - the handler's reads of `request.body.x` / `request.query.x` (`MemberUse.reads`): an object
 *   whose properties are `{}` (their types are not known);
 * - the object literal the handler returns: literal values give their types, nested objects and
 *   arrays are followed, anything else is `{}`; a spread or computed key adds
 *   `additionalProperties: true` so fast-json-stringify still sends those fields.
 * Pure: works on the analysed text parsed with the bundled TypeScript's parser (parsed-source.ts).
 */
import { ts } from 'ts-morph';
import type { MemberUse, Route, Span } from '../model';
import type { RuleContext } from '../rules/types';
import { nodeAtSpan } from '../facts/parse';
import { parsedSource, skipOuter } from './parsed-source';

export type JsonSchema = Record<string, unknown>;

/** Keys of the route generic (`RouteGenericInterface`) the skeletons use. */
export type GenericKey = 'Body' | 'Querystring' | 'Reply';

/**
 * The JSON schema of one key of the route's generic type argument (`app.post<{ Body: … }>`),
 * the type argument written as a type literal or naming an interface or alias of the file. For
 * `Reply`, a type whose keys are status codes gives the 200 (or 2xx) one. `sources` lets types
 * imported from other files be followed. Undefined when the
 * route has no such generic or key.
 */
export function schemaFromGeneric(sf: ts.SourceFile, route: Route, key: GenericKey, sources?: TypeSources): JsonSchema | undefined {
  const call = routeCall(sf, route.span) ?? enclosingCall(sf, route.span);
  const arg = call?.typeArguments?.[0];
  if (!arg) return undefined;
  const conv = new TypeConverter(sf, sources);
  const members = conv.members(arg);
  const member = members?.find((m) => m.name === key);
  if (!member) return undefined;
  if (key === 'Reply') {
    const byStatus = conv.members(member.type, member.scope);
    if (byStatus?.length && byStatus.every((m) => /^([1-5]\d\d|[1-5]xx|default)$/.test(m.name))) {
      const ok = byStatus.find((m) => m.name === '200') ?? byStatus.find((m) => m.name === '2xx') ?? byStatus.find((m) => /^2/.test(m.name));
      return ok ? conv.schema(ok.type, ok.scope) : undefined;
    }
  }
  return conv.schema(member.type, member.scope);
}

/** The call a route's span stands for: it starts at the call, or at the method name (`app.get(…)` from `get`). */
function routeCall(sf: ts.SourceFile, span: Span): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.getEnd() < span.end || n.pos > span.start) return;
    if (ts.isCallExpression(n) && n.getEnd() === span.end) {
      const e = n.expression;
      if (n.getStart(sf) === span.start || (ts.isPropertyAccessExpression(e) && e.name.getStart(sf) === span.start)) {
        found = n;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** A route table entry's span is its object: the `app.route<…>(…)` call holding it. */
function enclosingCall(sf: ts.SourceFile, span: Span): ts.CallExpression | undefined {
  const obj = nodeAtSpan(sf, span, ts.isObjectLiteralExpression);
  return obj && ts.isCallExpression(obj.parent) && obj.parent.arguments[0] === obj ? obj.parent : undefined;
}

interface Member {
  name: string;
  type: ts.TypeNode;
  optional: boolean;
  /** The file the member is written in: its type names are looked up there. */
  scope: FileScope;
}

/** Where the skeletons read other files: their analysed text, and the file an import names. */
export type TypeSources = Pick<RuleContext, 'source' | 'resolveModule'>;

type TypeDecl = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/** What one file declares, imports and exports, for type names. */
interface FileScope {
  file: string;
  decls: Map<string, TypeDecl[]>;
  /** Local name → the import it binds (`import { User as U } from './types'`; a default import is 'default'). */
  imports: Map<string, { spec: string; name: string }>;
  /** `import * as T from './types'` (and `import T = require(…)`): local name → specifier. */
  namespaces: Map<string, string>;
  /** Exported name → local name (`export interface X`, `export { A as B }`). */
  exports: Map<string, string>;
  /** `export { A as B } from './x'`: exported name → where it comes from. */
  reexports: Map<string, { spec: string; name: string }>;
  /** `export * from './x'`. */
  stars: string[];
}

/** How many files a type name may be followed through (imports, re-exports, `export *`). */
const MAX_HOPS = 8;

/** Scopes by tree: a tree is one text of one file (parsedSource), so the scope is kept as long as it is. */
const SCOPES = new WeakMap<ts.SourceFile, FileScope>();

function fileScope(sf: ts.SourceFile): FileScope {
  let scope = SCOPES.get(sf);
  if (!scope) SCOPES.set(sf, (scope = readScope(sf)));
  return scope;
}

function readScope(sf: ts.SourceFile): FileScope {
  const scope: FileScope = { file: sf.fileName, decls: new Map(), imports: new Map(), namespaces: new Map(), exports: new Map(), reexports: new Map(), stars: [] };
  const visit = (n: ts.Node): void => {
    if ((ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) && !n.typeParameters?.length) {
      const list = scope.decls.get(n.name.text) ?? [];
      list.push(n);
      scope.decls.set(n.name.text, list);
      if (ts.isSourceFile(n.parent) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) scope.exports.set(n.name.text, n.name.text);
    }
    if (ts.isSourceFile(n) || ts.isModuleDeclaration(n) || ts.isModuleBlock(n)) ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause) {
      const spec = st.moduleSpecifier.text;
      const { name, namedBindings } = st.importClause;
      if (name) scope.imports.set(name.text, { spec, name: 'default' });
      if (namedBindings && ts.isNamespaceImport(namedBindings)) scope.namespaces.set(namedBindings.name.text, spec);
      if (namedBindings && ts.isNamedImports(namedBindings)) {
        for (const el of namedBindings.elements) scope.imports.set(el.name.text, { spec, name: (el.propertyName ?? el.name).text });
      }
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      scope.namespaces.set(st.name.text, st.moduleReference.expression.text);
    } else if (ts.isExportDeclaration(st)) {
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      const clause = st.exportClause;
      if (spec !== undefined && !clause) scope.stars.push(spec);
      else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) {
          const from = (el.propertyName ?? el.name).text;
          if (spec !== undefined) scope.reexports.set(el.name.text, { spec, name: from });
          else scope.exports.set(el.name.text, from);
        }
      }
    }
  }
  return scope;
}

/** A type name found: its declarations and the file they are written in. */
interface Found {
  decls: TypeDecl[];
  scope: FileScope;
}

/**
 * TypeScript type syntax to JSON Schema, resolving interfaces and aliases declared in the file or
 * imported from other files of the workspace (named, default and namespace imports, followed
 * through re-exports and `export *`, at most MAX_HOPS files deep), syntactically: the target
 * file's analysed text, the specifier resolved as the analyser resolves modules. Types from
 * packages (not workspace files) are not followed: `{}`.
 */
class TypeConverter {
  private depth = 0;
  private readonly active = new Set<string>();
  private readonly scopes = new Map<string, FileScope | undefined>();
  readonly root: FileScope;

  constructor(
    sf: ts.SourceFile,
    private readonly sources?: TypeSources,
  ) {
    this.root = fileScope(sf);
    this.scopes.set(sf.fileName, this.root);
  }

  /** The scope of the file an import of `from` names; undefined for a package, a missing or unanalysed file. */
  private scopeOf(from: FileScope, spec: string): FileScope | undefined {
    const file = this.sources?.resolveModule(from.file, spec);
    if (!file || !/\.(m|c)?tsx?$/i.test(file)) return undefined;
    if (!this.scopes.has(file)) {
      const text = this.sources?.source(file);
      this.scopes.set(file, text === undefined ? undefined : fileScope(parsedSource(file, text)));
    }
    return this.scopes.get(file);
  }

  /** A type name as written in `scope` (`User`, or `T.User` through a namespace import). */
  private lookup(scope: FileScope, name: ts.EntityName | ts.Expression, hops = 0): Found | undefined {
    if (ts.isIdentifier(name)) return this.local(scope, name.text, hops);
    const left = ts.isQualifiedName(name) ? name.left : ts.isPropertyAccessExpression(name) ? name.expression : undefined;
    const right = ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : undefined;
    if (!left || !right || !ts.isIdentifier(left) || !ts.isIdentifier(right)) return undefined;
    const spec = scope.namespaces.get(left.text);
    const target = spec === undefined ? undefined : this.scopeOf(scope, spec);
    return target && this.exported(target, right.text, hops + 1);
  }

  private local(scope: FileScope, name: string, hops: number): Found | undefined {
    const decls = scope.decls.get(name);
    if (decls) return { decls, scope };
    const imp = scope.imports.get(name);
    const target = imp && hops < MAX_HOPS ? this.scopeOf(scope, imp.spec) : undefined;
    return target && this.exported(target, imp!.name, hops + 1);
  }

  /** What a file exports under `name`: its own declaration, a re-export, or one of its `export *`. */
  private exported(scope: FileScope, name: string, hops: number): Found | undefined {
    if (hops > MAX_HOPS) return undefined;
    const local = scope.exports.get(name);
    if (local !== undefined) return this.local(scope, local, hops);
    const re = scope.reexports.get(name);
    if (re) {
      const target = this.scopeOf(scope, re.spec);
      return target && this.exported(target, re.name, hops + 1);
    }
    if (name === 'default') return undefined;
    for (const spec of scope.stars) {
      const target = this.scopeOf(scope, spec);
      const hit = target && this.exported(target, name, hops + 1);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The members of an object type (a literal, an interface or alias, `extends` followed); undefined when not one. */
  members(type: ts.TypeNode, scope: FileScope = this.root, seen = new Set<TypeDecl>()): Member[] | undefined {
    const t = this.unwrap(type);
    if (ts.isTypeLiteralNode(t)) return this.own(t.members, scope);
    if (!ts.isTypeReferenceNode(t) || t.typeArguments?.length) return undefined;
    const found = this.lookup(scope, t.typeName);
    return found && this.declMembers(found, seen);
  }

  private declMembers({ decls, scope }: Found, seen: Set<TypeDecl>): Member[] | undefined {
    if (decls.some((d) => seen.has(d))) return undefined;
    for (const d of decls) seen.add(d);
    const out: Member[] = [];
    for (const d of decls) {
      if (ts.isTypeAliasDeclaration(d)) {
        const m = this.members(d.type, scope, seen);
        if (!m) return undefined;
        out.push(...m);
        continue;
      }
      for (const h of d.heritageClauses ?? []) {
        for (const e of h.types) {
          const base = e.typeArguments?.length ? undefined : this.lookup(scope, e.expression);
          const m = base && this.declMembers(base, seen);
          if (!m) return undefined;
          out.push(...m);
        }
      }
      out.push(...this.own(d.members, scope));
    }
    // A later member of the same name wins (an interface's own over an inherited one).
    const byName = new Map(out.map((m) => [m.name, m]));
    return [...byName.values()];
  }

  private own(members: ts.NodeArray<ts.TypeElement>, scope: FileScope): Member[] {
    const out: Member[] = [];
    for (const m of members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const n = m.name;
      const name = ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
      if (name !== undefined) out.push({ name, type: m.type, optional: !!m.questionToken, scope });
    }
    return out;
  }

  private unwrap(t: ts.TypeNode): ts.TypeNode {
    while (ts.isParenthesizedTypeNode(t)) t = t.type;
    return t;
  }

  schema(type: ts.TypeNode, scope: FileScope = this.root): JsonSchema {
    if (this.depth > 20) return {};
    this.depth++;
    try {
      return this.convert(this.unwrap(type), scope);
    } finally {
      this.depth--;
    }
  }

  private convert(t: ts.TypeNode, scope: FileScope): JsonSchema {
    switch (t.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'number' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
    }
    if (ts.isLiteralTypeNode(t)) {
      const v = literalValue(t);
      if (v === null) return { type: 'null' };
      return v === undefined ? {} : typeof v === 'boolean' ? { type: 'boolean', enum: [v] } : { type: typeof v, enum: [v] };
    }
    if (ts.isUnionTypeNode(t)) return this.union(t.types.filter((x) => x.kind !== ts.SyntaxKind.UndefinedKeyword), scope);
    if (ts.isArrayTypeNode(t)) return { type: 'array', items: this.schema(t.elementType, scope) };
    if (ts.isTupleTypeNode(t)) return { type: 'array' };
    if (ts.isTypeReferenceNode(t)) {
      const args = t.typeArguments ?? [];
      const found = args.length ? undefined : this.lookup(scope, t.typeName);
      if (ts.isIdentifier(t.typeName) && !found) {
        const name = t.typeName.text;
        if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) return { type: 'array', items: this.schema(args[0], scope) };
        if (name === 'Date' && !args.length) return { type: 'string', format: 'date-time' };
        if (name === 'Record' && args.length === 2) return { type: 'object', additionalProperties: this.schema(args[1], scope) };
      }
      if (!found) return {};
      // A type that contains itself (`interface Tree { children: Tree[] }`) stops at `{}`.
      const key = `${found.scope.file}\0${found.decls[0].name.text}`;
      if (this.active.has(key)) return {};
      this.active.add(key);
      try {
        const [alias] = found.decls;
        if (found.decls.length === 1 && ts.isTypeAliasDeclaration(alias) && !ts.isTypeLiteralNode(alias.type)) return this.schema(alias.type, found.scope);
        const members = this.declMembers(found, new Set());
        return members ? this.object(members, t, scope) : {};
      } finally {
        this.active.delete(key);
      }
    }
    const members = ts.isTypeLiteralNode(t) ? this.members(t, scope) : undefined;
    return members ? this.object(members, t, scope) : {};
  }

  private object(members: Member[], t: ts.TypeNode, scope: FileScope): JsonSchema {
    const properties: JsonSchema = {};
    for (const m of members) properties[m.name] = this.schema(m.type, m.scope);
    const required = members.filter((m) => !m.optional && !acceptsUndefined(m.type)).map((m) => m.name);
    const out: JsonSchema = { type: 'object', properties };
    if (required.length) out.required = required;
    if (ts.isTypeLiteralNode(t)) {
      const index = t.members.find(ts.isIndexSignatureDeclaration);
      if (index?.type) out.additionalProperties = this.schema(index.type, scope);
    }
    return out;
  }

  /** `'a' | 'b'` → enum; `string | null` → a type list; anything else → anyOf (one member: itself). */
  private union(types: ts.TypeNode[], scope: FileScope): JsonSchema {
    if (!types.length) return {};
    const literals = types.map((x) => (ts.isLiteralTypeNode(x) ? literalValue(x) : undefined));
    if (literals.every((v) => v !== undefined)) {
      const kinds = [...new Set(literals.map((v) => (v === null ? 'null' : typeof v)))];
      if (kinds.length === 1 && kinds[0] === 'boolean' && literals.length === 2) return { type: 'boolean' };
      return kinds.length === 1 ? { type: kinds[0], enum: literals } : { type: kinds, enum: literals };
    }
    const parts = types.map((x) => this.schema(x, scope));
    if (parts.length === 1) return parts[0];
    if (parts.some((p) => !Object.keys(p).length)) return {};
    const simple = parts.every((p) => Object.keys(p).length === 1 && typeof p.type === 'string');
    if (simple) return { type: [...new Set(parts.map((p) => p.type as string))] };
    return { anyOf: parts };
  }
}

function literalValue(t: ts.LiteralTypeNode): string | number | boolean | null | undefined {
  const l = t.literal;
  if (ts.isStringLiteral(l) || ts.isNoSubstitutionTemplateLiteral(l)) return l.text;
  if (ts.isNumericLiteral(l)) return Number(l.text);
  if (ts.isPrefixUnaryExpression(l) && l.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(l.operand)) return -Number(l.operand.text);
  if (l.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (l.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (l.kind === ts.SyntaxKind.NullKeyword) return null;
  return undefined;
}

function acceptsUndefined(t: ts.TypeNode): boolean {
  return ts.isUnionTypeNode(t) && t.types.some((x) => x.kind === ts.SyntaxKind.UndefinedKeyword);
}

/**
 * An object schema whose properties are what the handler reads from `request.<member>`
 * (`request.body.user.name` → `user: { type: 'object', properties: { name: {} } }`), each `{}`:
 * its type is not known. Undefined when the handler reads no named property of it.
 */
export function schemaFromReads(members: readonly MemberUse[], member: string): JsonSchema | undefined {
  const paths = members.filter((m) => m.on === 'request' && m.name === member).flatMap((m) => m.reads ?? []);
  if (!paths.length) return undefined;
  const root: JsonSchema = { type: 'object', properties: {} };
  for (const path of paths) {
    let node = root;
    path.forEach((name, i) => {
      const props = (node.properties ??= {}) as Record<string, JsonSchema>;
      if (node.type === undefined) node.type = 'object';
      const last = i === path.length - 1;
      props[name] ??= last ? {} : { type: 'object', properties: {} };
      node = props[name];
    });
  }
  return root;
}

/**
 * The schema of what the handler returns, from its `return` statements (`BodyFacts.returnsValue`)
 * whose value is an object or array literal (several object literals: their properties merged, the
 * first one's kept). Undefined when no return is such a literal.
 */
export function schemaFromReturns(sf: ts.SourceFile, returns: readonly Span[]): JsonSchema | undefined {
  const values: ts.Expression[] = [];
  for (const span of returns) {
    const node = nodeAtSpan(sf, span, (_n): _n is ts.Node => true);
    let e = node && ts.isReturnStatement(node) ? node.expression : node && ts.isExpression(node) ? node : undefined;
    if (!e) continue;
    e = skipOuter(e);
    if (ts.isAwaitExpression(e)) continue;
    if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) values.push(e);
  }
  if (!values.length) return undefined;
  const schemas = values.map(valueSchema);
  if (schemas.every((s) => s.type === 'object')) {
    const merged: JsonSchema = { type: 'object', properties: {} };
    for (const s of schemas) {
      for (const [k, v] of Object.entries(s.properties as JsonSchema)) (merged.properties as JsonSchema)[k] ??= v;
      if (s.additionalProperties) merged.additionalProperties = true;
    }
    return merged;
  }
  return schemas[0];
}

/** The schema of an expression as written: literals give their types, object and array literals are followed, the rest is `{}`. */
export function valueSchema(expr: ts.Expression): JsonSchema {
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) return { type: 'string' };
  if (ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken) && ts.isNumericLiteral(e.operand))) return { type: 'number' };
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return { type: 'boolean' };
  if (ts.isTypeOfExpression(e)) return { type: 'string' };
  if (ts.isBinaryExpression(e) && COMPARISONS.has(e.operatorToken.kind)) return { type: 'boolean' };
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Date') return { type: 'string', format: 'date-time' };
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.filter((x) => !ts.isSpreadElement(x) && !ts.isOmittedExpression(x)).map(valueSchema);
    const same = items.length > 0 && items.every((s) => JSON.stringify(s) === JSON.stringify(items[0])) && !e.elements.some(ts.isSpreadElement);
    return { type: 'array', items: same ? items[0] : {} };
  }
  if (ts.isObjectLiteralExpression(e)) {
    const properties: JsonSchema = {};
    let open = false;
    for (const p of e.properties) {
      if (ts.isSpreadAssignment(p)) {
        open = true;
        continue;
      }
      const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name)) ? p.name.text : undefined;
      if (name === undefined) {
        open = true;
        continue;
      }
      if (ts.isPropertyAssignment(p)) properties[name] = valueSchema(p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) properties[name] = {};
      else if (ts.isGetAccessorDeclaration(p)) properties[name] = {};
      // Methods are functions: JSON leaves them out.
    }
    return open ? { type: 'object', properties, additionalProperties: true } : { type: 'object', properties };
  }
  return {};
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.InstanceOfKeyword,
  ts.SyntaxKind.InKeyword,
]);
