import * as vscode from 'vscode';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * True when some package.json of the folder (monorepo packages included) depends on fastify. The
 * folder's own package.json is read first: when it depends on fastify, indexing starts without
 * waiting for the search of the whole folder (hundreds of ms on a 2,000-file workspace).
 */
export async function folderUsesFastify(folder: vscode.WorkspaceFolder): Promise<boolean> {
  const own = vscode.Uri.joinPath(folder.uri, 'package.json');
  if (await manifestDependsOnFastify(own)) return true;
  const manifests = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/package.json'), '**/node_modules/**', 500);
  for (const uri of manifests) {
    if (uri.toString() !== own.toString() && (await manifestDependsOnFastify(uri))) return true;
  }
  return false;
}

async function manifestDependsOnFastify(uri: vscode.Uri): Promise<boolean> {
  try {
    return dependsOnFastify(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
  } catch {
    return false; // missing or unreadable manifest
  }
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
