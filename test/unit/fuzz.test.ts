import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { runRulesDetailed } from '../../src/core/rules/index';
import { fixtureFiles } from '../../scripts/fuzz/fixtures';
import { formatFailure, formatSummary, fuzz, planRun } from '../../scripts/fuzz/fuzzer';
import { graphProblems } from '../../scripts/fuzz/graph-checks';
import { analyzeInChild } from '../support/child-analysis';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

/**
 * The CI sample of the mutation fuzzer (scripts/fuzz, `npm run fuzz`): a fixed seed and a count
 * that takes about 40 s alone on a 2-core machine. Any failure (an exception, an internal error,
 * a rule that threw, a malformed graph, a run over its budget) fails the test with the
 * reproduction line of each.
 */
const CI_SEED = 20250907;
const CI_COUNT = 3000;

describe('mutation fuzzer', function () {
  this.timeout(300_000);

  it(`${CI_COUNT} mutations of the fixture files (seed ${CI_SEED}): no failure`, async () => {
    const summary = await fuzz({ count: CI_COUNT, seed: CI_SEED });
    console.log(`      ${formatSummary(summary, CI_SEED)}`);
    assert.equal(summary.runs, CI_COUNT);
    assert.equal(summary.failures.length, 0, summary.failures.map(formatFailure).join('\n'));
  });

  it('is deterministic from the seed, mutates every file and uses every kind of mutation', () => {
    const files = fixtureFiles();
    const plan = (seed: number, i: number) => planRun(files, seed, i);
    const n = 4 * files.length;
    const kinds = new Set<string>();
    let differ = 0;
    for (let i = 0; i < n; i++) {
      const a = plan(7, i);
      assert.deepEqual(plan(7, i), a, `run ${i} is the same twice`);
      if (plan(8, i).text !== a.text) differ++;
      for (const part of a.description.split('; ')) kinds.add(part.split(/[ @]/)[0]);
    }
    assert.ok(differ > n * 0.9, `another seed gives other mutations (${differ} of ${n} differ)`);
    assert.deepEqual(new Set(Array.from({ length: files.length }, (_, i) => plan(7, i).target.file)).size, files.length, 'the first N runs mutate the N files');
    for (const kind of ['truncate', 'delete-token', 'duplicate-token', 'swap-tokens', 'replace-token', 'delete-bracket', 'insert-bracket', 'bytes', 'char', 'delete-lines', 'duplicate-lines', 'splice', 'register-self', 'register-parent', 'empty']) {
      assert.ok(kinds.has(kind), `mutation ${kind} is used (seen: ${[...kinds].join(', ')})`);
    }
  });

  it('names a run over its budget (the thread is terminated), saves the text and says how to reproduce it', async () => {
    const routes = Array.from({ length: 800 }, (_, i) => `app.get('/r${i}', { schema: { response: { 200: { type: 'object' } } } }, async () => ${i})`).join('\n');
    const dir = writeWorkspace('fuzz-slow/app', { 'package.json': FASTIFY_PACKAGE, 'server.js': `const app = require('fastify')()\n${routes}\n` });
    const fixturesDir = path.dirname(dir);
    const failuresDir = path.join(fixturesDir, '..', 'fuzz-slow-failures');
    fs.rmSync(failuresDir, { recursive: true, force: true });
    // Run 1 mutates server.js (files in order: package.json, server.js); no analysis of 800 routes takes 1 ms.
    const summary = await fuzz({ count: 0, only: [1], seed: 3, fixturesDir, failuresDir, budgetMs: 1 });
    assert.equal(summary.failures.length, 1);
    const [failure] = summary.failures;
    assert.deepEqual(failure.problems.map((p) => p.kind), ['timeout']);
    assert.equal(failure.file, 'server.js');
    assert.equal(fs.readFileSync(failure.saved, 'utf8'), planRun(fixtureFiles(fixturesDir), 3, 1).text);
    assert.equal(failure.reproduce, 'npm run fuzz -- --seed 3 --run 1');
    assert.match(formatFailure(failure), /FAIL run 1 \(seed 3\): app\/server\.js {2}mutation: .+\n {2}timeout: the run took over 1 ms/);
  });

  describe('graph checks (on a real graph, then broken on purpose)', () => {
    const root = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'test-links'));
    const analyzer = new Analyzer(root, createNodeHost());
    const good = analyzer.analyze();
    const findings = runRulesDetailed(good, {}, (f) => analyzer.source(f)).findings;
    const textOf = (f: string) => analyzer.source(f) ?? createNodeHost().readFile(f);
    const broken = (edit: (g: WorkspaceGraph) => void) => {
      const g = structuredClone(good);
      edit(g);
      return graphProblems(g, findings, textOf).join('\n');
    };

    it('find nothing wrong with the fixture', () => {
      assert.ok(good.apps[0].routes.length > 2 && good.testCalls.length > 2);
      assert.deepEqual(graphProblems(good, findings, textOf), []);
    });
    it('find a span outside its text, a wrong line, a span in a file never read', () => {
      assert.match(broken((g) => (g.apps[0].routes[0].span.end = 1e6)), /outside the text/);
      assert.match(broken((g) => (g.apps[0].routes[0].span.line += 1)), /is on line/);
      assert.match(broken((g) => (g.apps[0].routes[0].span.file += '.nope')), /did not see/);
    });
    it('find duplicate route ids, a dangling contextId, a route missing from app.routes, a test call to no route', () => {
      assert.match(broken((g) => (g.apps[0].routes[1].id = g.apps[0].routes[0].id)), /route id \S+ is not unique/);
      assert.match(broken((g) => (g.apps[0].routes[0].contextId = '999')), /no such context/);
      assert.match(broken((g) => g.apps[0].routes.pop()), /is in a context but not in app\.routes/);
      assert.match(broken((g) => (g.testCalls[0].routes = [{ app: g.apps[0].id, routeId: '999' }])), /which does not exist/);
    });
    it('find a cycle, a class instance, a function and NaN', () => {
      assert.match(broken((g) => g.apps[0].root.children.push(g.apps[0].root)), /cycle/);
      assert.match(broken((g) => ((g.apps[0] as unknown as Record<string, unknown>).extra = new Map())), /Map instance/);
      assert.match(broken((g) => ((g.apps[0] as unknown as Record<string, unknown>).extra = () => 1)), /function/);
      assert.match(broken((g) => (g.apps[0].routes[0].span.start = NaN)), /NaN/);
    });
  });

  describe('bugs it found', () => {
    it('an import whose module name is not a string (`import { a, ( } from …`, `import a from b`) is an unknown binding, not an internal error', () => {
      const dir = writeWorkspace('fuzz-import-specifier', {
        'package.json': FASTIFY_PACKAGE,
        // seed 424242 run 1797 (no-exec/routes/items/index.mjs) and run 789 (fastify-decorators/…/version.handler.ts), reduced.
        'server.mjs': "import { writeFileSync, ( } from 'node:fs'\nimport { GET, Hook{ Handler } from 'fastify-decorators'\nimport b from c\nimport Fastify from 'fastify'\nconst app = Fastify()\nwriteFileSync(Handler, b)\napp.get('/still', async () => 1)\n",
        'legacy.ts': "import Fastify = require('fastify')\nimport x = require(y)\nconst app = Fastify()\napp.register(x)\napp.get('/legacy', async () => 1)\n",
      });
      const g = new Analyzer(dir, createNodeHost()).analyze();
      assertNoInternalError(g);
      assert.deepEqual(g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => r.url)).sort(), ['/legacy', '/still']);
    });

    it('a factory registered as a plugin on the app it builds (twice) is a register cycle, not an exponential walk', async () => {
      // seed 102 run 119 (env-config-packages/app.js, register-self twice): 129 s before, bounded
      // only by the analysis budget, because each call of the factory made a new app with a
      // register-cycle stack of its own. Analysed in a child with a time limit: a hang fails by name.
      const dir = writeWorkspace('fuzz-factory-cycle', {
        'package.json': FASTIFY_PACKAGE,
        'app.js': "const Fastify = require('fastify')\nfunction build () {\n  const app = Fastify()\n  app.register(require('./app'))\n  app.register(require('./app.js'), { prefix: '/again' })\n  app.get('/', async () => 'home')\n  return app\n}\nmodule.exports = build\n",
      });
      const g = await analyzeInChild(dir, 20_000);
      assertNoInternalError(g);
      assert.deepEqual(g.apps.map((a) => a.routes.filter((r) => !r.implicitHead).map((r) => r.url)), [['/']]);
      assert.ok(g.unresolved.some((u) => u.reason.startsWith("register cycle: plugin 'build'")), g.unresolved.map((u) => u.reason).join('\n'));
      assert.ok(!g.unresolved.some((u) => /budget/.test(u.reason)), 'ends well before the analysis budget');
    });

    it('a loop that never ends inside a function that calls itself stops at its total iteration cap, not the analysis budget', async () => {
      // seed 102 run 10460 (fs-walk/server.js, a token deleted: `for (const  of readdirSync(…))`
      // parses as a C-style for whose condition is always true, around a recursive walk()): 5.7 s
      // before, 2,000 iterations at every level of the recursion until the analysis budget.
      const dir = writeWorkspace('fuzz-recursive-loop', {
        'package.json': FASTIFY_PACKAGE,
        'server.js': "const fs = require('node:fs')\nconst app = require('fastify')()\nfunction walk (dir) {\n  for (const  of fs.readdirSync(dir)) {\n    walk(dir + '/x')\n    app.get('/w', async () => 1)\n  }\n}\nwalk(__dirname)\napp.get('/after', async () => 1)\n",
      });
      const g = await analyzeInChild(dir, 20_000);
      assertNoInternalError(g);
      assert.ok(g.unresolved.some((u) => /^loop stopped after 10000 iterations over all its runs/.test(u.reason)), g.unresolved.map((u) => u.reason).join('\n'));
      assert.ok(!g.unresolved.some((u) => /budget/.test(u.reason)), 'ends well before the analysis budget');
      assert.ok(g.apps[0].routes.some((r) => r.url === '/after'), 'the code after the walk is still analysed');
    });
  });
});
