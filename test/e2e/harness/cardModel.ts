/**
 * Reads Adaptive Card JSON (as captured by the relay) to map what a test knows
 * (input ids, choice values, action titles) to what the Playground's DOM shows
 * (labels, choice titles). The renderer gives inputs generated DOM ids
 * (`__ac-<uuid>`), so the card's own input ids never appear in the page.
 */

export interface CardChoice {
  title: string;
  value: string;
}

export interface CardInputInfo {
  id: string;
  /** e.g. `Input.Text`, `Input.ChoiceSet`. */
  type: string;
  label?: string;
  placeholder?: string;
  /** Input.Toggle's text next to the checkbox. */
  title?: string;
  valueOn?: string;
  valueOff?: string;
  choices?: CardChoice[];
  isMultiSelect?: boolean;
  style?: string;
  /** Position among the card's inputs in document order (as rendered). */
  index: number;
}

export interface CardActionInfo {
  type: string;
  title: string;
  verb?: string;
  data?: unknown;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Child element arrays of a card element, in render order (ShowCard sub-cards excluded). */
function children(el: Json): unknown[] {
  const out: unknown[] = [];
  for (const key of ['body', 'items']) if (Array.isArray(el[key])) out.push(...(el[key] as unknown[]));
  if (Array.isArray(el.columns)) for (const c of el.columns) if (isObject(c)) out.push(c);
  if (Array.isArray(el.rows)) for (const r of el.rows) if (isObject(r) && Array.isArray(r.cells)) out.push(...(r.cells as unknown[]));
  return out;
}

/** All inputs of a card in document order (the order the renderer draws them). */
export function cardInputs(card: Json): CardInputInfo[] {
  const found: CardInputInfo[] = [];
  const walk = (el: unknown) => {
    if (!isObject(el)) return;
    const type = str(el.type) ?? '';
    if (type.startsWith('Input.') && typeof el.id === 'string') {
      found.push({
        id: el.id,
        type,
        label: str(el.label),
        placeholder: str(el.placeholder),
        title: str(el.title),
        valueOn: str(el.valueOn),
        valueOff: str(el.valueOff),
        choices: Array.isArray(el.choices)
          ? el.choices.filter(isObject).map((c) => ({ title: String(c.title ?? ''), value: String(c.value ?? '') }))
          : undefined,
        isMultiSelect: el.isMultiSelect === true,
        style: str(el.style),
        index: found.length,
      });
    }
    for (const c of children(el)) walk(c);
  };
  walk(card);
  return found;
}

/** Actions of a card (card-level `actions` and `ActionSet`s in the body, ShowCard sub-cards included). */
export function cardActions(card: Json): CardActionInfo[] {
  const found: CardActionInfo[] = [];
  const walkActions = (actions: unknown) => {
    if (!Array.isArray(actions)) return;
    for (const a of actions) {
      if (!isObject(a)) continue;
      found.push({ type: str(a.type) ?? '', title: str(a.title) ?? '', verb: str(a.verb), data: a.data });
      if (isObject(a.card)) walkCard(a.card);
    }
  };
  const walkCard = (el: unknown) => {
    if (!isObject(el)) return;
    if (el.type === 'ActionSet') walkActions(el.actions);
    if (el.type === 'AdaptiveCard') walkActions(el.actions);
    for (const c of children(el)) walkCard(c);
    if (isObject(el.selectAction)) walkActions([el.selectAction]);
  };
  walkCard(card);
  return found;
}

/** Maps choice values (or titles) to the titles the DOM shows. Unknown strings pass through. */
export function choiceTitles(info: CardInputInfo | undefined, wanted: string[]): string[] {
  if (!info?.choices) return wanted;
  return wanted.map((w) => info.choices?.find((c) => c.value === w)?.title ?? w);
}
