import * as vscode from 'vscode';

/** The `fastifyLens.*` settings of one workspace folder (read per resource). */
export interface Settings {
  exclude: string[];
  entryFiles: string[];
  codeLens: boolean;
  updateOn: 'type' | 'save';
  debounceMs: number;
  maxFileBytes: number;
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
  };
}
