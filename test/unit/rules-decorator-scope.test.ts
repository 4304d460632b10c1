import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { wrapWithFastifyPlugin } from '../../src/core/fixes/wrap-fastify-plugin';
import { instanceMemberReads } from '../../src/core/link/decorator-uses';
import type { WorkspaceGraph } from '../../src/core/model';
import { fixesOf, type Finding } from '../../src/core/rules';
import { appJs as appJsOf, boot, check, inject, shown, V4_PACKAGE } from '../support/rule-workspace';

const RULE = 'decorator-not-in-scope';

/** A temp workspace analysed: this rule's findings and notes. */
function analyse(name: string, files: Record<string, string>, pkg?: string): { dir: string; graph: WorkspaceGraph; findings: Finding[]; notes: string[] } {
  const r = check(`decorator-scope-${name}`, files, pkg);
  return { dir: r.dir, graph: r.graph, findings: r.findings.filter((f) => f.code === RULE), notes: r.notes.filter((n) => n.id === RULE).map((n) => n.message) };
}

/** `GET url` on the booted app: `<status> <body>`, or `boot: <error>`. */
const get = (dir: string, url: string) => inject(dir, [`GET ${url}`])[0];

/** app.js building the app with fastify 5, after `head` lines. */
const appJs = (body: string[], head: string[] = []) => [...head, appJsOf('fastify', body)].join('\n');

