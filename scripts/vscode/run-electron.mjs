// The same VS Code suites through @vscode/test-electron, for desktops with internet: it downloads
// a VS Code build (which these CI machines cannot), loads this folder as the extension under
// development, and runs test/vscode/electron-entry.ts in its extension host. `npm run test:electron`.
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleForHost, prepareScenario, SCENARIOS, WORK, ROOT } from './scenarios.mjs';

const entry = path.join(WORK, 'electron-entry.js');
await bundleForHost('electron-entry.ts', entry);
let failed = 0;
for (const s of SCENARIOS) {
  const { open, config } = await prepareScenario(s, undefined);
  try {
    await runTests({
      version: '1.96.4',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: entry,
      extensionTestsEnv: { FASTIFY_LENS_TEST_CONFIG: config },
      launchArgs: [open, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (err) {
    console.error(`scenario ${s.name}: ${err?.message ?? err}`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
