/**
 * Just enough of a Bicep reader for the deployment tests: resource bodies,
 * the properties of an app-settings resource (object literals, `union(...)`
 * and `cond ? {...} : {...}` branches), and string values with `${...}`
 * interpolation. The Bicep compiler cannot run here (it is a .NET binary the
 * toolkit downloads), so the tests read the template's text. Anything this
 * reader does not understand throws, naming it: a test then fails rather than
 * silently skipping a setting.
 */

/** Index just past the string literal that opens at `i` (a `'`), skipping `\'` escapes and `${...}` interpolations. */
function skipString(text: string, i: number): number {
  if (text.startsWith("'''", i)) {
    const end = text.indexOf("'''", i + 3);
    if (end < 0) throw new Error(`unterminated multi-line string at ${i}`);
    return end + 3;
  }
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (c === "'") return j + 1;
    else if (c === '$' && text[j + 1] === '{') j = matchClose(text, j + 1) + 1;
    else j++;
  }
  throw new Error(`unterminated string at ${i}`);
}

/** Index just past a `//` comment (its line end) or `/* *\/` comment that opens at `i`. */
function skipComment(text: string, i: number): number {
  if (text.startsWith('//', i)) {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  const end = text.indexOf('*/', i + 2);
  if (end < 0) throw new Error(`unterminated comment at ${i}`);
  return end + 2;
}

const isCommentStart = (text: string, i: number): boolean => text.startsWith('//', i) || text.startsWith('/*', i);

/** Index of the bracket that closes the one at `open` (`(`, `{` or `[`), skipping strings and comments. */
export function matchClose(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack = [pairs[text[open]!]];
  if (!stack[0]) throw new Error(`no bracket at ${open}`);
  let j = open + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "'") {
      j = skipString(text, j);
      continue;
    }
    if (isCommentStart(text, j)) {
      j = skipComment(text, j);
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) throw new Error(`unbalanced '${c}' at ${j}`);
      if (stack.length === 0) return j;
    }
    j++;
  }
  throw new Error(`no closing bracket for ${open}`);
}

/**
 * Splits `text` where `stop(text, i)` is true outside strings, comments and brackets.
 * Comments are dropped from the pieces.
 */
function splitTopLevel(text: string, stop: (text: string, i: number) => boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let j = 0;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "'") {
      const end = skipString(text, j);
      current += text.slice(j, end);
      j = end;
    } else if (isCommentStart(text, j)) {
      j = skipComment(text, j);
    } else if (c === '(' || c === '{' || c === '[') {
      const end = matchClose(text, j) + 1;
      current += text.slice(j, end);
      j = end;
    } else if (stop(text, j)) {
      parts.push(current);
      current = '';
      j++;
    } else {
      current += c;
      j++;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The items of an array literal's inside (one per line, or comma-separated). */
export function arrayItems(inside: string): string[] {
  return splitTopLevel(inside, (t, i) => t[i] === '\n' || t[i] === ',');
}

/** The inside of the `{...}` object literal `expr`. */
export function objectInside(expr: string): string {
  const t = expr.trim();
  if (!t.startsWith('{') || matchClose(t, 0) !== t.length - 1) throw new Error(`not an object literal: ${t}`);
  return t.slice(1, -1);
}

export interface BicepResource {
  symbol: string;
  /** e.g. `Microsoft.Web/sites/config@2022-09-01` */
  type: string;
  /** The text between `=` and the body, e.g. `if (enableGraph)`, or `existing`; '' when unconditional. */
  condition: string;
  /** The text inside the resource's braces. */
  body: string;
}

/** Every `resource` declaration of the template (loops excepted: their body starts with `[for`). */
export function resources(bicep: string): BicepResource[] {
  const out: BicepResource[] = [];
  for (const m of bicep.matchAll(/^resource\s+(\w+)\s+'([^']+)'\s*(existing)?\s*=\s*(if\s*\([^\n]*?\)\s*)?(\{|\[)/gm)) {
    const open = m.index! + m[0].length - 1;
    out.push({
      symbol: m[1]!,
      type: m[2]!,
      condition: (m[3] ?? m[4] ?? '').trim(),
      body: bicep.slice(open + 1, matchClose(bicep, open)),
    });
  }
  return out;
}

/** The top-level properties of an object literal's inside: name → expression text (comments dropped). */
export function objectProperties(inside: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of splitTopLevel(inside, (t, i) => t[i] === '\n' || t[i] === ',')) {
    const m = /^('[^']*'|[A-Za-z_]\w*)\s*:\s*([\s\S]+)$/.exec(line);
    if (!m) throw new Error(`not a property: ${line}`);
    const name = m[1]!.startsWith("'") ? m[1]!.slice(1, -1) : m[1]!;
    if (props.has(name)) throw new Error(`property ${name} twice`);
    props.set(name, m[2]!.trim());
  }
  return props;
}

