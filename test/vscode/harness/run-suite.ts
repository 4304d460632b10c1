/** Runs one suite bundle with mocha inside the extension host and collects per-test results. */
export interface HarnessConfig {
  mocha: string;
  suite: string;
  results: string;
  /** Folder where screenshot requests go; absent where no browser takes them (Electron runs). */
  shots?: string;
  scenario: string;
  repo: string;
  /** The extension host's log folder (one folder per extension, its output channels as files); absent in Electron runs. */
  logs?: string;
}

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
  ms?: number;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  tests: TestResult[];
}

export async function runSuite(config: HarnessConfig): Promise<SuiteResults> {
  (globalThis as Record<string, unknown>).__fastifyLensHarness = config;
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
  return { passed: tests.filter((t) => t.state === 'passed').length, failed: tests.filter((t) => t.state === 'failed').length, tests };
}
