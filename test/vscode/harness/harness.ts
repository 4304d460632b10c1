/**
 * Test-only extension. When FASTIFY_LENS_TEST_CONFIG names a JSON file, it loads mocha (from the
 * path the runner gives), runs the suite bundle inside this real extension host — the same
 * `run()` shape @vscode/test-electron calls — and writes the results where the runner waits.
 * Without that variable it does nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

import { runSuite, type HarnessConfig } from './run-suite';

export function activate(context: vscode.ExtensionContext): void {
  const configFile = process.env.FASTIFY_LENS_TEST_CONFIG;
  if (!configFile) return;
  const config: HarnessConfig = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  // This extension's log folder sits in the extension host's: Fastify Lens's output channel is a sibling.
  config.logs = path.dirname(context.logUri.fsPath);
  (globalThis as Record<string, unknown>).__fastifyLensHarness = config;
  void run(config).catch((err) => {
    fs.writeFileSync(config.results, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'harness', state: 'failed', error: String(err?.stack ?? err) }] }));
  });
}

async function run(config: HarnessConfig): Promise<void> {
  const results = await runSuite(config);
  fs.writeFileSync(config.results, JSON.stringify(results, null, 2));
}

export function deactivate(): void {}
