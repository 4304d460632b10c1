import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, Route, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { RouteIndex, matchRoute, methodMatches, routeMatches, type RouterOptions } from '../../src/core/tests/route-match';
import { findTestCalls, isTestFile } from '../../src/core/tests/test-calls';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const DEFAULTS: RouterOptions = { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, caseSensitive: true };
const hole = (text = 'x') => ({ hole: text });

/** Asserts which of the requests the route serves and which it does not. */
function serves(route: string, yes: string[], no: string[], options: Partial<RouterOptions> = {}): void {
  const o = { ...DEFAULTS, ...options };
  for (const r of yes) assert.equal(routeMatches(route, r, o), true, `${route} should serve ${r}`);
  for (const r of no) assert.equal(routeMatches(route, r, o), false, `${route} should not serve ${r}`);
}

describe('test links: routeMatches (find-my-way rules)', () => {
  it('static parts match exactly, case-sensitively by default', () => {
    serves('/users', ['/users'], ['/user', '/users/x', '/Users', '/', '/usersx']);
    serves('/', ['/'], ['/a', '']);
  });

  it(':param takes one segment, up to the next /, and may be empty', () => {
    serves('/users/:id', ['/users/1', '/users/abc', '/users/'], ['/users', '/users/1/2']);
    serves('/users/:id/posts', ['/users/1/posts'], ['/users/1', '/users/1/posts/2']);
    serves('/files/img-:name', ['/files/img-a', '/files/img-'], ['/files/im', '/files/x-a']);
  });

  it(':a-:b and :a.:b are several parameters within a segment', () => {
    serves('/dates/:from-:to', ['/dates/2020-2021', '/dates/1-2-3'], ['/dates/2020', '/dates/2020/2021']);
    serves('/a/:name.:ext', ['/a/x.png', '/a/x.tar.gz'], ['/a/x', '/a/x/png']);
    serves('/a/:name.png', ['/a/x.png'], ['/a/x.jpg', '/a/x']);
  });

  it(':param(regex) tests the regex on the segment; a hole passes any regex', () => {
    serves('/orders/:id(^\\d+)', ['/orders/12', '/orders/0'], ['/orders/x1', '/orders/1x', '/orders/']);
    serves('/a/:x(\\d+).jpg', ['/a/1.jpg'], ['/a/z.jpg', '/a/1.png']);
    assert.equal(matchRoute('/orders/:id(^\\d+)', ['/orders/', hole()], DEFAULTS), 'possible');
    assert.equal(matchRoute('/orders/:id', ['/orders/', hole()], DEFAULTS), 'certain');
  });

  it('an optional last parameter also serves the path without it', () => {
    serves('/posts/:slug?', ['/posts', '/posts/hello', '/posts/'], ['/post', '/posts/a/b']);
    serves('/:lang?', ['/', '/en'], ['/en/x']);
  });

  it('* takes the rest of the path, empty included', () => {
    serves('/files/*', ['/files/', '/files/a', '/files/a/b/c.txt'], ['/files', '/file/a']);
    serves('*', ['/', '/anything/at/all'], []);
    serves('/files/*/x', [], ['/files/a/x'], {}); // find-my-way rejects a wildcard before the end
  });

  it(':: is a literal colon', () => {
    serves('/c::d', ['/c:d'], ['/c::d', '/cd']);
    serves('/name::verb/:id', ['/name:verb/1'], ['/name/1']);
  });

  it('caseSensitive: false folds static parts, not regex text', () => {
    serves('/Mixed/Case', ['/mixed/case', '/MIXED/CASE', '/Mixed/Case'], ['/mixed/other'], { caseSensitive: false });
    serves('/Mixed/Case', ['/Mixed/Case'], ['/mixed/case'], { caseSensitive: true });
    serves('/a/:x.PNG', ['/a/x.PNG'], ['/a/x.png'], { caseSensitive: false });
  });

  it('ignoreTrailingSlash trims the last slash of both; otherwise it counts', () => {
    serves('/t', ['/t'], ['/t/']);
    serves('/t/', ['/t/'], ['/t']);
    serves('/t', ['/t', '/t/'], [], { ignoreTrailingSlash: true });
    serves('/t/', ['/t', '/t/'], [], { ignoreTrailingSlash: true });
    // The request's slash goes before the wildcard can take the empty rest.
    serves('/files/*', ['/files/a'], ['/files/'], { ignoreTrailingSlash: true });
  });

  it('ignoreDuplicateSlashes collapses // in both', () => {
    serves('/a/b', ['/a/b'], ['//a//b', '/a//b']);
    serves('/a/b', ['//a//b', '/a//b'], [], { ignoreDuplicateSlashes: true });
    serves('/dup//slash', ['/dup/slash'], [], { ignoreDuplicateSlashes: true });
  });

  it('holes match one or more characters within a segment', () => {
    assert.equal(matchRoute('/users/:id', ['/users/', hole()], DEFAULTS), 'certain');
    assert.equal(matchRoute('/users/me', ['/users/', hole()], DEFAULTS), 'possible');
    assert.equal(matchRoute('/users/', ['/users/', hole()], DEFAULTS), undefined, 'a hole is never empty');
    assert.equal(matchRoute('/users/:id/posts', ['/users/', hole(), '/posts'], DEFAULTS), 'certain');
    assert.equal(matchRoute('/users/a/b', ['/users/', hole()], DEFAULTS), undefined, 'a hole holds no /');
    assert.equal(matchRoute('/files/*', ['/files/', hole(), '/', hole('y')], DEFAULTS), 'certain');
    assert.equal(matchRoute('/img-:n', ['/', hole()], DEFAULTS), 'possible');
  });

  it('methods: the route lists the method, or ALL covers it; HEAD only through HEAD routes', () => {
    assert.equal(methodMatches(['GET'], 'GET', 5), true);
    assert.equal(methodMatches(['GET', 'POST'], 'POST', 5), true);
    assert.equal(methodMatches(['GET'], 'HEAD', 5), false);
    assert.equal(methodMatches(['ALL'], 'DELETE', 5), true);
    assert.equal(methodMatches(['ALL'], 'QUERY', 5), true);
    assert.equal(methodMatches(['ALL'], 'QUERY', 4), false, 'Fastify 4 all() has no QUERY');
  });
});

