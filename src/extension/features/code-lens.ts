/**
 * CodeLens above route declarations (URL, hooks before the handler, schema parts, tests) and
 * above test requests (the route they hit). Reads the latest finished graph only.
 */
import * as vscode from 'vscode';
import { routeLensTitle, routeTestsLensTitle, testCallLensTitle } from '../model/lens-titles';
import { rangeOf } from '../positions';
import { readSettings } from '../settings';
import type { WorkspaceIndex } from '../workspace-index';

export class FastifyCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly workspace: WorkspaceIndex) {
    workspace.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readSettings(doc.uri).codeLens) return [];
    const found = this.workspace.documentIndex(doc.uri);
    if (!found) return [];
    const { folder, file, index } = found;
    const lenses: vscode.CodeLens[] = [];
    for (const e of index.routesIn(file)) {
      const range = lineStart(rangeOf(e.route.span));
      lenses.push(new vscode.CodeLens(range, { title: routeLensTitle(index, e), command: 'fastifyLens.showHookChain', arguments: [folder.folder.uri.toString(), e.key], tooltip: 'Show the hooks that run before the handler, in order' }));
      const tests = index.testsOf(e);
      if (tests.length || index.hasTestsInProject(e)) {
        lenses.push(new vscode.CodeLens(range, { title: routeTestsLensTitle(tests), command: 'fastifyLens.showRouteTests', arguments: [folder.folder.uri.toString(), e.key], tooltip: 'Test calls that hit this route' }));
      }
    }
    for (const call of index.testCallsIn(file)) {
      const target = call.routes[0];
      lenses.push(
        new vscode.CodeLens(lineStart(rangeOf(call.span)), target
          ? { title: testCallLensTitle(index.graph.root, call), command: 'fastifyLens.openSpan', arguments: [target.route.span], tooltip: 'Go to the route this request hits' }
          : { title: testCallLensTitle(index.graph.root, call), command: '', tooltip: 'No route declared in the analysed code serves this request. Routes added by plugins from npm packages (listed under Unresolved) or by the test itself are not known.' }),
      );
    }
    return lenses;
  }
}

function lineStart(r: vscode.Range): vscode.Range {
  return new vscode.Range(r.start.line, 0, r.start.line, 0);
}
