import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { PACKAGE_MODELS, packageModel } from '../../src/core/packages';
import { analysePackageCase, bootPackageCases, type PackageCase, type Seen } from '../support/package-boot';
import { writeWorkspace } from '../support/temp-workspace';

/**
 * Each package model against the real package: every case registers the same packages with the
 * same options on a fresh fastify 5 instance (one child process for all, never listening) and in a
 * generated workspace the analyser reads; decorators, hooks and routes (with where they land: the
 * registering context or one below it) must be the same.
 */
const CASES: PackageCase[] = [
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

describe('package models equal the real packages (booted with fastify 5)', function () {
  this.timeout(60_000);
  let booted: Map<string, Seen>;
  before(async () => {
    booted = await bootPackageCases(CASES, { fastify: 5 });
  });

  for (const c of CASES) {
    it(c.id, () => {
      const real = booted.get(c.id);
      assert.ok(real, `no boot result for ${c.id}`);
      const { graph, app, seen } = analysePackageCase(c, '^5.0.0');
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
  it('no name in two models for the same versions; fastify-swagger 4 has its own model', () => {
    // The other Fastify 3 era unscoped names: test/unit/package-models-v3.test.ts boots each.
    assert.ok(packageModel('fastify-swagger') && packageModel('fastify-swagger') !== packageModel('@fastify/swagger'), 'fastify-swagger 4 has its own model (exposeRoute)');
    // Models for older majors of a name carry `versions` (test/unit/package-versions.test.ts); one per name has none.
    const newest = PACKAGE_MODELS.filter((m) => m.versions === undefined).flatMap((m) => m.names);
    assert.equal(new Set(newest).size, newest.length, 'no name in two models without versions');
    assert.deepEqual([...new Set(PACKAGE_MODELS.flatMap((m) => m.names))].sort(), [...new Set(newest)].sort(), 'every name has a newest model');
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
