/**
 * `fastify-lens check --format sarif`: the findings as a SARIF 2.1.0 log (OASIS), for code
 * scanning services and editors. Regions are 1-based lines and columns in UTF-16 code units (the
 * graph's offsets); files are relative to the checked folder (`uriBaseId` SRCROOT); quick fixes
 * become SARIF `fixes` with their replacements.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Span } from '../core/model';
import { RULES, type Finding, type Fix } from '../core/rules';
import { ruleHelpUri } from '../core/rules/help-uri';
import { lineColumn } from './format-findings';

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
const BASE = 'SRCROOT';

export function formatSarif(findings: Finding[], fixesOf: (finding: Finding) => Fix[], folder: string, textOf: (file: string) => string | undefined, version: string): string {
  const texts = new Map<string, string | undefined>();
  const text = (file: string) => {
    if (!texts.has(file)) texts.set(file, textOf(file));
    return texts.get(file);
  };
  const artifact = (file: string) => ({ uri: path.relative(folder, file).split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: BASE });
  const region = (file: string, start: number, end: number, line: number) => {
    const t = text(file);
    if (t === undefined) return { startLine: line };
    const s = lineColumn(t, start);
    const e = lineColumn(t, end);
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  };
  const location = (span: Span) => ({ physicalLocation: { artifactLocation: artifact(span.file), region: region(span.file, span.start, span.end, span.line) } });
  const fix = (f: Fix) => {
    const files = [...new Set(f.edits.map((e) => e.file))];
    return {
      description: { text: f.title },
      artifactChanges: files.map((file) => ({
        artifactLocation: artifact(file),
        replacements: f.edits
          .filter((e) => e.file === file)
          .map((e) => ({ deletedRegion: region(file, e.start, e.end, 1), insertedContent: { text: e.newText } })),
      })),
      properties: { safe: f.safe },
    };
  };
  // A fix is given with exact regions only, so only where the files' analysed text is known.
  const locatable = (f: Finding) => fixesOf(f).filter((x) => x.edits.every((e) => text(e.file) !== undefined));
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'fastify-lens',
            version,
            informationUri: 'https://github.com/fastify-lens/fastify-lens',
            rules: RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: plain(r.summary), markdown: r.summary },
              fullDescription: { text: r.why },
              help: { text: `${r.why}\n\nReported:\n${r.wrong}\n\nInstead:\n${r.right}`, markdown: `${r.why}\n\nReported:\n\n\`\`\`js\n${r.wrong}\n\`\`\`\n\nInstead:\n\n\`\`\`js\n${r.right}\n\`\`\`` },
              helpUri: ruleHelpUri(r.id),
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { [BASE]: { uri: pathToFileURL(folder.endsWith(path.sep) ? folder : folder + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({ f, fixes: locatable(f) })).map(({ f, fixes }) => ({
          ruleId: f.code,
          ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [location(f.span)],
          ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.span), message: { text: r.message } })) } : {}),
          ...(fixes.length ? { fixes: fixes.map(fix) } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** Markdown code quotes dropped, for the plain-text description. */
function plain(s: string): string {
  return s.replace(/`/g, '');
}
