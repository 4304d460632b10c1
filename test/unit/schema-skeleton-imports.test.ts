import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { cliSeverities, fixesOf, type Finding } from '../../src/core/rules';
import { boot, check } from '../support/rule-workspace';
import { FASTIFY_PACKAGE } from '../support/temp-workspace';

/** The editor's view: the schema hints on. */
const EDITOR = { ...cliSeverities(), 'missing-schema': 'hint', 'missing-response-schema': 'hint' } as const;
const SCHEMA_CODES = new Set(['missing-schema', 'missing-response-schema']);

/**
 * Types declared in other files: a named import without extension, a namespace import of a
 * folder's index through a `.js` specifier, a renamed re-export of the index, `export *` (with a
 * cycle of `export *` before the file that has the name), a `.js` import of a `.ts` file, a
 * tsconfig `paths` alias, and a type from a package (stays `{}`).
 */
const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@models/*': ['models/*'] } } }),
  'models/address.ts': 'export interface Address { city: string; zip?: string }\n',
  'models/user.ts': [
    "import type { Address } from './address.js'",
    "import type { JsonValue } from 'type-fest'",
    "export type Role = 'admin' | 'user'",
    'export interface User { name: string; role: Role; address: Address; tags?: string[]; meta: JsonValue }',
    '',
  ].join('\n'),
  'models/query.ts': "export interface Query { page?: number; sort: 'asc' | 'desc' }\n",
  'models/reply.ts': "import { User as U } from './user'\nexport interface UserReply { id: number; user: U }\n",
  'models/cycle-a.ts': "export * from './cycle-b'\n",
  'models/cycle-b.ts': "export * from './cycle-a'\n",
  'models/index.ts': "export * from './cycle-a'\nexport * from './query'\nexport { UserReply as Reply } from './reply'\n",
  'app.ts': [
    "import fastify from 'fastify'",
    "import { User } from './models/user'",
    "import type * as Q from './models/index.js'",
    "import type { Reply } from './models'",
    "import type { Address } from '@models/address'",
    '',
    'export default function build () {',
    '  const app = fastify()',
    "  app.post<{ Body: User; Querystring: Q.Query; Reply: Reply }>('/users', async (request) => ({ id: request.query.page ?? 1, user: request.body, secret: 's' }))",
    "  app.put<{ Body: Address }>('/address', async (request) => ({ city: request.body.city }))",
    "  app.get<{ Querystring: Q.Nowhere }>('/nowhere', async (request) => request.query)",
    '  return app',
    '}',
    '',
  ].join('\n'),
};

const titles = (f: Finding) => (fixesOf(f) ?? []).map((x) => x.title);

/** Applies the first schema fix the rules offer, again and again (as a user would), until none is left; returns the final text of app.ts. */
function fixAll(name: string, files: Record<string, string>): { dir: string; text: string; seen: string[] } {
  let text = files['app.ts'];
  const seen: string[] = [];
  for (let round = 0; round < 10; round++) {
    const { dir, findings } = check(name, { ...files, 'app.ts': text }, FASTIFY_PACKAGE, EDITOR);
    const next = findings.find((f) => SCHEMA_CODES.has(f.code) && fixesOf(f)?.length);
    if (!next) return { dir, text, seen };
    seen.push(`${next.code}: ${titles(next)[0]}`);
    text = applyEdits(text, fixesOf(next)![0].edits);
  }
  throw new Error('schema fixes did not settle');
}

describe('schema skeletons from types declared in other files', () => {
  it('follows named, namespace and tsconfig-paths imports, re-exports and export * (cycles bounded); package types stay {}', () => {
    const { findings } = check('schema-imports-titles', FILES, FASTIFY_PACKAGE, EDITOR);
    const body = findings.find((f) => f.code === 'missing-schema' && f.message.startsWith('POST /users'))!;
    assert.deepEqual(titles(body), ["Add schema.body (from the route's Body type)", "Add schema.querystring (from the route's Querystring type)"]);
    const [bodyFix, queryFix] = fixesOf(body)!;
    const app = FILES['app.ts'];
    const address = "address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] }";
    const user = `{ type: 'object', properties: { name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'user'] }, ${address}, tags: { type: 'array', items: { type: 'string' } }, meta: {} }, required: ['name', 'role', 'address', 'meta'] }`;
    assert.ok(applyEdits(app, bodyFix.edits).includes(`body: ${user}`), applyEdits(app, bodyFix.edits));
    assert.ok(applyEdits(app, queryFix.edits).includes("querystring: { type: 'object', properties: { page: { type: 'number' }, sort: { type: 'string', enum: ['asc', 'desc'] } }, required: ['sort'] }"));
    const reply = findings.find((f) => f.code === 'missing-response-schema' && f.message.startsWith('POST /users'))!;
    assert.ok(applyEdits(app, fixesOf(reply)![0].edits).includes(`response: { 200: { type: 'object', properties: { id: { type: 'number' }, user: ${user} }, required: ['id', 'user'] } }`));
    const put = findings.find((f) => f.code === 'missing-schema' && f.message.startsWith('PUT /address'))!;
    assert.ok(applyEdits(app, fixesOf(put)![0].edits).includes("body: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] }"), 'tsconfig paths');
    const nowhere = findings.find((f) => f.code === 'missing-schema' && f.message.startsWith('GET /nowhere'))!;
    assert.ok(applyEdits(app, fixesOf(nowhere)![0].edits).includes('querystring: {}'), 'a name no file exports (behind an export * cycle) is {}');
  });

  it('the fixed app, transpiled, boots with real fastify and validates with the imported types', () => {
    const { dir, text, seen } = fixAll('schema-imports-boot', FILES);
    assert.deepEqual(seen.filter((s) => s.includes("route's")).length, 5, seen.join('\n'));
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    assert.doesNotMatch(js, /require\("\.\/models/, 'type imports are erased: the booted app needs no models');
    fs.writeFileSync(path.join(dir, 'app.js'), js + '\nmodule.exports = exports.default\n');
    const out = boot(dir, `
      const r = [];
      const user = { name: 'n', role: 'admin', address: { city: 'c' }, meta: 1 };
      for (const o of [
        { method: 'POST', url: '/users?sort=asc', payload: user },
        { method: 'POST', url: '/users?sort=asc', payload: { ...user, role: 'root' } },
        { method: 'POST', url: '/users?sort=asc', payload: { name: 'n', role: 'user', meta: null } },
        { method: 'POST', url: '/users?sort=up', payload: user },
        { method: 'PUT', url: '/address', payload: { zip: '1' } },
        { method: 'PUT', url: '/address', payload: { city: 'x' } },
      ]) { const res = await app.inject(o); r.push(res.statusCode + ' ' + res.body) }
      console.log(JSON.stringify(r))`);
    const got = JSON.parse(out) as string[];
    assert.equal(got[0], '200 {"id":1,"user":{"name":"n","role":"admin","address":{"city":"c"},"meta":1}}', 'the imported Reply type leaves out the secret');
    assert.match(got[1], /^400 .*body\/role must be equal to one of the allowed values/);
    assert.match(got[2], /^400 .*body must have required property 'address'/);
    assert.match(got[3], /^400 .*querystring\/sort must be equal to one of the allowed values/);
    assert.match(got[4], /^400 .*body must have required property 'city'/, 'the type from the tsconfig paths alias');
    assert.equal(got[5], '200 {"city":"x"}');
  });
});
