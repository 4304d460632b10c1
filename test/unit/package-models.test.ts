import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, Context, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { PACKAGE_MODELS, packageModel } from '../../src/core/packages';
import { writeWorkspace } from '../support/temp-workspace';

/**
 * Each package model against the real package: every case registers the same packages with the
 * same options on a fresh fastify 5 instance (one child process for all, never listening) and in a
 * generated workspace the analyser reads; decorators, hooks and routes (with where they land: the
 * registering context or one below it) must be the same.
 */
interface Case {
  id: string;
  registers: { pkg: string; export?: string; opts?: string }[];
  stub?: 'mysql2';
}

const CASES: Case[] = [
  { id: 'sensible', registers: [{ pkg: '@fastify/sensible' }] },
  { id: 'jwt', registers: [{ pkg: '@fastify/jwt', opts: "{ secret: 'x' }" }] },
  { id: 'jwt namespace', registers: [{ pkg: '@fastify/jwt', opts: "{ secret: 'x', namespace: 'security', decoratorName: 'account', jwtSign: 'signIt' }" }] },
  { id: 'cookie', registers: [{ pkg: '@fastify/cookie' }] },
  { id: 'cookie secret, preHandler hook', registers: [{ pkg: '@fastify/cookie', opts: "{ secret: 's', hook: 'preHandler' }" }] },
  { id: 'session', registers: [{ pkg: '@fastify/cookie' }, { pkg: '@fastify/session', opts: "{ secret: 'a-secret-with-at-least-32-characters!!' }" }] },
  { id: 'secure-session', registers: [{ pkg: '@fastify/secure-session', opts: "{ secret: 'averylogphrasebiggerthanthirtytwochars', salt: 'mq9hDxBVDbspDR6n' }" }] },
  { id: 'cors', registers: [{ pkg: '@fastify/cors' }] },
  { id: 'cors preflight false, preHandler', registers: [{ pkg: '@fastify/cors', opts: "{ preflight: false, hook: 'preHandler' }" }] },
  { id: 'static', registers: [{ pkg: '@fastify/static', opts: "{ root: '/tmp', prefix: '/public/' }" }] },
  { id: 'static default prefix', registers: [{ pkg: '@fastify/static', opts: "{ root: '/tmp' }" }] },
  { id: 'static redirect', registers: [{ pkg: '@fastify/static', opts: "{ root: '/tmp', prefix: '/assets', redirect: true }" }] },
  { id: 'static serve false', registers: [{ pkg: '@fastify/static', opts: "{ root: '/tmp', serve: false }" }] },
  { id: 'swagger + swagger-ui', registers: [{ pkg: '@fastify/swagger' }, { pkg: '@fastify/swagger-ui', opts: "{ routePrefix: '/docs' }" }] },
  { id: 'swagger-ui default prefix', registers: [{ pkg: '@fastify/swagger' }, { pkg: '@fastify/swagger-ui' }] },
  { id: 'multipart', registers: [{ pkg: '@fastify/multipart' }] },
  { id: 'multipart attachFieldsToBody', registers: [{ pkg: '@fastify/multipart', opts: "{ attachFieldsToBody: true, sharedSchemaId: '#mySharedSchema' }" }] },
  { id: 'formbody', registers: [{ pkg: '@fastify/formbody' }] },
  { id: 'helmet', registers: [{ pkg: '@fastify/helmet' }] },
  { id: 'rate-limit', registers: [{ pkg: '@fastify/rate-limit' }] },
  { id: 'env', registers: [{ pkg: '@fastify/env', opts: "{ schema: { type: 'object', properties: { PORT: { type: 'string', default: '3000' } } } }" }] },
  { id: 'env confKey', registers: [{ pkg: '@fastify/env', opts: "{ confKey: 'settings', schema: { type: 'object' } }" }] },
  { id: 'postgres', registers: [{ pkg: '@fastify/postgres', opts: "{ connectionString: 'postgres://localhost/x' }" }] },
  { id: 'mysql (mysql2 pool stubbed)', stub: 'mysql2', registers: [{ pkg: '@fastify/mysql', opts: "{ connectionString: 'mysql://root@localhost/x' }" }] },
  { id: 'mongodb (a client given)', registers: [{ pkg: '@fastify/mongodb', opts: '{ client: { db: () => ({}) }, database: "x" }' }] },
  { id: 'redis (a ready client given)', registers: [{ pkg: '@fastify/redis', opts: "{ client: { status: 'ready', quit: async () => {} } }" }] },
  { id: 'auth', registers: [{ pkg: '@fastify/auth' }] },
  { id: 'websocket', registers: [{ pkg: '@fastify/websocket' }] },
  { id: 'under-pressure', registers: [{ pkg: '@fastify/under-pressure' }] },
  { id: 'under-pressure status route', registers: [{ pkg: '@fastify/under-pressure', opts: "{ exposeStatusRoute: '/alive' }" }] },
  { id: 'compress', registers: [{ pkg: '@fastify/compress' }] },
  { id: 'etag', registers: [{ pkg: '@fastify/etag' }] },
  { id: 'awilix', registers: [{ pkg: '@fastify/awilix', export: 'fastifyAwilixPlugin' }] },
  { id: 'view', registers: [{ pkg: '@fastify/view', opts: '{ engine: { ejs: {} } }' }] },
  { id: 'view propertyName', registers: [{ pkg: '@fastify/view', opts: "{ engine: { ejs: {} }, propertyName: 'render' }" }] },
  { id: 'accepts', registers: [{ pkg: '@fastify/accepts' }] },
  { id: 'accepts decorateReply', registers: [{ pkg: '@fastify/accepts', opts: '{ decorateReply: true }' }] },
  { id: 'circuit-breaker', registers: [{ pkg: '@fastify/circuit-breaker' }] },
  { id: 'caching', registers: [{ pkg: '@fastify/caching' }] },
  { id: 'caching privacy', registers: [{ pkg: '@fastify/caching', opts: "{ privacy: 'private', expiresIn: 300 }" }] },
  { id: 'fastify-metrics', registers: [{ pkg: 'fastify-metrics', opts: "{ endpoint: '/metrics', clearRegisterOnInit: true }" }] },
];

