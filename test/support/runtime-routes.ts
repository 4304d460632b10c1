import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BootEntry {
  entry: string;
  kind: 'plugin' | 'module' | 'factory';
  export?: string;
  args?: unknown[];
}

export interface FixtureManifest {
  description: string;
  boot: BootEntry[] | false;
  why?: string;
}

export interface RuntimeInstance {
  createdAt: { file: string; line: number } | null;
  entry: string;
  routes: { method: string; url: string }[];
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const HARNESS = path.join(__dirname, 'boot-fixture.mjs');

export function listFixtures(): { name: string; dir: string; manifest: FixtureManifest }[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((n) => fs.existsSync(path.join(FIXTURES, n, 'fixture.json')))
    .sort()
    .map((name) => {
      const dir = fs.realpathSync(path.join(FIXTURES, name));
      return { name, dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'fixture.json'), 'utf8')) as FixtureManifest };
    });
}

/** Boots the fixture with the real fastify in a child process and returns each instance's routes. */
export function bootFixture(dir: string): Promise<RuntimeInstance[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', HARNESS, dir],
      { cwd: dir, env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`booting ${dir} failed: ${stderr || err.message}`));
        resolve((JSON.parse(stdout.trim().split('\n').pop()!) as { instances: RuntimeInstance[] }).instances);
      },
    );
  });
}
