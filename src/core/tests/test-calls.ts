import { relativeTo } from '../workspace/relative-path';
import { ts } from 'ts-morph';
import type { AppGraph, TestCall, TestCallSite, Unresolved, UrlPart } from '../model';
import type { SourceFileEntry } from '../workspace/scan';
import { RouteIndex } from './route-match';

export type { TestCall, TestCallSite, UrlPart };

/** Test files use the app (build(), inject()) but are not part of it. */
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|__mocks__)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** Whether a file (path relative to its project folder) is a test file, not part of the app. */
export function isTestFile(relativePath: string): boolean {
  return TEST_FILE.test(relativePath);
}

/** light-my-request's chain: `app.inject().get(url)`. */
const INJECT_METHODS = new Set(['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace']);
/** light-my-request's chain methods that return the chain and leave method and URL alone. */
const INJECT_CHAIN = new Set(['body', 'cookies', 'headers', 'payload', 'query']);
/** supertest's request methods (node's http.METHODS lower-cased; `del` is DELETE). */
const SUPERTEST_METHODS = new Set([
  'get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'trace', 'query', 'search',
  'copy', 'lock', 'unlock', 'move', 'mkcol', 'propfind', 'proppatch', 'report', 'mkcalendar', 'purge',
]);
const METHOD_NAME = /^[A-Za-z]+$/;
const MAX_CONST_DEPTH = 6;

/** How supertest is bound in a file: callee names for `request(app)` and for `agent(app)`. */
interface FileFacts {
  sf: ts.SourceFile;
  file: string;
  /** `request` in `request(app)`, `request.agent(app)`. */
  supertest: Set<string>;
  /** `agent` imported by name: `agent(app)`. */
  supertestAgent: Set<string>;
  /** Variables holding a supertest request or agent: `const api = request(app.server)`. */
  clients: Set<string>;
  /** `const NAME = init` declared once in the file. */
  consts: Map<string, ts.Expression>;
}

/**
 * The requests a test file makes, found in its syntax tree alone (nothing is evaluated):
 * `X.inject(opts | url)`, `X.inject().get(url)` (light-my-request's chain), and supertest
 * `request(X).get(url)` with `request` imported or required from 'supertest' under any name.
 * A call whose method or URL path is not known (a hole at its start included) is skipped.
 * `sf` must be parsed with parent pointers (as `ParseCache` does).
 */
