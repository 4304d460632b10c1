import type { ts } from 'ts-morph';
import { withTrees } from '../fixes/parsed-source';
import type { WorkspaceGraph } from '../model';
import { asyncHandlerSendAndReturn } from './async-handler-send-and-return';
import { asyncHookWithDone } from './async-hook-with-done';
import { blockingCallInHandler } from './blocking-call-in-handler';
import { decoratorNotInScope } from './decorator-not-in-scope';
import { decoratorReferenceType } from './decorator-reference-type';
import { deferFixes, deferredChanges } from './deferred-fixes';
import { duplicateDecorator } from './duplicate-decorator';
import { duplicateRoute } from './duplicate-route';
import { resorted, sortFindings } from './findings-order';
import { invalidJsonSchema } from './invalid-json-schema';
import { missingPluginDependency } from './missing-plugin-dependency';
import { missingResponseSchema } from './missing-response-schema';
import { missingSchema } from './missing-schema';
import { paramsSchemaMismatch } from './params-schema-mismatch';
import { beginRulesRun } from './rule-utils';
import type { Finding, Rule, RuleFinding, Severity } from './types';
import { unknownHook } from './unknown-hook';
import { unknownSchemaRef } from './unknown-schema-ref';
import { useRequestLog } from './use-request-log';
import { v5Migration } from './v5-migration';

export type { Finding, Fix, Rule, RuleContext, RuleDoc, RuleFinding, Severity, TextEdit } from './types';
export { fixesOf } from './deferred-fixes';
export { memoStats } from './route-memo';

/** Every rule, by id. The ids are public interface (settings `fastifyLens.rules.<id>`, `Finding.code`). */
export const RULES: readonly Rule[] = [
  duplicateRoute,
  unknownHook,
  asyncHookWithDone,
  decoratorReferenceType,
  duplicateDecorator,
  decoratorNotInScope,
  missingPluginDependency,
  unknownSchemaRef,
  invalidJsonSchema,
  paramsSchemaMismatch,
  missingResponseSchema,
  asyncHandlerSendAndReturn,
  blockingCallInHandler,
  missingSchema,
  useRequestLog,
  v5Migration,
];

/** The severities `fastify-lens check` starts from: each rule's `cliDefaultSeverity` where it has one. */
export function cliSeverities(): Record<string, Severity> {
  return Object.fromEntries(RULES.filter((r) => r.cliDefaultSeverity).map((r) => [r.id, r.cliDefaultSeverity!]));
}

export function getRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export interface RunRulesResult {
  findings: Finding[];
  /** Rules that threw (skipped), with the message: for the log, never for the user's code. */
  failed: { id: string; error: string }[];
  /** Why rules stayed silent (`RuleContext.note`), for the log; one entry per distinct message. */
  notes: { id: string; message: string }[];
}

/**
 * Runs every rule not turned off on the graph. `severities` maps rule ids to the user's choice;
 * a rule missing there uses its default (or the finding's own default). A rule that throws is
 * skipped. Findings come sorted by file, then offset. Their quick fixes are not computed here:
 * `fixesOf(finding)` computes them when asked, while this analysis is the analyser's current one
 * (deferred-fixes.ts).
 */
export function runRules(graph: WorkspaceGraph, severities: Record<string, Severity> = {}, source: SourceOf = () => undefined): Finding[] {
  return runRulesDetailed(graph, severities, source).findings;
}

/**
 * The text a file was analysed from (`Analyzer.source`); with `tree`, the analyser's own parse of
 * that text (`Analyzer.sourceOf()`), which fixes use instead of parsing the file again; with
 * `resolve`, the workspace file an import names, resolved as the linker does.
 */
export type SourceOf = ((file: string) => string | undefined) & {
  tree?: (file: string) => ts.SourceFile | undefined;
  resolve?: (fromFile: string, specifier: string) => string | undefined;
};

export function runRulesDetailed(graph: WorkspaceGraph, severities: Record<string, Severity> = {}, source: SourceOf = () => undefined): RunRulesResult {
  const failed: RunRulesResult['failed'] = [];
  const notes: RunRulesResult['notes'] = [];
  beginRulesRun();
  const last = LAST.get(source);
  const run: Run = { findings: [], byRule: new Map(), added: [], removed: [] };
  withTrees(source.tree, () => runEach(graph, severities, source, last, run, failed, notes));
  const findings = inOrder(last, run);
  LAST.set(source, { byRule: run.byRule, sorted: findings.slice(), deferred: deferredChanges(), trees: source.tree });
  return { findings, failed, notes };
}

/**
 * The finding made for each finding object a rule returned, reused while the rule returns the same
 * object with the same severity: a memoised rule (route-memo.ts) returns the objects of the run
 * before for what did not change (some 12,000 at 2,000 files), so a run makes findings only for what
 * did, and the findings of two runs are the same objects where nothing changed. (A new finding
 * object per run also meant a new entry per run in the deferred fixes' weak map, whose table V8
 * does not shrink: it grew with the findings made between two full collections.)
 */
const MADE = new WeakMap<RuleFinding, Finding>();

/**
 * The last run for one `source` (one analyser): per rule, what it returned and the findings made
 * for them, and all findings in order. A rule returns mostly the same objects in the same order as
 * in the run before (route-memo.ts), so the next run walks each rule's list beside the last one:
 * a finding object at its place takes the finding made for it then, without a look-up, and the
 * findings in order are the last run's with what came and went taken out and put in
 * (`resorted`) instead of a sort of all of them. (12,092 findings at 2,000 files: their look-ups
 * in the weak maps and the sort were ~10 ms of every update.)
 */
