/** Helpers for the suites that run inside the real VS Code extension host (see ../harness). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FastifyLensApi } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/model/tree-node';

import type { HarnessConfig } from '../harness/run-suite';

export function harness(): HarnessConfig {
  return (globalThis as unknown as { __fastifyLensHarness: HarnessConfig }).__fastifyLensHarness;
}

export async function lens(): Promise<FastifyLensApi> {
  const ext = vscode.extensions.getExtension<FastifyLensApi>('fastify-lens.fastify-lens');
  if (!ext) throw new Error('Fastify Lens is not installed');
  const api = await ext.activate();
  await api.whenIdle();
  return api;
}

/** Absolute path of a file in the workspace folder named `folder` (the first folder by default). */
export function fileIn(rel: string, folder?: string): string {
  const f = folder ? vscode.workspace.workspaceFolders?.find((w) => w.name === folder) : vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error(`no workspace folder ${folder ?? ''}`);
  return path.join(f.uri.fsPath, rel);
}

export function flatten(rows: TreeNode[]): TreeNode[] {
  return rows.flatMap((r) => [r, ...flatten(r.children ?? [])]);
}

export function labels(rows: TreeNode[]): string[] {
  return rows.map((r) => r.label);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries an assertion until it passes or the time is up (the UI and the worker are asynchronous). */
export async function eventually<T>(fn: () => T | Promise<T>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await sleep(200);
    }
  }
}

/** Asks the runner (outside VS Code) for a browser screenshot of the workbench, and waits for it. */
/** Asks the runner for a screenshot of the browser page; `key` (e.g. 'Control+.') is pressed first and Escape after. */
export async function screenshot(name: string, key = ''): Promise<void> {
  const dir = harness().shots;
  if (!dir) return; // no browser around this VS Code (an Electron run)
  fs.mkdirSync(dir, { recursive: true });
  const done = path.join(dir, `${name}.done`);
  fs.writeFileSync(path.join(dir, `${name}.request`), key);
  const end = Date.now() + 30_000;
  while (!fs.existsSync(done)) {
    if (Date.now() > end) throw new Error(`screenshot ${name} was not taken`);
    await sleep(100);
  }
}

export async function codeLensTitles(file: string): Promise<string[]> {
  // The command needs the document loaded in the workbench.
  const doc = await vscode.workspace.openTextDocument(file);
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
  return lenses.map((l) => l.command?.title ?? '').filter(Boolean);
}

export async function hoverText(file: string, search: string, delta = 1): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(file);
  const offset = doc.getText().indexOf(search);
  if (offset < 0) throw new Error(`'${search}' not in ${file}`);
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset + delta))) ?? [];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
}

/** Puts the cursor on `search` in an editor (for hover screenshots). */
export async function showAt(file: string, search: string, delta = 1): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(file);
  const pos = doc.positionAt(doc.getText().indexOf(search) + delta);
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  return editor;
}
