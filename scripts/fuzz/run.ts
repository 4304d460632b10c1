// npm run fuzz -- [--count N] [--seed S] [--first I] [--run I[,J…]] [--fixture NAME[,NAME…]] [--budget MS]
// Mutates the fixture files and analyses every mutation with all rules; exits 1 on any failure.
import { formatSummary, fuzz } from './fuzzer';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    out[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const known = ['count', 'seed', 'first', 'run', 'fixture', 'budget'];
  for (const k of Object.keys(args)) if (!known.includes(k)) throw new Error(`unknown option --${k} (known: ${known.map((x) => `--${x}`).join(' ')})`);
  const int = (k: string, d: number) => {
    if (args[k] === undefined) return d;
    const n = Number(args[k]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} wants a whole number, got ${args[k]}`);
    return n;
  };
  const seed = int('seed', 1);
  const summary = await fuzz({
    count: int('count', 1000),
    seed,
    first: int('first', 0),
    only: args.run !== undefined ? args.run.split(',').map(Number) : undefined,
    fixtures: args.fixture?.split(','),
    budgetMs: int('budget', 5000),
    log: (line) => console.log(line),
  });
  console.log(formatSummary(summary, seed));
  return summary.failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(2);
  },
);
