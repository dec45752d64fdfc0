/**
 * A card template compiled once into plain functions, so that expanding it per
 * request does not go through the expression engine's generic machinery (a new
 * memory, options and path string per binding, a case-insensitive key scan
 * per property: most of a card's templating cost).
 *
 * It evaluates exactly what adaptivecards-templating 2.3 (with
 * adaptive-expressions) would, for the bindings Samspil's templates use:
 * property paths (`${a.b}`, `${$root.t.x}`, `${$index}`), text with bindings,
 * `==`, `!=`, `>`, `!`, `+` and `count()`, `$data` (object or array) and
 * `$when`. Anything else is not guessed at:
 *
 * - a template using another expression is not compiled (`compileTemplate`
 *   returns undefined) and the caller expands it with the library;
 * - a value the fast path does not vouch for at run time (a binding that is
 *   undefined or null where the library would substitute `${path}`, an
 *   operand of another type, a Map or an array on a path) throws
 *   `NeedsLibrary`, and the caller expands that card with the library.
 *
 * One known difference, by design: a property is found by its exact name
 * first; the library takes the first key that matches ignoring case, which
 * differs only for an object with two keys that differ only in case (no view
 * model has one). A missing exact name falls back to the library's
 * case-insensitive match.
 */
import * as ACData from 'adaptivecards-templating';

/** Thrown when the compiled template cannot vouch for a value; the caller expands the card with the library instead. */
export class NeedsLibrary extends Error {
  constructor() {
    super('binding needs the template library');
    this.name = 'NeedsLibrary';
  }
}
// One instance: a bail-out is control flow, its stack says nothing.
const BAIL = new NeedsLibrary();

/** The shape of an adaptive-expressions Expression this module reads (type, children, a Constant's value). */
interface Expr {
  type: string;
  children: Expr[];
  value?: unknown;
}

/** The evaluation state the library keeps in its EvaluationContext: $data defaults to $root. */
interface Scope {
  root: unknown;
  data: unknown;
  index: number | undefined;
}

type Evaluate = (scope: Scope) => unknown;

/** A template compiled for one payload: expands a view model as the library's `expand({ $root: model })` would. */
export type CompiledTemplate = (model: unknown) => unknown;

/** Keys the library never copies into the output. */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

/** Thrown while compiling: the template uses something the compiled form does not evaluate. */
class NotCompilable extends Error {}

/** Compiles a template payload (parsed JSON), or undefined when it uses a binding only the library evaluates. */
export function compileTemplate(payload: unknown): CompiledTemplate | undefined {
  try {
    const expand = compileNode(payload);
    return (model) => expand({ root: model, data: undefined, index: undefined });
  } catch (err) {
    if (err instanceof NotCompilable) return undefined;
    throw err;
  }
}

function compileNode(node: unknown): Evaluate {
  if (typeof node === 'string') {
    const parsed = ACData.Template.parseInterpolatedString(node) as unknown;
    if (typeof parsed === 'string') return () => parsed;
    return valueOf(parsed as Expr);
  }
  if (Array.isArray(node)) return compileArray(node.map(compileNode));
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

/** An array: items that expand to null are dropped, items that expand to arrays are spliced in. */
function compileArray(items: Evaluate[]): Evaluate {
  return (scope) => {
    const out: unknown[] = [];
    for (const item of items) {
      const value = item(scope);
      if (value === null) continue;
      if (Array.isArray(value)) for (const v of value) out.push(v);
      else out.push(value);
    }
    return out;
  };
}

/** An object with optional `$data` (repeat per item) and `$when` (drop unless true), as the library's internalExpand. */
function compileObject(node: Record<string, unknown>): Evaluate {
  const keys = Object.keys(node).filter((k) => !RESERVED.has(k));
  const fields = keys.map((k) => compileNode(node[k]));
  const dataOf = node.$data === undefined ? undefined : dataBinding(node.$data);
  const when = node.$when === undefined ? undefined : whenBinding(node.$when);

  const single = (scope: Scope): Record<string, unknown> | undefined => {
    if (when && !when(scope)) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = fields[i]!(scope);
      if (value !== undefined) out[keys[i]!] = value;
    }
    return out;
  };

  return (scope) => {
    if (!dataOf) return single(scope) ?? null;
    const data = dataOf(scope);
    if (!Array.isArray(data)) return single({ root: scope.root, data, index: scope.index }) ?? null;
    const out: Record<string, unknown>[] = [];
    // The library keeps $data from the previous item when an item is undefined.
    let current = scope.data;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== undefined) current = data[i];
      const expanded = single({ root: scope.root, data: current, index: i });
      if (expanded) out.push(expanded);
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

/** `$data`: a binding to an object or an array (anything else is left to the library). */
function dataBinding(raw: unknown): Evaluate {
  if (typeof raw !== 'string') throw new NotCompilable();
  const parsed = ACData.Template.parseInterpolatedString(raw) as unknown;
  if (typeof parsed === 'string') throw new NotCompilable();
  const value = valueOf(parsed as Expr);
  return (scope) => {
    const v = value(scope);
    if (typeof v !== 'object' || v === null) throw BAIL;
    return v;
  };
}

/** `$when`: kept only when the binding is exactly `true`; a literal that is not a binding drops the object when truthy (as the library does). */
function whenBinding(raw: unknown): (scope: Scope) => boolean {
  const parsed = typeof raw === 'string' ? (ACData.Template.parseInterpolatedString(raw) as unknown) : raw;
  if (typeof raw === 'string' && typeof parsed !== 'string') {
    const expr = parsed as Expr;
    if (expr.type === 'concat') throw new NotCompilable();
    const test = compileExpr(expr);
    return (scope) => test(scope) === true;
  }
  const keep = !parsed;
  return () => keep;
}

/**
 * A binding in a property (allowSubstitutions in the library): text with
 * bindings is joined; a lone binding keeps its value's type. Undefined or
 * null would become the text "${path}" (or an error) in the library: bail.
 */
function valueOf(expr: Expr): Evaluate {
  if (expr.type === 'concat') {
    const parts = expr.children.map(compileExpr);
    return (scope) => {
      let text = '';
      for (const part of parts) {
        const v = part(scope);
        if (typeof v === 'string') text += v;
        else if (typeof v === 'number' || typeof v === 'boolean') text += String(v);
        else throw BAIL;
      }
      return text;
    };
  }
  const evaluate = compileExpr(expr);
  return (scope) => {
    const v = evaluate(scope);
    if (v === undefined || v === null) throw BAIL;
    return v;
  };
}

const isPrimitive = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** adaptive-expressions' commonEquals for null and primitives (numbers within Number.EPSILON). */
function equals(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a === undefined || a === null) && (b === undefined || b === null);
  if (!isPrimitive(a) || !isPrimitive(b)) throw BAIL;
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < Number.EPSILON) return true;
  return a === b;
}

