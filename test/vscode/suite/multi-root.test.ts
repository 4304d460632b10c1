/**
 * Scenario "multi-root": a multi-root workspace with four Fastify folders (multi-app: two
 * packages and three apps; test-links: tests that inject into the app; fp-decorators:
 * fastify-plugin decorators; broken: half-written code) and one folder without Fastify. Runs inside the real VS Code
 * extension host.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeLensTitles, eventually, fileIn, flatten, hoverText, labels, lens, screenshot, showAt, sleep } from './support';

describe('Fastify Lens in a multi-root workspace', function () {
  this.timeout(90_000);

  it('indexes only the folders with Fastify, one row per folder', async () => {
    const api = await lens();
    assert.deepEqual(labels(api.pluginsRows()), ['multi-app', 'test-links', 'fp-decorators', 'broken']);
    assert.deepEqual(labels(api.routesRows()), ['multi-app', 'test-links', 'fp-decorators', 'broken']);
  });

  it('shows what could not be followed in broken code, with the partial tree', async () => {
    const api = await lens();
    const broken = api.pluginsRows()[3];
    const unresolved = (broken.children ?? []).find((n) => n.contextValue === 'unresolved');
    assert.ok(unresolved, labels(broken.children ?? []).join());
    assert.match(unresolved.label, /^Unresolved \(\d+\)$/);
    const reasons = labels(unresolved.children ?? []);
    assert.ok(reasons.some((r) => r.startsWith('syntax error')), reasons.join('\n'));
    assert.ok(reasons.some((r) => r.includes("module './does-not-exist' not found")), reasons.join('\n'));
    assert.ok(reasons.some((r) => r.includes('not valid UTF-8')), reasons.join('\n'));
    const routes = flatten(broken.children ?? []).map((n) => n.label);
    for (const r of ['GET /fine', 'GET /half/before', 'GET /half/after', 'GET /a/b/y', 'GET /latin1']) assert.ok(routes.includes(r), r);
  });

  it('shows every app of a monorepo folder with its contexts', async () => {
    const api = await lens();
    const multi = api.pluginsRows()[0];
    assert.deepEqual(labels(multi.children ?? []), ['apps/admin/src/server.ts:6', 'apps/api/src/servers.js:6', 'apps/api/src/servers.js:7']);
    const v1 = flatten(multi.children ?? []).find((n) => n.label === 'v1');
    assert.ok(v1);
    assert.match(v1.description ?? '', /^\/v1 · encapsulated$/);
    assert.deepEqual(labels(v1.children ?? []), ['GET /v1/products', 'GET /v1/products/:sku']);
  });

  it('lists the routes of each folder grouped by app and prefix', async () => {
    const api = await lens();
    const links = api.routesRows()[1];
    const app = (links.children ?? [])[0];
    assert.equal(app.label, 'app.js:7');
    const groups = labels(app.children ?? []);
    assert.ok(groups.includes('/users'), groups.join());
    const users = (app.children ?? []).find((g) => g.label === '/users')!;
    assert.deepEqual(labels(users.children ?? []), ['GET /users', 'POST /users', 'GET /users/me', 'GET /users/:id', 'DELETE /users/:id', 'GET /users/:id/posts']);
  });

  it('links inject, inject-chain and supertest calls to routes, and counts them above each route', async () => {
    const titles = await codeLensTitles(fileIn('test/inject.test.js', 'test-links'));
    assert.ok(titles.includes('→ POST /users · routes/users.js:5'), titles.join('\n'));
    assert.ok(titles.includes('→ GET /users/me · routes/users.js:6'), titles.join('\n'));
    assert.ok(titles.includes('no route matches GET /nowhere'), titles.join('\n'));
    const supertest = await codeLensTitles(fileIn('test/supertest.test.js', 'test-links'));
    assert.ok(supertest.some((t) => t.startsWith('→ ')), supertest.join('\n'));
    const routeLenses = await codeLensTitles(fileIn('routes/users.js', 'test-links'));
    assert.ok(routeLenses.some((t) => /^\d+ test calls?$/.test(t)), routeLenses.join('\n'));
  });

  it('hovers request and reply decorators from fastify-plugin plugins', async () => {
    const text = await hoverText(fileIn('server.js', 'fp-decorators'), 'request.user', 9);
    assert.match(text, /decorateRequest\('user'\)` \(null\) in the root context — plugins\/auth\.js:6/);
    assert.match(text, /Visible here/);
  });

  it('shows the route chain of hooks in CodeLens', async () => {
    const titles = await eventually(async () => {
      const t = await codeLensTitles(fileIn('server.js', 'fp-decorators'));
      assert.ok(t.length > 0);
      return t;
    });
    assert.ok(titles.includes('GET /me · 2 hooks before handler · schema: response 200'), titles.join('\n'));
  });

  it('finds routes of every folder as workspace symbols', async () => {
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', '/admin')) ?? [];
    const names = symbols.map((s) => s.name);
    for (const n of ['GET /admin', 'POST /admin/refresh', 'GET /admin/users']) assert.ok(names.includes(n), names.join());
  });

  it('picks up a new file in one folder without touching the others', async () => {
    const api = await lens();
    const before = flatten(api.routesRows()[0].children ?? []).filter((n) => n.routeKey).length;
    const uri = vscode.Uri.file(fileIn('apps/admin/src/routes/reports.ts', 'multi-app'));
    await vscode.workspace.fs.writeFile(uri, Buffer.from("import type { FastifyInstance } from 'fastify'\nexport default async function (app: FastifyInstance) {\n  app.get('/reports', async () => [])\n}\n"));
    try {
      await eventually(async () => {
        await api.whenIdle();
        const rows = flatten(api.routesRows()[0].children ?? []).filter((n) => n.routeKey);
        assert.ok(rows.some((n) => n.label === 'GET /admin/reports'), rows.map((n) => n.label).join());
        assert.equal(rows.length, before + 1);
      }, 30_000);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await eventually(async () => {
      await api.whenIdle();
      assert.equal(flatten(api.routesRows()[0].children ?? []).filter((n) => n.routeKey).length, before);
    }, 30_000);
  });

  it('shows what users see (screenshots)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.fastifyLens');
    await showAt(fileIn('server.js', 'fp-decorators'), "fastify.get('/me'", 0);
    await sleep(1500);
    await screenshot('multi-root-sidebar');
  });
});