export function findTestCalls(sf: ts.SourceFile, file: string): TestCallSite[] {
  const facts = collectFacts(sf, file);
  const out: TestCallSite[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const site = injectCall(facts, n) ?? injectChainCall(facts, n) ?? supertestCall(facts, n);
      if (site) out.push(site);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** A scan's files split into test files and the app's own. */
export interface FilesByRole {
  test: readonly SourceFileEntry[];
  app: readonly SourceFileEntry[];
}

const BY_ROLE = new WeakMap<readonly SourceFileEntry[], FilesByRole>();

/**
 * A scan's files (`root` its folder) split by `isTestFile`, once per list: a scan's list is not
 * changed once made, and an update that adds or removes no file keeps it.
 */
export function filesByRole(root: string, files: readonly SourceFileEntry[]): FilesByRole {
  let hit = BY_ROLE.get(files);
  if (!hit) {
    const test: SourceFileEntry[] = [];
    const app: SourceFileEntry[] = [];
    for (const f of files) (isTestFile(relativeTo(f.project?.dir ?? root, f.path)) ? test : app).push(f);
    BY_ROLE.set(files, (hit = { test, app }));
  }
  return hit;
}

/**
 * Every test file's calls, linked to the routes of the apps of its project (all apps when the
 * file is in no project). Cheap when there are no test files; one file's failure costs only it.
 */
export function collectTestCalls(
  root: string,
  files: readonly SourceFileEntry[],
  apps: readonly AppGraph[],
  readFile: (path: string) => string | undefined,
  parse: (path: string, text: string) => ts.SourceFile,
  unresolved: Unresolved[],
): TestCall[] {
  const testFiles = filesByRole(root, files).test;
  if (!testFiles.length) return [];
  const out: TestCall[] = [];
  let index: RouteIndex | undefined;
  for (const f of testFiles) {
    try {
      const text = readFile(f.path);
      // Most test files of a big workspace make no request: skip them before parsing.
      if (text === undefined || !/\.inject\b|supertest/.test(text)) continue;
      const sites = testCallSites(parse(f.path, text), f.path);
      if (!sites.length) continue;
      index ??= new RouteIndex();
      const targets = f.project ? apps.filter((a) => a.project === f.project!.dir) : apps;
      for (const site of sites) out.push({ ...site, routes: index.link(site, targets) });
    } catch (err) {
      unresolved.push({ file: f.path, reason: `test calls not collected: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

/** The sites of a parsed file, found once per tree: an update re-parses only the changed file, the other trees (and their sites) are the same. */
const sitesByTree = new WeakMap<ts.SourceFile, { file: string; sites: TestCallSite[] }>();
function testCallSites(sf: ts.SourceFile, file: string): TestCallSite[] {
  const hit = sitesByTree.get(sf);
  if (hit && hit.file === file) return hit.sites;
  const sites = findTestCalls(sf, file);
  sitesByTree.set(sf, { file, sites });
  return sites;
}

// ---------------------------------------------------------------------------------------------
// Call shapes

/** `X.inject(url)` or `X.inject({ method, url | path })`, unless a chain method sets the URL. */
function injectCall(facts: FileFacts, call: ts.CallExpression): TestCallSite | undefined {
  if (!isMethodCall(call, 'inject') || call.arguments.length === 0) return undefined;
  if (chainSetsUrl(call)) return undefined;
  const arg = unwrap(call.arguments[0]);
  if (ts.isObjectLiteralExpression(arg)) {
    const method = optionMethod(facts, arg);
    const url = optionUrl(facts, arg);
    if (!method || !url) return undefined;
    return site(facts, call, method, url, 'inject');
  }
  const parts = urlOf(facts, arg);
  return parts ? site(facts, call, 'GET', parts, 'inject') : undefined;
}

/** `X.inject(...).get(url)`, chain methods allowed before and after. */
function injectChainCall(facts: FileFacts, call: ts.CallExpression): TestCallSite | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !INJECT_METHODS.has(callee.name.text) || call.arguments.length === 0) return undefined;
  let base = unwrap(callee.expression);
  while (ts.isCallExpression(base) && ts.isPropertyAccessExpression(base.expression) && INJECT_CHAIN.has(base.expression.name.text)) {
    base = unwrap(base.expression.expression);
  }
  if (!ts.isCallExpression(base) || !isMethodCall(base, 'inject')) return undefined;
  const first = base.arguments[0] && unwrap(base.arguments[0]);
  if (first && !ts.isObjectLiteralExpression(first)) return undefined;
  const parts = urlOf(facts, call.arguments[0]);
  return parts ? site(facts, call, callee.name.text.toUpperCase(), parts, 'inject-chain') : undefined;
}

/** `request(X).get(url)`, `request.agent(X).get(url)`, `api.get(url)` with `api = request(X)`. */
function supertestCall(facts: FileFacts, call: ts.CallExpression): TestCallSite | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !SUPERTEST_METHODS.has(callee.name.text) || call.arguments.length === 0) return undefined;
  const base = unwrap(callee.expression);
  const isClient = (ts.isIdentifier(base) && facts.clients.has(base.text)) || isSupertestClient(facts, base);
  if (!isClient) return undefined;
  const parts = urlOf(facts, call.arguments[0]);
  const name = callee.name.text;
  return parts ? site(facts, call, name === 'del' ? 'DELETE' : name.toUpperCase(), parts, 'supertest') : undefined;
}

/** `request(X)`, `request.agent(X)`, `agent(X)`, `require('supertest')(X)`. */
function isSupertestClient(facts: FileFacts, e: ts.Expression): boolean {
  if (!ts.isCallExpression(e)) return false;
  const callee = unwrap(e.expression);
  if (ts.isIdentifier(callee)) return facts.supertest.has(callee.text) || facts.supertestAgent.has(callee.text);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'agent') {
    const obj = unwrap(callee.expression);
    return (ts.isIdentifier(obj) && facts.supertest.has(obj.text)) || isSupertestRequire(obj);
  }
  return isSupertestRequire(callee);
}

function isSupertestRequire(e: ts.Expression): boolean {
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1 && isString(e.arguments[0], 'supertest');
}

function isMethodCall(call: ts.CallExpression, name: string): boolean {
  const callee = call.expression;
  return (ts.isPropertyAccessExpression(callee) && callee.name.text === name) || (ts.isElementAccessExpression(callee) && isString(callee.argumentExpression, name));
}

/** `X.inject(opts).get(url)`: the chain's method call sets the URL, the inject call does not. */
function chainSetsUrl(call: ts.CallExpression): boolean {
  let n: ts.Node = call;
  for (;;) {
    while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
    const access = n.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== n || !ts.isCallExpression(access.parent) || access.parent.expression !== access) return false;
    const name = access.name.text;
    if (INJECT_METHODS.has(name)) return true;
    if (!INJECT_CHAIN.has(name)) return false;
    n = access.parent;
  }
}

function site(facts: FileFacts, call: ts.CallExpression, method: string, parts: UrlPart[], via: TestCallSite['via']): TestCallSite {
  const start = call.getStart(facts.sf);
  return {
    method,
    url: parts.map((p) => (typeof p === 'string' ? p : '{…}')).join(''),
    parts,
    via,
    span: { file: facts.file, start, end: call.getEnd(), line: facts.sf.getLineAndCharacterOfPosition(start).line + 1 },
  };
}

// ---------------------------------------------------------------------------------------------
// Options and URLs

function optionMethod(facts: FileFacts, options: ts.ObjectLiteralExpression): string | undefined {
  const e = property(options, 'method');
  if (e === null) return undefined;
  if (e === undefined) return 'GET';
  const s = stringOf(facts, e, 0);
  return s !== undefined && METHOD_NAME.test(s) ? s.toUpperCase() : undefined;
}

/** `url` (string, or an object with `pathname`), else `path`, as light-my-request reads them. */
function optionUrl(facts: FileFacts, options: ts.ObjectLiteralExpression): UrlPart[] | undefined {
  let e = property(options, 'url');
  if (e === undefined) e = property(options, 'path');
  if (!e) return undefined;
  const target = unwrap(e);
  if (ts.isObjectLiteralExpression(target)) {
    const pathname = property(target, 'pathname');
    return pathname ? urlOf(facts, pathname) : undefined;
  }
  return urlOf(facts, e);
}

/**
 * The value of a property of an object literal: undefined when absent, null when it cannot be
 * known (a spread, a computed name, a method).
 */
function property(o: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined | null {
  let found: ts.Expression | undefined | null;
  for (const p of o.properties) {
    if (ts.isSpreadAssignment(p)) {
      found = null;
      continue;
    }
    const key = p.name && propertyName(p.name);
    if (key === undefined) {
      found = null;
      continue;
    }
    if (key !== name) continue;
    if (ts.isPropertyAssignment(p)) found = p.initializer;
    else if (ts.isShorthandPropertyAssignment(p)) found = p.name;
    else found = null;
  }
  return found;
}

function propertyName(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  if (ts.isComputedPropertyName(n) && (ts.isStringLiteral(n.expression) || ts.isNoSubstitutionTemplateLiteral(n.expression))) return n.expression.text;
  return undefined;
}

/**
 * The request path of a URL expression: query and hash removed, the origin of an absolute
 * `http(s)://` URL removed. Undefined when the path does not start with known text.
 */
function urlOf(facts: Pick<FileFacts, 'consts'>, e: ts.Expression): UrlPart[] | undefined {
  const parts = urlParts(facts, e, 0);
  if (!parts || typeof parts[0] !== 'string') return undefined;
  return normalizeRequestPath(parts);
}

/** Query and hash removed, origin removed; undefined when the path does not start with text. */
function normalizeRequestPath(parts: UrlPart[]): UrlPart[] | undefined {
  const out: UrlPart[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    const cut = p.search(/[?#]/);
    if (cut >= 0) {
      if (cut > 0) out.push(p.slice(0, cut));
      break;
    }
    out.push(p);
  }
  const first = out[0];
  if (typeof first !== 'string') return undefined;
  const origin = /^https?:\/\/[^/]*/i.exec(first);
  if (origin) {
    // The host must be known text: a hole there could hide the path's start.
    if (origin[0].length === first.length && out.length > 1) return undefined;
    const rest = first.slice(origin[0].length) || '/';
    out[0] = rest;
  }
  if (typeof out[0] !== 'string' || !out[0].startsWith('/')) return undefined;
  return out;
}

/** Literal text and holes of a URL expression; undefined when the whole is not a string we can read. */
function urlParts(facts: Pick<FileFacts, 'consts'>, e: ts.Expression, depth: number): UrlPart[] | undefined {
  e = unwrap(e);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isTemplateExpression(e)) {
    const out: UrlPart[] = [];
    push(out, e.head.text);
    for (const span of e.templateSpans) {
      const known = depth < MAX_CONST_DEPTH ? urlParts(facts, span.expression, depth + 1) : undefined;
      for (const p of known ?? [hole(span.expression)]) push(out, p);
      push(out, span.literal.text);
    }
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = depth < MAX_CONST_DEPTH ? urlParts(facts, e.left, depth + 1) : undefined;
    const right = depth < MAX_CONST_DEPTH ? urlParts(facts, e.right, depth + 1) : undefined;
    // One side must be text, or the `+` may be a number addition.
    if (!left && !right) return undefined;
    const out: UrlPart[] = [];
    for (const p of left ?? [hole(e.left)]) push(out, p);
    for (const p of right ?? [hole(e.right)]) push(out, p);
    return out;
  }
  if (ts.isNumericLiteral(e)) return depth > 0 ? [e.text] : undefined;
  if (ts.isIdentifier(e) && depth < MAX_CONST_DEPTH) {
    const init = facts.consts.get(e.text);
    return init ? urlParts(facts, init, depth + 1) : undefined;
  }
  return undefined;
}

function hole(e: ts.Expression): UrlPart {
  return { hole: e.getText() };
}

/** Appends a part, joining adjacent text and adjacent holes. */
function push(out: UrlPart[], p: UrlPart): void {
  if (typeof p === 'string' && p === '') return;
  const last = out[out.length - 1];
  if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
  else if (typeof p !== 'string' && last !== undefined && typeof last !== 'string') out[out.length - 1] = { hole: `${last.hole} ${p.hole}` };
  else out.push(p);
}

function stringOf(facts: FileFacts, e: ts.Expression, depth: number): string | undefined {
  e = unwrap(e);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isIdentifier(e) && depth < MAX_CONST_DEPTH) {
    const init = facts.consts.get(e.text);
    return init ? stringOf(facts, init, depth + 1) : undefined;
  }
  return undefined;
}

function isString(e: ts.Expression | undefined, text: string): boolean {
  return !!e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && e.text === text;
}

function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else if (ts.isAwaitExpression(e)) e = e.expression;
    else return e;
  }
}

// ---------------------------------------------------------------------------------------------
// File-level facts

function collectFacts(sf: ts.SourceFile, file: string): FileFacts {
  const facts: FileFacts = { sf, file, supertest: new Set(), supertestAgent: new Set(), clients: new Set(), consts: new Map() };
  const constCount = new Map<string, number>();
  const clientInits: [string, ts.Expression][] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && isString(n.moduleSpecifier, 'supertest') && n.importClause && !n.importClause.isTypeOnly) {
      const c = n.importClause;
      if (c.name) facts.supertest.add(c.name.text);
      const b = c.namedBindings;
      if (b && ts.isNamespaceImport(b)) facts.supertest.add(b.name.text);
      if (b && ts.isNamedImports(b)) {
        for (const el of b.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (imported === 'default') facts.supertest.add(el.name.text);
          if (imported === 'agent') facts.supertestAgent.add(el.name.text);
        }
      }
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && isString(n.moduleReference.expression, 'supertest')) {
      facts.supertest.add(n.name.text);
    } else if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = unwrap(n.initializer);
      if (ts.isIdentifier(n.name)) {
        if (isSupertestRequire(init)) facts.supertest.add(n.name.text);
        else if (ts.isPropertyAccessExpression(init) && isSupertestRequire(unwrap(init.expression))) {
          if (init.name.text === 'agent') facts.supertestAgent.add(n.name.text);
          if (init.name.text === 'default') facts.supertest.add(n.name.text);
        } else clientInits.push([n.name.text, init]);
        if (ts.isVariableDeclarationList(n.parent) && n.parent.flags & ts.NodeFlags.Const) {
          constCount.set(n.name.text, (constCount.get(n.name.text) ?? 0) + 1);
          facts.consts.set(n.name.text, n.initializer);
        }
      } else if (ts.isObjectBindingPattern(n.name) && isSupertestRequire(init)) {
        for (const el of n.name.elements) {
          const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
          if (imported === 'agent' && ts.isIdentifier(el.name)) facts.supertestAgent.add(el.name.text);
          if (imported === 'default' && ts.isIdentifier(el.name)) facts.supertest.add(el.name.text);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const [name, count] of constCount) if (count > 1) facts.consts.delete(name);
  // `let api; api = request(app.server)` is left out: only declarations are followed.
  if (facts.supertest.size || facts.supertestAgent.size) {
    for (const [name, init] of clientInits) if (isSupertestClient(facts, init)) facts.clients.add(name);
  }
  return facts;
}
