/** Helpers for the suites that run inside the real VS Code extension host (see ../harness). */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
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

/**
 * The routes a view's rows show, as `METHOD url file:line` (one per method, paths relative to
 * the folder's real path `root`), sorted: the form `cliAnalysis` gives.
 */
export function viewRoutes(rows: TreeNode[], root: string): string[] {
  return flatten(rows)
    .filter((n) => n.routeKey && n.span)
    .flatMap((n) => {
      const [methods, url] = n.label.split(' ');
      return methods.split('|').map((m) => `${m} ${url} ${path.relative(root, n.span!.file)}:${n.span!.line}`);
    })
    .sort();
}

/** The Plugins view's Unresolved list as `place  reason` (`-` for no place), sorted: the form `cliAnalysis` gives. */
export function viewUnresolved(rows: TreeNode[]): string[] {
  return flatten(rows)
    .filter((n) => n.contextValue === 'unresolvedEntry')
    .map((n) => `${n.description || '-'}  ${n.label}`)
    .sort();
}

/**
 * A cold analysis of `folder` by the CLI (`fastify-lens routes --json --no-cache`, a process of
 * its own), in the forms of `viewRoutes` and `viewUnresolved`.
 */
export async function cliAnalysis(folder: string): Promise<{ routes: string[]; unresolved: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(harness().repo, 'dist', 'cli.js'), 'routes', folder, '--json', '--no-cache'], { encoding: 'utf8' });
  const out = JSON.parse(stdout);
  return {
    routes: out.routes.map((r: { method: string; url: string; file: string; line: number }) => `${r.method} ${r.url} ${r.file}:${r.line}`).sort(),
    unresolved: out.unresolved.map((u: { file: string; line?: number; reason: string }) => `${u.line !== undefined ? `${u.file}:${u.line}` : u.file || '-'}  ${u.reason}`).sort(),
  };
}

/**
 * The text of Fastify Lens's output channel (its log file), or undefined where the harness does
 * not know the extension host's log folder (Electron runs).
 */
export function lensLog(): string | undefined {
  const dir = harness().logs;
  if (!dir) return undefined;
  return fs.readFileSync(path.join(dir, 'fastify-lens.fastify-lens', 'Fastify Lens.log'), 'utf8');
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
