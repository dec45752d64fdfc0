/**
 * Steps several end-to-end stories share, so each story reads as its own
 * feature: a plan started in the guide by the relay's user, and the
 * Playground's own user confirming that they are a contact on it.
 */
import type { E2ESession } from './index';
import type { PlaygroundUser } from './playground';

/** Field values for one contact on the guide's network step (one "Tilføj" each). */
export type GuideContact = Record<string, string>;

/**
 * `user` (played by the relay) starts a plan in the guide: written consent
 * today covering `covers`, Jens Jensen's master data, then `contacts` in order;
 * `onNetwork` may check the network step before "Gennemse". Ends at "Planen er oprettet".
 */
export async function createPlanInGuide(
  session: E2ESession,
  user: PlaygroundUser,
  opts: { covers: string[]; contacts: GuideContact[]; onNetwork?: (cardText: string) => void },
): Promise<void> {
  const { chat, playground } = session;
  playground.actAs({ id: user.id, name: user.name, aadObjectId: user.aadObjectId });
  const before = await chat.cardCount();
  await chat.sendMessage('ny plan');
  const card = await chat.waitForCard('Samtykke', { after: before });
  const today = new Date().toISOString().slice(0, 10);
  await chat.fillInputs(card, { status: 'given', method: 'written', obtainedOn: today, covers: opts.covers, yourRole: 'Bostøtte', yourOrganisation: 'Slagelse Kommune', yourSector: 'municipality' });
  await chat.clickAction(card, 'Næste');
  await chat.waitForCardText(card, 'Stamdata');
  await chat.fillInputs(card, { name: 'Jens Jensen', dateOfBirth: '1988-05-17', preferredLanguage: 'da', dreams: 'Et job i en cykelbutik' });
  await chat.clickAction(card, 'Næste');
  await chat.waitForCardText(card, 'Netværk');
  for (const [i, contact] of opts.contacts.entries()) {
    await chat.fillInputs(card, contact);
    await chat.clickAction(card, 'Tilføj');
    await chat.waitForCardText(card, `Kontaktpersoner (${i + 2})`);
  }
  opts.onNetwork?.(await chat.cardText(card));
  await chat.clickAction(card, 'Gennemse');
  await chat.waitForCardText(card, 'Gennemse og opret');
  await chat.clickAction(card, 'Opret plan');
  await chat.waitForCardText(card, 'Planen er oprettet');
}

/** The Playground's own user opens "mine planer" and answers "Ja, det er mig" on "Er det dig?"; returns the question's text. */
export async function confirmContact(session: E2ESession): Promise<string> {
  const { chat, playground } = session;
  playground.actAs(undefined);
  const before = await chat.cardCount();
  await chat.sendMessage('mine planer');
  const asked = await chat.waitForCard('Er det dig?', { after: before });
  const question = await chat.cardText(asked);
  await chat.clickAction(asked, 'Ja, det er mig');
  await chat.waitForCardText(asked, 'du er nu med i netværket');
  return question;
}
