/**
 * A plan with a network in Teams and outside it, a called meeting, and the
 * helpers the activity-level tests of withdrawing consent, closing and erasure
 * share: what Teams sends for a click, every button of a card, every document
 * of every container.
 */
import { strict as assert } from 'node:assert';
import { ALL_CONTAINERS } from '../../src/capabilities';
import { NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from './testBot';
import { inputById, inputIds } from '../unit/platform/cards/adaptiveCardCheck';

export type Card = Record<string, unknown>;

/** A relative who is in Teams. */
export const KARI: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c004', name: 'Kari Jensen', tenantId: TENANT };
/** A GP listed in the network who has not yet said whether she is the contact ("Er det dig?" is open). */
export const GRETE: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c005', name: 'Grete Læge', tenantId: TENANT };

export const today = new Date().toISOString().slice(0, 10);
export const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

/** Everything typed about the citizen and their network (the erasure test looks for each value in every document). */
export const CITIZEN = {
  name: 'Jens Ærø Jensen',
  dateOfBirth: '1990-04-12',
  address: 'Havnegade 17, 4200 Slagelse',
  housingUnit: 'Bostedet Engly',
  preferredLanguage: 'da',
  dreams: 'At blive tømrerlærling igen',
  wishes: 'At min søster Kari er med til møderne',
  needs: 'Hjælp til at huske medicinen om aftenen',
};
export const CONSENT_NOTE = 'Samtykket givet på bostedet med støtteperson til stede';
export const MOTHER = { name: 'Birthe Moder Jensen', role: 'Mor', sector: 'relative', phone: '+45 23 45 67 89', email: 'birthe.moder@example.dk' };
export const AGENDA_LINE = 'Jens fortæller om værkstedet i Korsør';

/** Nina's plan: Ole (municipality) and Kari (relative) in Teams, Grete (GP) asked, the mother by secure mail. */
export async function planWithNetwork(bot: TestBot, covers = 'shareWithNetwork,coordinationMeetings,involveRelatives'): Promise<void> {
  const member = (u: TestUser, email: string) =>
    bot.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email, userPrincipalName: email });
  member(OLE, 'ole@slagelse.example');
  member(KARI, 'kari.jensen@example.dk');
  member(GRETE, 'grete@laegehuset.example');
  await walkGuide(bot, NINA, {
    consent: { status: 'given', method: 'written', obtainedOn: today, covers, note: CONSENT_NOTE, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry' },
    citizen: CITIZEN,
    contacts: [
      { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'Ole@Slagelse.example' },
      { name: 'Kari Jensen', role: 'Søster', sector: 'relative', email: 'kari.jensen@example.dk' },
      { name: 'Grete Læge', role: 'Egen læge', organisation: 'Lægehuset Slagelse', sector: 'gp', email: 'grete@laegehuset.example' },
      MOTHER,
    ],
  });
  await bot.joinNetwork(OLE);
  await bot.joinNetwork(KARI);
}

/** Clicks a button as Teams does: the card's input values (the ones given override) and the action's data. */
export async function press(bot: TestBot, user: TestUser, verb: string, card: Card, action: string, typed: Record<string, string> = {}): Promise<Card> {
  const data = actionData(card, action);
  const values = Object.fromEntries(inputIds(card).map((id) => [id, typed[id] ?? String(inputById(card, id)!.value ?? '')]));
  const answer = await bot.execute(user, verb, { ...values, ...data });
  assert.equal(answer.status, 200, JSON.stringify(answer.raw));
  assert.ok(answer.card, 'an answer card');
  return answer.card as Card;
}

/** Nina calls a meeting from the plan's overview; resolves with her organiser card. */
export async function callMeeting(bot: TestBot): Promise<Card> {
  const form = await press(bot, NINA, 'meeting', await myPlans(bot, NINA), 'prepare');
  return press(bot, NINA, 'meeting', form, 'schedule', {
    date: inTenDays, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/test', place: '',
    agenda: `1. Velkomst\n2. ${AGENDA_LINE}\n3. Indsatser`,
  });
}

/** The first card "mine planer" answers the user with (the outbox may deliver to others meanwhile). */
export async function myPlans(bot: TestBot, user: TestUser): Promise<Card> {
  const sent = await bot.say(user, 'mine planer');
  const [card] = cardsOf(sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}`)).filter((c) => /^(Koordinerende indsatsplan|Du er ikke med i nogen planer)/.test(textOf(c)));
  assert.ok(card, `an answer to "mine planer"; sent: ${JSON.stringify(sent.map((x) => [x.conversationId, textOf(x.activity).slice(0, 200)]))}`);
  return card;
}

/** Cards the bot sent into the user's personal chat, oldest first. */
export function cardsTo(bot: TestBot, user: TestUser): Card[] {
  return cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${user.aadObjectId}` && s.method === 'POST'));
}

/** Waits until `fn` gives something. */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The signed .ics links on a card, pointed at the running bot. */
export function icsLinks(bot: TestBot, card: Card): string[] {
  const urls: string[] = [];
  JSON.stringify(card, (k, v) => {
    if (k === 'url' && typeof v === 'string' && v.includes('/ics/')) urls.push(v.replace(/^http:\/\/localhost:\d+/, bot.url));
    return v;
  });
  return urls;
}

/** Every Action.Execute on a card, including those inside Action.ShowCard sub-cards. */
export function executeActionsOf(card: unknown): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const found: Array<{ title: string; verb: string; data: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') found.push(o as never);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') walk(v);
  };
  walk(card);
  return found;
}

/** Every document of every container the app uses, by container. */
export async function allDocuments(bot: TestBot): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const def of ALL_CONTAINERS) {
    const { resources } = await bot.bot!.store.containers[def.id]!.items.readAll().fetchAll();
    out[def.id] = resources;
  }
  return out;
}

/** Waits until every outbox message and card update has finished (sent, applied or failed): the outbox then holds no content. */
export async function outboxIdle(bot: TestBot): Promise<void> {
  await waitFor('the outbox idle', async () => {
    const docs = (await documentsOf(bot, 'outbox')) as Array<{ status?: string }>;
    return docs.some((d) => d.status === 'pending' || d.status === 'sending') ? undefined : true;
  });
}

/** The plan's document as stored (without Cosmos system properties). */
export async function storedPlan(bot: TestBot): Promise<Record<string, unknown> & { id: string; memberIds: string[]; version: number }> {
  const { resources } = await bot.bot!.store.containers.plans!.items.readAll().fetchAll();
  assert.equal(resources.length, 1, 'one plan');
  return resources[0] as never;
}

/** The documents of a container without Cosmos' own properties (for before/after comparisons). */
export async function documentsOf(bot: TestBot, container: string): Promise<unknown[]> {
  const { resources } = await bot.bot!.store.containers[container]!.items.readAll().fetchAll();
  return resources.map(({ _rid, _self, _etag, _attachments, _ts, ...doc }) => (void [_rid, _self, _etag, _attachments, _ts], doc)).sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

export { textOf, cardsOf };
