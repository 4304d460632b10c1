/**
 * Fastify Lens in VS Code. Activation is light: it looks for a package.json that depends on
 * fastify and starts one analysis worker per such workspace folder; everything else renders the
 * latest graph the workers sent.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { FastifyCodeLensProvider } from './features/code-lens';
import { AddHookActionProvider } from './features/add-hook';
import { DecoratorDeclarationActionProvider } from './features/decorator-declaration';
import { DecoratorDefinitionProvider } from './features/definition';
import { registerDiagnostics } from './features/diagnostics';
import { FastifyHoverProvider } from './features/hover';
import { QuickFixProvider } from './features/quick-fixes';
import { RouteSymbolProvider } from './features/route-search';
import type { TreeNode } from './model/tree-node';
import { createStatusBar } from './status-bar';
import { FastifyViews } from './views/fastify-views';
import { WorkspaceIndex } from './workspace-index';

const SELECTOR: vscode.DocumentSelector = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({ language, scheme: 'file' }));

/** What the extension returns from activate(): used by the tests that run inside VS Code. */
export interface FastifyLensApi {
  whenIdle(): Promise<void>;
  /** Names of the workspace folders that have an analysis worker. */
  indexedFolders(): string[];
  pluginsRows(): TreeNode[];
  routesRows(): TreeNode[];
  revealInPlugins(routeRow: TreeNode): Promise<void>;
  selectedPluginsRows(): readonly TreeNode[];
}

export function activate(context: vscode.ExtensionContext): FastifyLensApi {
  const log = vscode.window.createOutputChannel('Fastify Lens', { log: true });
  const started = Date.now();
  // The warm-start cache lives in the extension's storage (this workspace's, else the global one),
  // never in the workspace; the worker writes it atomically and ignores it when stale or corrupt.
  const cacheDir = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'analysis-cache');
  const workspace = new WorkspaceIndex(path.join(context.extensionPath, 'dist', 'worker.js'), log, cacheDir);
  const views = new FastifyViews(workspace, context.workspaceState);
  context.subscriptions.push(
    log,
    workspace,
    views,
    createStatusBar(workspace),
    registerDiagnostics(workspace),
    ...registerCommands(workspace, views, log),
    vscode.languages.registerCodeLensProvider(SELECTOR, new FastifyCodeLensProvider(workspace)),
    vscode.languages.registerHoverProvider(SELECTOR, new FastifyHoverProvider(workspace)),
    vscode.languages.registerDefinitionProvider(SELECTOR, new DecoratorDefinitionProvider(workspace)),
    vscode.languages.registerWorkspaceSymbolProvider(new RouteSymbolProvider(workspace)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new QuickFixProvider(workspace), QuickFixProvider.metadata),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new AddHookActionProvider(workspace), AddHookActionProvider.metadata),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new DecoratorDeclarationActionProvider(workspace), DecoratorDeclarationActionProvider.metadata),
  );
  log.info(`Fastify Lens ${context.extension.packageJSON.version} activated in ${Date.now() - started} ms (workspace trusted: ${vscode.workspace.isTrusted}; nothing in it is run either way)`);
  return {
    whenIdle: () => workspace.whenIdle(),
    indexedFolders: () => workspace.all.map((f) => f.folder.name),
    pluginsRows: () => views.plugins.nodes,
    routesRows: () => views.routes.nodes,
    revealInPlugins: (row) => views.revealInPlugins(row),
    selectedPluginsRows: () => views.pluginsView.selection,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (workers terminate there).
}
