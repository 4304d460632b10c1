/**
 * Scenario "cli-app": one workspace folder holding a copy of the fastify-cli fixture
 * (test/fixtures/cli-autoload-js). Runs inside the real VS Code extension host.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cliAnalysis, codeLensTitles, eventually, fileIn, flatten, hoverText, labels, lens, screenshot, showAt, sleep, viewRoutes } from './support';

describe('Fastify Lens in a fastify-cli app', function () {
  this.timeout(90_000);

  it('indexes the app: the Plugins view shows the app, its contexts in load order and what each holds', async () => {
    const api = await lens();
    const [app] = api.pluginsRows();
    assert.equal(app.label, 'app.js:9');
    assert.match(app.description ?? '', /^Fastify 5 · 14 routes · 10 contexts$/);
    assert.match(app.tooltip ?? '', /^@fastify\/autoload 6\.0\.0 \(from the package\.json range/m, 'the versions the analysis assumed');
    const all = flatten(api.pluginsRows());
    const users = all.find((n) => n.label === 'users/index.js');
    assert.ok(users, 'the users/ autoload plugin');
    assert.match(users.description ?? '', /^\/users · encapsulated/);
    assert.deepEqual(labels(users.children ?? []), ['GET /users', 'POST /users', 'PUT /users/:id', 'DELETE|PATCH /users/:id/x', 'GET /users/m/list', 'anonymous']);
    const appPlugin = all.find((n) => n.label === 'app.js' && n.contextValue === 'context');
    assert.ok(appPlugin);
    const kids = appPlugin.children ?? [];
    assert.deepEqual(labels(kids).slice(0, 3), ['sensible', 'support', 'legacy/wrapped.js']);
    assert.match(kids[1].description ?? '', /fastify-plugin/);
    assert.ok(kids.some((k) => k.label === 'someSupport' && /decorate · function/.test(k.description ?? '')));
    assert.ok(kids.some((k) => k.label === 'onRequest' && /lifecycle hook · async/.test(k.description ?? '')));
    assert.ok(kids.some((k) => k.label === 'error' && k.description === 'addSchema'));
  });

  it('the Routes view lists the same routes as the CLI, grouped by prefix, with schema and test markers', async () => {
    const api = await lens();
    assert.deepEqual(viewRoutes(api.routesRows(), fs.realpathSync(fileIn('.'))), (await cliAnalysis(fileIn('.'))).routes);
    const rows = flatten(api.routesRows()).filter((n) => n.routeKey);
    const groups = labels(api.routesRows()[0].children ?? []);
    assert.ok(groups.includes('/users') && groups.includes('/users/inner') && groups.includes('/'), groups.join());
    const getUsers = rows.find((r) => r.label === 'GET /users')!;
    assert.match(getUsers.description ?? '', /routes\/users\/index\.js:10 · schema · 1 test/);
    const post = rows.find((r) => r.label === 'POST /users')!;
    assert.match(post.description ?? '', /no schema · untested/);
    assert.equal(post.contextValue, 'route.untested');
  });

  it('groups routes by file and filters them', async () => {
    const api = await lens();
    await vscode.commands.executeCommand('fastifyLens.groupRoutesByFile');
    assert.ok(labels(api.routesRows()[0].children ?? []).includes('routes/users/index.js'));
    await vscode.commands.executeCommand('fastifyLens.groupRoutesByPrefix');
    await vscode.commands.executeCommand('fastifyLens.filterRoutes', 'patch settings');
    assert.deepEqual(flatten(api.routesRows()).filter((n) => n.routeKey).map((n) => n.label), ['PATCH /users/settings']);
    await vscode.commands.executeCommand('fastifyLens.clearRouteFilter');
    assert.equal(flatten(api.routesRows()).filter((n) => n.routeKey).length, 14, 'one row per declaration: DELETE|PATCH is one');
  });

  it('shows CodeLens above routes: URL, hooks before the handler, schema parts and tests', async () => {
    const titles = await eventually(async () => {
      const t = await codeLensTitles(fileIn('routes/users/index.js'));
      assert.ok(t.length >= 7, t.join('\n'));
      return t;
    });
    assert.ok(titles.includes('GET /users · 1 hook before handler · schema: querystring, response 200'), titles.join('\n'));
    assert.ok(titles.includes('PUT /users/:id · 1 hook before handler · no schema'), titles.join('\n'));
    assert.ok(titles.includes('GET /users/inner/deep · 1 hook before handler · no schema'), titles.join('\n'));
    assert.ok(titles.includes('1 test call'));
    assert.ok(titles.includes('no tests'));
  });

  it('links test requests to the routes they hit, and says when none matches', async () => {
    const titles = await codeLensTitles(fileIn('test/routes/root.test.js'));
    assert.deepEqual(titles, [
      '→ GET / · routes/root.js:4',
      '→ GET /users · routes/users/index.js:10',
      '→ PUT /users/:id · routes/users/index.js:3',
      'no route matches GET /nope',
    ]);
  });

  it('hovers a decorator use with where it is decorated and whether it is visible, and a route URL with its contexts', async () => {
    const deco = await hoverText(fileIn('routes/root.js'), 'someSupport');
    assert.match(deco, /\*\*someSupport\*\* — Fastify decorator/);
    assert.match(deco, /decorate\('someSupport'\)` \(function\) in plugin 'app\.js' — plugins\/support\.js:3/);
    assert.match(deco, /Visible here/);
    const url = await hoverText(fileIn('routes/users/index.js'), "fastify.get('/'", 14);
    assert.match(url, /\*\*GET \/users\*\*/);
    assert.match(url, /`users\/index\.js` — prefix `\/users`/);
  });

  it('goes from a decorator use to its decorate call', async () => {
    const doc = await vscode.workspace.openTextDocument(fileIn('routes/root.js'));
    const pos = doc.positionAt(doc.getText().indexOf('someSupport') + 2);
    const locs = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, pos)) ?? [];
    const ours = locs.filter((l) => l.uri.fsPath.endsWith(path.join('plugins', 'support.js')));
    assert.equal(ours.length, 1, JSON.stringify(locs.map((l) => l.uri.fsPath)));
    assert.equal(ours[0].range.start.line, 2);
  });

  it('finds routes as workspace symbols', async () => {
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'users/:id')) ?? [];
    const names = symbols.map((s) => s.name);
    assert.ok(names.includes('PUT /users/:id'), names.join());
    const put = symbols.find((s) => s.name === 'PUT /users/:id')!;
    assert.ok(put.location.uri.fsPath.endsWith(path.join('routes', 'users', 'index.js')));
    assert.equal(put.location.range.start.line, 2);
  });

  it('copies a route URL and a curl command from the Routes view', async () => {
    const api = await lens();
    const row = flatten(api.routesRows()).find((n) => n.label === 'PATCH /users/settings')!;
    await vscode.commands.executeCommand('fastifyLens.copyRouteUrl', row);
    assert.equal(await vscode.env.clipboard.readText(), '/users/settings');
    await vscode.commands.executeCommand('fastifyLens.copyRouteCurl', row);
    assert.equal(await vscode.env.clipboard.readText(), "curl -i -X PATCH 'http://localhost:3000/users/settings' -H 'content-type: application/json' -d '{}'");
  });

  it('reveals a route of the Routes view in the Plugins view', async () => {
    const api = await lens();
    await vscode.commands.executeCommand('workbench.view.extension.fastifyLens');
    const row = flatten(api.routesRows()).find((n) => n.label === 'PUT /users/:id')!;
    await api.revealInPlugins(row);
    await eventually(() => assert.deepEqual(api.selectedPluginsRows().map((n) => n.label), ['PUT /users/:id']));
  });

  it('updates the views from unsaved edits: a route added, a prefix changed', async () => {
    const api = await lens();
    const doc = await vscode.workspace.openTextDocument(fileIn('routes/users/index.js'));
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const text = doc.getText();
    const at = doc.positionAt(text.indexOf("  mount(fastify, '/m')"));
    edit.insert(doc.uri, at, "  fastify.get('/added', async () => 'new')\n");
    const inner = text.indexOf("prefix: 'inner'");
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(inner), doc.positionAt(inner + "prefix: 'inner'".length)), "prefix: 'nested'");
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty, 'the edit is not saved');
    await eventually(async () => {
      await api.whenIdle();
      const routes = flatten(api.routesRows()).map((n) => n.label);
      assert.ok(routes.includes('GET /users/added'), routes.join());
      assert.ok(routes.includes('GET /users/nested/deep'), routes.join());
      assert.ok(!routes.includes('GET /users/inner/deep'));
    });
    const titles = await eventually(async () => {
      const t = await codeLensTitles(doc.uri.fsPath);
      assert.ok(t.some((x) => x.startsWith('GET /users/added ')), t.join('\n'));
      return t;
    });
    assert.ok(titles.some((x) => x.startsWith('GET /users/nested/deep ')));
    await vscode.commands.executeCommand('fastifyLens.refresh');
    await eventually(async () => {
      await api.whenIdle();
      assert.ok(flatten(api.routesRows()).some((n) => n.label === 'GET /users/added'), 'Refresh keeps the unsaved text');
    });
    // Undo in the editor (the original text again, saved: the file's bytes do not change).
    const undo = new vscode.WorkspaceEdit();
    undo.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.ok(await doc.save());
    await eventually(async () => {
      await api.whenIdle();
      const routes = flatten(api.routesRows()).map((n) => n.label);
      assert.ok(routes.includes('GET /users/inner/deep') && !routes.includes('GET /users/added'), routes.join());
    });
  });

  it('shows rule findings as diagnostics, updated with unsaved edits', async () => {
    const api = await lens();
    const doc = await vscode.workspace.openTextDocument(fileIn('routes/example/index.js'));
    await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const ours = (d: vscode.Diagnostic) => d.source === 'Fastify Lens' && d.severity !== vscode.DiagnosticSeverity.Hint;
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter(ours), []);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(original.lastIndexOf('}')), "  fastify.get('/', async () => 'again')\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diags = await eventually(async () => {
      await api.whenIdle();
      const d = vscode.languages.getDiagnostics(doc.uri).filter(ours);
      assert.equal(d.length, 1, JSON.stringify(d));
      return d;
    });
    assert.equal(typeof diags[0].code === 'object' ? diags[0].code.value : diags[0].code, 'duplicate-route');
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0].message, /GET \/example/);
    await screenshot('cli-app-diagnostic');
    const undo = new vscode.WorkspaceEdit();
    undo.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.ok(await doc.save());
    await eventually(async () => {
      await api.whenIdle();
      assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter(ours), []);
    });
  });

  it('follows its settings: exclude globs re-index, CodeLens can be turned off', async () => {
    const api = await lens();
    const config = vscode.workspace.getConfiguration('fastifyLens', vscode.workspace.workspaceFolders![0].uri);
    await config.update('exclude', ['routes/users/**'], vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await eventually(async () => {
        await api.whenIdle();
        const routes = flatten(api.routesRows()).filter((n) => n.routeKey).map((n) => n.label);
        assert.ok(!routes.some((r) => r.includes('/users')), routes.join());
        assert.ok(routes.includes('GET /example'));
      });
    } finally {
      await config.update('exclude', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await eventually(async () => {
      await api.whenIdle();
      assert.equal(flatten(api.routesRows()).filter((n) => n.routeKey).length, 14);
    });
    // updateOn: save — unsaved edits leave the graph alone until the file is saved.
    await config.update('updateOn', 'save', vscode.ConfigurationTarget.WorkspaceFolder);
    const doc = await vscode.workspace.openTextDocument(fileIn('routes/example/index.js'));
    const original = doc.getText();
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.positionAt(doc.getText().lastIndexOf('}')), "  fastify.get('/typed', async () => 1)\n");
      await vscode.workspace.applyEdit(edit);
      await sleep(800);
      await api.whenIdle();
      assert.ok(!flatten(api.routesRows()).some((n) => n.label === 'GET /example/typed'), 'not before saving');
      await doc.save();
      await eventually(async () => {
        await api.whenIdle();
        assert.ok(flatten(api.routesRows()).some((n) => n.label === 'GET /example/typed'), 'after saving');
      });
    } finally {
      await config.update('updateOn', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await vscode.workspace.fs.writeFile(doc.uri, Buffer.from(original));
    }
    await eventually(async () => {
      await api.whenIdle();
      assert.ok(!flatten(api.routesRows()).some((n) => n.label === 'GET /example/typed'), 'the file on disk is back');
    });
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      assert.deepEqual(await codeLensTitles(fileIn('routes/users/index.js')), []);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    assert.ok((await codeLensTitles(fileIn('routes/users/index.js'))).length > 0);
  });

  it('Go to Route… lists every route and opens the one picked', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    void vscode.commands.executeCommand('fastifyLens.goToRoute');
    await sleep(1000);
    await screenshot('cli-app-go-to-route');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await eventually(() => assert.ok(vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(path.join('routes', 'legacy', 'wrapped.js')), 'the first route is GET /old-ping'));
  });

  it('shows the hook chain of a route in order and jumps to a hook', async () => {
    const api = await lens();
    const row = flatten(api.routesRows()).find((n) => n.label === 'GET /users')!;
    void vscode.commands.executeCommand('fastifyLens.showHookChain', vscode.workspace.workspaceFolders![0].uri.toString(), row.routeKey);
    await sleep(1000);
    await screenshot('cli-app-hook-chain');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await eventually(() => {
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor?.document.uri.fsPath.endsWith(path.join('plugins', 'support.js')));
      assert.equal(editor?.selection.active.line, 3, 'the onRequest hook of plugins/support.js');
    });
  });

  it('shows what users see (screenshots)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.fastifyLens');
    await showAt(fileIn('routes/users/index.js'), "fastify.get('/'", 0);
    await sleep(1500);
    await screenshot('cli-app-sidebar-codelens');
    await showAt(fileIn('routes/root.js'), 'someSupport', 3);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1200);
    await screenshot('cli-app-hover');
  });
});
