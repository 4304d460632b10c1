import type { Span, WorkspaceGraph } from '../model';

/** How loud a finding is, loudest first; `off` disables a rule. */
export const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Replace `[start, end)` of `file` (UTF-16 offsets into the text the graph was built from) with `newText`. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
  /** 0-based [startLine, startCharacter, endLine, endCharacter]; filled in by the extension's worker. */
  range?: [number, number, number, number];
}

/**
 * A quick fix: applied as one edit (one undo step in the editor). `safe` fixes keep the program's
 * meaning apart from the mistake and are what `fastify-lens check --fix` applies; the others are
 * offered in the editor only.
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  safe: boolean;
  /** The one fix the editor marks as preferred (auto-fix). */
  preferred?: boolean;
}

/**
 * One diagnostic: `code` is the rule id (public interface), `span` the exact place. Plain data
 * (cached, posted to the editor); its quick fixes are computed when asked: `fixesOf(finding)`
 * (deferred-fixes.ts).
 */
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
 * user did not set one (say, a warning on Fastify 4 where 5 fails at boot). `fixes` computes the
 * finding's quick fixes; the registry keeps it and calls it only when someone asks (an editor's
 * light bulb, `check --fix`, SARIF), so it must read the graph and `RuleContext` it closed over
 * and nothing that changes after the rule returned. The registry's `Finding` has `message`,
 * `span` and `related` (when the rule gave the key) in that order, then `code` and `severity`:
 * any other key of the object is not carried over.
 */
export type RuleFinding = Omit<Finding, 'severity' | 'code'> & { defaultSeverity?: Exclude<Severity, 'off'>; fixes?: () => Fix[] };

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
  /**
   * The text a file of the graph was analysed from (the editor's unsaved text included), for
   * fixes that must see the code around a span; undefined when not known.
   */
  source(file: string): string | undefined;
  /**
   * The workspace file an import specifier of `fromFile` names, resolved as the analyser resolves
   * modules (relative paths, .js→.ts twins, index files, tsconfig `paths`…); undefined for
   * packages, builtins, missing files, or when not known (a graph from the cache).
   */
  resolveModule(fromFile: string, specifier: string): string | undefined;
}

export interface Rule extends RuleDoc {
  check(ctx: RuleContext): RuleFinding[];
}
