/**
 * The coordination meeting: calling it, invitations contacts answer on cards,
 * the organiser's live card, checklists and their reminders, .ics downloads for
 * contacts outside Teams, and the Teams meeting through Microsoft Graph.
 */
import { randomBytes } from 'node:crypto';
import { MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import type { Plans } from '../plans';
import { MeetingChatHandlers } from './bot/chatHandlers';
import { MeetingHandlers } from './bot/meetingHandlers';
import { meetingSummary } from './bot/meetingViews';
import { meetingBlocks } from './document/meetingSection';
import { meetingsSection } from './bot/planSection';
import { InvitationService } from './domain/invitationService';
import { MeetingChatService } from './domain/meetingChatService';
import { MeetingService } from './domain/meetingService';
import { GraphChatApps } from './graph/chatApps';
import { graphOnlineMeetingProvider } from './graph/onlineMeetingProvider';
import type { IcsLinkTarget } from './domain/invitationFile';
import { IcsLinks } from './http/icsLinks';
import { registerIcsRoute } from './http/icsRoute';
import { OutboxMeetingNotifier, noticeKey } from './notify/meetingNotifier';
import { JobMeetingReminders, reminderHandlers } from './notify/meetingReminders';
import { JobOnlineMeetings } from './notify/onlineMeetingJobs';
import { ChatInstallJobs } from './notify/chatInstallJobs';
import { CosmosMeetingStore } from './storage/meetingRepository';
import { RecordHandlers } from './bot/recordHandlers';
import { MeetingRecordService } from './domain/meetingRecordService';
import { OutboxRecordCards } from './notify/recordNotifier';
import { JobFinishedHook, type OnVersionFinished } from './notify/recordJobs';
import { CosmosRecordStore } from './storage/recordRepository';

/** Meetings, their invitations, answers and checklist: read with the plan (same tenant partition). */
export const MEETING_CONTAINERS = [
  { id: 'meetings', partitionKey: '/tenantId' },
  /** The live meeting records (one per meeting, id = the meeting's), apart from the meetings: see storage/recordRepository.ts. */
  { id: 'meetingRecords', partitionKey: '/tenantId' },
] as const satisfies readonly ContainerDef[];

export const MEETING_COMMAND_WORDS = {
  invite: ['indkald', 'indkald til møde', 'invite', 'kalla', 'kalla till möte'],
  /** In a meeting chat, followed by the plan's reference: "@Samspil tilknyt KIP-7K3M-Q2XD". */
  linkMeetingChat: ['tilknyt', 'link', 'koppla'],
  startMeeting: ['start mødet', 'start møde', 'start meeting', 'start the meeting', 'starta mötet', 'starta möte'],
} as const;

/** What other capabilities add to meetings (all optional). */
export interface MeetingOptions {
  /** After a meeting made the plan's next version (the distribution); must be idempotent – it runs at least once. */
  onVersionFinished?: OnVersionFinished;
}

/** Builds the meeting capability over the platform and the plans capability. */
export function createMeetings(p: Platform, plans: Plans, options: MeetingOptions = {}) {
  const { config, env, logger } = p;
  const meetings = new CosmosMeetingStore(p.store.containers.meetings!);
  // Locally a fresh secret per process: download links then last until a restart.
  const links = new IcsLinks(config.icsLinkSecret ? Buffer.from(config.icsLinkSecret) : randomBytes(32), config.publicBaseUrl, () => env.now());
  const icsUrl = (target: IcsLinkTarget) => links.url(target);
  const notifier = new OutboxMeetingNotifier({ outbox: p.outbox, directory: p.directory, icsUrl, now: () => env.now(), logger });
  const reminders = new JobMeetingReminders(p.jobs, () => env.now());
  const onlineMeetings = p.graph && graphOnlineMeetingProvider({ tokens: p.graph.tokens, logger, baseUrl: p.graph.baseUrl });
  const onlineJobs = new JobOnlineMeetings(p.jobs, () => service);
  // Samspil joins the chat of each Teams meeting it creates (Graph, and the app's catalogue id, configured).
  const chatInstall = p.graph && config.teamsAppCatalogId
    ? new ChatInstallJobs(p.jobs, new GraphChatApps({ tokens: p.graph.tokens, logger, baseUrl: p.graph.baseUrl, catalogAppId: config.teamsAppCatalogId }), logger)
    : undefined;
  const service: MeetingService = new MeetingService({
    plans: plans.store, meetings, audit: p.audit, notifier, reminders, onlineMeetings, env,
    onlineJobs,
    chatInstall,
    defaultTimeZone: 'Europe/Copenhagen',
    onSyncFailed: (meetingId) => logger.warn('meeting.onlineSync.failed', { meetingId }),
  });
  const invitations = new InvitationService(plans.store, meetings, p.audit, notifier, env);
  const chats = new MeetingChatService({ plans: plans.store, meetings, audit: p.audit, env });
  const chatHandlers = new MeetingChatHandlers(chats, logger);
  const handlers = new MeetingHandlers(service, invitations, { onlineMeetingsAvailable: !!onlineMeetings, icsUrl, now: () => env.now() }, logger);

  // The live meeting card: its own container, cards through the outbox, the finished hook as a durable job.
  const records = new CosmosRecordStore(p.store.containers.meetingRecords!);
  const recordCards = new OutboxRecordCards({ outbox: p.outbox, logger });
  const finishedHook = new JobFinishedHook(p.jobs, options.onVersionFinished ?? (async () => undefined));
  const recordService = new MeetingRecordService({ plans: plans.store, meetings, records, audit: p.audit, cards: recordCards, finished: finishedHook, env });
  finishedHook.afterHook = (tenantId, meetingId) => recordService.distributionQueued(tenantId, meetingId);
  const recordHandlers = new RecordHandlers(recordService, recordCards, logger, (turn, planId, date) => handlers.nextMeetingCard(turn, planId, date));

  // A withdrawal or a closing cancels the open meetings the consent no longer covers; erasure deletes the plan's meetings.
  plans.lifecycle.toCancel.push(async (plan) => (await service.uncoveredOpenMeetings(plan)).length);
  plans.lifecycle.afterChange.push(async (plan, by) => void (await service.cancelUncovered(plan, by)));
  plans.lifecycle.erasers.push(async (plan, lastAttempt) => {
    const all = await meetings.listForPlan(plan.tenantId, plan.id);
    // Their notices must have left the outbox first (it drops the content then); the last attempt erases regardless.
    if (!lastAttempt) {
      for (const m of all) {
        for (let sequence = 0; sequence <= m.sequence; sequence++) {
          for (const kind of ['invitation', 'changed', 'cancelled'] as const) {
            const { counts } = await p.outbox.status(plan.tenantId, noticeKey({ ...m, sequence }, kind));
            if (counts.pending + counts.sending > 0) throw new Error('meeting notices still in the outbox');
          }
        }
      }
    }
    for (const m of all) {
      await reminders.cancel(m);
      await records.remove(plan.tenantId, m.id);
      await meetings.remove(plan.tenantId, m.id);
    }
  });

  // The overview card of each plan shows its latest meeting: one query for the whole list.
  plans.handlers.hooks.summaries = async (user, listed, loc) => {
    const latest = await service.latestFor(user.tenantId, listed.map((plan) => plan.id));
    return new Map(listed.flatMap((plan) => {
      const meeting = latest.get(plan.id);
      return meeting ? [[plan.id, meetingSummary(plan, meeting, loc, env.now())] as const] : [];
    }));
  };
  // The plan card lists the plan's meetings, past and next.
  plans.handlers.hooks.sections.push(async (plan, loc, viewerId) => meetingsSection(await meetings.listForPlan(plan.tenantId, plan.id), loc, viewerId, env.now()));

  // The plan document's meetings section: the next meeting and those held.
  plans.document.sections.fill('meetings', async (ctx) => meetingBlocks(await meetings.listForPlan(ctx.plan.tenantId, ctx.plan.id), ctx));

  const module: CapabilityModule = {
    name: 'meetings',
    commands: [
      {
        name: 'invite',
        words: MEETING_COMMAND_WORDS.invite,
        run: async (context, turn) => {
          await plans.link(context, turn);
          const { attachments, text } = await handlers.invite(turn, plans.handlers);
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      },
      {
        name: 'linkMeetingChat',
        words: MEETING_COMMAND_WORDS.linkMeetingChat,
        personalOnly: false,
        takesArgument: true,
        run: (context, turn, argument) => chatHandlers.link(context, turn, argument),
      },
      {
        name: 'startMeeting',
        words: MEETING_COMMAND_WORDS.startMeeting,
        run: async (context, turn) => {
          const listed = await plans.handlers.listed(turn);
          const meetingId = await recordService.meetingToStart(turn.user, listed.plans.map((plan) => plan.id), (planId) => meetings.listForPlan(turn.user.tenantId, planId));
          await recordHandlers.startCommand(context, turn, meetingId);
        },
      },
    ],
    verbs: [
      { verb: 'meeting', handle: (turn, context, data) => handlers.act(turn, context, data) },
      { verb: 'invitation', handle: (turn, _context, data) => handlers.answer(turn, data) },
      // The meeting card lives in the meeting chat too: the service shows a non-member only the reference and the agenda.
      { verb: 'record', personalOnly: false, handle: (turn, context, data) => recordHandlers.act(turn, context, data) },
    ],
    // The meeting chat: its reference is kept when the bot is added and on every meeting event.
    onBotAdded: (context) => chatHandlers.botAdded(context),
    // Then the live meeting card: posted at the start, joins mark attendance, the end offers finishing.
    meetingEvents: {
      start: async (context, details) => {
        await chatHandlers.meetingEvents.start?.(context, details);
        await recordHandlers.meetingStarted(context);
      },
      end: async (context, details) => {
        await chatHandlers.meetingEvents.end?.(context, details);
        await recordHandlers.meetingEnded(context);
      },
      participantsJoin: async (context, details) => {
        await chatHandlers.meetingEvents.participantsJoin?.(context, details);
        await recordHandlers.participantsJoined(context, details);
      },
      participantsLeave: chatHandlers.meetingEvents.participantsLeave,
    },
    jobs: reminderHandlers({ plans: plans.store, audit: p.audit, meetings, notifier, directory: p.directory, outbox: p.outbox, logger }),
    routes: (server) =>
      registerIcsRoute(server, { links, plans: plans.store, meetings, audit: p.audit, env, logger, fallbackOrganizerEmail: config.calendarOrganizerEmail }),
    // A finally failed invitation shows on the organiser's card at once (idempotent: a re-render).
    onOutboxFailed: async (failure) => {
      const key = /^meeting:([^:]+):(\d+):/.exec(failure.messageKey);
      const meeting = key && (await meetings.get(failure.tenantId, key[1]!));
      const plan = meeting && (await plans.store.get(failure.tenantId, meeting.planId));
      if (!meeting || !plan) return;
      // The overview shows the failure too: recorded on the meeting (once), then the organiser's card.
      const contactId = plan.contacts.find((c) => c.teamsUserId === failure.recipientId)?.id;
      const recorded = contactId ? await service.invitationFailed(failure.tenantId, meeting.id, Number(key![2]), contactId) : undefined;
      await notifier.refreshOrganiser(plan, recorded ?? meeting);
    },
  };
  return { service, records: recordService, module, chats, meetings };
}