interface LastRun {
  byRule: Map<string, RuleRun>;
  sorted: readonly Finding[];
  /** `deferredChanges()` after the run, and the trees its fixes were deferred with. */
  deferred: number;
  trees: SourceOf['tree'];
}

interface RuleRun {
  chosen: Severity | undefined;
  got: readonly RuleFinding[];
  made: readonly Finding[];
}

const LAST = new WeakMap<object, LastRun>();

/** A run in progress: every finding in the rules' order, per rule what it gave, and the findings that came (not at their place in the last run) and went. */
interface Run {
  findings: Finding[];
  byRule: Map<string, RuleRun>;
  added: Finding[];
  removed: Finding[];
}

const NONE: readonly never[] = [];

/** How many of the last run's findings a rule looks past to find the next one at its place (findings removed before it) before it looks the finding up. */
const LOOK_AHEAD = 4;

function runEach(graph: WorkspaceGraph, severities: Record<string, Severity>, source: SourceOf, last: LastRun | undefined, run: Run, failed: RunRulesResult['failed'], notes: RunRulesResult['notes']): void {
  // Every finding kept at its place still has the deferred fixes it had when the last run ended.
  const deferredKept = last !== undefined && last.deferred === deferredChanges() && last.trees === source.tree;
  for (const rule of RULES) {
    const chosen = severities[rule.id];
    if (chosen === 'off') continue;
    const seen = new Set<string>();
    const note = (message: string) => {
      if (seen.has(message)) return;
      seen.add(message);
      notes.push({ id: rule.id, message });
    };
    let got: readonly RuleFinding[];
    try {
      got = rule.check({ graph, note, source, resolveModule: source.resolve ?? (() => undefined) });
    } catch (e) {
      failed.push({ id: rule.id, error: (e as Error)?.message ?? String(e) });
      continue;
    }
    const before = last?.byRule.get(rule.id);
    const usable = before !== undefined && before.chosen === chosen;
    const beforeGot = usable ? before.got : NONE;
    const beforeMade = usable ? before.made : NONE;
    const made: Finding[] = new Array(got.length);
    let j = 0;
    /** Where each of the last run's objects was in its list: made when a finding is not found just ahead. */
    let placeOf: Map<RuleFinding, number> | undefined;
    for (let i = 0; i < got.length; i++) {
      const f = got[i];
      let k = 0;
      while (k <= LOOK_AHEAD && j + k < beforeGot.length && beforeGot[j + k] !== f) k++;
      if (k > LOOK_AHEAD || j + k >= beforeGot.length) {
        if (!placeOf && beforeGot.length > j + k) placeOf = new Map(beforeGot.map((g, at) => [g, at]));
        const at = placeOf?.get(f);
        k = at !== undefined && at >= j ? at - j : -1;
      }
      let finding: Finding;
      if (k >= 0) {
        for (let r = j; r < j + k; r++) run.removed.push(beforeMade[r]);
        finding = beforeMade[j + k];
        j += k + 1;
        if (!deferredKept) deferFixes(finding, f.fixes, source.tree);
      } else {
        finding = make(rule, f, chosen ?? f.defaultSeverity ?? rule.defaultSeverity);
        deferFixes(finding, f.fixes, source.tree);
        run.added.push(finding);
      }
      made[i] = finding;
      run.findings.push(finding);
    }
    for (let r = j; r < beforeMade.length; r++) run.removed.push(beforeMade[r]);
    if (before !== undefined && !usable) for (const m of before.made) run.removed.push(m);
    run.byRule.set(rule.id, { chosen, got, made });
  }
  // Rules that gave findings last time and none now (turned off, or threw).
  if (last) for (const [id, before] of last.byRule) if (!run.byRule.has(id)) for (const m of before.made) run.removed.push(m);
}

/** The finding for a rule's finding object: the one made for it before while its severity and rule are the same. */
function make(rule: Rule, f: RuleFinding, severity: Exclude<Severity, 'off'>): Finding {
  let finding = MADE.get(f);
  if (finding === undefined || finding.severity !== severity || finding.code !== rule.id) {
    // The rule's message, span and related, then code and severity (one literal per shape: 12,000 findings per run at 2,000 files).
    finding = 'related' in f
      ? { message: f.message, span: f.span, related: f.related, code: rule.id, severity }
      : { message: f.message, span: f.span, code: rule.id, severity };
    MADE.set(f, finding);
  }
  return finding;
}

/**
 * The run's findings in order (findings-order.ts): the last run's list changed by what came and
 * went when that is little and certain, else a sort of all. Certain: a finding that went is not
 * among this run's (a finding that moved in a rule's list counts as gone and come).
 */
function inOrder(last: LastRun | undefined, run: Run): Finding[] {
  const { findings, added, removed } = run;
  if (last && added.length + removed.length <= Math.max(64, findings.length >> 4) && !anyOf(removed, findings)) {
    const out = resorted(last.sorted, removed, added);
    if (out) return out;
  }
  return sortFindings(findings);
}

/** Whether a finding of `few` is in `all` (by object). */
function anyOf(few: readonly Finding[], all: readonly Finding[]): boolean {
  if (!few.length) return false;
  if (few.length <= 8) return all.some((f) => few.includes(f));
  const set = new Set(few);
  return all.some((f) => set.has(f));
}
