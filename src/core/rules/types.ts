import type { Span, WorkspaceGraph } from '../model';

/** How loud a finding is, loudest first; `off` disables a rule. */
export const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** One diagnostic: `code` is the rule id (public interface), `span` the exact place. */
export interface Finding {
  code: string;
  severity: Exclude<Severity, 'off'>;
  message: string;
  span: Span;
  related?: { message: string; span: Span }[];
}

/**
 * What a rule returns: a finding without its severity (the registry applies the user's or the
 * rule's default). `defaultSeverity` overrides the rule's default for this finding only, when the
 * user did not set one (say, a warning on Fastify 4 where 5 fails at boot).
 */
export type RuleFinding = Omit<Finding, 'severity' | 'code'> & { defaultSeverity?: Exclude<Severity, 'off'> };

/** The rule's documentation: the README's rules table and the editor's links are checked against it. */
export interface RuleDoc {
  /** Rule id = file name under src/core/rules/ = `Finding.code`. */
  id: string;
  /** One line: what it catches. */
  summary: string;
  /** Why it matters. */
  why: string;
  /** Code that the rule reports. */
  wrong: string;
  /** The same code written so that it stays silent. */
  right: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  /** The default in `fastify-lens check` when it differs from `defaultSeverity` (`off`: reported only when asked with `--rule <id>=<severity>`). */
  cliDefaultSeverity?: Severity;
}

/** What a rule sees: the graph only, never the file system. */
export interface RuleContext {
  graph: WorkspaceGraph;
  /**
   * Says why the rule stayed silent where it could have reported (an unresolved registration on
   * the way, a conditional declaration…): for the log, never shown as a finding.
   */
  note(message: string): void;
}

export interface Rule extends RuleDoc {
  check(ctx: RuleContext): RuleFinding[];
}
