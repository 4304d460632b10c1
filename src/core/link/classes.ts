import { ts } from 'ts-morph';
import type { Interpreter } from './interpreter';
import { stamp } from './replay/ownership';
import { propertyName } from './interpreter';
import { Scope } from './scope';
import { applyClassDecorators } from './fastify-decorators';
import { UNDEF, bool, obj, type ClassValue, type ObjValue, type Value } from './values';

/** Classes: `new` runs field initialisers and constructors with a fresh object as `this`. */

export function makeClass(interp: Interpreter, node: ts.ClassLikeDeclaration, scope: Scope): ClassValue {
  const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const cls: ClassValue = { kind: 'class', node, closure: scope, module: scope.module, statics: new Map(), born: stamp() };
  if (heritage) cls.base = interp.eval(heritage.expression, scope);
  for (const m of node.members) {
    if (!isStatic(m) || !m.name) continue;
    const key = propertyName(m.name, interp, scope);
    if (key === undefined) continue;
    if (ts.isMethodDeclaration(m)) cls.statics.set(key, interp.makeFunction(m, scope));
    else if (ts.isPropertyDeclaration(m)) cls.statics.set(key, m.initializer ? interp.eval(m.initializer, scope) : UNDEF);
  }
  applyClassDecorators(interp, cls, node, scope);
  return cls;
}

/** `new C(...)`: methods (base first, derived override), then fields and constructors. */
export function construct(interp: Interpreter, cls: ClassValue, args: Value[]): ObjValue {
  const self = obj();
  const chain: ClassValue[] = [];
  for (let c: Value | undefined = cls; c?.kind === 'class' && chain.length < 20; c = c.base) chain.unshift(c);
  for (const c of chain) {
    const scope = new Scope(c.closure, c.module, self);
    for (const m of c.node.members) {
      if (isStatic(m) || !m.name || !(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m))) continue;
      const key = propertyName(m.name, interp, scope);
      if (key === undefined) continue;
      const fn = interp.makeFunction(m, scope);
      // Read as a property, a getter runs (Interpreter.member).
      if (ts.isGetAccessorDeclaration(m)) fn.props.set('__getter', bool(true));
      self.props.set(key, fn);
    }
  }
  initialise(interp, cls, args, self);
  return self;
}

/** Field initialisers and the constructor of one class; `super(...)` recurses into the base. */
export function initialise(interp: Interpreter, cls: ClassValue, args: Value[], self: ObjValue): void {
  const scope = new Scope(cls.closure, cls.module, self);
  const ctor = cls.node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (!ctor && cls.base?.kind === 'class') initialise(interp, cls.base, args, self);
  for (const m of cls.node.members) {
    if (isStatic(m) || !m.name || !ts.isPropertyDeclaration(m)) continue;
    const key = propertyName(m.name, interp, scope);
    if (key !== undefined) self.props.set(key, m.initializer ? interp.eval(m.initializer, scope) : UNDEF);
  }
  if (!ctor) return;
  ctor.parameters.forEach((p, i) => {
    // Parameter properties (`constructor(private app: FastifyInstance)`) become fields.
    if (ts.isIdentifier(p.name) && ts.getCombinedModifierFlags(p) & ts.ModifierFlags.ParameterPropertyModifier) self.props.set(p.name.text, args[i] ?? UNDEF);
  });
  const fn = interp.makeFunction(ctor, cls.closure);
  fn.props.set('__super', cls.base ?? UNDEF);
  interp.callFunction(fn, args, self);
}

function isStatic(m: ts.ClassElement): boolean {
  return (ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
}
