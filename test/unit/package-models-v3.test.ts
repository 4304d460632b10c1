import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageModel } from '../../src/core/packages';
import { analysePackageCase, bootPackageCases, type PackageCase, type Seen } from '../support/package-boot';

/**
 * The Fastify 3 era unscoped names, each booted: the last release that supports Fastify 3 (a dev
 * dependency under its own name, pinned) registered on the real Fastify 3 line (the `fastify3`
 * alias linked as `fastify`), against what the analyser gives for a Fastify 3 project requiring
 * that name. `scoped`: the name shares that scoped package's model (the same object); else it has
 * its own model. Boots run in child processes, one per case, two at a time.
 */
interface V3Package {
  name: string;
  /** The release booted (the one installed under that name, pinned in package.json). */
  version: string;
  /** The scoped package it became. */
  scoped: string;
  /** It differs from the scoped package's model, so it has its own (else it shares that one). */
  own?: true;
  cases: (Omit<PackageCase, 'registers' | 'id'> & { id?: string; opts?: string; before?: PackageCase['registers']; export?: string })[];
}

const PACKAGES: V3Package[] = [
  { name: 'fastify-sensible', version: '3.2.0', scoped: '@fastify/sensible', own: true, cases: [{}] },
  { name: 'fastify-cors', version: '6.1.0', scoped: '@fastify/cors', own: true, cases: [{}, { id: 'preflight false', opts: "{ preflight: false, hook: 'preHandler' }" }] },
  { name: 'fastify-jwt', version: '4.2.0', scoped: '@fastify/jwt', own: true, cases: [{ opts: "{ secret: 'x' }" }, { id: 'namespace', opts: "{ secret: 'x', namespace: 'security', decoratorName: 'account', jwtSign: 'signIt' }" },
      { id: 'jwtDecode', opts: "{ secret: 'x', jwtDecode: 'decodeIt', jwtVerify: 'verifyIt' }" }, { id: 'namespace jwtDecode', opts: "{ secret: 'x', namespace: 'a', jwtDecode: 'decodeIt', jwtVerify: 'verifyIt' }" }] },
  { name: 'fastify-cookie', version: '5.7.0', scoped: '@fastify/cookie', own: true, cases: [{}, { id: 'secret', opts: "{ secret: 's' }" }] },
  { name: 'fastify-session', version: '5.2.1', scoped: '@fastify/session', own: true, cases: [{ before: [{ pkg: 'fastify-cookie' }], opts: "{ secret: 'a-secret-with-at-least-32-characters!!' }" }] },
  { name: 'fastify-secure-session', version: '3.2.0', scoped: '@fastify/secure-session', own: true, cases: [{ opts: "{ secret: 'averylogphrasebiggerthanthirtytwochars', salt: 'mq9hDxBVDbspDR6n' }" }] },
  {
    name: 'fastify-static', version: '4.7.0', scoped: '@fastify/static',
    cases: [{ opts: "{ root: '/tmp', prefix: '/public/' }" }, { id: 'default prefix', opts: "{ root: '/tmp' }" }, { id: 'redirect', opts: "{ root: '/tmp', prefix: '/assets', redirect: true }" }, { id: 'serve false', opts: "{ root: '/tmp', serve: false }" }],
  },
  { name: 'fastify-multipart', version: '5.4.0', scoped: '@fastify/multipart', own: true, cases: [{}, { id: 'attachFieldsToBody', opts: "{ attachFieldsToBody: true, sharedSchemaId: '#mySharedSchema' }" }, { id: 'addToBody', opts: '{ addToBody: true }' }] },
  { name: 'fastify-formbody', version: '5.3.0', scoped: '@fastify/formbody', cases: [{}] },
  { name: 'fastify-helmet', version: '7.1.0', scoped: '@fastify/helmet', cases: [{}] },
  { name: 'fastify-rate-limit', version: '5.9.0', scoped: '@fastify/rate-limit', own: true, cases: [{}] },
  {
    name: 'fastify-env', version: '2.2.0', scoped: '@fastify/env', own: true,
    cases: [{ opts: "{ schema: { type: 'object', properties: { PORT: { type: 'string', default: '3000' } } } }" }, { id: 'confKey', opts: "{ confKey: 'settings', schema: { type: 'object' } }" }],
  },
  { name: 'fastify-postgres', version: '3.7.0', scoped: '@fastify/postgres', cases: [{ opts: "{ connectionString: 'postgres://localhost/x' }" }] },
  { name: 'fastify-mysql', version: '2.2.0', scoped: '@fastify/mysql', cases: [{ id: 'mysql2 pool stubbed', stub: 'mysql2', opts: "{ connectionString: 'mysql://root@localhost/x' }" }] },
  { name: 'fastify-mongodb', version: '4.2.0', scoped: '@fastify/mongodb', cases: [{ id: 'a client given', opts: '{ client: { db: () => ({}) }, database: "x" }' }] },
  { name: 'fastify-redis', version: '4.4.0', scoped: '@fastify/redis', cases: [{ id: 'a ready client given', opts: "{ client: { status: 'ready', quit: async () => {} } }" }] },
  { name: 'fastify-auth', version: '1.2.0', scoped: '@fastify/auth', cases: [{}] },
  { name: 'fastify-websocket', version: '4.3.0', scoped: '@fastify/websocket', own: true, cases: [{}] },
  { name: 'under-pressure', version: '5.8.1', scoped: '@fastify/under-pressure', own: true, cases: [{}, { id: 'status route', opts: "{ exposeStatusRoute: '/alive' }" }] },
  { name: 'fastify-compress', version: '4.1.0', scoped: '@fastify/compress', cases: [{}] },
  { name: 'fastify-etag', version: '2.2.0', scoped: '@fastify/etag', cases: [{}] },
  { name: 'fastify-awilix', version: '1.2.0', scoped: '@fastify/awilix', own: true, cases: [{ export: 'fastifyAwilixPlugin' }, { id: 'no dispose', export: 'fastifyAwilixPlugin', opts: '{ disposeOnClose: false, disposeOnResponse: false }' }] },
  { name: 'point-of-view', version: '5.3.0', scoped: '@fastify/view', own: true, cases: [{ opts: '{ engine: { ejs: {} } }' }, { id: 'propertyName', opts: "{ engine: { ejs: {} }, propertyName: 'render' }" }] },
  { name: 'fastify-accepts', version: '2.3.0', scoped: '@fastify/accepts', cases: [{}, { id: 'decorateReply', opts: '{ decorateReply: true }' }] },
  { name: 'fastify-circuit-breaker', version: '1.2.0', scoped: '@fastify/circuit-breaker', cases: [{}] },
  { name: 'fastify-caching', version: '6.3.0', scoped: '@fastify/caching', own: true, cases: [{}, { id: 'privacy', opts: "{ privacy: 'private', expiresIn: 300 }" }] },
];

