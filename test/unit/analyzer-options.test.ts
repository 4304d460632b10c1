import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const urls = (g: WorkspaceGraph) => (assertNoInternalError(g), g).apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join('|')} ${r.url}`));

describe('analyzer options the extension sets', () => {
  it('excludeGlobs: matching files and folders do not exist for the scan, autoload or resolution', () => {
    const root = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'cli-autoload-js'));
    const all = urls(new Analyzer(root, createNodeHost()).analyze());
    const some = urls(new Analyzer(root, createNodeHost(), { excludeGlobs: ['routes/users/**'] }).analyze());
    assert.ok(all.includes('GET /users/settings'));
    assert.deepEqual(some, all.filter((u) => !u.includes('/users')));
  });

  it('entries: an extra entry file is loaded as a root plugin, as fastify start would', () => {
    const root = writeWorkspace('extra-entry', {
      'package.json': FASTIFY_PACKAGE,
      'boot/start-here.js': "module.exports = async function (app) { app.get('/from-entry', async () => 1) }\n",
    });
    assert.deepEqual(urls(new Analyzer(root, createNodeHost()).analyze()), []);
    assert.deepEqual(urls(new Analyzer(root, createNodeHost(), { entries: [path.join(root, 'boot/start-here.js')] }).analyze()), ['GET /from-entry']);
    const outside = new Analyzer(root, createNodeHost(), { entries: ['/nowhere/x.js'] }).analyze();
    assert.ok(outside.unresolved.some((u) => u.reason.startsWith('extra entry file is not inside a folder with a package.json')));
  });

  it('applyChanges: several unsaved edits make one new graph; text undefined reads the disk again', () => {
    const root = writeWorkspace('apply-changes', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'), { prefix: '/b' })\n",
      'a.js': "module.exports = async (f) => { f.get('/a', async () => 1) }\n",
      'b.js': "module.exports = async (f) => { f.get('/x', async () => 1) }\n",
    });
    const an = new Analyzer(root, createNodeHost());
    assert.deepEqual(urls(an.analyze()), ['GET /a', 'GET /b/x']);
    const edited = an.applyChanges([
      { file: path.join(root, 'a.js'), text: "module.exports = async (f) => { f.post('/a2', async () => 1) }\n" },
      { file: path.join(root, 'b.js'), text: "module.exports = async (f) => { f.get('/y', async () => 1) }\n" },
    ]);
    assert.deepEqual(urls(edited), ['POST /a2', 'GET /b/y']);
    assert.deepEqual(urls(an.applyChanges([{ file: path.join(root, 'a.js') }])), ['GET /a', 'GET /b/y'], 'a.js reverted to its saved text');
  });

  it('applyChanges: a file deleted from disk or created on disk rescans', () => {
    const root = writeWorkspace('apply-changes-files', {
      'package.json': FASTIFY_PACKAGE,
      'app.js': "const AutoLoad = require('@fastify/autoload')\nconst path = require('node:path')\nmodule.exports = async function (f, opts) { f.register(AutoLoad, { dir: path.join(__dirname, 'routes') }) }\n",
      'routes/one/index.js': "module.exports = async (f) => { f.get('/', async () => 1) }\n",
    });
    const an = new Analyzer(root, createNodeHost());
    assert.deepEqual(urls(an.analyze()), ['GET /one']);
    const two = path.join(root, 'routes', 'two', 'index.js');
    fs.mkdirSync(path.dirname(two));
    fs.writeFileSync(two, "module.exports = async (f) => { f.get('/', async () => 2) }\n");
    assert.deepEqual(urls(an.applyChanges([{ file: two }])), ['GET /one', 'GET /two']);
    assert.ok(an.lineStarts(two), 'the new file was parsed');
    fs.rmSync(two);
    assert.deepEqual(urls(an.applyChanges([{ file: two }])), ['GET /one']);
  });
});
