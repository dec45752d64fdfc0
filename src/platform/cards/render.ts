/**
 * The one place that turns a card template from adaptiveCards/ and a typed
 * view model into an Adaptive Card. Templates are designer-editable JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** The Adaptive Card JSON that goes on the wire. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

export const TEMPLATE_DIR = path.resolve(__dirname, '..', '..', '..', 'adaptiveCards');

const cache = new Map<string, ACData.Template>();

function template(name: string): ACData.Template {
  let t = cache.get(name);
  if (!t) {
    t = new ACData.Template(JSON.parse(readFileSync(path.join(TEMPLATE_DIR, `${name}.json`), 'utf8')));
    cache.set(name, t);
  }
  return t;
}

/** Expands the template adaptiveCards/<name>.json with its view model. */
export function renderTemplate(name: string, model: object): AdaptiveCardJson {
  return template(name).expand({ $root: model }) as AdaptiveCardJson;
}

/** A render function typed by one capability's view models: its template names and the model each one reads. */
export function templateRenderer<Models>(): <N extends keyof Models & string>(name: N, model: Models[N]) => AdaptiveCardJson {
  return (name, model) => renderTemplate(name, model as object);
}
