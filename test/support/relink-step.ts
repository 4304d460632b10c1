import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Analyzer, type FileChange } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';

/** A fresh analysis of the folder, as JSON. */
export const fresh = (dir: string): string => JSON.stringify(new Analyzer(dir, createNodeHost()).analyze());

/**
 * Applies `changes` (written to disk first; `null` deletes) and checks the graph against a fresh
 * analysis of the files as they are then; returns the analyser's replay stats.
 */
export function step(analyzer: Analyzer, dir: string, changes: Record<string, string | null>): Analyzer['replayStats'] {
  const list: FileChange[] = [];
  for (const [rel, text] of Object.entries(changes)) {
    const file = path.join(dir, rel);
    if (text === null) rmSync(file);
    else writeFileSync(file, text);
    list.push({ file });
  }
  const graph = JSON.stringify(analyzer.applyChanges(list));
  const expected = fresh(dir);
  if (graph !== expected) {
    let at = 0;
    while (graph[at] === expected[at]) at++;
    assert.fail(`graph after ${Object.keys(changes).join(', ')} differs from a fresh analysis at ${at}: …${graph.slice(Math.max(0, at - 160), at + 60)}… (fresh: …${expected.slice(at, at + 60)}…)`);
  }
  return analyzer.replayStats;
}
