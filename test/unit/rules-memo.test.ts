import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { AppGraph, Route, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { routeOrigin } from '../../src/core/route-origin';
import { fixesOf, memoStats, runRulesDetailed, type RunRulesResult, type SourceOf } from '../../src/core/rules';
import { listFixtures } from '../support/runtime-routes';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

// The rules keep per-route results across analyses (src/core/rules/route-memo.ts). Whatever they
// reuse, a rules run on an incremental graph must give what it gives on a fresh analysis of the
// same files: every finding (with its fixes) and every note, in order.

/** Every rule at its default severity (missing-response-schema and missing-schema included). */
const ALL = {};

/** What a run gives, as data: findings with their fixes, notes, failures. */
function outcome(r: RunRulesResult) {
  return { findings: r.findings.map((f) => ({ ...f, fixes: fixesOf(f) })), notes: r.notes, failed: r.failed };
}

/** The rules on a fresh analysis of `dir`. */
function freshRules(dir: string) {
  const analyzer = new Analyzer(dir, createNodeHost());
  return outcome(runRulesDetailed(analyzer.analyze(), ALL, analyzer.sourceOf()));
}

/** An analyser whose rules runs are checked against fresh ones after each change; counts memo hits. */
class Session {
  readonly analyzer: Analyzer;
  graph: WorkspaceGraph;
  last!: ReturnType<typeof outcome>;
  hits = 0;

  constructor(readonly dir: string) {
    this.analyzer = new Analyzer(dir, createNodeHost());
    this.graph = this.analyzer.analyze();
    this.rules('the first analysis');
  }

  /** Writes the files (null: deletes), applies them, runs the rules and compares with a fresh analysis. */
  change(files: Record<string, string | null>, what = Object.keys(files).join(', ')): this {
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(this.dir, rel);
      if (text === null) rmSync(file);
      else writeFileSync(file, text);
    }
    this.graph = this.analyzer.applyChanges(Object.keys(files).map((rel) => ({ file: path.join(this.dir, rel) })));
    this.rules(what);
    return this;
  }

  private rules(what: string): void {
    const before = memoStats.hits;
    this.last = outcome(runRulesDetailed(this.graph, ALL, this.analyzer.sourceOf()));
    this.hits += memoStats.hits - before;
    assert.deepEqual(this.last, freshRules(this.dir), `${path.basename(this.dir)}, after ${what}: the rules equal those of a fresh analysis`);
  }

  route(url: string): Route {
    const r = this.graph.apps.flatMap((a) => a.routes).find((x) => x.url === url && !x.implicitHead);
    assert.ok(r, `route ${url}`);
    return r;
  }

  codes(code: string): string[] {
    return this.last.findings.filter((f) => f.code === code).map((f) => f.message);
  }

  notes(id: string): string[] {
    return this.last.notes.filter((n) => n.id === id).map((n) => n.message);
  }
}

/** Applies `change` and asserts the route at `url` was replayed (the same origin), so only the rules' keys can tell the change. */
function replayed(s: Session, url: string, change: Record<string, string | null>): void {
  const before = routeOrigin(s.route(url));
  s.change(change);
  assert.ok(s.analyzer.replayStats.replayed > 0, 'runs were replayed');
  assert.equal(routeOrigin(s.route(url)), before, `${url} is the route of the last graph (replayed)`);
}

/** A source with the same answers as `source` but another identity: a run with it reuses nothing. */
const unmemoised = (source: SourceOf): SourceOf => Object.assign((file: string) => source(file), { tree: source.tree, resolve: source.resolve });

/** The graph with the app's server options changed and every other object (routes, contexts) the same. */
function withServerOptions(graph: WorkspaceGraph, change: (o: AppGraph['serverOptions']) => AppGraph['serverOptions']): WorkspaceGraph {
  return { ...graph, apps: graph.apps.map((a) => ({ ...a, serverOptions: change(a.serverOptions) })) };
}

/**
 * The rules on `graph` and on `variant` (the same route objects under other app options), twice in
 * turn: each run reuses kept results, and equals a run that keeps nothing.
 */
function alternate(source: SourceOf, graph: WorkspaceGraph, variant: WorkspaceGraph): void {
  for (const g of [graph, variant, graph, variant]) {
    const before = memoStats.hits;
    const kept = runRulesDetailed(g, ALL, source);
    assert.ok(memoStats.hits > before, 'results were reused');
    assert.deepEqual(outcome(kept), outcome(runRulesDetailed(g, ALL, unmemoised(source))));
  }
}

