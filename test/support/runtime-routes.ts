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
  /** Fastify major to boot with (default 5); 4 uses the fastify4 / fastify-plugin4 / @fastify/autoload5 aliases, 3 the fastify3 / fastify-plugin3 ones. */
  fastify?: 3 | 4 | 5;
  boot: BootEntry[] | false;
  why?: string;
  /** Packages copied (not linked) from the repo's node_modules into a shadow copy's node_modules, for packages that look for the app's package.json next to their own folder (module-alias). */
  copyPackages?: string[];
  /** node_modules links of a shadow copy, name → folder of the fixture (workspace packages). */
  links?: Record<string, string>;
  /** node_modules links of a shadow copy, name → npm alias among the repo's dev dependencies (`"@fastify/autoload": "@fastify/autoload63"`): boots with that release. */
  aliases?: Record<string, string>;
  /** Environment variables of the booting child (NODE_ENV for a plugin that returns early without it, say). */
  env?: Record<string, string>;
}

/**
 * The fixtures that are not booted, each with the reason: the one list. A fixture whose
 * fixture.json says `"boot": false` must be here (and say `why`); the meta test checks this list
 * against the README's "not booted" rows.
 */
export const NOT_BOOTED: Record<string, string> = {
  broken: 'it does not boot on purpose',
  'no-exec': 'booting would write the markers',
};

export type Site = { file: string; line: number } | null;

/** An encapsulation context at run time: the root instance, or a child avvio's override made. */
export interface RuntimeContext {
  id: number;
  parent: number | null;
  /** `instance.prefix`. */
  prefix: string;
  /** `instance.pluginName` (Fastify's name chain). */
  pluginName: string;
}

/** A question for the booted router: is this URL served for this method (app: the app key)? */
export interface RouteQuery {
  app: string;
  method: string;
  url: string;
}

export interface RuntimeInstance {
  createdAt: Site;
  entry: string;
  /** Id of the root context. */
  context: number;
  /** The root context and every context under it, in creation order. */
  contexts: RuntimeContext[];
  /** decorate/decorateRequest/decorateReply calls: the context they were made on, the first stack frame in the fixture. */
  decorators: { name: string; target: 'instance' | 'request' | 'reply'; context: number | null; site: Site }[];
  /** addHook calls (the harness's own onRoute/onRegister left out). */
  hooks: { name: string; context: number | null; site: Site }[];
  /** Answers to the queries for this app: hasRoute, and findRoute (null when the URL has parameters). */
  served: (RouteQuery & { has: boolean; found: boolean | null })[];
  /** `METHOD url` in the order onRoute saw them. */
  order: string[];
  routes: { method: string; url: string }[];
}

export interface RuntimeBoot {
  instances: RuntimeInstance[];
  /** Calls on an instance the harness never saw created (should not happen). */
  orphans: { kind: string; name: string; site: Site }[];
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
/**
 * The npm aliases an older Fastify line boots with. Fastify 3's plugins keep their unscoped names
 * (fastify-autoload, fastify-cors, fastify-sensible: dev dependencies under their own names).
 */
const OLD_LINE_PACKAGES: Record<3 | 4, Record<string, string>> = {
  3: { fastify: 'fastify3', 'fastify-plugin': 'fastify-plugin3' },
  4: { fastify: 'fastify4', 'fastify-plugin': 'fastify-plugin4', '@fastify/autoload': '@fastify/autoload5' },
};

/**
 * A Fastify 3 or 4 fixture boots from a copy under test/.tmp whose node_modules point the package
 * names at that line's aliases installed as dev dependencies.
 */
function oldLineShadow(dir: string, major: 3 | 4): string {
  // One copy per test process: two runs in the same tree must not delete each other's copy.
  const shadow = path.join(ROOT, 'test', '.tmp', `fastify${major}-${process.pid}`, path.basename(dir));
  fs.rmSync(shadow, { recursive: true, force: true });
  fs.cpSync(dir, shadow, { recursive: true });
  for (const [name, alias] of Object.entries(OLD_LINE_PACKAGES[major])) {
    const link = path.join(shadow, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', alias), link, 'dir');
  }
  return fs.realpathSync(shadow);
}

/**
 * A fixture that needs its own node_modules (workspace package links, copied packages) boots from
 * a copy under test/.tmp/shadow; the other packages still resolve from the repo's node_modules.
 */
function packageShadow(dir: string, manifest: FixtureManifest): string {
  const shadow = path.join(ROOT, 'test', '.tmp', 'shadow', path.basename(dir));
  fs.rmSync(shadow, { recursive: true, force: true });
  fs.cpSync(dir, shadow, { recursive: true });
  for (const name of manifest.copyPackages ?? []) {
    fs.cpSync(path.join(ROOT, 'node_modules', name), path.join(shadow, 'node_modules', name), { recursive: true, dereference: true });
  }
  for (const [name, target] of Object.entries(manifest.links ?? {})) {
    const link = path.join(shadow, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(shadow, target), link, 'dir');
  }
  for (const [name, alias] of Object.entries(manifest.aliases ?? {})) {
    const link = path.join(shadow, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', alias), link, 'dir');
  }
  return fs.realpathSync(shadow);
}

/**
 * Boots the fixture with the real fastify in a child process and returns each instance's routes,
 * contexts, decorators and hooks, and the router's answers to `queries`.
 */
export function bootFixture(dir: string, queries: RouteQuery[] = []): Promise<RuntimeBoot> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'fixture.json'), 'utf8')) as FixtureManifest;
  const oldLine = manifest.fastify === 3 || manifest.fastify === 4 ? manifest.fastify : undefined;
  const bootDir = oldLine ? oldLineShadow(dir, oldLine) : manifest.copyPackages || manifest.links || manifest.aliases ? packageShadow(dir, manifest) : dir;
  const queryFile = path.join(ROOT, 'test', '.tmp', `boot-queries-${process.pid}`, `${path.basename(dir)}.json`);
  fs.mkdirSync(path.dirname(queryFile), { recursive: true });
  fs.writeFileSync(queryFile, JSON.stringify(queries));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', HARNESS, bootDir, queryFile],
      { cwd: bootDir, env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1', ...manifest.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        fs.rmSync(queryFile, { force: true });
        if (oldLine) fs.rmSync(path.dirname(bootDir), { recursive: true, force: true });
        if (err) return reject(new Error(`booting ${dir} failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as RuntimeBoot);
      },
    );
  });
}
