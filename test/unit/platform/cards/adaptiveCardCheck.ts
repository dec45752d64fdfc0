/**
 * Checks a rendered card with the `adaptivecards` library as Teams would see it
 * (schema 1.5): parse and validation events, plus properties the library does
 * not know for an element type (typos, leftovers, features newer than 1.5),
 * which the library itself drops silently. Runs without a DOM.
 */
import * as AC from 'adaptivecards';

/** Teams renders Adaptive Cards up to schema 1.5. */
export const TEAMS_VERSION = AC.Versions.v1_5;

/** Child collections the library parses by hand, so they are not in its property schemas. */
const STRUCTURAL: Record<string, string[]> = {
  AdaptiveCard: ['body', 'actions', 'fallback'],
  Container: ['items', 'fallback'],
  ActionSet: ['actions', 'fallback'],
  ColumnSet: ['columns', 'fallback'],
  Column: ['items', 'fallback'],
  'Action.ShowCard': ['card'],
  '*': ['fallback'],
};

function knownProperties(obj: AC.SerializableObject, type: string): Set<string> {
  const schema = obj.getSchema();
  const names = new Set<string>([...(STRUCTURAL[type] ?? []), ...STRUCTURAL['*']!]);
  for (let i = 0; i < schema.getCount(); i++) {
    const prop = schema.getItemAt(i);
    if (AC.isVersionLessOrEqual(prop.targetVersion, TEAMS_VERSION)) names.add(prop.name);
  }
  return names;
}

function unknownProperties(json: Record<string, unknown>, path: string, out: string[]): void {
  const type = String(json.type);
  const instance =
    type === 'AdaptiveCard'
      ? new AC.AdaptiveCard()
      : type === 'Column'
        ? new AC.Column()
        : (AC.GlobalRegistry.elements.createInstance(type, TEAMS_VERSION) ?? AC.GlobalRegistry.actions.createInstance(type, TEAMS_VERSION));
  if (!instance) {
    out.push(`${path}: unknown type "${type}"`);
    return;
  }
  const known = knownProperties(instance, type);
  for (const key of Object.keys(json)) {
    if (!known.has(key)) out.push(`${path}: property "${key}" is not known for ${type} in schema 1.5`);
  }
  for (const child of ['body', 'items', 'actions', 'columns'] as const) {
    const list = json[child];
    if (Array.isArray(list)) list.forEach((c, i) => unknownProperties(c as Record<string, unknown>, `${path}.${child}[${i}]`, out));
  }
  // Action.ShowCard carries a whole card of its own (inputs and actions included).
  if (type === 'Action.ShowCard' && json.card && typeof json.card === 'object') {
    unknownProperties({ type: 'AdaptiveCard', ...(json.card as Record<string, unknown>) }, `${path}.card`, out);
  }
  const choices = json.choices;
  if (Array.isArray(choices)) {
    choices.forEach((c: Record<string, unknown>, i) => {
      for (const key of Object.keys(c)) if (key !== 'title' && key !== 'value') out.push(`${path}.choices[${i}]: property "${key}"`);
      if (typeof c.title !== 'string' || typeof c.value !== 'string') out.push(`${path}.choices[${i}]: title and value must be strings`);
    });
  }
  const facts = json.facts;
  if (Array.isArray(facts)) {
    facts.forEach((f: Record<string, unknown>, i) => {
      for (const key of Object.keys(f)) if (key !== 'title' && key !== 'value') out.push(`${path}.facts[${i}]: property "${key}"`);
      if (typeof f.title !== 'string' || typeof f.value !== 'string') out.push(`${path}.facts[${i}]: title and value must be strings`);
    });
  }
}

/** Every problem the adaptivecards library (and the known-property check) finds in the card; empty when valid. */
export function cardProblems(json: unknown): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext(TEAMS_VERSION);
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const results = card.validateProperties();
  for (const e of results.validationEvents) problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  unknownProperties(json as Record<string, unknown>, 'card', problems);
  // Teams needs a version it supports; the library itself defaults a missing one silently.
  const version = (json as { version?: unknown }).version;
  const parsed = typeof version === 'string' ? AC.Version.parse(version, context) : undefined;
  if (!parsed || !parsed.isValid || !AC.isVersionLessOrEqual(parsed, TEAMS_VERSION)) problems.push(`card: version ${JSON.stringify(version)} is not 1.0–1.5`);
  return problems;
}

/** All Action.Execute actions anywhere in the card (card actions and ActionSets). */
export function executeActions(json: unknown): Array<{ title: string; verb: string; data: Record<string, unknown>; associatedInputs?: string }> {
  const found: Array<{ title: string; verb: string; data: Record<string, unknown>; associatedInputs?: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') found.push(o as never);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(json);
  return found;
}

/** Every string in the card's body and actions that a user reads (texts, labels, titles, fact values). */
export function visibleTexts(json: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (typeof v === 'string' && ['text', 'label', 'title', 'value', 'placeholder'].includes(k)) out.push(v);
      else if (k !== 'data') visit(v);
    }
  };
  visit(json);
  return out;
}

/** The ids of all inputs on the card. */
export function inputIds(json: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out.push(o.id);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(json);
  return out;
}

/** The input with the given id. */
export function inputById(json: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const visit = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o;
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(json);
  return found;
}
