import type { ts } from 'ts-morph';
import { withTrees } from '../fixes/parsed-source';
import type { WorkspaceGraph } from '../model';
import { asyncHandlerSendAndReturn } from './async-handler-send-and-return';
import { asyncHookWithDone } from './async-hook-with-done';
import { blockingCallInHandler } from './blocking-call-in-handler';
import { decoratorNotInScope } from './decorator-not-in-scope';
import { decoratorReferenceType } from './decorator-reference-type';
import { deferFixes } from './deferred-fixes';
import { duplicateDecorator } from './duplicate-decorator';
import { duplicateRoute } from './duplicate-route';
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
  const findings: Finding[] = [];
  const failed: RunRulesResult['failed'] = [];
  const notes: RunRulesResult['notes'] = [];
  beginRulesRun();
  withTrees(source.tree, () => runEach(graph, severities, source, findings, failed, notes));
  return { findings: sortFindings(findings), failed, notes };
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

function runEach(graph: WorkspaceGraph, severities: Record<string, Severity>, source: SourceOf, findings: Finding[], failed: RunRulesResult['failed'], notes: RunRulesResult['notes']): void {
  for (const rule of RULES) {
    const chosen = severities[rule.id];
    if (chosen === 'off') continue;
    const seen = new Set<string>();
    const note = (message: string) => {
      if (seen.has(message)) return;
      seen.add(message);
      notes.push({ id: rule.id, message });
    };
    try {
      for (const f of rule.check({ graph, note, source, resolveModule: source.resolve ?? (() => undefined) })) {
        const severity = chosen ?? f.defaultSeverity ?? rule.defaultSeverity;
        let finding = MADE.get(f);
        if (finding === undefined || finding.severity !== severity || finding.code !== rule.id) {
          // The rule's message, span and related, then code and severity (one literal per shape: 12,000 findings per run at 2,000 files).
          finding = 'related' in f
            ? { message: f.message, span: f.span, related: f.related, code: rule.id, severity }
            : { message: f.message, span: f.span, code: rule.id, severity };
          MADE.set(f, finding);
        }
        deferFixes(finding, f.fixes, source.tree);
        findings.push(finding);
      }
    } catch (e) {
      failed.push({ id: rule.id, error: (e as Error)?.message ?? String(e) });
    }
  }
}

/**
 * The findings by file (code unit order), start, end, then rule id (`localeCompare`); equal ones
 * keep the order the rules gave them. Each finding's keys are computed once (the files and rule ids
 * ranked once per run), not in every comparison of the sort.
 */
function sortFindings(findings: Finding[]): Finding[] {
  const n = findings.length;
  const fileRank = rank(findings.map((f) => f.span.file), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const codeRank = rank(findings.map((f) => f.code), (a, b) => a.localeCompare(b));
  const file = new Uint32Array(n);
  const code = new Uint32Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = findings[i];
    file[i] = fileRank.get(f.span.file)!;
    code[i] = codeRank.get(f.code)!;
    start[i] = f.span.start;
    end[i] = f.span.end;
    order[i] = i;
  }
  order.sort((i, j) => file[i] - file[j] || start[i] - start[j] || end[i] - end[j] || code[i] - code[j] || i - j);
  return order.map((i) => findings[i]);
}

/** Each distinct value's place in `compare`'s order (values it finds equal share one). */
function rank(values: string[], compare: (a: string, b: string) => number): Map<string, number> {
  const distinct = [...new Set(values)].sort(compare);
  const out = new Map<string, number>();
  let r = 0;
  distinct.forEach((v, i) => out.set(v, i > 0 && compare(distinct[i - 1], v) !== 0 ? ++r : r));
  return out;
}
