/**
 * The one place that turns a card template from adaptiveCards/ and a typed
 * view model into an Adaptive Card. Templates are designer-editable JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate, NeedsLibrary, type CompiledTemplate } from './compiledTemplate';

/** The Adaptive Card JSON that goes on the wire. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

export const TEMPLATE_DIR = path.resolve(__dirname, '..', '..', '..', 'adaptiveCards');

/** A template read once: compiled when its bindings allow (see compiledTemplate.ts), the library's Template otherwise. */
interface LoadedTemplate {
  compiled?: CompiledTemplate;
  payload: unknown;
  library?: ACData.Template;
}

const cache = new Map<string, LoadedTemplate>();

function template(name: string): LoadedTemplate {
  let t = cache.get(name);
  if (!t) {
    const payload: unknown = JSON.parse(readFileSync(path.join(TEMPLATE_DIR, `${name}.json`), 'utf8'));
    t = { payload, compiled: compileTemplate(payload) };
    cache.set(name, t);
  }
  return t;
}

function expandWithLibrary(t: LoadedTemplate, model: object): AdaptiveCardJson {
  t.library ??= new ACData.Template(t.payload);
  return t.library.expand({ $root: model }) as AdaptiveCardJson;
}

let stats = { compiled: 0, library: 0 };
/** Compares a compiled expansion with the library's (tests). */
export type TemplateCheck = (name: string, compiled: AdaptiveCardJson, library: AdaptiveCardJson) => void;
let reference: TemplateCheck | undefined;

/** Expands the template adaptiveCards/<name>.json with its view model. */
export function renderTemplate(name: string, model: object): AdaptiveCardJson {
  const t = template(name);
  if (t.compiled) {
    let card: AdaptiveCardJson | undefined;
    try {
      card = t.compiled(model) as AdaptiveCardJson;
    } catch (err) {
      // A value the compiled form does not vouch for: the library decides (and throws what it throws).
      if (!(err instanceof NeedsLibrary)) throw err;
    }
    if (card) {
      stats.compiled++;
      reference?.(name, card, expandWithLibrary(t, model));
      return card;
    }
  }
  stats.library++;
  return expandWithLibrary(t, model);
}

/** How many cards were expanded by compiled templates and by the library since the last reset (tests, bench). */
export function renderStats(reset = false): { compiled: number; library: number } {
  const current = stats;
  if (reset) stats = { compiled: 0, library: 0 };
  return current;
}

/**
 * Tests only: every compiled expansion is also expanded by the library and
 * handed to `check` (which throws on a difference); undefined turns it off.
 * Returns the check it replaces.
 */
export function checkCompiledTemplates(check?: TemplateCheck): TemplateCheck | undefined {
  const previous = reference;
  reference = check;
  return previous;
}

/** A render function typed by one capability's view models: its template names and the model each one reads. */
export function templateRenderer<Models>(): <N extends keyof Models & string>(name: N, model: Models[N]) => AdaptiveCardJson {
  return (name, model) => renderTemplate(name, model as object);
}
