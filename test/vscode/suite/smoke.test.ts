/**
 * Scenario "try": any folder given with `--folder=PATH` (a public Fastify app, say). Checks only
 * what holds for every Fastify app, reports what it found, and takes screenshots to look at.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeLensTitles, flatten, harness, lens, screenshot, showAt, sleep } from './support';

describe('Fastify Lens on a folder of your choice', function () {
  this.timeout(180_000);

  it('indexes it, shows routes, and links test requests', async () => {
    const api = await lens();
    const routes = flatten(api.routesRows()).filter((n) => n.routeKey);
    assert.ok(routes.length > 0, 'no route found');
    const report: string[] = [`${routes.length} route rows`];
    const byFile = new Map<string, string[]>();
    for (const r of routes) {
      const file = r.span!.file;
      byFile.set(file, [...(byFile.get(file) ?? []), r.label]);
    }
    const tests = await vscode.workspace.findFiles('{test,tests,__tests__}/**/*.{js,ts,mjs,cjs}', '**/node_modules/**', 200);
    for (const t of tests) {
      const titles = await codeLensTitles(t.fsPath);
      if (titles.length) report.push(`${vscode.workspace.asRelativePath(t)}: ${titles.join(' | ')}`);
    }
    fs.writeFileSync(path.join(harness().shots ?? '.', 'try-report.txt'), report.join('\n') + '\n');
    await vscode.commands.executeCommand('workbench.view.extension.fastifyLens');
    const first = [...byFile.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const doc = await vscode.workspace.openTextDocument(first[0]);
    await showAt(first[0], doc.getText().slice(0, 40), 0);
    await sleep(2000);
    await screenshot('try-sidebar');
    if (tests.length) {
      await showAt(tests[0].fsPath, '', 0);
      await sleep(2000);
      await screenshot('try-test-file');
    }
  });
});
