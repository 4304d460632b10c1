import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { fresh, step } from '../support/relink-step';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

// Plugin runs replayed from the previous link (src/core/link/replay/): after every change the graph
// must be the one a fresh analysis gives, whether runs were replayed, run again, or the link kept
// nothing replayable.

const route = (url: string) => `module.exports = async function (f) { f.get('${url}', async () => 1) }\n`;

/** Two plugins and a module-level registry: `b.js` registers a route per URL in it; `a` is a.js's text. */
function sharedRegistry(name: string, a: string): string {
  return writeWorkspace(name, {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
    'registry.js': 'module.exports = { urls: [] }\n',
    'a.js': a,
    'b.js': "const reg = require('./registry')\nmodule.exports = async function (f) { for (const u of reg.urls) f.get(u, async () => 1) }\n",
  });
}

/** Plugins a, b and c under their prefixes; c adds a hook and registers a plugin inside it. */
function threePlugins(name: string): string {
  return writeWorkspace(name, {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\napp.register(require('./b'), { prefix: '/b' })\napp.register(require('./c'), { prefix: '/c' })\n",
    'a.js': route('/x'),
    'b.js': route('/y'),
    'c.js': "module.exports = async function (f) {\n  f.addHook('onRequest', async () => {})\n  f.register(async function inner (g) { g.get('/z', async () => 1) })\n}\n",
  });
}