/** A two-operand expression: both operands evaluated, then `op` (which may throw BAIL). */
function binary(expr: Expr, op: (left: unknown, right: unknown) => unknown): Evaluate {
  if (expr.children.length !== 2) throw new NotCompilable();
  const left = compileExpr(expr.children[0]!);
  const right = compileExpr(expr.children[1]!);
  return (scope) => op(left(scope), right(scope));
}

/** One expression, evaluated without substitution (as operands and `$when` are). */
function compileExpr(expr: Expr): Evaluate {
  const [a] = expr.children;
  switch (expr.type) {
    case 'Constant': {
      const v = expr.value;
      return () => v;
    }
    case 'Accessor':
      return compilePath(expr);
    case '==':
    case '!=': {
      const negate = expr.type === '!=';
      return binary(expr, (l, r) => equals(l, r) !== negate);
    }
    case '>':
      return binary(expr, (l, r) => {
        // The library answers false when an operand is null or undefined.
        if (l === undefined || l === null || r === undefined || r === null) return false;
        // NaN: the library refuses the comparison ("must be comparable"); let it.
        if (typeof l === 'number' && typeof r === 'number' && !Number.isNaN(l) && !Number.isNaN(r)) return l > r;
        if (typeof l === 'string' && typeof r === 'string') return l > r;
        throw BAIL;
      });
    case '!': {
      if (expr.children.length !== 1) throw new NotCompilable();
      const operand = compileExpr(a!);
      return (scope) => {
        const v = operand(scope);
        // isLogicTrue: booleans are themselves, null and undefined false, anything else (even '') true.
        return typeof v === 'boolean' ? !v : v === undefined || v === null;
      };
    }
    case 'count': {
      if (expr.children.length !== 1) throw new NotCompilable();
      const operand = compileExpr(a!);
      return (scope) => {
        const v = operand(scope);
        if (Array.isArray(v) || typeof v === 'string') return v.length;
        throw BAIL;
      };
    }
    case '+':
      return binary(expr, (l, r) => {
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        throw BAIL;
      });
    default:
      throw new NotCompilable();
  }
}

/** The scope names a path may start with (the library's TemplateObjectMemory); any other path reads $data. */
const ROOTS: Record<string, (scope: Scope) => unknown> = {
  $data: (s) => (s.data !== undefined ? s.data : s.root),
  $root: (s) => s.root,
  $index: (s) => s.index,
  $host: () => undefined,
};

/** A property path such as `t.plan.reference` or `$root.t.x`, read as the library's SimpleObjectMemory reads it. */
function compilePath(expr: Expr): Evaluate {
  const names: string[] = [];
  let node: Expr | undefined = expr;
  while (node) {
    if (node.type !== 'Accessor' || node.children.length < 1 || node.children.length > 2) throw new NotCompilable();
    const name = node.children[0]!;
    if (name.type !== 'Constant' || typeof name.value !== 'string' || /[.[\]'"]/.test(name.value) || name.value === '') throw new NotCompilable();
    names.unshift(name.value);
    node = node.children[1];
  }
  const first = names[0]!.startsWith('$') ? names.shift()! : '$data';
  const start = ROOTS[first];
  if (!start) throw new NotCompilable();
  const lowered = names.map((n) => n.toLowerCase());
  return (scope) => {
    let value = start(scope);
    for (let i = 0; i < names.length; i++) {
      if (!value) return undefined;
      value = property(value, names[i]!, lowered[i]!);
    }
    return value;
  };
}

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

/** accessProperty: an own enumerable key, else the first key equal ignoring case; primitives have none. */
function property(value: unknown, name: string, lowered: string): unknown {
  if (typeof value !== 'object') {
    if (typeof value === 'function') throw BAIL;
    return undefined;
  }
  if (Array.isArray(value) || value instanceof Map) throw BAIL;
  const obj = value as Record<string, unknown>;
  if (hasOwn.call(obj, name) && isEnumerable.call(obj, name)) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lowered);
  return key === undefined ? undefined : obj[key];
}