interface Seen {
  decorators: string[];
  hooks: string[];
  routes: string[];
}
interface Booted {
  id: string;
  error?: string;
  decorators: { target: string; name: string; where: string }[];
  hooks: { name: string; where: string }[];
  routes: { method: string; url: string; where: string }[];
}

const ROOT = path.join(__dirname, '..', '..');

function bootAll(): Promise<Map<string, Seen>> {
  const file = path.join(ROOT, 'test', '.tmp', 'package-model-cases.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(CASES));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'test', 'support', 'boot-packages.mjs'), file], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`booting the packages failed: ${stderr || err.message}`));
      const out = new Map<string, Seen>();
      for (const b of JSON.parse(stdout.trim().split('\n').pop()!) as Booted[]) {
        if (b.error) {
          out.set(b.id, { decorators: [`boot error: ${b.error}`], hooks: [], routes: [] });
          continue;
        }
        out.set(b.id, {
          // Symbol-keyed decorators are the package's internals, not names an app can use.
          decorators: b.decorators.filter((d) => !d.name.startsWith('Symbol(')).map((d) => `${d.target}.${d.name}@${d.where}`).sort(),
          hooks: b.hooks.map((h) => `${h.name}@${h.where}`).sort(),
          routes: b.routes.map((r) => `${r.method} ${r.url}@${r.where}`),
        });
      }
      resolve(out);
    });
  });
}

function analyseCase(c: Case): { graph: WorkspaceGraph; app: AppGraph; seen: Seen } {
  const deps = Object.fromEntries([['fastify', '^5.0.0'], ...c.registers.map((r) => [r.pkg, '*'])]);
  const lines = ["const fastify = require('fastify')", 'const app = fastify()'];
  for (const r of c.registers) lines.push(`app.register(require('${r.pkg}')${r.export ? `.${r.export}` : ''}, ${r.opts ?? '{}'})`);
  lines.push('module.exports = app');
  const dir = writeWorkspace(`package-model-${c.id.replace(/\W+/g, '-')}`, { 'package.json': JSON.stringify({ name: 'pm', dependencies: deps }), 'app.js': lines.join('\n') + '\n' });
  const graph = analyzeWorkspace(dir, createNodeHost());
  const app = graph.apps[0];
  const decorators: string[] = [];
  const hooks: string[] = [];
  const walk = (ctx: Context, where: string) => {
    for (const d of ctx.decorators) decorators.push(`${d.target}.${d.name}@${where}`);
    for (const h of ctx.hooks) hooks.push(`${h.name}@${where}`);
    for (const ch of ctx.children) walk(ch, 'child');
  };
  walk(app.root, 'root');
  const routes: string[] = [];
  for (const r of app.routes) for (const m of r.methods) routes.push(`${m} ${r.url}@${r.contextId === app.root.id ? 'root' : 'child'}`);
  return { graph, app, seen: { decorators: decorators.sort(), hooks: hooks.sort(), routes } };
}

describe('package models equal the real packages (booted with fastify 5)', function () {
  this.timeout(60_000);
  let booted: Map<string, Seen>;
  before(async () => {
    booted = await bootAll();
  });

  for (const c of CASES) {
    it(c.id, () => {
      const real = booted.get(c.id);
      assert.ok(real, `no boot result for ${c.id}`);
      const { graph, app, seen } = analyseCase(c);
      assert.deepEqual(seen.decorators, real.decorators, 'decorators (target.name@context)');
      assert.deepEqual(seen.hooks, real.hooks, 'hooks (name@context)');
      assert.deepEqual(seen.routes, real.routes, 'routes in onRoute order');
      for (const r of app.routes) assert.equal(r.package, r.package ? c.registers.find((x) => x.pkg === r.package)?.pkg : undefined);
      assert.ok(app.routes.every((r) => r.package), 'every route is marked as from its package');
      assert.deepEqual(graph.unresolved.filter((u) => /not analysed|internal error/.test(u.reason)), []);
    });
  }
});

