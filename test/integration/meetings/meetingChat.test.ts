/**
 * Samspil in the Teams meeting chat, at the Bot Framework activity level
 * against the loopback connector: a leader links a group chat to the plan's
 * next meeting with "@Samspil tilknyt KIP-…"; others are refused (audited);
 * the chat is told the reference only; the bot being added keeps the chat's
 * conversation reference; meeting events as Teams sends them reach the
 * capabilities, and meeting start says Samspil is ready.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../../src/platform/audit/audit';
import type { CoordinationMeeting } from '../../../src/meetings/domain/meeting';
import { CosmosMeetingStore } from '../../../src/meetings/storage/meetingRepository';
import { botAddedToChat, chatMessage, meetingChatId, meetingStartOrEnd, participantsEvent } from '../../support/meetingActivities';
import type { MeetingChat } from '../../support/meetingActivities';
import { recordingLogger } from '../../support/schedulerFakes';
import { NINA, OLE, TENANT, TestBot, TestUser, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';

const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
const STRANGER: TestUser = { aadObjectId: '00000000-0000-4000-8000-00000000c003', name: 'Sara Fremmed', tenantId: TENANT };
type Card = Record<string, unknown>;

describe('the meeting chat: linking it to the plan, its reference, meeting events', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let lines: string[];
  let reference: string;
  let chat: MeetingChat;

  beforeEach(async () => {
    const recording = recordingLogger();
    lines = recording.lines;
    bot = await new TestBot(undefined, { logger: recording.logger }).start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', preferredLanguage: 'da', dreams: 'Et arbejde' },
      contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', sector: 'municipality', email: 'ole@slagelse.example' }],
    });
    await bot.joinNetwork(OLE);
    const plans = await bot.bot!.store.containers.plans!.items.query<{ reference: string }>('SELECT c.reference FROM c').fetchAll();
    reference = plans.resources[0]!.reference;
    chat = { conversationId: meetingChatId(), tenantId: TENANT, serviceUrl: bot.serviceUrl };
  });
  afterEach(async () => bot.stop());

  const store = () => new CosmosMeetingStore(bot.bot!.store.containers.meetings!);
  const auditOf = async (): Promise<AuditEntry[]> => (await bot.bot!.store.containers.audit!.items.query<AuditEntry>('SELECT * FROM c').fetchAll()).resources;
  const inChat = (from: number) => bot.connector.sent.slice(from).filter((s) => s.conversationId === chat.conversationId);
  const chatText = (from: number) => inChat(from).map((s) => `${s.activity.text ?? ''}\n${cardsOf([s]).map(textOf).join('\n')}`).join('\n');

  /** Nina calls the meeting on the plan's card (a virtual meeting with her own join link). */
  async function schedule(): Promise<CoordinationMeeting> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    const form = (await bot.execute(NINA, 'meeting', actionData(overview, 'prepare'))).card as Card;
    const answer = await bot.execute(NINA, 'meeting', {
      ...actionData(form, 'schedule'), date: future, time: '10:00', durationMinutes: '60', mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/own', place: '', agenda: 'Velkomst',
    });
    assert.equal(answer.status, 200);
    const all = await bot.bot!.store.containers.meetings!.items.query<CoordinationMeeting>('SELECT * FROM c').fetchAll();
    assert.equal(all.resources.length, 1);
    return all.resources[0]!;
  }

  async function say(user: TestUser, text: string): Promise<string> {
    const from = bot.connector.sent.length;
    const res = await bot.post(chatMessage(chat, user, text));
    assert.ok(res.status < 300, `bot answered ${res.status}`);
    return chatText(from);
  }

  it('the organiser links the chat: the reply names only the reference, the meeting keeps the chat, and it is found by chat', async () => {
    const meeting = await schedule();
    const reply = await say(NINA, `tilknyt ${reference.toLowerCase()}`);
    assert.match(reply, new RegExp(`knyttet til koordinationsmødet i planen ${reference}`));
    assert.doesNotMatch(reply, /Jens|Jensen|1990|arbejde|Ole/, 'no citizen data and no names in the chat');

    const stored = (await store().get(TENANT, meeting.id))!;
    assert.equal(stored.chatId, chat.conversationId);
    assert.deepEqual(stored.chat, { conversationId: chat.conversationId, serviceUrl: bot.serviceUrl, tenantId: TENANT, conversationType: 'groupChat', botId: '28:samspil-bot' });
    assert.equal((await store().findMeetingByChat(TENANT, chat.conversationId))?.id, meeting.id);
    assert.equal((await store().findMeetingByChat(TENANT, `${chat.conversationId};messageid=1700000000000`))?.id, meeting.id, 'a reply thread is the same chat');
    assert.equal(await store().findMeetingByChat(TENANT, meetingChatId()), undefined);
    assert.equal(await store().findMeetingByChat('another-tenant', chat.conversationId), undefined, 'only in the tenant’s partition');

    // Linked once: a repeat changes nothing and adds no audit entry.
    await say(NINA, `tilknyt ${reference}`);
    const linked = (await auditOf()).filter((e) => e.action === 'meeting.chatLinked');
    assert.equal(linked.length, 1);
    assert.deepEqual(linked[0]!.details, { meetingId: meeting.id });
  });

  it('with several scheduled meetings, the nearest upcoming one is linked', async () => {
    const first = await schedule();
    // A further meeting of the plan, further ahead (as "Indkald til et ekstra møde" makes one).
    const second: CoordinationMeeting = { ...first, id: randomUUID(), startsAt: `${later}T08:00:00.000Z`, createdAt: new Date().toISOString() };
    assert.equal(await store().create(second), 'created');
    await say(NINA, `link ${reference}`);
    assert.equal((await store().get(TENANT, first.id))!.chatId, chat.conversationId);
    assert.equal((await store().get(TENANT, second.id))!.chatId, undefined);
  });

  it('refuses a network member who leads no meeting, a stranger and an unknown reference – in their words, audited', async () => {
    const meeting = await schedule();
    assert.match(await say(OLE, `tilknyt ${reference}`), /Kun den, der har indkaldt til et kommende møde i planen/);
    assert.match(await say(STRANGER, `tilknyt ${reference}`), new RegExp(`Samspil kender ingen plan ${reference}, som du er med i`));
    assert.match(await say(STRANGER, 'tilknyt KIP-ZZZZ-ZZZZ'), /Samspil kender ingen plan KIP-ZZZZ-ZZZZ/);
    assert.match(await say(NINA, 'tilknyt noget andet'), /Skriv @Samspil tilknyt og planens reference/);
    assert.equal((await store().get(TENANT, meeting.id))!.chatId, undefined, 'nothing linked');

    const denied = (await auditOf()).filter((e) => e.action === 'access.denied' && e.details?.action === 'linkChat');
    assert.deepEqual(
      denied.map((e) => `${e.actorId}:${e.details?.reason}`).sort(),
      [`${OLE.aadObjectId}:notOrganiser`, `${STRANGER.aadObjectId}:notMember`, `${STRANGER.aadObjectId}:notFound`].sort(),
    );
    assert.ok(denied.some((e) => e.planId === 'reference:KIP-ZZZZ-ZZZZ'));
  });

  it('answers in English and Swedish, and not in a personal chat', async () => {
    await schedule();
    const from = bot.connector.sent.length;
    await bot.post(chatMessage(chat, OLE, `link ${reference}`, 'en-GB'));
    assert.match(chatText(from), /Only the person who called an upcoming meeting/);
    const from2 = bot.connector.sent.length;
    await bot.post(chatMessage(chat, OLE, `koppla ${reference}`, 'sv-SE'));
    assert.match(chatText(from2), /Bara den som kallat till ett kommande möte/);
    const personal = cardsOf(await bot.say(NINA, `tilknyt ${reference}`)).map(textOf).join('\n');
    assert.match(personal, /i selve mødets chat/);
  });

  it('the bot added to a meeting chat known by id keeps its reference; meeting start says Samspil is ready; join events (singular, as Teams sends them) arrive', async () => {
    const meeting = await schedule();
    // As after Samspil created the Teams meeting: the chat's id is known (Graph's chatInfo.threadId), not yet how to post there.
    await store().update(TENANT, meeting.id, (m) => ({ ...m, chatId: chat.conversationId }));
    assert.equal((await store().get(TENANT, meeting.id))!.chat, undefined);
    await bot.post(botAddedToChat(chat, NINA));
    assert.deepEqual((await store().get(TENANT, meeting.id))!.chat, { conversationId: chat.conversationId, serviceUrl: bot.serviceUrl, tenantId: TENANT, conversationType: 'groupChat', botId: '28:samspil-bot' });

    const from = bot.connector.sent.length;
    assert.ok((await bot.post(meetingStartOrEnd('meetingStart', chat, NINA))).status < 300);
    const ready = chatText(from);
    assert.match(ready, new RegExp(`Samspil is ready for the meeting of plan ${reference}`));
    assert.doesNotMatch(ready, /Jens|Ole|Nina/);

    for (const kind of ['meetingParticipantJoin', 'meetingParticipantLeave'] as const) {
      assert.ok((await bot.post(participantsEvent(kind, chat, [OLE]))).status < 300);
    }
    assert.ok((await bot.post(meetingStartOrEnd('meetingEnd', chat, NINA))).status < 300);
    const events = lines.map((l) => JSON.parse(l) as { event: string; kind?: string; linked?: boolean; meetingId?: string }).filter((l) => l.event === 'meeting.event');
    assert.deepEqual(events.map((e) => `${e.kind}:${e.linked}:${e.meetingId}`), ['start', 'participantsJoin', 'participantsLeave', 'end'].map((e) => `${e}:true:${meeting.id}`));
  });

  it('a meeting event in a chat that is linked to nothing: no answer, nothing stored', async () => {
    await schedule();
    const from = bot.connector.sent.length;
    await bot.post(meetingStartOrEnd('meetingStart', chat, NINA));
    await bot.post(botAddedToChat(chat, NINA));
    assert.doesNotMatch(chatText(from), /ready|klar|KIP-/i, 'no notice, no reference');
    assert.equal(await store().findMeetingByChat(TENANT, chat.conversationId), undefined);
  });
});
