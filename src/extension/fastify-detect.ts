import * as vscode from 'vscode';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** True when some package.json of the folder (monorepo packages included) depends on fastify. */
export async function folderUsesFastify(folder: vscode.WorkspaceFolder): Promise<boolean> {
  const manifests = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/package.json'), '**/node_modules/**', 500);
  for (const uri of manifests) {
    try {
      if (dependsOnFastify(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'))) return true;
    } catch {
      // unreadable manifest: look at the next one
    }
  }
  return false;
}

/** A package.json text that lists fastify (or fastify-cli) among its dependencies. */
export function dependsOnFastify(text: string): boolean {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return false;
  }
  if (!pkg || typeof pkg !== 'object') return false;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = (pkg as Record<string, unknown>)[field];
    if (deps && typeof deps === 'object' && ('fastify' in deps || 'fastify-cli' in deps)) return true;
  }
  return false;
}
