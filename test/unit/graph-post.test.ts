import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { Context, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { GraphPatcher } from '../../src/extension/graph-patch';
import { GraphPoster } from '../../src/extension/worker/graph-post';
import type { PostedGraph } from '../../src/extension/worker/graph-ref';
import { viewGraph } from '../../src/extension/worker/view-graph';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';
import { typingSteps } from '../support/typing-steps';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * Fixture files typed back: in apps of several plugin files (some updates refer to the graph
 * before), and in apps of one plugin (every update redoes the whole app: nothing to refer to).
 */
const SAMPLE: [file: string, refers: boolean][] = [
  ['cli-autoload-js/routes/users/index.js', true],
  ['cli-autoload-ts/src/routes/users/index.ts', true],
  ['fp-decorators/server.js', true],
  ['multi-app/apps/admin/src/routes/dashboard.ts', false],
  ['helpers-and-tables/server.js', false],
  ['prefix-rules/server.js', false],
];

function contexts(c: Context, out: Context[] = []): Context[] {
  out.push(c);
  for (const k of c.children) contexts(k, out);
  return out;
}

/** What crosses the thread boundary: a structured clone, as postMessage makes it. */
const send = (m: PostedGraph): PostedGraph => structuredClone(m);

describe('graph posted as references to the graph before (worker → extension host)', () => {
  /** Types a fixture file back through an Analyzer, the poster and the patcher; what the messages held. */
  function typeBack(sample: string, root = path.join(FIXTURES, sample.split('/')[0]), file = path.join(FIXTURES, sample)): { references: number; routeCopies: number; contextCopies: number; slices: number; sameLists: number } {
    const text = fs.readFileSync(file, 'utf8');
    const analyzer = new Analyzer(root, createNodeHost());
    const poster = new GraphPoster();
    const patcher = new GraphPatcher();
    let view = viewGraph(analyzer.analyze());
    patcher.apply(send(poster.post(view)));
    const seen = { references: 0, routeCopies: 0, contextCopies: 0, slices: 0, sameLists: 0 };
    for (const step of typingSteps(text, 12)) {
      view = viewGraph(analyzer.update(file, step.text));
      const message = send(poster.post(view));
      const json = JSON.stringify(message.graph);
      seen.references += json.match(/"\$ref"/g)?.length ?? 0;
      seen.routeCopies += json.match(/"\$as":\d+,"id"/g)?.length ?? 0;
      seen.contextCopies += json.match(/"\$as":\d+,"(?:children|routes)"/g)?.length ?? 0;
      seen.slices += json.match(/"\$slice"/g)?.length ?? 0;
      seen.sameLists += json.match(/"\$as":\d+(?:,"children":\[[^\]]*\])?\}/g)?.length ?? 0;
      const got: WorkspaceGraph = patcher.apply(message);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(view)), step.what);
      assert.equal(patcher.held, poster.held, `${step.what}: the host holds what the worker thinks it holds`);
      for (const app of got.apps) {
        const inContexts = new Set(contexts(app.root).flatMap((c) => c.routes));
        assert.ok(app.routes.every((r) => inContexts.has(r)), `${step.what}: AppGraph.routes are the contexts' route objects`);
      }
    }
    return seen;
  }

  for (const [sample, refers] of SAMPLE) {
    it(`${sample}: typed back chunk by chunk, every graph the host puts together equals the worker's, sharing what it shares`, () => {
      const seen = typeBack(sample);
      if (refers) assert.ok(seen.references > 0 && seen.slices > 0, `some updates refer to the graph before: ${JSON.stringify(seen)}`);
    });
  }

  it('routes renumbered by a replay go as the route they copy with their new ids, contexts made again with the same fields as the one before', () => {
    // Numbers are local to a context: they move when a context's id does. The cut takes away d's
    // registration, a plugin of w's name before it: w's context id loses its `~1`, and c's run
    // inside w is put back with the ids under it moved (then again when the lines are pasted back).
    const root = writeWorkspace('graph-post-moved', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./d'))\napp.register(require('./a'), { prefix: '/b' })\napp.register(require('./w'))\n",
      'a.js': "module.exports = async function (f) { f.get('/x', async () => 1) }\n",
      'd.js': "module.exports = async function plugin (f) { f.get('/d', async () => 1) }\n",
      'w.js': "module.exports = async function plugin (f) { f.register(require('./c'), { prefix: '/c' }) }\n",
      'c.js': "module.exports = async function (f) { f.get('/z', async () => 1); f.register(async function inner (g) { g.get('/y', async () => 1) }) }\n",
    });
    const seen = typeBack('graph-post-moved/server.js', root, path.join(root, 'server.js'));
    assert.ok(seen.routeCopies > 0, 'renumbered route copies');
    assert.ok(seen.contextCopies > 0, 'contexts with the same own fields');
  });

  it('an edit inside a handler posts the contexts it redid and refers to the others', () => {
    const root = path.join(FIXTURES, 'cli-autoload-js');
    const file = path.join(root, 'routes', 'users', 'index.js');
    const analyzer = new Analyzer(root, createNodeHost());
    const poster = new GraphPoster();
    const patcher = new GraphPatcher();
    const first = poster.post(viewGraph(analyzer.analyze()));
    patcher.apply(send(first));
    const all = first.fresh.length;
    const text = fs.readFileSync(file, 'utf8');
    const next = poster.post(viewGraph(analyzer.update(file, text.replace(/\}\s*$/, '  // a comment at the end of the plugin\n}\n'))));
    // The edited plugin's context and routes, and the contexts above it (the autoload folders, the root).
    assert.ok(next.fresh.length > 0 && next.fresh.length < all, `${next.fresh.length} of ${all} contexts and routes posted whole`);
    const json = JSON.stringify(next.graph);
    const refs = json.match(/"\$ref"/g)?.length ?? 0;
    assert.ok(refs > 0, `${refs} references`);
    assert.match(json, /"\$slice":\[\d+,\d+\]/, 'the app\'s routes as stretches of those posted before');
    const got = patcher.apply(send(next));
    assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(viewGraph(analyzer.update(file, text.replace(/\}\s*$/, '  // a comment at the end of the plugin\n}\n'))))));
  });

  it('refers without walking what the host has, and sweeps what it holds beyond the graph (both sides forget the same objects)', () => {
    const root = path.join(FIXTURES, 'cli-autoload-js');
    const file = path.join(root, 'routes', 'users', 'index.js');
    const text = fs.readFileSync(file, 'utf8');
    const analyzer = new Analyzer(root, createNodeHost());
    const poster = new GraphPoster();
    const patcher = new GraphPatcher();
    const objects = (g: WorkspaceGraph) => g.apps.reduce((n, a) => n + contexts(a.root).reduce((m, c) => m + 1 + c.routes.length, 0), 0);
    patcher.apply(send(poster.post(viewGraph(analyzer.analyze()))));
    let swept = 0;
    let most = 0;
    for (let i = 0; i < 120; i++) {
      // A route added and its URL changed on every update: new route objects each time.
      const view = viewGraph(analyzer.update(file, text.replace(/\}\s*$/, `  fastify.get('/added-${i}', async () => ${i})\n}\n`)));
      const message = send(poster.post(view));
      swept += message.dropped.length;
      const got = patcher.apply(message);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(view)));
      assert.equal(patcher.held, poster.held);
      most = Math.max(most, poster.held - objects(view));
    }
    assert.ok(swept > 0, 'some messages dropped what the graph no longer had');
    const inGraph = objects(viewGraph(analyzer.update(file, text)));
    assert.ok(most <= inGraph + 256 + 64, `the host held at most ${most} objects more than the graph's ${inGraph}`);
  });

  it('the host refuses a reference it does not have (the extension then indexes again)', () => {
    const analyzer = new Analyzer(path.join(FIXTURES, 'cli-autoload-js'), createNodeHost());
    const poster = new GraphPoster();
    const view = viewGraph(analyzer.analyze());
    poster.post(view);
    // The host missed the first graph (a new patcher): the second one refers to it.
    const file = path.join(FIXTURES, 'cli-autoload-js', 'routes', 'users', 'index.js');
    const second = poster.post(viewGraph(analyzer.update(file, fs.readFileSync(file, 'utf8') + '\n')));
    assert.throws(() => new GraphPatcher().apply(send(second)), /refers to \d+, which the graph before does not have/);
    // After reset the worker posts everything whole again.
    poster.reset();
    const whole = poster.post(viewGraph(analyzer.update(file, fs.readFileSync(file, 'utf8'))));
    assert.ok(!JSON.stringify(whole.graph).includes('"$ref"'));
    new GraphPatcher().apply(send(whole));
  });
});
