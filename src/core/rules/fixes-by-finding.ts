/**
 * The quick fixes of findings that are copies — posted to the editor, read from the warm-start
 * cache — found by what a finding is (its rule, place and message) among the findings of a rules
 * run of this process on the same graph, whose fixes `fixesOf` computes (deferred-fixes.ts).
 *
 * On a graph served from the warm-start cache nothing was parsed or linked, so fixes made then
 * would lack the analyser's trees and module resolution (imported types would become `{}`): the
 * first ask runs the full analysis behind it (`prepare()`, the same texts) and the rules again on
 * the served graph, so the fixes are the ones a cold start computes. Valid while the analysis is
 * the analyser's current one (see deferred-fixes.ts): make a new one with each graph.
 */
import type { WorkspaceGraph } from '../model';
import { fixesOf, hasDeferredFixes } from './deferred-fixes';
import { runRules, type SourceOf } from './index';
import type { Finding, Fix, Severity } from './types';

/** What a finding is, for finding it again in a copy: rule, file, offsets and message. */
export function findingKey(f: Pick<Finding, 'code' | 'message' | 'span'>): string {
  return `${f.code}\0${f.span.file}\0${f.span.start}\0${f.span.end}\0${f.message}`;
}

/** The analyser a graph came from, as far as fixes need it (`Analyzer`-like; `CachedAnalyzer`). */
export interface FixingAnalyzer {
  /** True while the graph is the warm-start cache one (nothing parsed or linked). */
  readonly fromCache?: boolean;
  /** Runs the full analysis behind a warm-start graph (no-op otherwise). */
  prepare?(): void;
  sourceOf(): SourceOf;
}

export class FixesByFinding {
  private byKey: Map<string, Finding> | undefined;
  private own: Finding[] | undefined;

  /**
   * `findings`: the rules' findings on `graph` (`severities` as they ran), from a rules run of
   * this process or from a cache; `analyzer` made `graph` and has not changed since.
   */
  constructor(
    private readonly graph: WorkspaceGraph,
    private readonly severities: Record<string, Severity>,
    findings: Finding[],
    private readonly analyzer: FixingAnalyzer,
  ) {
    if (!analyzer.fromCache && findings.every(hasDeferredFixes)) this.own = findings;
  }

  /**
   * The fixes of the finding that `finding` is a copy of; undefined when this graph has no such
   * finding (it belongs to another graph). A fix that throws throws here.
   */
  fixesFor(finding: Pick<Finding, 'code' | 'message' | 'span'>): Fix[] | undefined {
    const match = this.index().get(findingKey(finding));
    return match && fixesOf(match);
  }

  private index(): Map<string, Finding> {
    if (this.byKey) return this.byKey;
    if (!this.own) {
      this.analyzer.prepare?.();
      this.own = runRules(this.graph, this.severities, this.analyzer.sourceOf());
    }
    this.byKey = new Map();
    // Equal findings (same rule, place and message) have the same fixes: the first one answers.
    for (const f of this.own) {
      const key = findingKey(f);
      if (!this.byKey.has(key)) this.byKey.set(key, f);
    }
    return this.byKey;
  }
}
