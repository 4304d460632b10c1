/**
 * The `extensionTestsPath` module for @vscode/test-electron (desktops with internet): the same
 * suites and runner as the code-server harness, with no screenshots.
 */
import * as fs from 'node:fs';
import { runSuite } from './harness/run-suite';

export async function run(): Promise<void> {
  const file = process.env.FASTIFY_LENS_TEST_CONFIG;
  if (!file) throw new Error('FASTIFY_LENS_TEST_CONFIG is not set');
  const results = await runSuite(JSON.parse(fs.readFileSync(file, 'utf8')));
  for (const t of results.tests) console.log(`${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.title}${t.error ? `\n${t.error}` : ''}`);
  if (results.failed) throw new Error(`${results.failed} test(s) failed`);
}
