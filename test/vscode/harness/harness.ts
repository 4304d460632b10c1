/**
 * Test-only extension. When FASTIFY_LENS_TEST_CONFIG names a JSON file, it loads mocha (from the
 * path the runner gives), runs the suite bundle inside this real extension host — the same
 * `run()` shape @vscode/test-electron calls — and writes the results where the runner waits.
 * Without that variable it does nothing.
 */
import * as fs from 'node:fs';

interface HarnessConfig {
  mocha: string;
  suite: string;
  results: string;
  shots: string;
  scenario: string;
}

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
  ms?: number;
}

export function activate(): void {
  const configFile = process.env.FASTIFY_LENS_TEST_CONFIG;
  if (!configFile) return;
  const config: HarnessConfig = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  (globalThis as Record<string, unknown>).__fastifyLensHarness = config;
  void run(config).catch((err) => {
    fs.writeFileSync(config.results, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'harness', state: 'failed', error: String(err?.stack ?? err) }] }));
  });
}

async function run(config: HarnessConfig): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(config.mocha);
  const Mocha = loaded.default ?? loaded;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'dot' });
  mocha.addFile(config.suite);
  const tests: TestResult[] = [];
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t: { fullTitle(): string; duration?: number }) => tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t: { fullTitle(): string }, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
    runner.on('pending', (t: { fullTitle(): string }) => tests.push({ title: t.fullTitle(), state: 'pending' }));
  });
  const passed = tests.filter((t) => t.state === 'passed').length;
  const failed = tests.filter((t) => t.state === 'failed').length;
  fs.writeFileSync(config.results, JSON.stringify({ passed, failed, tests }, null, 2));
}

export function deactivate(): void {}
