import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoInternalError, CLI_ENV, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const BIN = path.join(__dirname, '..', '..', 'bin', 'fastify-lens.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: CLI_ENV });

describe('fastify-lens CLI (built bundle)', () => {
  let dir: string;
  before(() => {
    dir = writeWorkspace('cli', {
      'package.json': FASTIFY_PACKAGE,
      'src/server.js': [
        "const fastify = require('fastify')",
        'const app = fastify()',
        "app.register(require('./users'), { prefix: '/users' })",
        "app.all('/any', async () => 1)",
      ].join('\n'),
      'src/users.js': "module.exports = async function users (f) {\n  f.get('/:id', async () => ({}))\n  f.route({ method: ['POST', 'PUT'], url: '/', handler: async () => ({}) })\n}\n",
    });
  });

  it('routes --json: one entry per method with the file relative to the folder and a 1-based line', () => {
    const r = run('routes', dir, '--json');
    assert.equal(r.status, 0, r.stderr);
    const { routes } = JSON.parse(r.stdout);
    const short = routes.map((x: { method: string; url: string; file: string; line: number }) => `${x.method} ${x.url} ${x.file}:${x.line}`);
    assert.deepEqual(short, ['ALL /any src/server.js:4', 'GET /users/:id src/users.js:2', 'POST /users src/users.js:3', 'PUT /users src/users.js:3']);
  });

  it('routes: a readable table', () => {
    const r = run('routes', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^METHOD +URL +SOURCE$/m);
    assert.match(r.stdout, /^GET +\/users\/:id +src\/users\.js:2$/m);
    assert.match(r.stdout, /4 routes/);
  });

  it('graph: the context tree as text and as JSON', () => {
    const text = run('graph', dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^app src\/server\.js:2 \[instance, fastify 5\] fastify 5\.0\.0 \(range\), @fastify\/autoload 6\.0\.0 \(range\), fastify-plugin 5\.0\.0 \(range\)$/m);
    assert.match(text.stdout, /^ {4}plugin "users" prefix="\/users" src\/users\.js:1$/m);
    const json = JSON.parse(run('graph', dir, '--json').stdout);
    assertNoInternalError(json);
    assert.equal(json.apps[0].root.children[0].prefix, '/users');
  });

  it('routes: a route a modelled package adds is marked as from that package (table and --json)', () => {
    const ws = writeWorkspace('cli-package-routes', {
      'package.json': JSON.stringify({ name: 'p', dependencies: { fastify: '^5.0.0', '@fastify/cors': '^11.0.0' } }),
      'a.js': "const app = require('fastify')()\napp.get('/health', async () => 1)\napp.register(require('@fastify/cors'))\n",
    });
    const r = run('routes', ws);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^OPTIONS +\* +\(from @fastify\/cors\) +a\.js:3$/m);
    const { routes } = JSON.parse(run('routes', ws, '--json').stdout);
    assert.deepEqual(routes.filter((x: { package?: string }) => x.package).map((x: { method: string; url: string; package: string }) => `${x.method} ${x.url} ${x.package}`), ['OPTIONS * @fastify/cors']);
  });

  it('routes: an APP column when there are several apps, and the unresolved count with how to see it', () => {
    const multi = writeWorkspace('cli-multi', {
      'package.json': JSON.stringify({ name: 'm', dependencies: { fastify: '^5.0.0', '@fastify/http-proxy': '^11.0.0' } }),
      'a.js': "const app = require('fastify')()\napp.get('/health', async () => 1)\napp.register(require('@fastify/http-proxy').default)\n",
      'b.js': "const app = require('fastify')()\napp.get('/health', async () => 1)\n",
    });
    const r = run('routes', multi);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^APP +METHOD +URL +SOURCE$/m);
    assert.match(r.stdout, /^a\.js:1 +GET +\/health +a\.js:2$/m);
    assert.match(r.stdout, /^b\.js:1 +GET +\/health +b\.js:2$/m);
    assert.match(r.stdout, /2 routes; 1 unresolved entry \(code not followed\): `fastify-lens graph .*cli-multi` lists them\n$/);
    const { unresolved } = JSON.parse(run('routes', multi, '--json').stdout);
    assertNoInternalError({ unresolved });
    assert.deepEqual(unresolved, [{ file: 'a.js', line: 3, reason: "plugin from package '@fastify/http-proxy' is not analysed (its decorators, hooks and routes are not in the graph)" }]);
    assert.doesNotMatch(run('graph', multi).stdout, /\.default/, 'package plugins are named by their package');
  });

  it('before a build: a one-line hint instead of a stack trace', () => {
    const copy = writeWorkspace('cli-unbuilt', { 'bin/fastify-lens.js': fs.readFileSync(BIN, 'utf8') });
    const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'fastify-lens.js'), 'routes'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^fastify-lens: not built yet: run `npm run build` in .* first\n$/);
  });

  it('bad arguments and unreadable folders: a clear message, a non-zero exit, no stack trace', () => {
    for (const args of [[], ['nope'], ['routes', '--bogus'], ['routes', path.join(dir, 'missing')], ['routes', path.join(dir, 'package.json')]]) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^fastify-lens: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(run('--help').status, 0);
  });
});

describe('fastify-lens check (built bundle)', () => {
  it('text: file:line:col severity code message and a summary; exit 1 on an error-level finding', () => {
    const ws = writeWorkspace('cli-check', {
      'package.json': FASTIFY_PACKAGE,
      'src/app.js': "const app = require('fastify')()\napp.get('/a', async () => 1)\n  app.get('/a', async () => 2)\napp.addHook('onRequests', async () => {})\n",
    });
    const r = run('check', ws);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'src/app.js:3:7 error duplicate-route GET /a is already declared at line 2: Fastify throws FST_ERR_DUPLICATED_ROUTE at boot',
      "src/app.js:4:13 error unknown-hook Fastify 5 has no 'onRequests' hook: did you mean 'onRequest'? (addHook throws FST_ERR_HOOK_NOT_SUPPORTED)",
      '2 problems (2 errors)',
    ]);
    const j = run('check', ws, '--format', 'json');
    assert.equal(j.status, 1, j.stderr);
    const { diagnostics } = JSON.parse(j.stdout);
    assert.deepEqual(diagnostics.map((d: Record<string, unknown>) => Object.keys(d)), [['code', 'severity', 'message', 'file', 'line', 'column'], ['code', 'severity', 'message', 'file', 'line', 'column']]);
    assert.deepEqual(diagnostics.map((d: { code: string; file: string; line: number; column: number }) => `${d.code} ${d.file}:${d.line}:${d.column}`), ['duplicate-route src/app.js:3:7', 'unknown-hook src/app.js:4:13']);
  });

  it('exit 0 with no findings; 2 on bad usage', () => {
    const ws = writeWorkspace('cli-check-ok', { 'package.json': FASTIFY_PACKAGE, 'app.js': "const app = require('fastify')()\napp.get('/a', async () => 1)\n" });
    const r = run('check', ws);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'no problems found\n');
    assert.deepEqual(JSON.parse(run('check', ws, '--format=json').stdout), { diagnostics: [] });
    assert.equal(run('check', ws, '--format', 'xml').status, 2);
    assert.equal(run('check', ws, '--format').status, 2);
    assert.equal(run('routes', ws, '--format', 'json').status, 2);
    assert.match(run('--help').stdout, /check \[folder\]/);
  });
});