describe('plugin runs replayed across updates', () => {
  it('replays unchanged plugins and runs the edited one again', () => {
    const dir = threePlugins('replay-basic');
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.recorded, 3);
    // A route added to the first plugin: the two after it are replayed (their numbers are their own).
    let stats = step(analyzer, dir, { 'a.js': "module.exports = async function (f) { f.get('/x', async () => 1); f.post('/x2', async () => 1) }\n" });
    assert.equal(stats.replayed, 2);
    stats = step(analyzer, dir, { 'b.js': route('/y2') });
    assert.equal(stats.replayed, 2);
    // Nothing changed in the code a run read: all replay.
    stats = step(analyzer, dir, { 'server.js': "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\napp.register(require('./b'), { prefix: '/b' })\napp.register(require('./c'), { prefix: '/c' })\n" });
    assert.equal(stats.replayed, 3);
    // The options (the prefix) of one registration changed: that run again, the others replayed (their register calls did not move).
    stats = step(analyzer, dir, { 'server.js': "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\napp.register(require('./b'), { prefix: '/q' })\napp.register(require('./c'), { prefix: '/c' })\n" });
    assert.equal(stats.replayed, 2);
  });

  it('keeps the objects of a run whose numbers did not move (they are local to its context), and a run whose context id moved as this link made it', () => {
    // c registered by w: when w's context id moves, c's run is put back with the ids under it moved.
    const dir = writeWorkspace('replay-moved-kept', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\napp.register(require('./b'), { prefix: '/b' })\napp.register(require('./w'))\n",
      'a.js': route('/x'),
      'b.js': route('/y'),
      'w.js': "module.exports = async function plugin (f) { f.register(require('./c'), { prefix: '/c' }) }\n",
      'c.js': "module.exports = async function (f) {\n  f.addHook('onRequest', async () => {})\n  f.register(async function inner (g) { g.get('/z', async () => 1) })\n}\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    const before = analyzer.analyze();
    const z = (g: typeof before) => g.apps[0].routes.find((r) => r.url === '/c/z')!;
    const inner = (g: typeof before) => g.apps[0].root.children.at(-1)!.children[0].children[0];
    const write = (rel: string, text: string) => {
      writeFileSync(path.join(dir, rel), text);
      return analyzer.applyChanges([{ file: path.join(dir, rel) }]);
    };
    // A route added to the first plugin moves no number of c's run: its objects are put back as they were.
    const added = write('a.js', "module.exports = async function (f) { f.get('/x', async () => 1); f.post('/x2', async () => 1) }\n");
    assert.equal(JSON.stringify(added), fresh(dir));
    assert.equal(z(added), z(before), 'the same route object');
    assert.equal(inner(added), inner(before), 'the same context object');
    // A plugin of w's name and prefix registered before it: w's context is now the second of them (its id
    // `~1`), so c's run inside it is put back as copies with the new ids.
    write('d.js', "module.exports = async function plugin (f) { f.get('/w', async () => 1) }\n");
    const movedGraph = write('server.js', "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\napp.register(require('./b'), { prefix: '/b' })\napp.register(require('./d'))\napp.register(require('./w'))\n");
    assert.equal(JSON.stringify(movedGraph), fresh(dir));
    assert.notEqual(z(movedGraph), z(before));
    assert.match(z(movedGraph).contextId, /^0\.[^.]+~1\.[^.]+\.[^.]+$/);
    assert.equal(z(movedGraph).handlerSpan, z(before).handlerSpan, 'a copy shares what it does not renumber');
    // b edited without moving anything after it: c's run puts back the objects of the graph before.
    const next = write('b.js', route('/y2'));
    assert.equal(JSON.stringify(next), fresh(dir));
    assert.equal(analyzer.replayStats.replayed, 3, 'a, d and w');
    assert.equal(z(next), z(movedGraph), 'the same route object');
    assert.equal(inner(next), inner(movedGraph), 'the same context object (the inner run\'s)');
    assert.equal(inner(next).hooks, inner(movedGraph).hooks);
  });

  it('does not record a run that declares a route on an instance from outside it (its context would miss the route on a replay)', () => {
    const dir = writeWorkspace('replay-outer-route', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(async function a (f) { app.get('/leak', async () => 1); f.get('/in', async () => 1) })\napp.register(require('./b'))\n",
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    const first = analyzer.analyze();
    assert.deepEqual(first.apps[0].root.routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/leak'], 'the route is the root context\'s');
    assert.equal(analyzer.replayStats.notRecorded['a route declared outside its context'], 1);
    const stats = step(analyzer, dir, { 'b.js': route('/b2') });
    assert.equal(stats.replayed, 0, 'a runs again (b was edited)');
  });

  it('a plugin that lists a folder while it boots replays while the folder lists the same, and runs again when it does not (no change reported)', () => {
    const dir = writeWorkspace('replay-live-fs', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./pages'))\napp.register(require('./b'))\n",
      // A route per file of public/ (not a source folder: the editor's watcher never reports it).
      'pages.js': "const fs = require('node:fs')\nconst path = require('node:path')\nmodule.exports = async function (f) {\n  const dir = path.join(__dirname, 'public')\n  if (!fs.existsSync(dir)) return\n  for (const name of fs.readdirSync(dir)) f.get('/' + name, async () => name)\n}\n",
      'public/a.html': '<p>a</p>',
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.recorded, 2);
    assert.equal(analyzer.replayStats.unsound, undefined, 'reads inside a plugin run are its inputs, not a reason to replay nothing');
    let stats = step(analyzer, dir, { 'b.js': route('/b2') });
    assert.equal(stats.replayed, 1, 'the listing plugin replays: public/ lists the same');
    // A page added behind the analyser's back, then an unrelated edit: the listing differs, so it runs again.
    writeFileSync(path.join(dir, 'public', 'c.html'), '<p>c</p>');
    stats = step(analyzer, dir, { 'b.js': route('/b3') });
    assert.equal(stats.replayed, 0, 'the listing plugin runs again');
    rmSync(path.join(dir, 'public'), { recursive: true });
    stats = step(analyzer, dir, { 'b.js': route('/b4') });
    assert.equal(stats.replayed, 0, 'public/ is gone: existsSync answers otherwise');
    stats = step(analyzer, dir, { 'b.js': route('/b5') });
    assert.equal(stats.replayed, 1);
  });

  it('reads of the live file system outside every plugin run: the next link replays only if each is answered the same', () => {
    const dir = writeWorkspace('replay-live-fs-top', {
      'package.json': FASTIFY_PACKAGE,
      // The listing reaches a plugin through a module binding, not through its options (which are in the run's key).
      'names.js': "const fs = require('node:fs')\nmodule.exports = fs.readdirSync(__dirname + '/public')\n",
      'server.js': "const app = require('fastify')()\napp.register(require('./pages'))\napp.register(require('./b'))\n",
      'pages.js': "const names = require('./names')\nmodule.exports = async function (f) { for (const n of names) f.get('/' + n, async () => n) }\n",
      'public/a.html': '<p>a</p>',
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.unsound, undefined);
    let stats = step(analyzer, dir, { 'b.js': route('/b2') });
    assert.equal(stats.replayed, 1, 'public/ lists the same: the pages plugin replays');
    writeFileSync(path.join(dir, 'public', 'c.html'), '<p>c</p>');
    stats = step(analyzer, dir, { 'b.js': route('/b3') });
    assert.equal(stats.replayed, 0, 'public/ lists otherwise: nothing replays');
    stats = step(analyzer, dir, { 'b.js': route('/b4') });
    assert.equal(stats.replayed, 1);
  });

  it("fastify-plugin's marks set by another module's top level: replays, and runs again the plugins that read them when that module changes", () => {
    const marks = (on: boolean) => `const fp = require('fastify-plugin')\n${on ? "fp(require('./lib'))" : "require('./lib')"}\n`;
    const dir = writeWorkspace('replay-fp-elsewhere', {
      'package.json': FASTIFY_PACKAGE,
      'lib.js': "module.exports = async function shared (f) { f.decorate('x', 1) }\n",
      // Marks lib's function at its top level, without registering it.
      'marks.js': marks(true),
      'server.js': "require('./marks')\nconst app = require('fastify')()\napp.register(require('./outer'))\napp.register(require('./b'))\n",
      // Registers lib: skip-override puts the decorator on outer's own context.
      'outer.js': "module.exports = async function outer (f) { f.register(require('./lib')); f.get('/x', async () => 1) }\n",
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.unsound, undefined, 'not a foreign write');
    let stats = step(analyzer, dir, { 'b.js': route('/b2') });
    assert.equal(stats.replayed, 1, 'outer replays');
    // marks.js no longer marks lib: the link sets other marks than the one before, so it is done
    // again without replay (outer read the marks; the graph equals a fresh one: step checks).
    stats = step(analyzer, dir, { 'marks.js': marks(false) });
    assert.equal(stats.replayed, 0);
    stats = step(analyzer, dir, { 'b.js': route('/b3') });
    assert.equal(stats.replayed, 1, 'and replays again once the marks are as in the link before');
    stats = step(analyzer, dir, { 'marks.js': marks(true) });
    assert.equal(stats.replayed, 0);
  });

  it("autoload's skip-override marks set by root code: replays, and runs again the plugins that read them when the autoload's options change", () => {
    const app = (encapsulate: boolean) => `const path = require('node:path')\nmodule.exports = async function (f) { f.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'plugins'), encapsulate: ${encapsulate} }) }\n`;
    const dir = writeWorkspace('replay-autoload-marks-root', {
      'package.json': FASTIFY_PACKAGE,
      // The app is wrapped in fastify-plugin: its autoload runs in root code, outside every plugin run.
      'server.js': "const fp = require('fastify-plugin')\nconst app = require('fastify')()\napp.register(fp(require('./app')))\napp.register(require('./other'))\napp.register(require('./b'))\n",
      'app.js': app(false),
      'plugins/deco.js': "module.exports = async function deco (f) { f.decorate('x', 1) }\n",
      // Registers deco itself: with autoload's mark the decorator lands on other's own context.
      'other.js': "module.exports = async function other (f) { f.register(require('./plugins/deco')); f.get('/o', async () => 1) }\n",
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.unsound, undefined, 'not a foreign write');
    let stats = step(analyzer, dir, { 'b.js': route('/b2') });
    assert.ok(stats.replayed >= 1, 'other replays');
    // The autoload no longer marks its plugins, then again: other reads deco's marks, so those
    // links are done again without replay (step checks the graph).
    stats = step(analyzer, dir, { 'app.js': app(true) });
    stats = step(analyzer, dir, { 'app.js': app(false) });
    assert.equal(stats.replayed, 0);
    stats = step(analyzer, dir, { 'b.js': route('/b3') });
    assert.ok(stats.replayed >= 1);
  });

  it('runs again a plugin whose imported module changed, and one whose decorator read changed', () => {
    const dir = writeWorkspace('replay-deps', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./env'))\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'env.js': "const fp = require('fastify-plugin')\nmodule.exports = fp(async function (f) { f.register(require('@fastify/env'), { schema: { type: 'object', properties: { BASE: { type: 'string', default: '/v1' } } } }) })\n",
      'paths.js': "exports.A = '/a'\n",
      'a.js': "const { A } = require('./paths')\nmodule.exports = async function (f) { f.get(A, async () => 1) }\n",
      'b.js': "module.exports = async function (f) { f.get(f.config.BASE + '/b', async () => 1) }\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    let stats = step(analyzer, dir, { 'paths.js': "exports.A = '/a-renamed'\n" });
    assert.ok(stats.replayed <= 1, 'the plugin importing the changed module ran again');
    stats = step(analyzer, dir, { 'env.js': "const fp = require('fastify-plugin')\nmodule.exports = fp(async function (f) { f.register(require('@fastify/env'), { schema: { type: 'object', properties: { BASE: { type: 'string', default: '/v2' } } } }) })\n" });
    assert.equal(stats.replayed, 1, 'only the plugin that did not read the decorator replays');
    // The config is the same again as in the link before: the plugin that read it replays.
    stats = step(analyzer, dir, { 'paths.js': "exports.A = '/a-again'\n" });
    assert.equal(stats.replayed, 1, 'the plugin reading fastify.config replays');
  });

  it('keeps nothing replayable when a plugin writes module state another plugin reads', () => {
    const dir = sharedRegistry('replay-shared-state', "const reg = require('./registry')\nmodule.exports = async function (f) { reg.urls.push('/from-a'); f.get('/a', async () => 1) }\n");
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.ok(analyzer.replayStats.unsound, 'the write to the shared registry is seen');
    const stats = step(analyzer, dir, { 'a.js': "const reg = require('./registry')\nmodule.exports = async function (f) { reg.urls.push('/from-a2'); f.get('/a', async () => 1) }\n" });
    assert.equal(stats.replayed, 0);
  });

  it('sees every kind of write to state made outside the plugin (the write barrier)', () => {
    const writes = [
      "reg.urls.push('/x')",
      "reg.urls.unshift('/x')",
      'reg.urls.sort()',
      'reg.urls.reverse()',
      "reg.extra = '/x'",
      "reg['extra'] = '/x'",
      "Object.assign(reg, { extra: '/x' })",
      "reg.map.set('k', '/x')",
      "reg.set.add('/x')",
      "reg.map.delete('k')",
      'reg.map.clear()',
      'reg.bump()',
    ];
    for (const [i, write] of writes.entries()) {
      const dir = writeWorkspace(`replay-barrier-${i}`, {
        'package.json': FASTIFY_PACKAGE,
        'server.js': "const app = require('fastify')()\napp.register(require('./a'))\n",
        'registry.js': "let count = 0\nmodule.exports = { urls: ['/b', '/a'], map: new Map([['k', 'v']]), set: new Set(), bump () { count++ } }\n",
        'a.js': `const reg = require('./registry')\nmodule.exports = async function (f) { ${write}; f.get('/a', async () => 1) }\n`,
      });
      const analyzer = new Analyzer(dir, createNodeHost());
      analyzer.analyze();
      assert.ok(analyzer.replayStats.unsound, `${write}: seen as a foreign write`);
    }
    // Writes to what the plugin made itself are its own.
    const dir = writeWorkspace('replay-barrier-own', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\n",
      'a.js': "module.exports = async function (f) { const urls = ['/b']; urls.push('/a'); const o = {}; o.x = 1; let n = 0; n++; for (const u of urls) f.get(u, async () => n) }\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.unsound, undefined);
    assert.equal(analyzer.replayStats.recorded, 1);
  });

  it('runs again when a re-run plugin writes shared state after runs were replayed', () => {
    const dir = sharedRegistry('replay-late-write', "module.exports = async function (f) { f.get('/a', async () => 1) }\n");
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    assert.equal(analyzer.replayStats.unsound, undefined);
    // a.js now writes the registry b.js reads: b's recorded run is stale; the link starts over.
    const stats = step(analyzer, dir, { 'a.js': "const reg = require('./registry')\nmodule.exports = async function (f) { reg.urls.push('/late'); f.get('/a', async () => 1) }\n" });
    assert.equal(stats.relinked ?? false, false, 'the write came before any replay');
    const b = step(analyzer, dir, { 'a.js': "const reg = require('./registry')\nmodule.exports = async function (f) { reg.urls.push('/later'); f.get('/a', async () => 1) }\n" });
    assert.equal(b.replayed, 0);
  });

  it('runs again a plugin whose implicit HEAD route depends on a route declared before it', () => {
    const server = (head: boolean) => `const app = require('fastify')()\n${head ? "app.head('/p/x', async () => 1)\n" : ''}app.register(require('./p'), { prefix: '/p' })\napp.register(require('./q'), { prefix: '/q' })\n`;
    const dir = writeWorkspace('replay-head', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': server(true),
      'p.js': route('/x'),
      'q.js': route('/y'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    // The explicit HEAD goes: p's GET /p/x now gets Fastify's implicit HEAD, so p runs again.
    const stats = step(analyzer, dir, { 'server.js': server(false) });
    assert.ok(stats.replayed <= 1);
    step(analyzer, dir, { 'server.js': server(true) });
  });

  it("runs again a plugin whose own context changed while its options and code did not (its parent's prefix, its register call moved)", () => {
    const server = (prefix: string, blank: boolean) => `const app = require('fastify')()\n${blank ? '\n' : ''}app.register(require('./w'), { prefix: '${prefix}' })\n`;
    const dir = writeWorkspace('replay-own-context', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': server('/w', false),
      'w.js': "module.exports = async function (f) { f.register(require('./a'), { prefix: '/a' }) }\n",
      'a.js': "module.exports = async function (f) { f.get('/x', async () => 1); if (f.prefix === '/w/a') f.get('/only-under-w', async () => 1) }\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    // w's prefix changes: a's options and code are the same, its context's prefix is not.
    let stats = step(analyzer, dir, { 'server.js': server('/v', false) });
    assert.equal(stats.replayed, 0);
    // The register call of w moves down a line: w's context (its span) differs, so w runs again; a's context is the same.
    stats = step(analyzer, dir, { 'server.js': server('/v', true) });
    assert.equal(stats.replayed, 1);
    step(analyzer, dir, { 'server.js': server('/w', true) });
  });

  it('runs again a plugin that looked at an edited module without running its code (autoload)', () => {
    const dir = writeWorkspace('replay-autoload-export', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(async function root (f) {\n  f.register(require('@fastify/autoload'), { dir: require('node:path').join(__dirname, 'routes') })\n})\n",
      'routes/a.js': route('/a'),
      'routes/b.js': 'module.exports = 42\n',
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    step(analyzer, dir, { 'routes/b.js': route('/b') });
    step(analyzer, dir, { 'routes/b.js': 'module.exports = 42\n' });
    step(analyzer, dir, { 'routes/c.js': route('/c') });
    step(analyzer, dir, { 'routes/c.js': null });
  });

  it('runs again an autoload whose file, loaded before it ran, now exports what cannot be followed', () => {
    const root = path.join(__dirname, '..', 'fixtures', 'cli-autoload-ts');
    const file = path.join(root, 'src', 'routes', 'users', 'index.ts');
    const original = readFileSync(file, 'utf8');
    const analyzer = new Analyzer(root, createNodeHost());
    analyzer.analyze();
    for (const text of [original.replace(/export default users\s*$/, 'export default use\n'), original]) {
      const graph = JSON.stringify(analyzer.update(file, text));
      assert.equal(graph, JSON.stringify(new Analyzer(root, createNodeHost(new Map([[file, text]]))).analyze()));
    }
  });

  it("puts back autoload's skip-override mark on a function another registration reads later", () => {
    const dir = writeWorkspace('replay-autohooks-mark', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': [
        "const app = require('fastify')()",
        "app.register(require('./load-routes'))",
        // The same hooks function registered again: autoload marked it skip-override, so no new context.
        "app.register(require('./routes/autohooks'))",
        "app.register(require('./other'))",
        '',
      ].join('\n'),
      'load-routes.js': "const path = require('node:path')\nmodule.exports = async function routes (f) { f.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'routes'), autoHooks: true }) }\n",
      'routes/autohooks.js': "module.exports = async function hooks (f) { f.addHook('onRequest', async () => {}) }\n",
      'routes/items.js': route('/items'),
      'other.js': route('/other'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    const stats = step(analyzer, dir, { 'other.js': route('/other2') });
    assert.equal(stats.replayed, 1, 'the run that loads the folder replayed (its inner run with it)');
  });

  it('says a once-per-analysis note where a fresh analysis says it, when the plugin that said it first changes', () => {
    const reads = (url: string) => `module.exports = async function (f) { f.get(process.env.PREFIX + '${url}', async () => 1) }\n`;
    const dir = writeWorkspace('replay-once-notes', {
      'package.json': FASTIFY_PACKAGE,
      '.env.example': 'PREFIX=/p\n',
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'a.js': reads('/a'),
      'b.js': reads('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    // a.js no longer reads PREFIX: b.js says the note now (its own span), so b runs again.
    step(analyzer, dir, { 'a.js': route('/a') });
    step(analyzer, dir, { 'a.js': reads('/a') });
  });

  it('runs again a plugin that would now register one of its ancestors (a register cycle)', () => {
    const server = (first: string) => `const app = require('fastify')()\napp.register(require('./${first}'), { top: true })\n`;
    const dir = writeWorkspace('replay-cycle', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': server('a'),
      'a.js': "module.exports = async function a (f) { f.register(require('./p')) }\n",
      // g registers p only at the top; r registers g, which then does nothing.
      'g.js': "module.exports = async function g (f, o) { if (o.top) f.register(require('./p')) }\n",
      'p.js': "module.exports = async function p (f) { f.register(require('./r')) }\n",
      'r.js': "module.exports = async function r (f) { f.get('/r', async () => 1); f.register(require('./g')) }\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    // Now g is above r: r registering g is a cycle Fastify's loader stops, which r's record did not meet.
    step(analyzer, dir, { 'server.js': server('g') });
    step(analyzer, dir, { 'server.js': server('a') });
  });

  it('checks module resolutions again when files come and go', () => {
    const dir = writeWorkspace('replay-resolution', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'lib/index.js': "exports.URL = '/from-index'\n",
      'a.js': "module.exports = async function (f) { f.get(require('./lib').URL, async () => 1) }\n",
      'b.js': route('/b'),
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    // ./lib.js now wins over ./lib/index.js for require('./lib').
    step(analyzer, dir, { 'lib.js': "exports.URL = '/from-file'\n" });
    step(analyzer, dir, { 'lib.js': null });
  });

  it('gives the graph of a fresh analysis for every fixture, replayed', () => {
    const fixtures = path.join(__dirname, '..', 'fixtures');
    let replayed = 0;
    for (const name of readdirSync(fixtures)) {
      const dir = path.join(fixtures, name);
      const analyzer = new Analyzer(dir, createNodeHost());
      const first = JSON.stringify(analyzer.analyze());
      // A change that changes nothing: every recorded run may replay.
      const package_ = path.join(dir, 'package.json');
      const again = JSON.stringify(analyzer.applyChanges([{ file: package_.replace(/package\.json$/, 'nothing-here.js') }]));
      assert.equal(again, first, name);
      replayed += analyzer.replayStats.replayed;
    }
    assert.ok(replayed > 20, `runs were replayed (${replayed})`);
  });
});
