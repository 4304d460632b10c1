/** Scenario "no-fastify": a Node project without Fastify. Nothing is indexed; the views say why. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { lens, screenshot, sleep } from './support';

describe('Fastify Lens in a workspace without Fastify', function () {
  this.timeout(60_000);

  it('starts no analysis and shows the welcome content', async () => {
    const api = await lens();
    assert.deepEqual(api.indexedFolders(), []);
    assert.deepEqual(api.pluginsRows(), []);
    assert.deepEqual(api.routesRows(), []);
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'not-fastify')) ?? [];
    assert.ok(!symbols.some((s) => s.name.includes('/not-fastify')));
    await vscode.commands.executeCommand('workbench.view.extension.fastifyLens');
    await sleep(1000);
    await screenshot('no-fastify-welcome');
  });
});