describe('test links: the most specific route wins', () => {
  const route = (id: number, url: string, methods = ['GET'], extra: Partial<Route> = {}): Route =>
    ({ id, methods, url, alsoServes: [], urlKnown: true, ...extra }) as Route;
  const app = (routes: Route[], options: Partial<RouterOptions> = {}): AppGraph =>
    ({ id: 'app.js:1', fastifyMajor: 5, serverOptions: { ...DEFAULTS, exposeHeadRoutes: true, ...options }, routes }) as AppGraph;
  const select = (a: AppGraph, method: string, ...parts: (string | { hole: string })[]) => new RouteIndex().select({ method, parts }, a).map((r) => r.url);

  const a = app([
    route(0, '/users/:id'),
    route(1, '/users/me'),
    route(2, '/users/*'),
    route(3, '/users/:id(^\\d+)'),
    route(4, '/users/:id', ['DELETE']),
    route(5, '/users', ['GET'], { alsoServes: ['/users/'] }),
    route(6, '/users', ['HEAD'], { implicitHead: true }),
    route(7, '/{?}/x', ['GET'], { urlKnown: false }),
    route(8, '/users/me/*'),
  ]);

  it('static before parametric before wildcard, regex nodes before plain ones', () => {
    assert.deepEqual(select(a, 'GET', '/users/me'), ['/users/me']);
    assert.deepEqual(select(a, 'GET', '/users/12'), ['/users/:id(^\\d+)']);
    assert.deepEqual(select(a, 'GET', '/users/abc'), ['/users/:id']);
    assert.deepEqual(select(a, 'GET', '/users/abc/def'), ['/users/*']);
    assert.deepEqual(select(a, 'GET', '/users/me/x'), ['/users/me/*']);
    // The static branch fails, the router backtracks to the parameter.
    assert.deepEqual(select(a, 'GET', '/users/mex'), ['/users/:id']);
  });

  it('filters by method, serves alsoServes URLs, skips routes with unknown URLs', () => {
    assert.deepEqual(select(a, 'DELETE', '/users/me'), ['/users/:id']);
    assert.deepEqual(select(a, 'GET', '/users/'), ['/users']);
    assert.deepEqual(select(a, 'HEAD', '/users'), ['/users']);
    assert.deepEqual(select(a, 'HEAD', '/users/me'), []);
    assert.deepEqual(select(a, 'POST', '/users'), []);
    assert.deepEqual(select(a, 'GET', '/anything/x'), []);
  });

  it('a hole keeps every route it may reach; only certain matches hide others', () => {
    assert.deepEqual(select(a, 'GET', '/users/', { hole: 'id' }), ['/users/:id', '/users/me', '/users/:id(^\\d+)']);
    assert.deepEqual(select(a, 'GET', '/users/', { hole: 'id' }, '/', { hole: 'x' }), ['/users/*', '/users/me/*']);
  });

  it('links per app, with the app id and the per-app route id', () => {
    const b = { ...app([route(0, '/users/:id')]), id: 'other.js:3' };
    assert.deepEqual(new RouteIndex().link({ method: 'GET', parts: ['/users/me'] }, [a, b]), [
      { app: 'app.js:1', routeId: 1 },
      { app: 'other.js:3', routeId: 0 },
    ]);
  });

  it('uses the app router options', () => {
    const ci = app([route(0, '/Users/Me'), route(1, '/users/:id')], { caseSensitive: false, ignoreTrailingSlash: true });
    assert.deepEqual(select(ci, 'GET', '/users/me/'), ['/Users/Me']);
  });
});