describe('package models: names, unknown options', () => {
  it('the Fastify 3 era unscoped names map to the models of their scoped packages', () => {
    const pairs: [string, string][] = [
      ['fastify-jwt', '@fastify/jwt'], ['fastify-cookie', '@fastify/cookie'],
      ['fastify-session', '@fastify/session'], ['fastify-secure-session', '@fastify/secure-session'],
      ['fastify-static', '@fastify/static'], ['fastify-multipart', '@fastify/multipart'], ['fastify-formbody', '@fastify/formbody'],
      ['fastify-helmet', '@fastify/helmet'], ['fastify-rate-limit', '@fastify/rate-limit'], ['fastify-env', '@fastify/env'],
      ['fastify-postgres', '@fastify/postgres'], ['fastify-mysql', '@fastify/mysql'], ['fastify-mongodb', '@fastify/mongodb'],
      ['fastify-redis', '@fastify/redis'], ['fastify-auth', '@fastify/auth'], ['fastify-websocket', '@fastify/websocket'],
      ['under-pressure', '@fastify/under-pressure'], ['fastify-compress', '@fastify/compress'], ['fastify-etag', '@fastify/etag'],
      ['fastify-awilix', '@fastify/awilix'], ['point-of-view', '@fastify/view'], ['fastify-accepts', '@fastify/accepts'],
      ['fastify-circuit-breaker', '@fastify/circuit-breaker'], ['fastify-caching', '@fastify/caching'],
    ];
    for (const [old, scoped] of pairs) assert.equal(packageModel(old), packageModel(scoped), old);
    assert.ok(packageModel('fastify-swagger') && packageModel('fastify-swagger') !== packageModel('@fastify/swagger'), 'fastify-swagger 4 has its own model (exposeRoute)');
    // Checked by booting test/fixtures/v3-app with the real packages.
    assert.ok(packageModel('fastify-cors') && packageModel('fastify-cors') !== packageModel('@fastify/cors'), 'fastify-cors 6 has its own model (no hook option)');
    assert.ok(packageModel('fastify-sensible') && packageModel('fastify-sensible') !== packageModel('@fastify/sensible'), 'fastify-sensible 3 has its own model (http-errors 1.x)');
    assert.equal(new Set(PACKAGE_MODELS.flatMap((m) => m.names)).size, PACKAGE_MODELS.flatMap((m) => m.names).length, 'no name in two models');
  });

  it('fastify-swagger 4 with exposeRoute: the documentation routes under routePrefix', () => {
    const dir = writeWorkspace('package-model-swagger4', {
      'package.json': JSON.stringify({ dependencies: { fastify: '^3.29.0', 'fastify-swagger': '^4.17.0' } }),
      'app.js': "const app = require('fastify')()\napp.register(require('fastify-swagger'), { exposeRoute: true, routePrefix: '/docs' })\n",
    });
    const app = analyzeWorkspace(dir, createNodeHost()).apps[0];
    const urls = app.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`);
    assert.deepEqual(urls, ['GET /docs', 'GET /docs/uiConfig', 'GET /docs/initOAuth', 'GET /docs/json', 'GET /docs/yaml', 'GET /docs/*', 'HEAD /docs/static/*', 'GET /docs/static/*']);
  });

  it('an option that changes a URL and is not known statically makes the URL partly unknown', () => {
    const dir = writeWorkspace('package-model-unknown-prefix', {
      'package.json': JSON.stringify({ dependencies: { fastify: '^5.0.0', '@fastify/static': '*', '@fastify/env': '*' } }),
      'app.js': "const app = require('fastify')()\napp.register(require('@fastify/static'), { root: '/tmp', prefix: process.env.STATIC_PREFIX })\napp.register(require('@fastify/env'), { confKey: process.env.KEY })\n",
    });
    const g = analyzeWorkspace(dir, createNodeHost());
    const routes = g.apps[0].routes;
    assert.ok(routes.length > 0 && routes.every((r) => !r.urlKnown && r.url.includes('{?}')), JSON.stringify(routes.map((r) => r.url)));
    assert.ok(g.unresolved.some((u) => /@fastify\/env: a instance decorator's name is not known statically/.test(u.reason)), JSON.stringify(g.unresolved));
  });

  it('fastify-autoload (Fastify 3 era name) loads folders like @fastify/autoload', () => {
    const dir = writeWorkspace('package-model-fastify-autoload', {
      'package.json': JSON.stringify({ dependencies: { fastify: '^3.29.0', 'fastify-autoload': '^3.13.0' } }),
      'app.js': "const path = require('path')\nconst app = require('fastify')()\napp.register(require('fastify-autoload'), { dir: path.join(__dirname, 'routes') })\n",
      'routes/users/index.js': "module.exports = async function (app) { app.get('/', async () => []) }\n",
    });
    const app = analyzeWorkspace(dir, createNodeHost()).apps[0];
    assert.deepEqual(app.routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/users']);
  });
});
