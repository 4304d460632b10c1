/**
 * "Add type declaration for 'x'" (core/fixes/decorator-declaration.ts, extension/model/decorator-declaration.ts)
 * on a real graph: each declaration inserted one after the other, then the file type-checked with
 * `tsc --noEmit` against the real `fastify` types, uses of the decorators included.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { createNodeHost } from '../../src/core/node-host';
import { declarationAt } from '../../src/extension/model/decorator-declaration';
import { GraphIndex } from '../../src/extension/model/graph-index';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const TSC = path.join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, skipLibCheck: true, target: 'es2022', types: [] }, files: ['app.ts'] });

/** `tsc --noEmit` in the workspace: '' when it type-checks, else its errors. */
function tsc(dir: string): string {
  const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
  return (r.stdout + r.stderr).trim();
}

const DECORATIONS = [
  "import fastify from 'fastify'",
  '',
  "const db = { query: (sql: string) => [sql] }",
  'class Cache { get (key: string) { return key } }',
  '',
  'const app = fastify()',
  "app.decorate('appVersion', '1.0.0')",
  "app.decorate('count', 0)",
  "app.decorate('greet', (name: string, times?: number): string => `hi ${name}${times ?? ''}`)",
  "app.decorate('helper', function (a: number, b = 1) { return [a, b] })",
  "app.decorate('db', db)",
  "app.decorate('cache', new Cache())",
  "app.decorate('conf', { port: 3000, host: 'x', tags: ['a'] })",
  "app.decorate('now', { getter (): number { return Date.now() } })",
  "app.decorateRequest('user', null)",
  "app.decorateReply('ok', function () { return 'ok' })",
  "app.decorate('x-name', true)",
];

const USES = [
  'app.appVersion.toUpperCase()',
  'app.count.toFixed(1)',
  "app.greet('ada', 2).trim()",
  'app.helper(1)',
  "app.db.query('select 1')",
  "app.cache.get('k')",
  'app.conf.port.toFixed(0)',
  'app.now.toFixed(0)',
  "app['x-name'] satisfies boolean",
  "app.get('/', async (request, reply) => { request.user = { id: 1 }; reply.ok(); return request.user })",
  'export default app',
  '',
];

describe("Add type declaration for a decorator (editor action)", () => {
  it('declares each decorator on FastifyInstance / FastifyRequest / FastifyReply (one block, extended); the file then type-checks with its uses', function () {
    this.timeout(180000);
    const dir = writeWorkspace('decorator-declaration', { 'package.json': FASTIFY_PACKAGE, 'tsconfig.json': TSCONFIG, 'app.ts': [...DECORATIONS, ...USES].join('\n') });
    const file = path.join(dir, 'app.ts');
    const before = tsc(dir);
    assert.match(before, /Property 'appVersion' does not exist on type 'FastifyInstance/, 'without declarations the uses do not type-check');
    const names = ['appVersion', 'count', 'greet', 'helper', 'db', 'cache', 'conf', 'now', 'user', 'ok', 'x-name'];
    for (const name of names) {
      const text = fs.readFileSync(file, 'utf8');
      const call = text.indexOf(`('${name}',`);
      assert.ok(call > 0, name);
      const index = new GraphIndex(analyzeWorkspace(dir, createNodeHost()));
      const at = declarationAt(index, file, text, call + 2);
      assert.ok(at, `an action for '${name}'`);
      fs.writeFileSync(file, applyEdits(text, [at.edit]));
    }
    const text = fs.readFileSync(file, 'utf8');
    const index = new GraphIndex(analyzeWorkspace(dir, createNodeHost()));
    for (const name of names) assert.equal(declarationAt(index, file, text, text.indexOf(`('${name}',`) + 2), undefined, `'${name}' declared: no action any more`);
    assert.equal(text.split('\n').slice(0, 26).join('\n'), [
      "import fastify from 'fastify'",
      '',
      "declare module 'fastify' {",
      '  interface FastifyInstance {',
      '    appVersion: string',
      '    count: number',
      '    greet: (name: string, times?: number) => string',
      '    helper: (a: number, b?: unknown) => unknown',
      '    db: typeof db',
      '    cache: Cache',
      "    conf: { port: number; host: string; tags: string[] }",
      '    now: number',
      "    'x-name': boolean",
      '  }',
      '  interface FastifyRequest {',
      '    user: unknown | null',
      '  }',
      '  interface FastifyReply {',
      '    ok: () => unknown',
      '  }',
      '}',
      '',
      "const db = { query: (sql: string) => [sql] }",
      'class Cache { get (key: string) { return key } }',
      '',
      'const app = fastify()',
    ].join('\n'));
    assert.equal(tsc(dir), '', 'the declarations and the uses type-check against fastify\'s types');
  });

  it('no action in a JavaScript file, a TypeScript script (no import/export: declare module would replace fastify\'s types), or outside a decorate call', () => {
    const dir = writeWorkspace('decorator-declaration-none', {
      'package.json': FASTIFY_PACKAGE,
      'app.js': "const fastify = require('fastify')\nconst app = fastify()\napp.decorate('a', 1)\nmodule.exports = app\n",
      'script.ts': "const fastify = require('fastify')\nconst app = fastify()\napp.decorate('b', 1)\n",
      'mod.ts': "import fastify from 'fastify'\nconst app = fastify()\napp.decorate('c', 1)\napp.get('/', async () => 1)\nexport default app\n",
    });
    const index = new GraphIndex(analyzeWorkspace(dir, createNodeHost()));
    const at = (rel: string, search: string) => {
      const file = path.join(dir, rel);
      const text = fs.readFileSync(file, 'utf8');
      return declarationAt(index, file, text, text.indexOf(search));
    };
    assert.ok(index.decoratorsIn(path.join(dir, 'app.js')).length && index.decoratorsIn(path.join(dir, 'script.ts')).length, 'the calls are in the graph');
    assert.equal(at('app.js', "'a'"), undefined);
    assert.equal(at('script.ts', "'b'"), undefined);
    assert.equal(at('mod.ts', "app.get"), undefined);
    assert.equal(at('mod.ts', "'c'")?.edit.newText, "\n\ndeclare module 'fastify' {\n  interface FastifyInstance {\n    c: number\n  }\n}");
  });
});
