/**
 * Schema skeletons for a route's body, querystring and 200 response, for the missing-schema and
 * missing-response-schema quick fixes, from what the code says, best first:
 * - the route's TypeScript generic (`app.get<{ Body: …; Querystring: …; Reply: … }>(…)`), read
 *   syntactically (no type checker): keywords, literal unions (`enum`), arrays, nested type
 *   literals, optional members (not `required`), and interfaces and type aliases declared in the
 *   same file; anything else becomes `{}` (any value);
 * - the handler's reads of `request.body.x` / `request.query.x` (`MemberUse.reads`): an object
 *   whose properties are `{}` (their types are not known);
 * - the object literal the handler returns: literal values give their types, nested objects and
 *   arrays are followed, anything else is `{}`; a spread or computed key adds
 *   `additionalProperties: true` so fast-json-stringify still sends those fields.
 * Pure: works on the analysed text parsed with the bundled TypeScript's parser (parsed-source.ts).
 */
import { ts } from 'ts-morph';
import type { MemberUse, Route, Span } from '../model';
import { nodeAtSpan, skipOuter } from './parsed-source';

export type JsonSchema = Record<string, unknown>;

/** Keys of the route generic (`RouteGenericInterface`) the skeletons use. */
export type GenericKey = 'Body' | 'Querystring' | 'Reply';

/**
 * The JSON schema of one key of the route's generic type argument (`app.post<{ Body: … }>`),
 * the type argument written as a type literal or naming an interface or alias of the file. For
 * `Reply`, a type whose keys are status codes gives the 200 (or 2xx) one. Undefined when the
 * route has no such generic or key.
 */
export function schemaFromGeneric(sf: ts.SourceFile, route: Route, key: GenericKey): JsonSchema | undefined {
  const call = routeCall(sf, route.span) ?? enclosingCall(sf, route.span);
  const arg = call?.typeArguments?.[0];
  if (!arg) return undefined;
  const conv = new TypeConverter(sf);
  const members = conv.members(arg);
  const member = members?.find((m) => m.name === key);
  if (!member) return undefined;
  if (key === 'Reply') {
    const byStatus = conv.members(member.type);
    if (byStatus?.length && byStatus.every((m) => /^([1-5]\d\d|[1-5]xx|default)$/.test(m.name))) {
      const ok = byStatus.find((m) => m.name === '200') ?? byStatus.find((m) => m.name === '2xx') ?? byStatus.find((m) => /^2/.test(m.name));
      return ok ? conv.schema(ok.type) : undefined;
    }
  }
  return conv.schema(member.type);
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
}

