/**
 * The realistic mix, prepared through the bot as people would: 10 organisers
 * each with a plan whose network holds 4 colleagues (by e-mail, in Teams) and
 * a relative (by secure mail); the 40 colleagues open the bot and confirm
 * they are the contact listed with their address; each organiser calls a meeting, so the colleagues get
 * invitations. Every one of the 50 also has a guide open at master data.
 *
 * One step of the mix: help 10 %, "mine planer" 30 %, a guide step 40 %
 * (master data saved, then back again), an invitation answer 20 % (accept
 * and apologies in turn; organisers take a guide step instead).
 */
import { strict as assert } from 'node:assert';
import { TENANT, TestBot, TestUser, actionData, cardsOf, inChatOf, textOf, walkGuide } from '../support/testBot';
import { ECHO_VERB } from './echoBot';

type Card = Record<string, unknown>;

export interface MixUser {
  user: TestUser;
  organiser: boolean;
  /** The guide card the user is at: master data, or the network step after it. */
  guide: Card;
  atMasterData: boolean;
  invitation?: Card;
  answers: number;
}

const today = new Date().toISOString().slice(0, 10);
const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
export const BENCH_CONSENT = {
  status: 'given', method: 'written', obtainedOn: today, covers: 'shareWithNetwork,coordinationMeetings,involveRelatives',
  yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien', yourSector: 'regionPsychiatry',
};
export const BENCH_CITIZEN = { name: 'Bench Borger', dateOfBirth: '1980-01-01', preferredLanguage: 'da', dreams: 'Et godt sted at bo og et arbejde. '.repeat(8) };

const userNo = (i: number, organiser: boolean): TestUser => ({
  aadObjectId: `00000000-0000-4000-8000-${(0xe0000 + i).toString(16).padStart(12, '0')}`,
  name: organiser ? `Organiser ${i}` : `Kollega ${i}`,
  tenantId: TENANT,
});
export const emailOf = (u: TestUser): string => `${u.aadObjectId.slice(-6)}@bench.example`;

/** A tiny deterministic random source (mulberry32), so every run sends the same mix. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function click(bot: TestBot, user: TestUser, verb: string, card: unknown, action: string, fields: Record<string, string> = {}): Promise<Card> {
  const answer = await bot.execute(user, verb, { ...actionData(card, action), ...fields });
  if (answer.status !== 200 || !answer.card) throw new Error(`${verb}/${action} answered ${answer.status}`);
  return answer.card as Card;
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Prepares the mix's data through the bot (which answers on `bot.connector`); 50 users. */
export async function prepareMix(bot: TestBot): Promise<MixUser[]> {
  const organisers = Array.from({ length: 10 }, (_, i) => userNo(i, true));
  const colleagues = Array.from({ length: 40 }, (_, i) => userNo(100 + i, false));
  for (const u of [...organisers, ...colleagues]) {
    const email = emailOf(u);
    bot.connector.members.set(`29:${u.aadObjectId}`, { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId, email, userPrincipalName: email });
  }
  await Promise.all(organisers.map((o, k) =>
    walkGuide(bot, o, {
      consent: BENCH_CONSENT,
      citizen: { ...BENCH_CITIZEN, name: `Borger ${k}` },
      contacts: [
        ...colleagues.slice(4 * k, 4 * k + 4).map((c) => ({ name: c.name, role: 'Kontaktperson', sector: 'municipality', email: emailOf(c) })),
        { name: 'Mor', role: 'Pårørende', sector: 'relative' },
      ],
    })));
  // The colleagues open the bot: Teams vouches for their address, they confirm "this is me", and join their plan's network.
  await Promise.all(colleagues.map(async (c) => {
    const asked = cardsOf(inChatOf(c, await bot.installedBy(c))).filter((card) => JSON.stringify(card).includes('"planLink"'));
    if (asked.length === 0) throw new Error(`${c.name} was not asked to confirm`);
    for (const card of asked) await click(bot, c, 'planLink', card, 'confirm');
  }));
  await Promise.all(organisers.map(async (o) => {
    const [overview] = cardsOf(inChatOf(o, await bot.say(o, 'mine planer')));
    const form = await click(bot, o, 'meeting', overview, 'prepare');
    await click(bot, o, 'meeting', form, 'schedule', {
      date: future, time: '10:00', durationMinutes: '90', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/bench', place: '', agenda: '1. Velkomst\n2. Runde',
    });
  }));
  const invitationOf = (u: TestUser) =>
    cardsOf(bot.connector.sent.filter((s) => s.conversationId === `a:personal-${u.aadObjectId}`)).find((c) => /inviteret til et koordinationsmøde/.test(textOf(c)));
  const users: MixUser[] = [];
  for (const u of [...organisers, ...colleagues]) {
    const organiser = organisers.includes(u);
    const invitation = organiser ? undefined : await waitFor(`${u.name}'s invitation`, () => invitationOf(u));
    users.push({ user: u, organiser, invitation, guide: {}, atMasterData: true, answers: 0 });
  }
  await Promise.all(users.map(async (m) => {
    const [consent] = cardsOf(inChatOf(m.user, await bot.say(m.user, 'ny plan')));
    m.guide = await click(bot, m.user, 'guide', consent, 'consent', BENCH_CONSENT);
  }));
  return users;
}

