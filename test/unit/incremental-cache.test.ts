import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { Host } from '../../src/core/host';
import type { Context, Hook, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { CachedHost } from '../../src/core/workspace/cached-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

/** A node Host that records every path it is asked about. */
function countingHost(): { host: Host; reads: string[] } {
  const base = createNodeHost();
  const reads: string[] = [];
  const host: Host = {
    readFile: (p) => (reads.push(`readFile ${p}`), base.readFile(p)),
    readDirectory: (p) => (reads.push(`readDirectory ${p}`), base.readDirectory(p)),
    stat: (p) => (reads.push(`stat ${p}`), base.stat(p)),
    realpath: (p) => (reads.push(`realpath ${p}`), base.realpath(p)),
  };
  return { host, reads };
}

const plain = (g: WorkspaceGraph) => JSON.parse(JSON.stringify(g));
const urls = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => r.url));

/** The incremental graph equals a fresh analysis of the same disk. */
function assertEqualsFresh(dir: string, g: WorkspaceGraph): void {
  assertNoInternalError(g);
  assert.deepEqual(plain(g), plain(new Analyzer(dir, createNodeHost()).analyze()));
}

describe('incremental updates: disk reads cached across updates', () => {
  it('CachedHost answers from memory until a path is invalidated, then reads that path and the folders above it again', () => {
    const dir = writeWorkspace('cached-host', { 'a/b/one.js': '1', 'a/two.js': '2' });
    const { host, reads } = countingHost();
    const cached = new CachedHost(host);
    const one = path.join(dir, 'a/b/one.js');
    for (let i = 0; i < 2; i++) {
      assert.equal(cached.readFile(one), '1');
      assert.equal(cached.stat(path.join(dir, 'a/b/missing.js')), undefined);
      assert.deepEqual(cached.readDirectory(path.join(dir, 'a'))?.map((e) => e.name), ['b', 'two.js']);
    }
    assert.equal(reads.length, 3, 'each question asked of the disk once');

    // A file created in a new folder: the folder above it is listed again.
    fs.mkdirSync(path.join(dir, 'a/c'));
    fs.writeFileSync(path.join(dir, 'a/c/three.js'), '3');
    fs.writeFileSync(one, 'one');
    assert.equal(cached.readFile(one), '1', 'not reported yet: still the remembered text');
    cached.invalidate([path.join(dir, 'a/c/three.js'), one]);
    assert.equal(cached.readFile(one), 'one');
    assert.deepEqual(cached.readDirectory(path.join(dir, 'a'))?.map((e) => e.name), ['b', 'c', 'two.js']);
    assert.equal(cached.stat(path.join(dir, 'a/b/missing.js')), undefined);
    assert.ok(!reads.slice(3).includes(`stat ${path.join(dir, 'a/b/missing.js')}`), 'an untouched miss stays remembered');

    // A folder deleted: what was remembered under it is forgotten.
    fs.rmSync(path.join(dir, 'a/b'), { recursive: true });
    cached.invalidate([path.join(dir, 'a/b')]);
    assert.equal(cached.readFile(one), undefined);
    assert.deepEqual(cached.readDirectory(path.join(dir, 'a'))?.map((e) => e.name), ['c', 'two.js']);
  });

  it('CachedHost forgets everything on a change once a link was seen (a file may have two names)', () => {
    const dir = writeWorkspace('cached-host-link', { 'real/x.js': 'x1' });
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'alias'));
    const cached = new CachedHost(createNodeHost());
    const viaAlias = path.join(dir, 'alias/x.js');
    assert.equal(cached.readFile(viaAlias), 'x1');
    cached.readDirectory(dir);
    fs.writeFileSync(path.join(dir, 'real/x.js'), 'x2');
    cached.invalidate([path.join(dir, 'real/x.js')]);
    assert.equal(cached.readFile(viaAlias), 'x2');
  });

  it('an update reads from disk only the changed file and the folders above it', () => {
    const dir = writeWorkspace('incremental-reads', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./routes/users'), { prefix: '/users' })\napp.register(require('./routes/items'), { prefix: '/items' })\n",
      'routes/users.js': "module.exports = async function (f) { f.get('/', async () => []) }\n",
      'routes/items.js': "const schema = require('./item.json')\nmodule.exports = async function (f) { f.get('/', { schema }, async () => []) }\n",
      'routes/item.json': '{ "response": { "200": { "type": "array" } } }',
    });
    const { host, reads } = countingHost();
    const analyzer = new Analyzer(dir, host);
    analyzer.analyze();
    const before = reads.length;
    const users = path.join(dir, 'routes/users.js');
    const text = "module.exports = async function (f) { f.get('/', async () => []); f.get('/:id', async () => null) }\n";
    fs.writeFileSync(users, text);
    const g = analyzer.update(users, text);
    const again = reads.slice(before);
    const touched = again.map((r) => r.slice(r.indexOf(' ') + 1)).filter((p) => p !== users && !users.startsWith(p + '/'));
    assert.deepEqual(touched, [], `read again: ${again.join(', ')}`);
    assert.deepEqual(urls(g), ['/users', '/users/:id', '/items']);
    assertEqualsFresh(dir, g);
  });

  it('files created, deleted and changed on disk are seen once reported: a JSON module, a file in a new folder, a deleted file', () => {
    const dir = writeWorkspace('incremental-disk', {
      'package.json': FASTIFY_PACKAGE,
      'app.js': "module.exports = async function (f) { f.register(require('@fastify/autoload'), { dir: require('path').join(__dirname, 'routes') }) }\n",
      'routes/a.js': "const cfg = require('../config.json')\nmodule.exports = async function (f) { f.get(cfg.path, async () => 1) }\n",
      'routes/b.js': "module.exports = async function (f) { f.get('/b', async () => 1) }\n",
      'config.json': '{ "path": "/first" }',
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    assert.deepEqual(urls(analyzer.analyze()), ['/first', '/b']);

    fs.writeFileSync(path.join(dir, 'config.json'), '{ "path": "/second" }');
    let g = analyzer.applyChanges([{ file: path.join(dir, 'config.json') }]);
    assert.deepEqual(urls(g), ['/second', '/b']);
    assertEqualsFresh(dir, g);

    const created = path.join(dir, 'routes/deep/er/c.js');
    fs.mkdirSync(path.dirname(created), { recursive: true });
    fs.writeFileSync(created, "module.exports = async function (f) { f.get('/c', async () => 1) }\n");
    g = analyzer.applyChanges([{ file: created }]);
    assert.deepEqual(urls(g), ['/second', '/b', '/deep/er/c']);
    assertEqualsFresh(dir, g);

    fs.unlinkSync(path.join(dir, 'routes/b.js'));
    g = analyzer.applyChanges([{ file: path.join(dir, 'routes/b.js') }]);
    assert.deepEqual(urls(g), ['/second', '/deep/er/c']);
    assertEqualsFresh(dir, g);

    fs.rmSync(path.join(dir, 'routes/deep'), { recursive: true });
    g = analyzer.rescan();
    assert.deepEqual(urls(g), ['/second']);
    assertEqualsFresh(dir, g);
  });

  it("what the app itself lists with fs is read live: a file no watcher reports still shows at the next update", () => {
    const dir = writeWorkspace('incremental-app-fs', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': [
        "const fs = require('node:fs')",
        "const path = require('node:path')",
        "const app = require('fastify')()",
        "for (const name of fs.readdirSync(path.join(__dirname, 'pages'))) app.get('/' + name, async () => name)",
        '',
      ].join('\n'),
      'pages/one.html': '<p>1</p>',
      'other.js': 'module.exports = 1\n',
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    assert.deepEqual(urls(analyzer.analyze()), ['/one.html']);
    fs.writeFileSync(path.join(dir, 'pages/two.html'), '<p>2</p>');
    const g = analyzer.update(path.join(dir, 'other.js'), 'module.exports = 2\n');
    assert.deepEqual(urls(g), ['/one.html', '/two.html']);
    assertEqualsFresh(dir, g);
  });
});

