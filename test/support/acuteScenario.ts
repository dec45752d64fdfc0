/**
 * Teams channels for the acute line's activity-level tests: a housing unit's
 * team with its acute channel, the acute team's channel, and the clicks and
 * messages Teams sends from them.
 */
import type { SentActivity } from './fakeConnector';
import { TENANT, TestBot, TestUser, type CardAnswer } from './testBot';

export const UNIT_TEAM = { id: '19:unit-team-general@thread.tacv2', aadGroupId: '0f0e0d0c-0000-4000-8000-0000000000aa' };
export const UNIT_CHANNEL = '19:unit-lyngen-acute@thread.tacv2';
export const PRIVATE_CHANNEL = '19:unit-lyngen-private@thread.tacv2';
export const ACUTE_TEAM_CHANNEL = '19:acute-team@thread.tacv2';
/** Another housing unit's team and its acute channel (its owners must not manage Lyngen's). */
export const OTHER_TEAM = { id: '19:unit-other-general@thread.tacv2', aadGroupId: '0f0e0d0c-0000-4000-8000-0000000000bb' };
export const OTHER_CHANNEL = '19:unit-other-acute@thread.tacv2';

/** Unit staff who are not in any plan's network, and the unit's manager. */
export const PER: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000d001', name: 'Per Nattevagt', tenantId: TENANT };
export const LIS: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000d002', name: 'Lis Leder', tenantId: TENANT };

/** The acute team: ten nurses besides Nina. */
export const ACUTE_NURSES: TestUser[] = Array.from({ length: 10 }, (_, i) => ({
  aadObjectId: `00000000-0000-4000-8000-0000000e${String(i).padStart(4, '0')}`,
  name: `Akut Sygeplejerske ${i + 1}`,
  tenantId: TENANT,
}));

/** What Teams puts on an activity from a team channel (a message there arrives as a thread root). */
export function channelFields(channelId: string, options: { type?: string; team?: typeof UNIT_TEAM } = {}) {
  const team = options.team ?? UNIT_TEAM;
  return {
    conversation: { id: `${channelId};messageid=1732400000000`, conversationType: 'channel', tenantId: TENANT, isGroup: true },
    channelData: { tenant: { id: TENANT }, team, channel: { id: channelId, ...(options.type ? { type: options.type } : {}) } },
  };
}

/** `@Samspil <text>` in a channel: the activities the bot sent in answer. */
export function sayInChannel(bot: TestBot, user: TestUser, text: string, channelId: string, options: { type?: string; team?: typeof UNIT_TEAM } = {}): Promise<SentActivity[]> {
  return bot.sayIn(user, `<at>Samspil</at> ${text}`, channelFields(channelId, options));
}

/** A click on an Action.Execute button of a card in a channel. */
export async function clickInChannel(bot: TestBot, user: TestUser, verb: string, data: Record<string, unknown>, channelId: string, options: { team?: typeof UNIT_TEAM } = {}): Promise<CardAnswer> {
  const activity = {
    ...bot.activityFrom(user),
    ...channelFields(channelId, options),
    replyToId: `post-${Math.random().toString(36).slice(2)}`,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
  const res = await bot.post(activity);
  const body = res.body as { statusCode?: number; value?: CardAnswer['card'] } | undefined;
  return { status: body?.statusCode ?? res.status, card: body?.value, raw: res.body };
}

/** Every activity sent or updated in this channel (posts and PUTs). */
export function inChannel(bot: TestBot, channelId: string): SentActivity[] {
  return bot.connector.sent.filter((s) => s.conversationId === channelId || s.conversationId.startsWith(`${channelId};`));
}

/** Waits until `predicate` holds for what the connector received. */
export async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