/** TypeScript type syntax to JSON Schema, resolving the file's own interfaces and aliases. */
class TypeConverter {
  private readonly decls = new Map<string, (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[]>();
  private depth = 0;
  private readonly active = new Set<string>();

  constructor(sf: ts.SourceFile) {
    const visit = (n: ts.Node): void => {
      if ((ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) && !n.typeParameters?.length) {
        const list = this.decls.get(n.name.text) ?? [];
        list.push(n);
        this.decls.set(n.name.text, list);
      }
      if (ts.isSourceFile(n) || ts.isModuleDeclaration(n) || ts.isModuleBlock(n)) ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  /** The members of an object type (a literal, an interface or alias of the file, `extends` followed); undefined when not one. */
  members(type: ts.TypeNode, seen = new Set<string>()): Member[] | undefined {
    const t = this.unwrap(type);
    if (ts.isTypeLiteralNode(t)) return this.own(t.members);
    if (!ts.isTypeReferenceNode(t) || !ts.isIdentifier(t.typeName) || t.typeArguments?.length) return undefined;
    const name = t.typeName.text;
    const decls = this.decls.get(name);
    if (!decls || seen.has(name)) return undefined;
    seen.add(name);
    const out: Member[] = [];
    for (const d of decls) {
      if (ts.isTypeAliasDeclaration(d)) {
        const m = this.members(d.type, seen);
        if (!m) return undefined;
        out.push(...m);
        continue;
      }
      for (const h of d.heritageClauses ?? []) {
        for (const e of h.types) {
          if (!ts.isIdentifier(e.expression) || e.typeArguments?.length) return undefined;
          const m = this.members(ts.factory.createTypeReferenceNode(e.expression.text), seen);
          if (!m) return undefined;
          out.push(...m);
        }
      }
      out.push(...(this.own(d.members) ?? []));
    }
    // A later member of the same name wins (an interface's own over an inherited one).
    const byName = new Map(out.map((m) => [m.name, m]));
    return [...byName.values()];
  }

  private own(members: ts.NodeArray<ts.TypeElement>): Member[] {
    const out: Member[] = [];
    for (const m of members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const n = m.name;
      const name = ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
      if (name !== undefined) out.push({ name, type: m.type, optional: !!m.questionToken });
    }
    return out;
  }

  private unwrap(t: ts.TypeNode): ts.TypeNode {
    while (ts.isParenthesizedTypeNode(t)) t = t.type;
    return t;
  }

  schema(type: ts.TypeNode): JsonSchema {
    if (this.depth > 20) return {};
    this.depth++;
    try {
      return this.convert(this.unwrap(type));
    } finally {
      this.depth--;
    }
  }

  private convert(t: ts.TypeNode): JsonSchema {
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
    if (ts.isUnionTypeNode(t)) return this.union(t.types.filter((x) => x.kind !== ts.SyntaxKind.UndefinedKeyword));
    if (ts.isArrayTypeNode(t)) return { type: 'array', items: this.schema(t.elementType) };
    if (ts.isTupleTypeNode(t)) return { type: 'array' };
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
      const name = t.typeName.text;
      const args = t.typeArguments ?? [];
      if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) return { type: 'array', items: this.schema(args[0]) };
      if (name === 'Date' && !args.length && !this.decls.has('Date')) return { type: 'string', format: 'date-time' };
      if (name === 'Record' && args.length === 2) return { type: 'object', additionalProperties: this.schema(args[1]) };
      // A type that contains itself (`interface Tree { children: Tree[] }`) stops at `{}`.
      if (this.active.has(name)) return {};
      this.active.add(name);
      try {
        const alias = this.decls.get(name);
        if (alias?.length === 1 && ts.isTypeAliasDeclaration(alias[0]) && !ts.isTypeLiteralNode(alias[0].type)) return this.schema(alias[0].type);
        const members = this.members(t);
        return members ? this.object(members, t) : {};
      } finally {
        this.active.delete(name);
      }
    }
    const members = ts.isTypeLiteralNode(t) ? this.members(t) : undefined;
    return members ? this.object(members, t) : {};
  }

  private object(members: Member[], t: ts.TypeNode): JsonSchema {
    const properties: JsonSchema = {};
    for (const m of members) properties[m.name] = this.schema(m.type);
    const required = members.filter((m) => !m.optional && !acceptsUndefined(m.type)).map((m) => m.name);
    const out: JsonSchema = { type: 'object', properties };
    if (required.length) out.required = required;
    if (ts.isTypeLiteralNode(t)) {
      const index = t.members.find(ts.isIndexSignatureDeclaration);
      if (index?.type) out.additionalProperties = this.schema(index.type);
    }
    return out;
  }

  /** `'a' | 'b'` → enum; `string | null` → a type list; anything else → anyOf (one member: itself). */
  private union(types: ts.TypeNode[]): JsonSchema {
    if (!types.length) return {};
    const literals = types.map((x) => (ts.isLiteralTypeNode(x) ? literalValue(x) : undefined));
    if (literals.every((v) => v !== undefined)) {
      const kinds = [...new Set(literals.map((v) => (v === null ? 'null' : typeof v)))];
      if (kinds.length === 1 && kinds[0] === 'boolean' && literals.length === 2) return { type: 'boolean' };
      return kinds.length === 1 ? { type: kinds[0], enum: literals } : { type: kinds, enum: literals };
    }
    const parts = types.map((x) => this.schema(x));
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
