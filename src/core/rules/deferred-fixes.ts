/**
 * The rules' quick fixes, computed when asked rather than with the findings. A rule returns each
 * finding's fixes as a function (`RuleFinding.fixes`); the registry keeps it with the `Finding`
 * object it made (`deferFixes`), and `fixesOf(finding)` runs it once, with the analyser's trees at
 * hand as while the rules ran (`withTrees`), and keeps the result. Most findings never need
 * theirs, and the schema skeletons of thousands of hints were some 40% of what the rules cost.
 *
 * Lifetime: a fix reads the analysed texts, trees and module resolution through the `source` the
 * rules were given (`Analyzer.sourceOf()`), which answers for the analyser's current state. The
 * fixes are the ones an eager computation gave while the analysis the graph came from is the
 * analyser's current one: ask before its next `applyChanges`/`update`/`rescan`/`analyze`. (The
 * worker answers for the graph it serves and drops the findings with the next analysis; `check`
 * asks before its next pass.)
 */
import type { ts } from 'ts-morph';
import { withTrees } from '../fixes/parsed-source';
import type { Finding, Fix } from './types';

interface Deferred {
  compute?: () => Fix[];
  trees?: (file: string) => ts.SourceFile | undefined;
  fixes?: Fix[];
}

/** By the finding object the registry made: copies (the cache, a posted message) are not in it. */
const DEFERRED = new WeakMap<Finding, Deferred>();

/** How many entries were set or computed so far (`deferredChanges`). */
let changes = 0;

/**
 * A number that moves whenever an entry is set or its fixes are computed: while it stays, every
 * finding keeps the entry it had (the registry then skips `deferFixes` for the findings it reuses).
 */
export function deferredChanges(): number {
  return changes;
}

/** Keeps `compute` (none: the finding has no fix) as the fixes of `finding`, a finding of a rules run of this process. */
export function deferFixes(finding: Finding, compute: (() => Fix[]) | undefined, trees: Deferred['trees']): void {
  const d = DEFERRED.get(finding);
  // A finding of the run before (index.ts reuses them) keeps its entry when nothing was computed
  // from it yet; fixes computed for an earlier analysis are not this one's.
  if (d && (compute ? d.compute === compute && d.trees === trees : d.compute === undefined && d.fixes?.length === 0)) return;
  changes++;
  DEFERRED.set(finding, compute ? { compute, trees } : { fixes: [] });
}

/**
 * The quick fixes of a finding of a rules run of this process (computed on first ask, the same
 * array after), in the order the rule gives them; undefined for any other object (a copy of a
 * finding: see fixes-by-finding.ts). A fix that throws throws here, and again on the next ask.
 */
export function fixesOf(finding: Finding): Fix[] | undefined {
  const d = DEFERRED.get(finding);
  if (!d) return undefined;
  if (!d.fixes) {
    changes++;
    d.fixes = withTrees(d.trees, d.compute!);
    d.compute = undefined;
    d.trees = undefined;
  }
  return d.fixes;
}

/** Whether `finding` is a finding of a rules run of this process (its fixes can be asked of `fixesOf`). */
export function hasDeferredFixes(finding: Finding): boolean {
  return DEFERRED.has(finding);
}
