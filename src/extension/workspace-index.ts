/**
 * All folder indexes of the window: one per workspace folder that holds a Fastify project.
 * Feeds them editor edits and file-system changes, and tells the views when any graph changes.
 */
import * as vscode from 'vscode';
import { folderUsesFastify } from './fastify-detect';
import { FolderIndex, SOURCE_FILE as SOURCE } from './folder-index';
import type { GraphIndex, RouteEntry } from './model/graph-index';
import { readSettings } from './settings';

/** Files that change projects, versions or module resolution: a full re-index. */
const PROJECT_FILE = /(^|\/)(package\.json|tsconfig[^/]*\.json|jsconfig\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.env(\.example|\.sample|\.dist)?)$/;

/** Data files a module may import (`require('./schema.json')`): the analyser caches what it read, so the watcher sends their changes on disk too. */
const DATA_FILE = /\.json$/i;

export class WorkspaceIndex implements vscode.Disposable {
  private readonly folders = new Map<string, FolderIndex>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private detecting: Promise<void> = Promise.resolve();

  constructor(
    private readonly workerFile: string,
    readonly log: vscode.LogOutputChannel,
    /** Folder of the warm-start cache files (the extension's storage folder). */
    private readonly cacheDir?: string,
  ) {
    const d = this.disposables;
    d.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.detect()));
    d.push(vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e.document, 'type')));
    d.push(vscode.workspace.onDidSaveTextDocument((doc) => this.onEdit(doc, 'save')));
    d.push(vscode.workspace.onDidCloseTextDocument((doc) => doc.isDirty && this.onDisk(doc.uri)));
    for (const glob of ['**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx,json}', '**/{yarn.lock,pnpm-lock.yaml,pnpm-workspace.yaml,.env,.env.example,.env.sample,.env.dist}']) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      d.push(watcher, watcher.onDidCreate((u) => this.onDisk(u)), watcher.onDidDelete((u) => this.onDisk(u)), watcher.onDidChange((u) => this.onDisk(u)));
    }
    // Explorer moves of whole folders: the watcher above only sees source files.
    const onFolderOp = (uris: readonly vscode.Uri[]) => {
      for (const u of uris) if (!SOURCE.test(u.path)) this.folderOf(u)?.reindex();
    };
    d.push(vscode.workspace.onDidRenameFiles((e) => onFolderOp(e.files.flatMap((f) => [f.oldUri, f.newUri]))));
    d.push(vscode.workspace.onDidDeleteFiles((e) => onFolderOp(e.files)));
    d.push(vscode.workspace.onDidCreateFiles((e) => onFolderOp(e.files)));
    d.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('fastifyLens')) return;
        for (const f of this.folders.values()) if (e.affectsConfiguration('fastifyLens.exclude', f.folder) || e.affectsConfiguration('fastifyLens.entryFiles', f.folder) || e.affectsConfiguration('fastifyLens.maxFileSizeKb', f.folder) || e.affectsConfiguration('fastifyLens.rules', f.folder)) f.reindex();
        this.changed.fire();
      }),
    );
    this.detect();
  }

  /** Finds the Fastify folders again and starts or stops their indexes. */
  detect(): Promise<void> {
    this.detecting = this.detecting.then(async () => {
      const current = vscode.workspace.workspaceFolders ?? [];
      for (const [key, f] of this.folders) {
        if (!current.some((c) => c.uri.toString() === key)) {
          f.dispose();
          this.folders.delete(key);
        }
      }
      for (const folder of current) {
        const key = folder.uri.toString();
        if (this.folders.has(key) || folder.uri.scheme !== 'file') continue;
        if (!(await folderUsesFastify(folder))) {
          this.log.info(`[${folder.name}] no package.json depends on fastify: not indexed`);
          continue;
        }
        const index = new FolderIndex(folder, this.workerFile, this.log, this.cacheDir);
        index.onDidChange(() => this.changed.fire());
        this.folders.set(key, index);
        this.log.info(`[${folder.name}] Fastify project found: indexing ${index.root}`);
        index.reindex();
      }
      this.changed.fire();
    });
    return this.detecting;
  }

  get all(): FolderIndex[] {
    return [...this.folders.values()];
  }

  /** 'empty' when no Fastify folder is indexed; 'indexing' until each has a first graph. */
  get state(): 'empty' | 'indexing' | 'ready' {
    const all = this.all;
    if (!all.length) return 'empty';
    return all.some((f) => !f.index && f.state === 'indexing') ? 'indexing' : 'ready';
  }

  folderOf(uri: vscode.Uri): FolderIndex | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.folders.get(folder.uri.toString()) : undefined;
  }

  /** The folder index whose key (its folder's URI) is given. */
  byKey(key: string): FolderIndex | undefined {
    return this.folders.get(key);
  }

  /** The folder index a view row belongs to (row ids start with the folder's key). */
  folderOfRow(rowId: string): FolderIndex | undefined {
    for (const [key, f] of this.folders) if (rowId.startsWith(key + '/')) return f;
    return undefined;
  }

  /** A document's folder index, its path in the graph and the latest graph, when all three exist. */
  documentIndex(uri: vscode.Uri): { folder: FolderIndex; file: string; index: GraphIndex } | undefined {
    const folder = this.folderOf(uri);
    const file = folder?.graphPath(uri);
    const index = folder?.index;
    return folder && file && index ? { folder, file, index } : undefined;
  }

  /**
   * `documentIndex` when the folder's graph was built from this version of the document (code
   * actions: offsets of an older text would land in the wrong place).
   */
  currentDocumentIndex(doc: vscode.TextDocument): { folder: FolderIndex; file: string; index: GraphIndex } | undefined {
    const found = this.documentIndex(doc.uri);
    return found && found.folder.isCurrent(doc) ? found : undefined;
  }

  /** Every route of every folder. */
  routes(): { folder: FolderIndex; entry: RouteEntry }[] {
    return this.all.flatMap((folder) => (folder.index?.routes ?? []).map((entry) => ({ folder, entry })));
  }

  refresh(): void {
    void this.detect().then(() => this.all.forEach((f) => f.reindex()));
  }

  /** Resolves when detection is done and every folder's graph is current. */
  async whenIdle(): Promise<void> {
    await this.detecting;
    await Promise.all(this.all.map((f) => f.whenIdle()));
  }

  private onEdit(doc: vscode.TextDocument, how: 'type' | 'save'): void {
    const index = this.folderOf(doc.uri);
    const file = index?.graphPath(doc.uri);
    if (!index || !file) return;
    if (PROJECT_FILE.test(file)) {
      if (how === 'save') index.reindex();
      return;
    }
    if (!SOURCE.test(file)) return;
    const settings = readSettings(doc.uri);
    if (how === 'save') index.edit(file, undefined, 0, doc.version);
    else if (settings.updateOn === 'type') index.edit(file, doc.getText(), settings.debounceMs, doc.version);
  }

  private onDisk(uri: vscode.Uri): void {
    const index = this.folderOf(uri);
    const file = index?.graphPath(uri);
    if (!index || !file) {
      if (uri.path.endsWith('/package.json')) void this.detect();
      return;
    }
    if (PROJECT_FILE.test(file)) {
      index.reindex();
      return;
    }
    if (!SOURCE.test(file) && !DATA_FILE.test(file)) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) return; // the editor's text wins until it is saved or closed
    index.edit(file, undefined, readSettings(uri).debounceMs);
  }

  dispose(): void {
    for (const f of this.folders.values()) f.dispose();
    this.folders.clear();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
