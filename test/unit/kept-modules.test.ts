import * as assert from 'node:assert/strict';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { step } from '../support/relink-step';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

// Module top levels kept from one link to the next (src/core/link/replay/kept-modules.ts): after
// every change the graph must be the one a fresh analysis gives (`step` checks it), whether a
// module was kept, evaluated again, or the link was done again without kept modules.

/**
 * An analyser of `dir` that keeps module top levels: analysed, then linked once more to keep them
 * (an analyser keeps its modules from its first update on, so one that only analyses once does not
 * hold them; the worker calls `keepForUpdates()` once a full analysis is answered).
 */
function editing(dir: string): Analyzer {
  const analyzer = new Analyzer(dir, createNodeHost());
  analyzer.analyze();
  analyzer.keepForUpdates();
  assert.equal(analyzer.replayStats.keptModules, 0, 'nothing kept from the first analysis');
  return analyzer;
}

const plugin = (url: string, before = '') => `${before}module.exports = async function (f) { f.get(${url}, async () => 1) }\n`;

describe('module top levels kept across updates', () => {
  it('keeps the unchanged modules and evaluates again the edited one and those importing it', () => {
    const dir = writeWorkspace('kept-basic', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'a.js': plugin('A', "const { A } = require('./paths')\n"),
      'b.js': plugin("'/b'"),
      'paths.js': "exports.A = '/a'\n",
    });
    const analyzer = editing(dir);
    // server.js creates the app: evaluated on every link. a.js and paths.js are kept.
    let stats = step(analyzer, dir, { 'b.js': plugin("'/b2'") });
    assert.equal(stats.keptModules, 2);
    // paths.js changed: a.js, which imports it, is evaluated again; b.js is kept.
    stats = step(analyzer, dir, { 'paths.js': "exports.A = '/a2'\n" });
    assert.equal(stats.keptModules, 1);
    stats = step(analyzer, dir, { 'b.js': plugin("'/b3'") });
    assert.equal(stats.keptModules, 2);
  });

  it('keepForUpdates(): the first update after a full analysis takes modules up; before an analysis, or once updated, it links nothing', () => {
    const files = {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'a.js': plugin('A', "const { A } = require('./paths')\n"),
      'b.js': plugin("'/b'"),
      'paths.js': "exports.A = '/a'\n",
    };
    // Without it, the first update evaluates every module again.
    const plain = writeWorkspace('kept-first-plain', files);
    const once = new Analyzer(plain, createNodeHost());
    once.analyze();
    assert.equal(step(once, plain, { 'b.js': plugin("'/b2'") }).keptModules, 0);

    const dir = writeWorkspace('kept-first-update', files);
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.keepForUpdates();
    assert.equal(analyzer.parseCount, 0, 'no analysis yet: nothing linked');
    analyzer.analyze();
    analyzer.keepForUpdates();
    assert.equal(analyzer.replayStats.replayed, 2, 'the idle link replays the plugin runs');
    assert.equal(step(analyzer, dir, { 'b.js': plugin("'/b2'") }).keptModules, 2, 'the first update takes a.js and paths.js up');
    const stats = analyzer.replayStats;
    analyzer.keepForUpdates();
    assert.equal(analyzer.replayStats, stats, 'updated already: no link');
  });

  it('resolves the imports of a kept ES module through the link using it', () => {
    const dir = writeWorkspace('kept-esm', {
      'package.json': JSON.stringify({ type: 'module', dependencies: { fastify: '^5.0.0' } }),
      'server.js': "import Fastify from 'fastify'\nimport routes from './routes.js'\nconst app = Fastify()\napp.register(routes)\n",
      // The import is read only inside the plugin, while it runs (a live binding).
      'routes.js': "import { url } from './url.js'\nexport default async function (f) { f.get(url(), async () => 1) }\n",
      'url.js': "export const url = () => '/one'\n",
      'other.js': 'export const x = 1\n',
    });
    const analyzer = editing(dir);
    let stats = step(analyzer, dir, { 'other.js': 'export const x = 2\n' });
    assert.ok(stats.keptModules! >= 2, 'routes.js and url.js kept');
    stats = step(analyzer, dir, { 'url.js': "export const url = () => '/two'\n" });
    step(analyzer, dir, { 'other.js': 'export const x = 3\n' });
  });

  it('follows where a JSON module is loaded first: kept modules and replayed runs holding its values', () => {
    const uses = (url: string, json: boolean) => `${json ? "const s = require('./schema.json')\n" : ''}module.exports = async function (f) { f.post('${url}', ${json ? '{ schema: { body: s } }, ' : ''}async () => 1) }\n`;
    const dir = writeWorkspace('kept-json', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./x'))\napp.register(require('./y'))\n",
      'schema.json': JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } }),
      'a.js': 'exports.a = 1\n',
      // x.js is evaluated before y.js and loads the JSON module first: its spans point at x.js's require.
      'x.js': uses('/x', true),
      'y.js': uses('/y', true),
    });
    const analyzer = editing(dir);
    let stats = step(analyzer, dir, { 'y.js': uses('/y2', true) });
    assert.ok(stats.keptModules! >= 1, 'x.js kept, and the JSON module it loaded');
    // a.js now requires y.js, evaluated first: y.js's kept values hold the JSON values x.js loaded.
    stats = step(analyzer, dir, { 'a.js': "exports.a = require('./y')\n" });
    assert.equal(stats.relinked, true);
    step(analyzer, dir, { 'a.js': 'exports.a = 2\n' });
    // x.js no longer loads it: y.js's run, replayed, would keep the spans at x.js.
    step(analyzer, dir, { 'x.js': uses('/x', false) });
    stats = step(analyzer, dir, { 'x.js': uses('/x2', false) });
    assert.equal(stats.relinked, undefined);
    assert.ok(stats.keptModules! >= 1, 'y.js kept now that it loads the JSON module first');
  });

  it('evaluates again a module whose function another module marks (fastify-plugin from outside)', () => {
    const dir = writeWorkspace('kept-marks', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const fp = require('fastify-plugin')\nconst app = require('fastify')()\napp.register(fp(require('./app')))\napp.register(require('./b'))\n",
      'app.js': "module.exports = async function (f) { f.decorate('x', 1) }\n",
      'b.js': plugin("'/b'"),
    });
    const analyzer = editing(dir);
    // app.js's function got fastify-plugin's marks from server.js: only b.js... is edited, nothing is kept.
    const stats = step(analyzer, dir, { 'b.js': plugin("'/b2'") });
    assert.equal(stats.keptModules, 0);
    step(analyzer, dir, { 'server.js': "const app = require('fastify')()\napp.register(require('./app'))\napp.register(require('./b'))\n" });
    step(analyzer, dir, { 'b.js': plugin("'/b3'") });
  });

  it('keeps a module that marks a package value it imports, not one whose package value another module marks', () => {
    const dir = writeWorkspace('kept-package-marks', {
      'package.json': JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/under-pressure': '^9.0.0', '@fastify/helmet': '^13.0.0' } }),
      'server.js': "const fp = require('fastify-plugin')\nconst app = require('fastify')()\napp.register(require('./under'))\napp.register(fp(require('./wrap')))\napp.register(require('./b'))\n",
      // Its own import, marked by its own top level: kept.
      'under.js': "const fp = require('fastify-plugin')\nmodule.exports = fp(require('@fastify/under-pressure'), { name: 'up' })\n",
      // Its import is marked by server.js: evaluated again on every link.
      'wrap.js': "module.exports = require('@fastify/helmet')\n",
      'b.js': plugin("'/b'"),
    });
    const analyzer = editing(dir);
    const stats = step(analyzer, dir, { 'b.js': plugin("'/b2'") });
    assert.equal(stats.keptModules, 1, 'under.js');
    step(analyzer, dir, { 'server.js': "const app = require('fastify')()\napp.register(require('./under'))\napp.register(require('./wrap'))\napp.register(require('./b'))\n" });
    step(analyzer, dir, { 'b.js': plugin("'/b3'") });
  });

  it('does the link again without kept modules when their loop iterations would reach a cap', () => {
    const files: Record<string, string> = {
      'package.json': FASTIFY_PACKAGE,
      'lib.js': "exports.table = function (n) { const out = []; for (let i = 0; i < n; i++) out.push(i); return out }\n",
    };
    const names = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
    // Each top level runs the helper's loop 1,500 times: the seventh reaches the loop's total cap.
    for (const n of names) files[`${n}.js`] = plugin(`'/${n}/' + rows.length`, "const rows = require('./lib').table(1500)\n");
    files['server.js'] = `const app = require('fastify')()\n${names.map((n) => `app.register(require('./${n}'))\n`).join('')}`;
    const dir = writeWorkspace('kept-loops', files);
    const analyzer = editing(dir);
    const stats = step(analyzer, dir, { 'm1.js': plugin(`'/m1-edited/' + rows.length`, "const rows = require('./lib').table(1500)\n") });
    assert.equal(stats.relinked, true, 'a kept module would have added iterations near the cap');
  });

  it('takes up a module first required inside a call, whatever calls are running when it is taken up', () => {
    const a = (url: string) => `function get () { return require('./z-lib').base }\nconst base = get()\nmodule.exports = async function (f) { f.get(base + '${url}', async () => 1) }\n`;
    const dir = writeWorkspace('kept-inside-call', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      // z-lib.js is first evaluated inside get(), called by a.js's top level.
      'a.js': a('/a'),
      'b.js': plugin("'/b'"),
      'z-lib.js': "exports.base = '/lib'\n",
    });
    const analyzer = editing(dir);
    // a.js taken up takes z-lib.js up outside any call; a.js evaluated again reaches it inside get().
    let stats = step(analyzer, dir, { 'b.js': plugin("'/b2'") });
    assert.equal(stats.relinked, undefined);
    assert.equal(stats.keptModules, 2);
    stats = step(analyzer, dir, { 'a.js': a('/a2') });
    assert.equal(stats.relinked, undefined);
    assert.equal(stats.keptModules, 2, 'b.js and z-lib.js');
  });

  it('checks a kept module\'s resolutions again when files come and go', () => {
    const dir = writeWorkspace('kept-resolve', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\n",
      'a.js': plugin('url', "const { url } = require('./lib/dep')\n"),
      'lib/dep/index.js': "exports.url = '/from-index'\n",
    });
    const analyzer = editing(dir);
    // lib/dep.js now answers `./lib/dep` before the folder's index.js.
    step(analyzer, dir, { 'lib/dep.js': "exports.url = '/from-file'\n" });
    step(analyzer, dir, { 'lib/dep.js': null });
  });

  it('keeps a module importing the fastify factory, still looked at for uncalled factories', () => {
    const dir = writeWorkspace('kept-factory', {
      'package.json': FASTIFY_PACKAGE,
      'build.ts': "import Fastify from 'fastify'\nexport function build () {\n  const app = Fastify()\n  app.get('/built', async () => 1)\n  return app\n}\n",
      'types.ts': "import type { FastifyInstance } from 'fastify'\nexport const mount = (f: FastifyInstance) => f.get('/typed', async () => 1)\n",
      'other.ts': 'export const x = 1\n',
    });
    const analyzer = editing(dir);
    const stats = step(analyzer, dir, { 'other.ts': 'export const x = 2\n' });
    assert.ok(stats.keptModules! >= 2, 'build.ts and types.ts kept');
  });
});
