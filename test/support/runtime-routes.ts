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
  /** Fastify major to boot with (default 5); 4 uses the fastify4 / fastify-plugin4 / @fastify/autoload5 aliases. */
  fastify?: 4 | 5;
  boot: BootEntry[] | false;
  why?: string;
}

export interface RuntimeInstance {
  createdAt: { file: string; line: number } | null;
  entry: string;
  /** `METHOD url` in the order onRoute saw them. */
  order: string[];
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

const ROOT = path.join(__dirname, '..', '..');
const V4_PACKAGES: Record<string, string> = { fastify: 'fastify4', 'fastify-plugin': 'fastify-plugin4', '@fastify/autoload': '@fastify/autoload5' };

/**
 * A Fastify 4 fixture boots from a copy under test/.tmp whose node_modules point the package
 * names at the v4-line aliases installed as dev dependencies.
 */
function v4Shadow(dir: string): string {
  const shadow = path.join(ROOT, 'test', '.tmp', 'fastify4', path.basename(dir));
  fs.rmSync(shadow, { recursive: true, force: true });
  fs.cpSync(dir, shadow, { recursive: true });
  for (const [name, alias] of Object.entries(V4_PACKAGES)) {
    const link = path.join(shadow, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', alias), link, 'dir');
  }
  return fs.realpathSync(shadow);
}

/** Boots the fixture with the real fastify in a child process and returns each instance's routes. */
export function bootFixture(dir: string): Promise<RuntimeInstance[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'fixture.json'), 'utf8')) as FixtureManifest;
  const bootDir = manifest.fastify === 4 ? v4Shadow(dir) : dir;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', HARNESS, bootDir],
      { cwd: bootDir, env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`booting ${dir} failed: ${stderr || err.message}`));
        resolve((JSON.parse(stdout.trim().split('\n').pop()!) as { instances: RuntimeInstance[] }).instances);
      },
    );
  });
}
