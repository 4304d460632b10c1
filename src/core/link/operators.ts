import { ts } from 'ts-morph';
import { assumed, bool, fromPrimitive, isAssumed, primitive, unknown, type Value } from './values';

/** JavaScript operators on statically known primitives; anything else is unknown. */

export function sameValue(a: Value, b: Value): boolean {
  const pa = primitive(a);
  const pb = primitive(b);
  return !!pa && !!pb && pa.value === pb.value;
}

export function typeOfValue(v: Value): string | undefined {
  switch (v.kind) {
    case 'str':
      return 'string';
    case 'num':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'undef':
      return 'undefined';
    case 'null':
    case 'obj':
    case 'arr':
    case 'regex':
    case 'instance':
    case 'coll':
      return 'object';
    case 'fn':
    case 'imethod':
    case 'class':
      return 'function';
    default:
      return undefined;
  }
}

export function compoundOperator(op: ts.SyntaxKind): ts.SyntaxKind | undefined {
  switch (op) {
    case ts.SyntaxKind.PlusEqualsToken:
      return ts.SyntaxKind.PlusToken;
    case ts.SyntaxKind.MinusEqualsToken:
      return ts.SyntaxKind.MinusToken;
    case ts.SyntaxKind.AsteriskEqualsToken:
      return ts.SyntaxKind.AsteriskToken;
    case ts.SyntaxKind.BarBarEqualsToken:
    case ts.SyntaxKind.QuestionQuestionEqualsToken:
    case ts.SyntaxKind.AmpersandAmpersandEqualsToken:
      return undefined;
    default:
      return undefined;
  }
}

export function binaryOp(op: ts.SyntaxKind, l: Value, r: Value): Value {
  const v = knownBinaryOp(op, l, r);
  // A comparison or sum of an assumed value (an example file's) is assumed too: it decides no `if`.
  return isAssumed(l) || isAssumed(r) ? assumed(v) : v;
}

function knownBinaryOp(op: ts.SyntaxKind, l: Value, r: Value): Value {
  const pl = primitive(l);
  const pr = primitive(r);
  if (!pl || !pr) {
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
      if ((l.kind === 'obj' || l.kind === 'fn' || l.kind === 'arr') && pr) return bool(op === ts.SyntaxKind.ExclamationEqualsEqualsToken);
    }
    return unknown();
  }
  const a = pl.value as never;
  const b = pr.value as never;
  switch (op) {
    case ts.SyntaxKind.PlusToken:
      return fromPrimitive((a as number) + (b as number));
    case ts.SyntaxKind.MinusToken:
      return fromPrimitive((a as number) - (b as number));
    case ts.SyntaxKind.AsteriskToken:
      return fromPrimitive((a as number) * (b as number));
    case ts.SyntaxKind.SlashToken:
      return fromPrimitive((a as number) / (b as number));
    case ts.SyntaxKind.PercentToken:
      return fromPrimitive((a as number) % (b as number));
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
      return bool(a === b);
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      return bool(a !== b);
    case ts.SyntaxKind.EqualsEqualsToken:
      // eslint-disable-next-line eqeqeq
      return bool(a == b);
    case ts.SyntaxKind.ExclamationEqualsToken:
      // eslint-disable-next-line eqeqeq
      return bool(a != b);
    case ts.SyntaxKind.LessThanToken:
      return bool(a < b);
    case ts.SyntaxKind.LessThanEqualsToken:
      return bool(a <= b);
    case ts.SyntaxKind.GreaterThanToken:
      return bool(a > b);
    case ts.SyntaxKind.GreaterThanEqualsToken:
      return bool(a >= b);
    default:
      return unknown();
  }
}