describe('test links: findTestCalls', () => {
  const calls = (text: string, file = '/w/test/a.test.ts') =>
    findTestCalls(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS), file).map((c) => `${c.via} ${c.method} ${c.url}`);

  it('inject with options: url or path, method defaulting to GET, any case', () => {
    assert.deepEqual(
      calls(`
        await app.inject({ method: 'POST', url: '/users' })
        await fastify.inject({ method: 'delete', path: '/users/1' })
        await t.context.app.inject({ url: '/ping', headers: {} })
        await app.inject({ method: 'GET', url: { pathname: '/files/a', query: { x: '1' } } })
      `),
      ['inject POST /users', 'inject DELETE /users/1', 'inject GET /ping', 'inject GET /files/a'],
    );
  });

  it('inject with a string is a GET', () => {
    assert.deepEqual(calls(`app.inject('/ping'); app.inject(\`/pong\`)`), ['inject GET /ping', 'inject GET /pong']);
  });

  it("light-my-request's chain, with chain methods before and after", () => {
    assert.deepEqual(
      calls(`
        await app.inject().get('/x')
        await app.inject().post('/y').headers({ a: '1' }).payload({}).end()
        await app.inject({ headers: {} }).headers({}).delete('/z')
      `),
      ['inject-chain GET /x', 'inject-chain POST /y', 'inject-chain DELETE /z'],
    );
  });

  it('supertest, imported or required under any name, and clients kept in variables', () => {
    assert.deepEqual(
      calls(`
        import request from 'supertest'
        await request(app.server).get('/a').expect(200)
        await request(app).post('/b').send({})
        const api = request(app.server)
        await api.del('/c')
        await request.agent(app.server).put('/d')
      `),
      ['supertest GET /a', 'supertest POST /b', 'supertest DELETE /c', 'supertest PUT /d'],
    );
    assert.deepEqual(calls(`const supertest = require('supertest'); supertest(app.server).patch('/e')`), ['supertest PATCH /e']);
    assert.deepEqual(calls(`import * as st from 'supertest'; st(app.server).head('/f')`), ['supertest HEAD /f']);
    assert.deepEqual(calls(`const { agent } = require('supertest'); agent(app.server).get('/g')`), ['supertest GET /g']);
  });

  it('does not take other libraries for supertest', () => {
    assert.deepEqual(calls(`import request from 'undici'; request(app.server).get('/a'); http.get('/b'); axios.get('/c')`), []);
  });

  it('URLs: templates and concatenations become holes, consts are followed, query and hash go', () => {
    assert.deepEqual(
      calls(`
        const BASE = '/api'
        const id = 42
        app.inject(\`/users/\${user.id}/posts\`)
        app.inject('/users/' + user.id)
        app.inject(BASE + '/items/' + id)
        app.inject(\`\${BASE}/x\`)
        app.inject('/search?q=1#top')
        app.inject({ url: \`/q/\${a}\${b}?x=\${c}\` })
        app.inject('http://localhost:3000/abs?x')
      `),
      ['inject GET /users/{…}/posts', 'inject GET /users/{…}', 'inject GET /api/items/42', 'inject GET /api/x', 'inject GET /search', 'inject GET /q/{…}', 'inject GET /abs'],
    );
  });

  it('keeps the parts and the span of the call', () => {
    const text = `test('x', async () => {\n  const res = await app.inject().get('/users/' + id).end()\n})`;
    const [c] = findTestCalls(ts.createSourceFile('/w/a.test.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS), '/w/a.test.js');
    assert.deepEqual(c.parts, ['/users/', { hole: 'id' }]);
    assert.equal(text.slice(c.span.start, c.span.end), "app.inject().get('/users/' + id)");
    assert.equal(c.span.line, 2);
    assert.equal(c.span.file, '/w/a.test.js');
  });

  it('skips what it cannot know', () => {
    assert.deepEqual(
      calls(`
        app.inject(url)
        app.inject({ method, url: '/a' })
        app.inject({ ...opts, url: '/b' })
        app.inject(\`\${base}/c\`)
        app.inject({ method: 'GET' })
        app.inject('relative')
        TestBed.inject(Service)
        app.inject()
        let changing = '/d'; app.inject(changing)
        app.inject(1 + 2)
      `),
      [],
    );
  });

  it('never throws on broken source', () => {
    assert.doesNotThrow(() => calls(`app.inject({ method: 'POST', url: '/users' ,,, ) request(\`/\${`));
  });

  it('isTestFile is the rule roots.ts uses', () => {
    assert.equal(isTestFile('test/app.test.js'), true);
    assert.equal(isTestFile('src/users.spec.ts'), true);
    assert.equal(isTestFile('__tests__/x.js'), true);
    assert.equal(isTestFile('src/app.js'), false);
    assert.equal(isTestFile('src/testing.js'), false);
  });
});

describe('test links: the test-links fixture end to end', () => {
  let graph: WorkspaceGraph;
  let dir: string;
  before(() => {
    dir = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'test-links'));
    graph = analyzeWorkspace(dir, createNodeHost());
  });

  const describeCalls = () =>
    graph.testCalls.map((c) => {
      const targets = c.routes.map((t) => {
        const r = graph.apps.find((a) => a.id === t.app)!.routes.find((x) => x.id === t.routeId)!;
        return `${r.methods.join(',')} ${r.url}`;
      });
      return `${path.relative(dir, c.span.file)}:${c.span.line} ${c.method} ${c.url} -> ${targets.join(' | ') || 'nothing'}`;
    });

  it('links every call of the test files to the route it hits', () => {
    assert.equal(graph.apps.length, 1, 'test files make no apps');
    assert.deepEqual(describeCalls(), [
      'test/esm.test.mjs:8 GET /users/ -> GET /users',
      'test/esm.test.mjs:9 PUT /users/1 -> nothing',
      'test/inject.test.js:12 POST /users -> POST /users',
      'test/inject.test.js:13 GET /users/me -> GET /users/me',
      'test/inject.test.js:14 GET /users/42 -> GET /users/:id',
      'test/inject.test.js:15 GET /users/{…} -> GET /users/me | GET /users/:id',
      'test/inject.test.js:16 GET /users/{…}/posts -> GET /users/:id/posts',
      'test/inject.test.js:17 DELETE /users/{…} -> DELETE /users/:id',
      'test/inject.test.js:18 GET /files/a/b.txt -> GET /files/*',
      'test/inject.test.js:19 HEAD /ping -> HEAD /ping',
      'test/inject.test.js:20 GET /nowhere -> nothing',
      'test/inject.test.js:25 GET /ping -> GET /ping',
      'test/inject.test.js:26 POST /users -> POST /users',
      'test/inject.test.js:27 DELETE /users/7 -> DELETE /users/:id',
      'test/supertest.test.js:10 GET /files/ -> GET /files/*',
      'test/supertest.test.js:11 GET /orders/12 -> GET /orders/:id(^\\d+)',
      'test/supertest.test.js:12 GET /orders/abc -> nothing',
      'test/supertest.test.js:14 GET /posts -> GET /posts/:slug?',
      'test/supertest.test.js:15 GET /posts/hello -> GET /posts/:slug?',
      'test/supertest.test.js:16 GET /dates/2020-2021 -> GET /dates/:from-:to',
      'test/supertest.test.js:17 DELETE /any -> ALL /any',
    ]);
  });

  it('the HEAD call links to the implicit HEAD route', () => {
    const head = graph.testCalls.find((c) => c.method === 'HEAD')!;
    const r = graph.apps[0].routes.find((x) => x.id === head.routes[0].routeId)!;
    assert.equal(r.implicitHead, true);
  });

  it('spans cover the call in the test file', () => {
    const c = graph.testCalls.find((x) => x.via === 'inject-chain')!;
    assert.equal(fs.readFileSync(c.span.file, 'utf8').slice(c.span.start, c.span.end), "app.inject().get('/ping')");
  });

  it('links a test file only to the apps of its own project', () => {
    // Two projects: the test of `b` must not link to `a`'s route.
    const root = writeWorkspace('test-links-projects', {
      'a/package.json': FASTIFY_PACKAGE,
      'a/server.js': `const app = require('fastify')(); app.get('/x', async () => 1)`,
      'b/package.json': FASTIFY_PACKAGE,
      'b/server.js': `const app = require('fastify')(); app.get('/y', async () => 1)`,
      'b/test/x.test.js': `app.inject('/x'); app.inject('/y')`,
    });
    const g = analyzeWorkspace(root, createNodeHost());
    assertNoInternalError(g);
    assert.deepEqual(
      g.testCalls.map((c) => `${c.url}:${c.routes.map((r) => r.app).join(',')}`),
      ['/x:', '/y:b/server.js:1'],
    );
  });

  it('no test files, no test calls', () => {
    const g = analyzeWorkspace(fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'prefix-rules')), createNodeHost());
    assert.deepEqual(g.testCalls, []);
  });
});