describe('rule decorator-not-in-scope', () => {
  it("a sibling's instance decorator read in a plugin body: reported with where it is decorated; Fastify throws a TypeError at boot; the fastify-plugin fix makes it boot", () => {
    const files = {
      'app.js': appJs([
        "app.register(async function db (f) { f.decorate('db', { q: () => 1 }) })",
        'app.register(async function routes (f) {',
        '  f.db.q()',
        "  f.get('/', async () => ({ n: f.db.q() }))",
        '})',
      ]),
    };
    const { dir, findings } = analyse('sibling', files);
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error app.js:6 db', 'decorator-not-in-scope error app.js:7 db']);
    assert.match(findings[0].message, /^instance decorator 'db' is not visible here: it is decorated in the encapsulated context of plugin `db` \(app\.js:4\), a sibling: wrap that plugin with fastify-plugin or register it in a parent/);
    assert.equal(findings[0].related?.[0].span.line, 4);
    assert.equal(boot(dir), "Cannot read properties of undefined (reading 'q')");

    const fix = fixesOf(findings[0])?.[0];
    assert.ok(fix, 'a fix is offered');
    assert.equal(fix.safe, false);
    const file = path.join(dir, 'app.js');
    const fixed = applyEdits(fs.readFileSync(file, 'utf8'), fix.edits);
    assert.equal(
      fixed,
      appJs(
        [
          "app.register(fp(async function db (f) { f.decorate('db', { q: () => 1 }) }))",
          'app.register(async function routes (f) {',
          '  f.db.q()',
          "  f.get('/', async () => ({ n: f.db.q() }))",
          '})',
        ],
      ).replace("const fastify = require('fastify')\n", "const fastify = require('fastify')\nconst fp = require('fastify-plugin')\n"),
    );
    const after = analyse('sibling-fixed', { 'app.js': fixed });
    assert.deepEqual(after.findings, []);
    assert.equal(get(after.dir, '/'), '200 {"n":1}');
  });

  it("a child's decorator read in the parent's handler: reported as a child; the handler reads undefined at run time", () => {
    const { dir, findings } = analyse('child', {
      'app.js': appJs([
        'app.register(async function api (f) {',
        "  f.register(async function inner (g) { g.decorate('token', 'secret') })",
        "  f.get('/', async () => ({ t: String(f.token) }))",
        '})',
      ]),
    });
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error app.js:6 token']);
    assert.match(findings[0].message, /decorated in the encapsulated context of plugin `inner` \(app\.js:5\), a child of this context \(decorators never flow up to the parent\): wrap that plugin with fastify-plugin so its decorators land here/);
    assert.ok(fixesOf(findings[0])?.length);
    assert.equal(get(dir, '/'), '200 {"t":"undefined"}');
  });

  it('a plugin registered twice, seeing the decorator in one registration only: "in 1 of 2 registrations"', () => {
    const { dir, findings } = analyse('twice', {
      'routes.js': "module.exports = async function routes (f) {\n  f.get('/', async () => ({ v: String(f.cfg) }))\n}\n",
      'app.js': appJs([
        "app.register(async function a (f) { f.decorate('cfg', 'a'); f.register(require('./routes'), { prefix: '/a' }) })",
        "app.register(async function b (f) { f.register(require('./routes'), { prefix: '/b' }) })",
      ]),
    });
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error routes.js:2 cfg']);
    assert.match(findings[0].message, /^instance decorator 'cfg' is not visible here in 1 of 2 registrations of this plugin: it is decorated in the encapsulated context of plugin `a` \(app\.js:4\), a sibling of the enclosing plugin `b`: wrap that plugin with fastify-plugin or register it in a parent/);
    assert.deepEqual(findings[0].related?.map((r) => r.span.line), [4, 5]);
    assert.equal(get(dir, '/a'), '200 {"v":"a"}');
    assert.equal(get(dir, '/b'), '200 {"v":"undefined"}');
  });

  it('silent where Fastify sees the decorator: a parent decorator, a fastify-plugin sibling, decorated later in the same context; each boots and serves it', () => {
    const { dir, findings } = analyse('visible', {
      'app.js': appJs(
        [
          "app.decorate('root', 'r')",
          "app.register(fp(async function db (f) { f.decorate('db', 'd') }))",
          'app.register(async function routes (f) {',
          "  f.get('/', async () => ({ v: [f.root, f.db, f.late].join() }))",
          "  f.decorate('late', 'l')",
          '})',
        ],
        ["const fp = require('fastify-plugin')"],
      ),
    });
    assert.deepEqual(shown(dir, findings), []);
    assert.equal(get(dir, '/'), '200 {"v":"r,d,l"}');
  });

  it('silent for guarded reads, writes, built-ins, shadowed names and TypeScript type positions', () => {
    const { dir, findings, graph } = analyse('guarded', {
      'app.js': appJs([
        "app.register(async function db (f) { f.decorate('db', { q: () => 1 }) })",
        'app.register(async function routes (f) {',
        '  f.db?.q()',
        "  if (f.hasDecorator('db')) f.db.q()",
        '  const n = typeof f.db',
        '  f.other = { q: () => 2 }',
        '  f.log.info(n)',
        "  f.register(async (f) => { f.decorate('db', 3); f.db.toString() })",
        '  try { f.db.q() } catch {}',
        '})',
      ]),
      'types.ts': "import type { FastifyInstance } from 'fastify'\nexport type Db = FastifyInstance['db']\n",
    });
    assert.deepEqual(shown(dir, findings), []);
    const uses = graph.apps[0].root.children.flatMap((c) => c.decoratorUses ?? []);
    assert.deepEqual(
      uses.map((u) => `${u.span.line} ${u.name}${u.conditional ? ' conditional' : ''}${u.write ? ' write' : ''}`),
      ['6 db conditional', '7 db conditional', '8 db conditional', '9 other write', '12 db conditional'],
    );
  });

  it('silent when the decorator is conditional, or when only conditional registrations miss it (with a note)', () => {
    const { findings, notes } = analyse('conditional', {
      'app.js': appJs([
        "if (process.env.DB) app.register(async function db (f) { f.decorate('db', 1) })",
        'app.register(async function routes (f) { f.db.toFixed() })',
        "app.register(async function db2 (f) { f.decorate('db2', 1); f.register(require('./uses-db2')) })",
        "if (process.env.X) app.register(require('./uses-db2'))",
      ]),
      'uses-db2.js': 'module.exports = async function (f) { f.db2.toFixed() }\n',
    });
    assert.deepEqual(findings, []);
    assert.ok(notes.some((n) => /'db2' is not visible here, but the read is guarded or the code runs only under a run-time condition/.test(n)), notes.join('\n'));
  });

  it('silent with a note when an unresolved entry could hide a decorator', () => {
    const { findings, notes } = analyse('unresolved', {
      'app.js': appJs(["app.register(require('some-unknown-plugin'))", "app.register(async function db (f) { f.decorate('db', 1) })", 'app.register(async function routes (f) { f.db.toFixed() })']),
    });
    assert.deepEqual(findings, []);
    assert.ok(notes.some((n) => /could hide a decorator/.test(n)), notes.join('\n'));
  });

  it('decorators of modelled packages count: @fastify/sensible (fastify-plugin) is visible to a sibling', () => {
    const { findings } = analyse('package', {
      'app.js': appJs(["app.register(require('@fastify/sensible'))", "app.register(async function routes (f) { f.get('/', async () => { throw f.httpErrors.notFound() }) })"]),
    }, JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^5.0.0', '@fastify/sensible': '^6.0.0' } }));
    assert.deepEqual(findings, []);
  });

  it("request and reply decorators of a sibling, and `this.x` in a handler: reported; at run time they are undefined in the handler", () => {
    const { dir, findings } = analyse('request', {
      'app.js': appJs([
        'app.register(async function auth (f) {',
        "  f.decorateRequest('user', null)",
        "  f.decorateReply('ok', function () { return this.send('ok') })",
        "  f.decorate('db', 'db')",
        '})',
        'app.register(async function routes (f) {',
        "  f.get('/', function (request, reply) { return { u: String(request.user), ok: String(reply.ok), db: String(this.db) } })",
        '})',
      ]),
    });
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error app.js:10 user', 'decorator-not-in-scope error app.js:10 ok', 'decorator-not-in-scope error app.js:10 db']);
    assert.match(findings[0].message, /^request decorator 'user' is not visible here: it is decorated in the encapsulated context of plugin `auth` \(app\.js:5\), a sibling/);
    assert.match(findings[2].message, /^instance decorator 'db'/);
    assert.equal(get(dir, '/'), '200 {"u":"undefined","ok":"undefined","db":"undefined"}');
  });

  it("silent for a parent's hook reading a child's request decorator (the hook runs with the child route's request), and for writes to an undecorated request field", () => {
    const { dir, findings } = analyse('hook-child', {
      'app.js': appJs([
        "app.addHook('preHandler', async function (request) { if (request.routeOptions.url === '/') request.seen = String(request.user) })",
        'app.register(async function api (f) {',
        "  f.decorateRequest('user', 'u')",
        "  f.get('/', async (request) => ({ seen: request.seen }))",
        '})',
      ]),
    });
    assert.deepEqual(shown(dir, findings), []);
    assert.equal(get(dir, '/'), '200 {"seen":"u"}');
  });

  it("the root instance (`const app = fastify()`) reading a child plugin's decorator: reported; the route reads undefined", () => {
    const { dir, findings } = analyse('root', {
      'app.js': appJs([
        "app.register(async function db (f) { f.decorate('db', 'd') })",
        "app.get('/', async () => ({ db: String(app.db) }))",
        "app.register(async function other (app) { app.decorate('db', 'x'); app.get('/o', async () => app.db) })",
      ]),
    });
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error app.js:5 db']);
    assert.match(findings[0].message, /^instance decorator 'db' is not visible here: it is decorated in the encapsulated context of plugin `db` \(app\.js:4\), a child of this context/);
    assert.equal(get(dir, '/'), '200 {"db":"undefined"}');
  });

  it("silent when the app also sets the member without a decorator (a sibling's hook assigns request.user): it is there at run time", () => {
    const { dir, findings, notes } = analyse('assigned', {
      'app.js': appJs([
        "app.register(async function auth (f) { f.decorateRequest('user', null) })",
        'app.register(async function api (f) {',
        "  f.addHook('onRequest', async (request) => { request.user = 'u' })",
        "  f.get('/', async (request) => ({ user: request.user }))",
        '})',
      ]),
    });
    assert.deepEqual(findings, []);
    assert.ok(notes.some((n) => /'user' is not visible here, but the app also assigns it on the request somewhere/.test(n)), notes.join('\n'));
    assert.equal(get(dir, '/'), '200 {"user":"u"}');
  });

  it('Fastify 4 encapsulates the same way: reported on a Fastify 4 project; booted with fastify 4, the sibling\'s decorators are undefined', () => {
    const body = [
      "app.register(async function auth (f) { f.decorateRequest('user', null); f.decorate('db', 'db') })",
      "app.register(async function routes (f) { f.get('/', async (request) => ({ u: String(request.user), db: String(f.db) })) })",
    ];
    const { dir, findings, graph } = analyse('v4', { 'app.js': appJs(body) }, V4_PACKAGE);
    assert.equal(graph.apps[0].fastifyMajor, 4);
    assert.deepEqual(shown(dir, findings), ['decorator-not-in-scope error app.js:5 user', 'decorator-not-in-scope error app.js:5 db']);
    fs.writeFileSync(path.join(dir, 'app.js'), appJs(body).replace("require('fastify')", "require('fastify4')"));
    assert.equal(get(dir, '/'), '200 {"u":"undefined","db":"undefined"}');
  });
});

describe('fix wrap-fastify-plugin', () => {
  /** Wraps the function that starts at `marker` in `text`; the whole text after the fix, or undefined. */
  const wrap = (file: string, text: string, marker: string): string | undefined => {
    const start = text.indexOf(marker);
    // The function runs to the end of its first top-level closing brace line.
    const end = text.indexOf('\n}', start) + 2;
    const fix = wrapWithFastifyPlugin(file, text, { file, start, end, line: 1 }, 'wrap');
    return fix && applyEdits(text, fix.edits);
  };

  it('ESM export default function, TypeScript with imports: import after the last import, wrapped in place', () => {
    const text = "import type { FastifyInstance } from 'fastify'\n\nexport default async function db (f: FastifyInstance) {\n  f.decorate('db', 1)\n}\n";
    assert.equal(
      wrap('/w/db.ts', text, 'export default async'),
      "import type { FastifyInstance } from 'fastify'\nimport fp from 'fastify-plugin'\n\nexport default fp(async function db (f: FastifyInstance) {\n  f.decorate('db', 1)\n})\n",
    );
  });

  it("CommonJS declaration exported by name: `module.exports = fp(db)`, the require after 'use strict' and the requires", () => {
    const text = "'use strict'\nconst x = require('x')\n\nasync function db (f) {\n  f.decorate('db', x)\n}\n\nmodule.exports = db\n";
    assert.equal(
      wrap('/w/db.js', text, 'async function db'),
      "'use strict'\nconst x = require('x')\nconst fp = require('fastify-plugin')\n\nasync function db (f) {\n  f.decorate('db', x)\n}\n\nmodule.exports = fp(db)\n",
    );
  });

  it('reuses an existing fastify-plugin import; no fix for a named export (other modules import it as it is)', () => {
    const text = "import plugin from 'fastify-plugin'\nexport default async (f) => {\n  f.decorate('db', 1)\n}\n";
    assert.equal(wrap('/w/db.mjs', text, 'async (f)'), "import plugin from 'fastify-plugin'\nexport default plugin(async (f) => {\n  f.decorate('db', 1)\n})\n");
    assert.equal(wrap('/w/named.ts', "export async function db (f: any) {\n  f.decorate('db', 1)\n}\n", 'async function db'), undefined);
  });
});

describe('instance member scan (link/decorator-uses.ts)', () => {
  /** `name[ guarded][ write]` per member read of the first function's first parameter. */
  const reads = (code: string): string[] => {
    const sf = ts.createSourceFile('/w/p.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    let fn: ts.FunctionLikeDeclaration | undefined;
    const find = (n: ts.Node): void => {
      if (!fn && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n))) fn = n;
      else ts.forEachChild(n, find);
    };
    find(sf);
    return instanceMemberReads(fn!).map((r) => `${r.name}${r.guarded ? ' guarded' : ''}${r.write ? ' write' : ''}`);
  };

  it('reads in the body and closures; Fastify members left out; shadowing stops it; `!p` is not an assignment', () => {
    assert.deepEqual(
      reads(`async function p (f, opts) {
        if (!f) return
        f.get('/', async () => f.db.q())
        f.log.info(f.cache)
        const g = (f) => f.inner
        { const f = 1; f.block }
        for (const f of []) f.loop
        function h () { var f; return f.hoisted }
        f.later
      }`),
      ['db', 'cache', 'later'],
    );
  });

  it('nothing when the parameter itself is reassigned (then it may be anything); writes marked, destructuring targets too', () => {
    assert.deepEqual(reads('async function p (f) { f = other(); f.db }'), []);
    assert.deepEqual(reads('async function p (f) { f.a = 1; [f.b] = [2]; ({ c: f.c } = { c: 3 }); f.d++; delete f.e; f.read }'), ['a write', 'b write', 'c write', 'd write', 'e write', 'read']);
  });

  it('guards: optional chaining, typeof, conditions, &&/||/??, comparisons, hasDecorator, try', () => {
    assert.deepEqual(
      reads(`async function p (f) {
        f.a?.x(); typeof f.b; if (f.c) {}; const d = f.d || 1; if (f.hasDecorator('e')) f.e.x()
        f.g && f.g.x(); f.h === undefined; try { f.i.x() } catch {}; f.plain.x()
      }`),
      ['a guarded', 'b guarded', 'c guarded', 'd guarded', 'e guarded', 'g guarded', 'g guarded', 'h guarded', 'i guarded', 'plain'],
    );
  });
});
