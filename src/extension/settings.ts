import * as vscode from 'vscode';
import { isSeverity, type Severity } from '../core/rules/types';

/** The `fastifyLens.*` settings of one workspace folder (read per resource). */
export interface Settings {
  exclude: string[];
  entryFiles: string[];
  codeLens: boolean;
  updateOn: 'type' | 'save';
  debounceMs: number;
  maxFileBytes: number;
  /** Severity per rule id (`fastifyLens.rules`). */
  rules: Record<string, Severity>;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('fastifyLens', scope);
  return {
    exclude: c.get<string[]>('exclude', []).filter((s) => typeof s === 'string'),
    entryFiles: c.get<string[]>('entryFiles', []).filter((s) => typeof s === 'string'),
    codeLens: c.get<boolean>('codeLens.enabled', true),
    updateOn: c.get<string>('updateOn', 'type') === 'save' ? 'save' : 'type',
    debounceMs: Math.max(0, c.get<number>('debounceMs', 300)),
    maxFileBytes: Math.max(1, c.get<number>('maxFileSizeKb', 2048)) * 1024,
    rules: ruleSeverities(c.get<Record<string, unknown>>('rules', {})),
  };
}

function ruleSeverities(value: Record<string, unknown> | undefined): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const [id, sev] of Object.entries(value ?? {})) if (isSeverity(sev)) out[id] = sev;
  return out;
}
