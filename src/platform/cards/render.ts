/**
 * The one place that turns a card template from adaptiveCards/ and a typed
 * view model into an Adaptive Card. Templates are designer-editable JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import type { CardModels, TemplateName } from './models';

/** The Adaptive Card JSON that goes on the wire. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

export const TEMPLATE_DIR = path.resolve(__dirname, '..', '..', '..', 'adaptiveCards');

const cache = new Map<TemplateName, ACData.Template>();

function template(name: TemplateName): ACData.Template {
  let t = cache.get(name);
  if (!t) {
    t = new ACData.Template(JSON.parse(readFileSync(path.join(TEMPLATE_DIR, `${name}.json`), 'utf8')));
    cache.set(name, t);
  }
  return t;
}

/** Expands a template with its view model. */
export function render<N extends TemplateName>(name: N, model: CardModels[N]): AdaptiveCardJson {
  return template(name).expand({ $root: model }) as AdaptiveCardJson;
}
