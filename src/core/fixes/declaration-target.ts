/**
 * The parser-free part of "Add type declaration" (decorator-declaration.ts): which interface a
 * decorator's member merges into, and which files can hold the declaration. The extension host
 * imports these at activation; the edit itself (it parses) is loaded on first use.
 */
import type { DecoratorTarget } from '../model';

export const FASTIFY_INTERFACE: Record<DecoratorTarget, string> = {
  instance: 'FastifyInstance',
  request: 'FastifyRequest',
  reply: 'FastifyReply',
};

/** TypeScript files, where declarations can be written. */
export function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
}
