import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

describe('incremental updates', () => {
  it('takes one changed file and re-parses only that file', () => {
    const dir = writeWorkspace('incremental', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./users'), { prefix: '/users' })\napp.register(require('./items'), { prefix: '/items' })\n",
      'users.js': "module.exports = async function (f) { f.get('/', async () => []) }\n",
      'items.js': "module.exports = async function (f) { f.get('/', async () => []) }\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    const first = analyzer.analyze();
    assertNoInternalError(first);
    assert.deepEqual(first.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/users', '/items']);
    const parsedBefore = analyzer.parseCount;
    assert.equal(parsedBefore, 3);

    const users = path.join(dir, 'users.js');
    const next = analyzer.update(users, "module.exports = async function (f) {\n  f.get('/', async () => [])\n  f.delete('/:id', async () => null)\n}\n");
    assert.equal(analyzer.parseCount, parsedBefore + 1, 'only the changed file was parsed again');
    assertNoInternalError(next);
    const routes = next.apps[0].routes.filter((r) => !r.implicitHead);
    assert.deepEqual(routes.map((r) => `${r.methods[0]} ${r.url}`), ['GET /users', 'DELETE /users/:id', 'GET /items']);
    assert.equal(routes[1].span.line, 3);
  });

  it('takes a change given by a relative path, from the current directory as the root is', () => {
    const dir = writeWorkspace('incremental-relative', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.get('/a', async () => 1)\n",
    });
    const analyzer = new Analyzer(path.relative(process.cwd(), dir), createNodeHost());
    analyzer.analyze();
    const g = analyzer.update(path.relative(process.cwd(), path.join(dir, 'server.js')), "const app = require('fastify')()\napp.get('/b', async () => 1)\n");
    assert.deepEqual(g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/b']);
  });

  it('keeps the last good parts while a file is half typed', () => {
    const dir = writeWorkspace('incremental-typing', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.get('/a', async () => 1)\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    analyzer.analyze();
    const g = analyzer.update(path.join(dir, 'server.js'), "const app = require('fastify')()\napp.get('/a', async () => 1)\napp.get('/b', async (req, re");
    assert.deepEqual(g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/a', '/b']);
    assert.ok(g.unresolved.some((u) => u.reason.startsWith('syntax error')));
    assertNoInternalError(g);
  });

  it('adds a file the first scan did not know', () => {
    const dir = writeWorkspace('incremental-new-file', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./later'))\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    assert.equal(analyzer.analyze().apps[0].routes.length, 0);
    const g = analyzer.update(path.join(dir, 'later.js'), "module.exports = async (f) => { f.post('/later', async () => 1) }\n");
    assert.deepEqual(g.apps[0].routes.map((r) => r.url), ['/later']);
    assertNoInternalError(g);
  });
});