/** The value of `key:` among the top-level properties of a resource body or object. */
export function property(inside: string, key: string): string | undefined {
  return objectProperties(inside).get(key);
}

/** Settings that apply in one branch of `cond ? {...} : {...}`. */
export interface SettingsBranch {
  condition: string;
  whenTrue: Map<string, string>;
  whenFalse: Map<string, string>;
}

/** An app-settings object: what is always set, and what depends on a condition. */
export interface DeclaredSettings {
  always: Map<string, string>;
  branches: SettingsBranch[];
}

/** Reads `{...}`, `union({...}, cond ? {...} : {...}, ...)` into settings and their branches. */
export function declaredSettings(expr: string): DeclaredSettings {
  const t = expr.trim();
  const args = t.startsWith('union(') && matchClose(t, 5) === t.length - 1 ? splitTopLevel(t.slice(6, -1), (s, i) => s[i] === ',') : [t];
  const out: DeclaredSettings = { always: new Map(), branches: [] };
  for (const arg of args) {
    if (arg.startsWith('{')) {
      for (const [k, v] of objectProperties(objectInside(arg))) out.always.set(k, v);
      continue;
    }
    const [condition, rest] = splitTopLevel(arg, (s, i) => s[i] === '?');
    const [whenTrue, whenFalse] = splitTopLevel(rest ?? '', (s, i) => s[i] === ':');
    if (!condition || !whenTrue || !whenFalse) throw new Error(`not an object or a cond ? {...} : {...} branch: ${arg}`);
    out.branches.push({ condition, whenTrue: objectProperties(objectInside(whenTrue)), whenFalse: objectProperties(objectInside(whenFalse)) });
  }
  return out;
}

/** The settings for one choice of conditions. `holds` answers each branch's condition text. */
export function settingsFor(declared: DeclaredSettings, holds: (condition: string) => boolean): Map<string, string> {
  const out = new Map(declared.always);
  for (const b of declared.branches) for (const [k, v] of holds(b.condition) ? b.whenTrue : b.whenFalse) out.set(k, v);
  return out;
}

/**
 * The value of a Bicep expression: a string literal (its `${...}` parts evaluated in turn)
 * or an expression `plausible` knows by its exact text. Anything else throws, naming it.
 */
export function evaluate(expr: string, plausible: (expr: string) => string | undefined): string {
  const t = expr.trim();
  if (t.startsWith("'") && skipString(t, 0) === t.length) {
    if (t.startsWith("'''")) return t.slice(3, -3);
    let out = '';
    let j = 1;
    while (j < t.length - 1) {
      const c = t[j]!;
      if (c === '\\') {
        const escaped: Record<string, string> = { n: '\n', r: '\r', t: '\t', "'": "'", '\\': '\\', $: '$' };
        const e = escaped[t[j + 1]!];
        if (e === undefined) throw new Error(`unknown escape in ${t}`);
        out += e;
        j += 2;
      } else if (c === '$' && t[j + 1] === '{') {
        const end = matchClose(t, j + 1);
        out += evaluate(t.slice(j + 2, end), plausible);
        j = end + 1;
      } else {
        out += c;
        j++;
      }
    }
    return out;
  }
  const value = plausible(t);
  if (value === undefined) throw new Error(`no plausible value for the Bicep expression \`${t}\`: add one to the test`);
  return value;
}

/** The decorators (`@secure()`, `@allowed([...])`, ...) and declaration of `param name`. */
export function param(bicep: string, name: string): { decorators: string; type: string; defaultValue?: string } | undefined {
  const m = new RegExp(`^param\\s+${name}\\s+(\\w+)(?:\\s*=\\s*(.+))?$`, 'm').exec(bicep);
  if (!m) return undefined;
  // The decorators are the lines directly above, up to the previous blank line.
  const above = bicep.slice(0, m.index).split('\n');
  above.pop();
  const decorators: string[] = [];
  while (above.length && above[above.length - 1]!.trim() !== '') decorators.unshift(above.pop()!);
  return { decorators: decorators.join('\n'), type: m[1]!, defaultValue: m[2]?.trim() };
}

/** The expression of `var name = ...` (one line). */
export function variable(bicep: string, name: string): string | undefined {
  return new RegExp(`^var\\s+${name}\\s*=\\s*(.+)$`, 'm').exec(bicep)?.[1]?.trim();
}
