// npm run bench: generated ~2,000-file fastify-cli workspace; cold `fastify-lens routes` vs the
// parse floor, each a fresh process, interleaved, medians and their ratio from the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace, GENERATOR_VERSION } from './generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 7;
const files = Number(args[args.indexOf('--files') + 1]) || 2000;
const asJson = args.includes('--json');
const ws = join(root, 'bench', '.work', `ws-${files}`);

const COMMANDS = {
  floor: ['bench/floor.mjs', ws],
  routes: ['bin/fastify-lens.js', 'routes', ws, '--json'],
};

const stamp = join(ws, '.generator');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== String(GENERATOR_VERSION)) {
  generateWorkspace(ws, { files });
  writeFileSync(stamp, String(GENERATOR_VERSION));
}

function time(name) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, COMMANDS[name], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(`${name} failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  return { ms, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

time('floor'); // warm the OS file cache once before measuring
const samples = { floor: [], routes: [] };
let routes = 0;
let parsed = 0;
for (let i = 0; i < rounds; i++) {
  const f = time('floor');
  samples.floor.push(f.ms);
  parsed = Number(f.stdout.trim());
  const r = time('routes');
  samples.routes.push(r.ms);
  routes = JSON.parse(r.stdout).routes.length;
}
const result = {
  node: process.version,
  cpus: cpus().length,
  files: parsed,
  routes,
  rounds,
  floorMs: Math.round(median(samples.floor)),
  routesMs: Math.round(median(samples.routes)),
  ratio: Number((median(samples.routes) / median(samples.floor)).toFixed(2)),
};
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`node ${result.node}, ${result.cpus} cpus, ${result.files} files, ${result.routes} routes found, median of ${rounds} interleaved runs`);
  console.log(`parse floor (read + parse every file):   ${result.floorMs} ms`);
  console.log(`cold fastify-lens routes --json:          ${result.routesMs} ms`);
  console.log(`ratio (target <= 1.5):                    ${result.ratio}x`);
}
