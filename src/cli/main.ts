import * as fs from 'node:fs';
import * as path from 'node:path';
import { CachedAnalyzer, type WarmCacheSettings } from '../core/cache/cached-analyzer';
import { createNodeHost } from '../core/node-host';
import { formatGraph } from './format-graph';
import { formatRoutesTable, routeRows } from './format-routes';
import type * as Rules from '../core/rules';
import type { Severity } from '../core/rules/types';
import { isSeverity } from '../core/rules/types';
import { diagnosticRows, formatDiagnosticsText, relativeTo } from './format-findings';
import { fixedRows, formatFixedText } from './format-fixes';
import { unresolvedRows } from './unresolved-rows';
import { cliCacheDir } from './cache-dir';

// Loaded on use: `routes` and `graph` answered from the warm-start cache load neither the rules
// nor the TypeScript parser they (and the analyser) need.
const loadRules = () => require('../core/rules') as typeof Rules;
const fixModule = () => require('./fix') as typeof import('./fix');
const sarifModule = () => require('./format-sarif') as typeof import('./format-sarif');

const USAGE = `Usage: fastify-lens <command> [folder] [options]

Commands:
  routes [folder]   list every route with its full URL and where it is declared
  graph [folder]    print the plugin/context tree, with what could not be followed
  check [folder]    report rule findings (duplicate routes, unknown hooks, ...) as file:line:col
                    severity code message; exits 1 when an error-level finding exists

Options:
  --json            machine-readable output (routes: {"routes":[...],"unresolved":[{file,line,reason}]})
  --include-head    also list the HEAD routes Fastify adds for every GET
  --format <f>      check: text (default), json ({"diagnostics":[{code,severity,message,file,line,column}]})
                    or sarif (SARIF 2.1.0, with the quick fixes as SARIF fixes)
  --fix             check: apply the safe quick fixes to the files, analyse again, print what
                    changed and what is left (a file changed since it was analysed is not written)
  --no-cache        analyse from scratch, neither reading nor writing the warm-start cache
                    (kept in $XDG_CACHE_HOME/fastify-lens or ~/.cache/fastify-lens, never in the
                    folder; FASTIFY_LENS_CACHE_DIR overrides)
  --rule <id>=<s>   check: severity of one rule (error, warning, info, hint, off), repeatable;
                    missing-response-schema is off in check unless asked this way
  -h, --help        show this help
  -v, --version     show the version

The folder defaults to the current directory. Nothing in it is run: the analysis is static.
`;

class UsageError extends Error {}

interface Args {
  command: 'routes' | 'graph' | 'check';
  folder: string;
  json: boolean;
  format: 'text' | 'json' | 'sarif';
  fix: boolean;
  includeHead: boolean;
  cache: boolean;
  rules: Record<string, Severity>;
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const positional: string[] = [];
  let json = false;
  let includeHead = false;
  let fix = false;
  let cache = true;
  let format: string | undefined;
  const rules: Record<string, Severity> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '-v' || a === '--version') return 'version';
    if (a === '--json') json = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      format = a === '--format' ? argv[++i] : a.slice('--format='.length);
      if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif${format === undefined ? '' : `, not '${format}'`}`);
    }
    else if (a === '--rule' || a.startsWith('--rule=')) {
      const v = a === '--rule' ? argv[++i] : a.slice('--rule='.length);
      const m = /^([a-z0-9-]+)=(.*)$/.exec(v ?? '');
      if (!m || !isSeverity(m[2])) throw new UsageError(`--rule takes <rule id>=<error|warning|info|hint|off>${v === undefined ? '' : `, not '${v}'`}`);
      if (!loadRules().getRule(m[1])) throw new UsageError(`--rule: unknown rule '${m[1]}'`);
      rules[m[1]] = m[2];
    }
    else if (a === '--include-head') includeHead = true;
    else if (a === '--fix') fix = true;
    else if (a === '--no-cache') cache = false;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else positional.push(a);
  }
  const [command, folder, ...extra] = positional;
  if (!command) throw new UsageError('missing command');
  if (command !== 'routes' && command !== 'graph' && command !== 'check') throw new UsageError(`unknown command '${command}'`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (format !== undefined && command !== 'check') throw new UsageError('--format is an option of check (use --json)');
  if (Object.keys(rules).length && command !== 'check') throw new UsageError('--rule is an option of check');
  if (fix && command !== 'check') throw new UsageError('--fix is an option of check');
  return { command, folder: folder ?? '.', json, includeHead, fix, cache, format: format === 'json' || format === 'sarif' ? format : json ? 'json' : 'text', rules };
}

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`fastify-lens: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  if (args === 'version') {
    out(`${readVersion()}\n`);
    return 0;
  }
  const folder = path.resolve(args.folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
    fs.readdirSync(folder);
  } catch (e) {
    err(`fastify-lens: cannot read folder '${args.folder}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  if (!stat.isDirectory()) {
    err(`fastify-lens: '${args.folder}' is not a folder\n`);
    return 2;
  }
  try {
    const root = fs.realpathSync(folder);
    const cache: WarmCacheSettings | undefined = args.cache ? { dir: cliCacheDir(), log: (line) => err(`fastify-lens: ${line}\n`) } : undefined;
    if (args.command === 'check') {
      const io = { read: readTextOrUndefined, write: (file: string, text: string) => fs.writeFileSync(file, text) };
      const result = fixModule().checkWorkspace(root, createNodeHost(), { ...loadRules().cliSeverities(), ...args.rules }, args.fix ? io : undefined, cache);
      const textOf = (file: string) => result.source(file) ?? readTextOrUndefined(file);
      const rows = diagnosticRows(result.findings, root, textOf);
      const fixed = fixedRows(result.applied, root);
      if (args.format === 'sarif') out(sarifModule().formatSarif(result.findings, result.fixesOf, root, textOf, readVersion()));
      else if (args.format === 'json') out(JSON.stringify({ ...(args.fix ? { fixed, changedOnDisk: result.changedOnDisk.map((f) => relativeTo(root, f)) } : {}), diagnostics: rows }, null, 2) + '\n');
      else out((args.fix ? formatFixedText(fixed, result.changedOnDisk.map((f) => relativeTo(root, f))) : '') + formatDiagnosticsText(rows));
      return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
    }
    const analyzer = new CachedAnalyzer(root, createNodeHost(), {}, cache);
    const graph = analyzer.analyze();
    if (args.command === 'routes') {
      const rows = routeRows(graph, { includeHead: args.includeHead });
      out(args.json ? JSON.stringify({ routes: rows, unresolved: unresolvedRows(graph) }, null, 2) + '\n' : formatRoutesTable(rows, { unresolved: graph.unresolved.length, folder: args.folder }));
    } else {
      out(args.json ? JSON.stringify(graph, null, 2) + '\n' : formatGraph(graph, { includeHead: args.includeHead }));
    }
    // After the output: writing the cache takes a while on a large app (seconds at 10,000 files).
    analyzer.save();
    return 0;
  } catch (e) {
    err(`fastify-lens: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readVersion(): string {
  for (const p of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      return JSON.parse(fs.readFileSync(p, 'utf8')).version;
    } catch {
      // try the next location (bundled vs. source layout)
    }
  }
  return 'unknown';
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