const CASES: PackageCase[] = PACKAGES.flatMap((p) =>
  p.cases.map((c) => ({
    id: `${p.name}${c.id ? ` ${c.id}` : ''}`,
    stub: c.stub,
    registers: [...(c.before ?? []), { pkg: p.name, export: c.export, opts: c.opts }],
  })),
);

const ROOT = path.join(__dirname, '..', '..');

describe('Fastify 3 era unscoped package models equal the real packages (booted with fastify 3)', function () {
  this.timeout(60_000);
  let booted: Map<string, Seen>;
  before(async () => {
    booted = await bootPackageCases(CASES, { fastify: 3, parallel: 2, perChild: 1 });
  });

  it('boots the releases the table names, on Fastify 3', () => {
    const version = (dir: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')) as { version: string }).version;
    for (const p of PACKAGES) assert.equal(version(p.name), p.version, p.name);
    assert.match(version('fastify3'), /^3\./);
  });

  for (const p of PACKAGES) {
    it(`${p.name} ${p.own ? 'has its own model' : `shares the ${p.scoped} model`}`, () => {
      const model = packageModel(p.name);
      assert.ok(model && packageModel(p.scoped), `no model for ${p.name} or ${p.scoped}`);
      if (p.own) assert.notEqual(model, packageModel(p.scoped));
      else assert.equal(model, packageModel(p.scoped));
    });
  }

  for (const c of CASES) {
    it(c.id, () => {
      const real = booted.get(c.id);
      assert.ok(real, `no boot result for ${c.id}`);
      const { graph, app, seen } = analysePackageCase(c, '^3.29.0');
      assert.deepEqual(seen.decorators, real.decorators, 'decorators (target.name@context)');
      assert.deepEqual(seen.hooks, real.hooks, 'hooks (name@context)');
      assert.deepEqual(seen.routes, real.routes, 'routes in onRoute order');
      assert.ok(app.routes.every((r) => r.package && c.registers.some((x) => x.pkg === r.package)), 'every route is marked as from its package');
      assert.deepEqual(graph.unresolved.filter((u) => /not analysed|internal error/.test(u.reason)), []);
    });
  }
});
