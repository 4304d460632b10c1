/**
 * `fastify-lens check --fix`: applies the findings' safe fixes to the files, then analyses again.
 * Per pass: one safe fix per finding (its preferred one), fixes whose edits conflict are left for
 * the next pass, each file is written once with its edits applied from the end backwards, and a
 * file whose text on disk is no longer the text analysed is never written. Passes repeat while
 * fixes apply (a bounded number of times), so the result is what a second `--fix` would leave.
 */
import { CachedAnalyzer, type WarmCacheSettings } from '../core/cache/cached-analyzer';
import { applyEdits, chooseFixes, editsByFile, safeFixOf } from '../core/fixes/apply-fixes';
import type { Host } from '../core/host';
import type { WorkspaceGraph } from '../core/model';
import { runRules, type Finding, type Fix, type Severity } from '../core/rules';
import { FixesByFinding } from '../core/rules/fixes-by-finding';

const MAX_PASSES = 5;

export interface FileIo {
  read(file: string): string | undefined;
  write(file: string, text: string): void;
}

export interface AppliedFix {
  finding: Finding;
  fix: Fix;
  /** The text of the finding's file before this pass wrote it (for its line and column). */
  before: string | undefined;
}

export interface CheckResult {
  graph: WorkspaceGraph;
  findings: Finding[];
  /** The analysed text of a file of the last analysis. */
  source(file: string): string | undefined;
  /** The quick fixes of one of `findings`, computed when asked (none where computing them failed). */
  fixesOf(finding: Finding): Fix[];
  applied: AppliedFix[];
  /** Files left alone because they changed on disk after they were analysed. */
  changedOnDisk: string[];
}

/**
 * Analyses the folder and runs the rules; with `fix`, applies safe fixes first (see above). With
 * `cache`, the first analysis and its findings may come from the warm-start cache (and are saved).
 */
export function checkWorkspace(root: string, host: Host, severities: Record<string, Severity>, fix: FileIo | undefined, cache?: WarmCacheSettings): CheckResult {
  const rulesKey = `check:${JSON.stringify(Object.entries(severities).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  const applied: AppliedFix[] = [];
  const changedOnDisk = new Set<string>();
  for (let pass = 0; ; pass++) {
    const analyzer = new CachedAnalyzer(root, host, {}, pass === 0 ? cache : undefined);
    const graph = analyzer.analyze();
    const source = analyzer.sourceOf();
    const findings = analyzer.cachedRules<Finding[]>(rulesKey) ?? runRules(graph, severities, source);
    analyzer.save({ key: rulesKey, result: findings });
    // Asked only by --fix and SARIF, before the next pass replaces this analysis.
    const fixes = new FixesByFinding(graph, severities, findings, analyzer);
    const fixesOf = (finding: Finding): Fix[] => {
      try {
        return fixes.fixesFor(finding) ?? [];
      } catch {
        return []; // a fix builder that throws costs that finding its fixes, never the check
      }
    };
    const done = (): CheckResult => ({ graph, findings, source, fixesOf, applied, changedOnDisk: [...changedOnDisk].sort() });
    if (!fix || pass === MAX_PASSES) return done();
    const candidates = findings.flatMap((finding) => {
      const f = safeFixOf(fixesOf(finding));
      return f && !f.edits.some((e) => changedOnDisk.has(e.file)) ? [{ finding, fix: f }] : [];
    });
    let { chosen } = chooseFixes(candidates);
    for (const file of editsByFile(chosen.map((c) => c.fix)).keys()) {
      const analysed = source(file);
      if (analysed === undefined || fix.read(file) !== analysed) changedOnDisk.add(file);
    }
    chosen = chosen.filter((c) => !c.fix.edits.some((e) => changedOnDisk.has(e.file)));
    if (!chosen.length) return done();
    for (const [file, edits] of editsByFile(chosen.map((c) => c.fix))) fix.write(file, applyEdits(source(file)!, edits));
    applied.push(...chosen.map((c) => ({ ...c, before: source(c.finding.span.file) })));
  }
}
