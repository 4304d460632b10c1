import * as assert from 'node:assert/strict';
import { appJs, boot, check, shown, V4_PACKAGE } from '../support/rule-workspace';

const dups = (r: ReturnType<typeof check>) => shown(r.dir, r.findings.filter((f) => f.code === 'duplicate-route')).map((s) => s.split(' ')[2]);

describe('rules: duplicate-route with constraints and router options', () => {
  it('routes with different constraints, or one without, are not duplicates (and boot); equal constraints are', () => {
    const ok = check('dup-constraints-ok', {
      'app.js': appJs('fastify', [
        "app.get('/user', async () => 1)",
        "app.get('/user', { constraints: { version: '2.0.0' } }, async () => 2)",
        "app.get('/user', { constraints: { version: '3.0.0' } }, async () => 3)",
        "app.get('/host', async () => 1)",
        "app.get('/host', { handler: async () => 2, constraints: { host: /^bar.*/ } })",
        "app.get('/together', { constraints: { version: '1.0.1', host: 'foo.dev' } }, async () => 1)",
        "app.get('/together', { constraints: { version: '1.0.1', host: 'bar.dev' } }, async () => 1)",
        "app.get('/unknown', async () => 1)",
        "app.get('/unknown', { constraints: { version: process.env.V || '9.0.0' } }, async () => 1)",
      ]),
    });
    assert.deepEqual(dups(ok), []);
    assert.equal(boot(ok.dir), 'ok');
    const bad = check('dup-constraints-bad', {
      'app.js': appJs('fastify', [
        "app.get('/v', { constraints: { version: '1.0.0' } }, async () => 1)",
        "app.get('/v', { constraints: { version: '1.0.0' } }, async () => 2)",
      ]),
    });
    assert.deepEqual(dups(bad), ['app.js:5']);
    assert.equal(boot(bad.dir), 'FST_ERR_DUPLICATED_ROUTE');
  });

  it('Fastify 4: the `version` route option is a version constraint', () => {
    const r = check('dup-version-v4', { 'app.js': appJs('fastify4', ["app.get('/v', async () => 1)", "app.get('/v', { version: '1.0.0' }, async () => 2)"]) }, V4_PACKAGE);
    assert.deepEqual(dups(r), []);
    assert.equal(boot(r.dir), 'ok');
  });

  it('router options make slash and case forms one route: ignoreTrailingSlash, ignoreDuplicateSlashes, caseSensitive: false', () => {
    const cases: [string, string[]][] = [
      ['{ ignoreTrailingSlash: true }', ["app.get('/a', async () => 1)", "app.get('/a/', async () => 2)"]],
      ['{ routerOptions: { ignoreDuplicateSlashes: true } }', ["app.get('/a//b', async () => 1)", "app.get('/a/b', async () => 2)"]],
      ['{ caseSensitive: false }', ["app.get('/A', async () => 1)", "app.get('/a', async () => 2)"]],
    ];
    for (const [i, [options, body]] of cases.entries()) {
      const r = check(`dup-router-${i}`, { 'app.js': appJs('fastify', body, options) });
      assert.deepEqual(dups(r), ['app.js:5'], options);
      assert.equal(boot(r.dir), 'FST_ERR_DUPLICATED_ROUTE', options);
      // Without the option they are two routes.
      const plain = check(`dup-router-plain-${i}`, { 'app.js': appJs('fastify', body) });
      assert.deepEqual(dups(plain), [], `${options} off`);
      assert.equal(boot(plain.dir), 'ok', `${options} off`);
    }
  });
});