describe('incremental updates: per-file facts kept across updates', () => {
  it("an unchanged file's handler and hook facts and test calls are reused; the changed file's are read again", () => {
    const dir = writeWorkspace('incremental-facts', {
      'package.json': FASTIFY_PACKAGE,
      'app.js': "const fastify = require('fastify')\nmodule.exports = function build () { const app = fastify(); app.register(require('./users')); app.register(require('./items')); return app }\n",
      'users.js': "module.exports = async function (f) { f.addHook('onRequest', async (request) => { request.log.info('u') }); f.get('/users', async (request) => request.query) }\n",
      'items.js': "module.exports = async function (f) { f.get('/items', async (request, reply) => reply.send([])) }\n",
      'test/users.test.js': "const build = require('../app')\nit('lists', async () => { await build().inject('/users') })\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    const first = analyzer.analyze();
    const route = (g: WorkspaceGraph, url: string) => g.apps[0].routes.find((r) => r.url === url && !r.implicitHead)!;
    const hooks = (c: Context): Hook[] => [...c.hooks, ...c.children.flatMap(hooks)];
    const hook = (g: WorkspaceGraph) => hooks(g.apps[0].root).find((h) => h.name === 'onRequest')!;
    assert.ok(route(first, '/users').body && hook(first).body && first.testCalls.length === 1);

    const items = path.join(dir, 'items.js');
    const text = "module.exports = async function (f) { f.get('/items', async (request, reply) => { reply.send([]); return 1 }) }\n";
    fs.writeFileSync(items, text);
    const next = analyzer.update(items, text);
    assert.equal(route(next, '/users').body, route(first, '/users').body, 'the same facts object: not walked again');
    assert.equal(hook(next).body, hook(first).body);
    assert.notEqual(route(next, '/items').body, route(first, '/items').body);
    assert.equal(route(next, '/items').body?.returnsAfterSend.length, 1, "the changed handler's facts are its new ones");
    assert.equal(next.testCalls[0].span, first.testCalls[0].span, 'the test file was not searched again');
    assertEqualsFresh(dir, next);
  });
});
