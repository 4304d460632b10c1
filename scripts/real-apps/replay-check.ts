// The replay of plugin runs and the kept module top levels checked on real apps: for a sample of
// each app's source files, three edits through Analyzer.applyChanges (a line added on top, a
// comment appended, the text restored), each graph compared with a fresh analysis of the folder.
// With every update the rules run on the analyser's graph (keeping what they keep between runs,
// as in the editor) and their findings and notes are compared with those of a fresh analysis too.
// Prints one line per app: runs recorded by the cold index (and why others were not), updates,
// runs replayed, module top levels kept, differences, and why a link kept nothing replayable.
// Exit code 1 when a graph or the rules differ.
//
// It writes into the app folders (and puts every file back): run it on scratch copies.
// Usage: npx tsx scripts/real-apps/replay-check.ts <app folder>... [--files N]
import { readFileSync, writeFileSync } from 'node:fs';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { runRulesDetailed } from '../../src/core/rules';

const args = process.argv.slice(2);
const at = args.indexOf('--files');
const perApp = at >= 0 ? Number(args[at + 1]) : 25;
const dirs = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));

let differing = 0;
for (const dir of dirs) {
  const analyzer = new Analyzer(dir, createNodeHost());
  const first = analyzer.analyze();
  const files = first.files;
  runRulesDetailed(first, {}, analyzer.sourceOf());
  const cold = analyzer.replayStats;
  const sources = analyzer.scannedFiles().filter((p) => !p.includes('/node_modules/'));
  const sample = sources.filter((_, i) => i % Math.max(1, Math.floor(sources.length / perApp)) === 0).slice(0, perApp);
  let updates = 0;
  let replayed = 0;
  let kept = 0;
  let differences = 0;
  const unsound = new Set<string>();
  for (const file of sample) {
    const original = readFileSync(file, 'utf8');
    try {
      for (const text of [`\n${original}`, `${original}\n// edited\n`, original]) {
        writeFileSync(file, text);
        const next = analyzer.applyChanges([{ file }]);
        const graph = JSON.stringify(next);
        const rules = JSON.stringify(rulesOf(runRulesDetailed(next, {}, analyzer.sourceOf())));
        updates++;
        replayed += analyzer.replayStats.replayed;
        kept += analyzer.replayStats.keptModules ?? 0;
        if (analyzer.replayStats.unsound) unsound.add(analyzer.replayStats.unsound);
        const fresh = new Analyzer(dir, createNodeHost());
        const freshGraph = fresh.analyze();
        const what = [graph !== JSON.stringify(freshGraph) ? 'graph' : '', rules !== JSON.stringify(rulesOf(runRulesDetailed(freshGraph, {}, fresh.sourceOf()))) ? 'rules' : ''].filter(Boolean);
        if (what.length) {
          differences++;
          console.log(`  differs (${what.join(', ')}): ${file.slice(dir.length)} (${text === original ? 'restored' : text.startsWith('\n') ? 'line added on top' : 'comment appended'})`);
        }
      }
    } finally {
      writeFileSync(file, original);
    }
  }
  if (differences) differing++;
  const why = Object.entries(cold.notRecorded).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(`${dir}: ${files} files; cold index recorded ${cold.recorded} runs${why ? ` (not recorded: ${why})` : ''}; ${updates} updates, ${replayed} runs replayed, ${kept} module top levels kept, ${differences} differences${unsound.size ? `; nothing replayable: ${[...unsound].join('; ')}` : ''}`);
}
process.exit(differing ? 1 : 0);

/** The rules' findings and notes, as data. */
function rulesOf(r: ReturnType<typeof runRulesDetailed>) {
  return { findings: r.findings, notes: r.notes, failed: r.failed };
}