const SERVER = (lines: string[]) => ["const app = require('fastify')()", "app.register(require('./users'))", ...lines, 'module.exports = app', ''].join('\n');
const USERS = [
  'module.exports = async function (f) {',
  "  f.post('/users', { schema: { body: { $ref: 'user#' } } }, async (request) => request.body)",
  "  f.get('/users/:id/:tab', { schema: { params: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false } } }, async (request) => request.params)",
  "  f.get('/items', async (request) => request.query)",
  "  f.put('/notes', { schema: { body: { type: 'object', example: { text: 'hi' } } } }, async () => 1)",
  '}',
  '',
].join('\n');
const USER_SCHEMA = (id: string) => `app.addSchema({ $id: '${id}', type: 'object', properties: { name: { type: 'string' } } })`;

describe('rules reuse per-route results across analyses (route-memo.ts)', () => {
  it('gives the rules of a fresh analysis for every fixture after edits, and reuses results', () => {
    let hits = 0;
    for (const fixture of listFixtures()) {
      const dir = writeWorkspace(`rules-memo-fixture-${fixture.name}`, { 'nothing-here.js': '' });
      cpSync(fixture.dir, dir, { recursive: true });
      const s = new Session(dir);
      const first = s.graph.apps.flatMap((a) => a.routes).find((r) => !r.implicitHead && !r.package);
      // Nothing changed: every recorded run may replay.
      s.change({ 'nothing-here.js': '' }, 'a file nothing loads');
      if (first) {
        const rel = path.relative(dir, first.span.file);
        const original = readFileSync(first.span.file, 'utf8');
        // The first route's declaration written twice: a route added before the others (numbers move), a duplicate.
        const declared = original.slice(first.span.start, first.span.end);
        s.change({ [rel]: `${original.slice(0, first.span.start)}${declared};\n${original.slice(first.span.start)}` }, `a second ${declared.slice(0, 40)} in ${rel}`);
        // A comment at the end of the file: its plugins run again, the others replay.
        s.change({ [rel]: `${original}\n// edited\n` }, `a comment in ${rel}`);
        s.change({ [rel]: original }, `${rel} as it was`);
      }
      hits += s.hits;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(hits > 100, `per-route results were reused (${hits} hits)`);
  });

  it('finds each route\'s results when routes are added, removed and moved between two graphs (the slots walk both lists)', () => {
    const plugin = (url: string) => `module.exports = async function (f) { f.get('${url}', async (request) => request.query) }\n`;
    const server = (names: string[]) => ["const app = require('fastify')()", ...names.map((n) => `app.register(require('./${n}'))`), 'module.exports = app', ''].join('\n');
    const dir = writeWorkspace('rules-memo-slots', { 'server.js': server(['a', 'b', 'c', 'd']), 'a.js': plugin('/a'), 'b.js': plugin('/b'), 'c.js': plugin('/c'), 'd.js': plugin('/d'), 'e.js': plugin('/e'), 'package.json': FASTIFY_PACKAGE });
    const s = new Session(dir);
    s.change({ 'server.js': server(['a', 'c', 'd']) }, 'b removed');
    s.change({ 'server.js': server(['a', 'e', 'c', 'd']) }, 'e added where b was');
    s.change({ 'server.js': server(['d', 'a', 'e', 'c']) }, 'd moved first');
    s.change({ 'server.js': server(['c', 'e', 'a', 'd']) }, 'all moved');
    s.change({ 'c.js': plugin('/c2') }, 'c edited');
    assert.ok(s.hits > 0, 'results were reused');
    assert.deepEqual(s.codes('missing-schema').length, 4, 'one finding per route');
  });

  it('unknown-schema-ref and invalid-json-schema see an ancestor\'s addSchema change under a replayed route', () => {
    const dir = writeWorkspace('rules-memo-add-schema', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([USER_SCHEMA('user')]), 'users.js': USERS });
    const s = new Session(dir);
    assert.deepEqual(s.codes('unknown-schema-ref'), []);
    replayed(s, '/users', { 'server.js': SERVER([USER_SCHEMA('usex')]) });
    assert.ok(s.hits > 0, 'results were reused');
    assert.equal(s.codes('unknown-schema-ref').length, 1, 'the $ref no longer resolves');
    assert.ok(s.notes('invalid-json-schema').some((n) => n.includes('not resolved statically')), s.notes('invalid-json-schema').join('\n'));
    replayed(s, '/users', { 'server.js': SERVER([USER_SCHEMA('user')]) });
    assert.deepEqual(s.codes('unknown-schema-ref'), [], 'resolves again');
    assert.deepEqual(s.notes('invalid-json-schema'), []);
  });

  it('params-schema-mismatch, invalid-json-schema and unknown-schema-ref see a custom validator added above a replayed route', () => {
    const dir = writeWorkspace('rules-memo-validator', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([]), 'users.js': USERS });
    const s = new Session(dir);
    assert.equal(s.codes('params-schema-mismatch').length, 1, 'the :tab parameter is removed');
    assert.equal(s.codes('unknown-schema-ref').length, 1);
    replayed(s, '/users', { 'server.js': SERVER(['app.setValidatorCompiler(() => () => true)']) });
    assert.deepEqual(s.codes('params-schema-mismatch'), [], 'not Fastify\'s Ajv: not checked');
    assert.deepEqual(s.codes('unknown-schema-ref'), []);
    assert.ok(s.notes('invalid-json-schema').some((n) => n.includes('custom validator compiler')), s.notes('invalid-json-schema').join('\n'));
    replayed(s, '/users', { 'server.js': SERVER([]) });
    assert.equal(s.codes('params-schema-mismatch').length, 1);
  });

  it('params-schema-mismatch and invalid-json-schema see the app\'s Ajv options change (routes shared with the last graph)', () => {
    const dir = writeWorkspace('rules-memo-ajv', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([]), 'users.js': USERS });
    // A real edit of the options makes new routes (the options are in every run's key): checked against a fresh analysis.
    const s = new Session(dir);
    assert.equal(s.codes('params-schema-mismatch').length, 1);
    assert.equal(s.codes('invalid-json-schema').length, 1, 'strict mode: unknown keyword example');
    s.change({ 'server.js': SERVER([]).replace("require('fastify')()", "require('fastify')({ ajv: { customOptions: { removeAdditional: false, strict: false } } })") });
    assert.deepEqual(s.codes('params-schema-mismatch'), [], 'Ajv keeps the parameter');
    assert.deepEqual(s.codes('invalid-json-schema'), [], 'not strict');
    // The same route objects under Fastify's default options: only the keys can tell.
    const source = s.analyzer.sourceOf();
    const graph = s.analyzer.analyze();
    const defaults = withServerOptions(graph, (o) => ({ ...o, validation: undefined }));
    alternate(source, graph, defaults);
    const codes = runRulesDetailed(defaults, ALL, source).findings.map((f) => f.code);
    assert.equal(codes.filter((c) => c === 'params-schema-mismatch').length, 1);
    assert.equal(codes.filter((c) => c === 'invalid-json-schema').length, 1);
  });

  it('missing-schema goes silent when an onRoute hook appears at the root', () => {
    const dir = writeWorkspace('rules-memo-on-route', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([]), 'users.js': USERS });
    const s = new Session(dir);
    assert.equal(s.codes('missing-schema').length, 1, 'GET /items reads request.query');
    replayed(s, '/items', { 'server.js': SERVER(["app.addHook('onRoute', (route) => {})"]) });
    assert.deepEqual(s.codes('missing-schema'), []);
    assert.ok(s.notes('missing-schema').some((n) => n.includes('onRoute hook')));
    replayed(s, '/items', { 'server.js': SERVER([]) });
    assert.equal(s.codes('missing-schema').length, 1);
  });

  it('duplicate-route sees a second identical route in another plugin, and the router options', () => {
    const dir = writeWorkspace('rules-memo-duplicate', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([]), 'users.js': USERS });
    const s = new Session(dir);
    assert.deepEqual(s.codes('duplicate-route'), []);
    const more = (url: string) => `module.exports = async function (f) { f.get('${url}', async () => 1) }\n`;
    replayed(s, '/items', { 'server.js': SERVER(["app.register(require('./more'))"]), 'more.js': more('/items') });
    assert.equal(s.codes('duplicate-route').length, 1);
    replayed(s, '/items', { 'more.js': more('/ITEMS') });
    assert.deepEqual(s.codes('duplicate-route'), [], 'Fastify is case-sensitive by default');
    // The same route objects under caseSensitive: false: only the key can tell.
    const source = s.analyzer.sourceOf();
    const graph = s.analyzer.analyze();
    const folded = withServerOptions(graph, (o) => ({ ...o, caseSensitive: false }));
    alternate(source, graph, folded);
    assert.equal(runRulesDetailed(folded, ALL, source).findings.filter((f) => f.code === 'duplicate-route').length, 1);
  });

  it('the rules that an unresolved entry silences go silent when one appears', () => {
    const dir = writeWorkspace('rules-memo-unresolved', { 'package.json': FASTIFY_PACKAGE, 'server.js': SERVER([]), 'users.js': USERS });
    const s = new Session(dir);
    assert.equal(s.codes('unknown-schema-ref').length, 1);
    assert.equal(s.codes('params-schema-mismatch').length, 1);
    replayed(s, '/users', { 'server.js': SERVER(["app.register(require('some-plugin-nobody-analyses'))"]) });
    assert.deepEqual(s.codes('unknown-schema-ref'), []);
    assert.deepEqual(s.codes('params-schema-mismatch'), []);
    assert.ok(s.notes('unknown-schema-ref').some((n) => n.includes('unresolved entr')));
    replayed(s, '/users', { 'server.js': SERVER([]) });
    assert.equal(s.codes('unknown-schema-ref').length, 1);
  });
});