/**
 * BENCH_MIX_ONLY=help|mine|guide|answer: every step of the mix is that action
 * (organisers, who have no invitation, take guide steps for "answer") – to
 * find what one action costs (with BENCH_CPU_PROF).
 */
const ONLY: Record<string, number> = { help: 0.05, mine: 0.2, guide: 0.5, answer: 0.9 };
function onlyOne(m: MixUser, r: number): number {
  const only = process.env.BENCH_MIX_ONLY;
  if (!only) return r;
  if (!(only in ONLY)) throw new Error(`BENCH_MIX_ONLY: one of ${Object.keys(ONLY).join(', ')}`);
  return only === 'answer' && !m.invitation ? ONLY.guide! : ONLY[only]!;
}

/** One step of the realistic mix for `m`; resolves with the action's name. */
export async function mixStep(bot: TestBot, m: MixUser, r: number): Promise<string> {
  r = onlyOne(m, r);
  if (r < 0.1) {
    await bot.say(m.user, 'hjælp');
    return 'help';
  }
  if (r < 0.4) {
    await bot.say(m.user, 'mine planer');
    return 'mine planer';
  }
  if (r < 0.8 || !m.invitation) {
    m.guide = m.atMasterData ? await click(bot, m.user, 'guide', m.guide, 'masterData', BENCH_CITIZEN) : await click(bot, m.user, 'guide', m.guide, 'back');
    m.atMasterData = !m.atMasterData;
    return 'guide step';
  }
  const answer = m.answers++ % 2 ? 'apologies' : 'accept';
  const card = await click(bot, m.user, 'invitation', m.invitation, answer, answer === 'apologies' ? { reason: 'Kursus' } : {});
  assert.ok(card.type === 'AdaptiveCard');
  return 'invitation answer';
}

/** One step of the same mix against the echo bot: a message where Samspil gets one, an Action.Execute otherwise. */
export async function echoStep(bot: TestBot, user: TestUser, r: number): Promise<string> {
  if (r < 0.4) {
    await bot.say(user, r < 0.1 ? 'hjælp' : 'mine planer');
    return 'message';
  }
  const answer = await bot.execute(user, ECHO_VERB, { text: 'again' });
  if (answer.status !== 200 || !answer.card) throw new Error(`echo answered ${answer.status}`);
  return 'invoke';
}

/** The echo bot's users: as many, in the same tenant. */
export const echoUsers = (n: number): TestUser[] => Array.from({ length: n }, (_, i) => userNo(500 + i, false));
