/**
 * The plans capability: the care plan, who may see it, "mine planer", the
 * whole plan on one card ("vis plan") and keeping it current, linking Teams
 * users to the plans that list them, the plan as a Word document behind
 * signed links, "who has seen my plan", and the end of sharing:
 * withdrawing consent, closing a plan, and erasure after the retention period.
 */
import { randomBytes } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { CapabilityModule } from '../platform/bot/capability';
import type { UserIdentity } from '../platform/identity';
import type { Platform } from '../platform/platform';
import type { ContainerDef } from '../platform/storage/containers';
import { TeamsEmails, askToConfirm, offerLinksByTeamsEmail } from './bot/identityLink';
import { DocumentHandlers } from './bot/documentHandlers';
import { LifecycleHandlers } from './bot/lifecycleHandlers';
import { LinkHandlers } from './bot/linkHandlers';
import { PlanCardHandlers } from './bot/planCardHandlers';
import { PlanHandlers } from './bot/planHandlers';
import { ErasureService } from './domain/erasure';
import { LifecycleService } from './domain/lifecycleService';
import { PlanEditService } from './domain/planEditService';
import { PlanService } from './domain/planService';
import { PlanDocumentSections } from './document/documentModel';
import { PlanDocumentService } from './document/documentService';
import { fillPlanSections } from './document/planSections';
import { fillAgreementSections } from './document/agreementSections';
import { DocumentLinks } from './http/documentLinks';
import { registerDocumentRoute } from './http/documentRoute';
import type { PlanLifecycleHooks } from './domain/ports';
import { LifecycleJobs, planNoticesFinished } from './notify/lifecycleJobs';
import { CosmosPlanStore } from './storage/planRepository';
import { CosmosVersionResponseStore } from './storage/versionResponseRepository';
import { DistributionService } from './domain/distributionService';
import { OutboxDistribution, defineDistributionJob } from './notify/distribution';
import { VersionHandlers } from './bot/versionHandlers';

/** Care plans, one logical partition per tenant (README, "Storage and partitioning"). */
export const PLAN_CONTAINERS = [
  { id: 'plans', partitionKey: '/tenantId' },
  // Each contact's answers to a plan version, one document per (plan, version, recipient): fifty approvals at once never contend (src/plans/storage/versionResponseRepository.ts).
  { id: 'versionResponses', partitionKey: '/tenantId' },
] as const satisfies readonly ContainerDef[];

export const PLAN_COMMAND_WORDS = {
  myPlans: ['mine planer', 'mina planer', 'my plans'],
  downloadPlan: ['hent plan', 'hent planen', 'hent som word', 'download plan', 'download the plan', 'download as word', 'ladda ner plan', 'ladda ner planen', 'ladda ner som word'],
  accessLog: ['adgangslog', 'hvem har set planen', 'access log', 'who has seen the plan', 'åtkomstlogg', 'vem har sett planen'],
  withdrawConsent: ['træk samtykke tilbage', 'træk samtykket tilbage', 'withdraw consent', 'återkalla samtycke', 'återkalla samtycket'],
  closePlan: ['afslut plan', 'afslut planen', 'close plan', 'close the plan', 'avsluta plan', 'avsluta planen'],
  showPlan: ['vis plan', 'show plan', 'visa plan', 'vis planen', 'show the plan', 'visa planen'],
} as const;

/** What other capabilities use of plans. */
export type Plans = ReturnType<typeof createPlans>;

/** Builds the plans capability over the platform. */
export function createPlans(p: Platform) {
  const store = new CosmosPlanStore(p.store.containers.plans!);
  const service = new PlanService(store, p.audit, p.env);
  const handlers = new PlanHandlers(service, p.logger);
  const links = new LinkHandlers(service, handlers, p.logger);
  // The document's sections: the plan's own here; later capabilities fill the rest (plans.document.sections).
  const sections = fillAgreementSections(fillPlanSections(new PlanDocumentSections()));
  // Locally a fresh secret per process (as for the .ics links): document links then last until a restart.
  const linkSecret = p.config.icsLinkSecret ? Buffer.from(p.config.icsLinkSecret) : randomBytes(32);
  const documentLinks = new DocumentLinks(linkSecret, p.config.publicBaseUrl, p.config.documentLinkTtlHours * 3600_000, () => p.env.now());
  const documents = new PlanDocumentService({ plans: store, audit: p.audit, env: p.env, links: documentLinks, sections });
  const documentHandlers = new DocumentHandlers(documents, handlers, p.logger);
  // Later capabilities register what they do when a plan's sharing shrinks or it ends (meetings, the guide's draft).
  const lifecycle: PlanLifecycleHooks = { toCancel: [], afterChange: [], erasers: [] };
  // The network's notices about the plan must have left the outbox (which then drops their content) before erasure.
  lifecycle.erasers.push(async (plan, lastAttempt) => {
    if (!lastAttempt && !(await planNoticesFinished(plan, p.outbox))) throw new Error('plan notices still in the outbox');
  });
  const erasure = new ErasureService(store, lifecycle, p.audit, p.env);
  const jobs = new LifecycleJobs(p.jobs, { plans: store, hooks: lifecycle, erasure, outbox: p.outbox, directory: p.directory, logger: p.logger });
  const ending = new LifecycleService({ plans: store, audit: p.audit, env: p.env, retention: p.config.retention, hooks: lifecycle, effects: jobs });
  const endings = new LifecycleHandlers(ending, service, handlers, () => p.env.now(), p.logger);
  // A meeting's new version to the whole network, the approvals, the coordinator's card (issue #9; the meetings capability calls onVersionFinished).
  const responses = new CosmosVersionResponseStore(p.store.containers.versionResponses!);
  lifecycle.erasers.push((plan) => responses.removeForPlan(plan.tenantId, plan.id));
  const notifier = new OutboxDistribution({
    outbox: p.outbox, directory: p.directory, jobs: p.jobs, plans: store, responses, audit: p.audit, env: p.env, logger: p.logger,
    documentUrl: (target) => documentLinks.url(target).url, linkHours: p.config.documentLinkTtlHours,
  });
  // Bound late: the job runs the service, the service queues the job.
  const queue = defineDistributionJob(p.jobs, (...args) => distribution.distributeNow(...args));
  const distribution: DistributionService = new DistributionService({ plans: store, responses, notifier, queue, audit: p.audit, env: p.env });
  const versionHandlers = new VersionHandlers(distribution, (...args) => notifier.coordinatorCardFor(...args), p.logger);
  const cards = new PlanCardHandlers(service, new PlanEditService(store, p.audit, p.env), handlers, p.env, p.logger);
  /** Asks the user to confirm the contacts the network listed with their verified e-mail (nothing is linked before they do). */
  const emails = new TeamsEmails(p.logger);
  const link = async (context: Parameters<typeof offerLinksByTeamsEmail>[0], turn: Parameters<typeof offerLinksByTeamsEmail>[1]) =>
    askToConfirm(context, turn, await offerLinksByTeamsEmail(context, turn, service, p.logger, emails));
  const module: CapabilityModule = {
    name: 'plans',
    commands: [
      {
        name: 'myPlans',
        words: PLAN_COMMAND_WORDS.myPlans,
        run: async (context, turn) => {
          // The user's plans and the plans listing their verified e-mail come in one query; those ask "is this you?" first.
          const { attachments, text, offers } = await handlers.myPlans(turn, await emails.of(context, turn));
          if (offers.length > 0) p.logger.info('plan.linkOffered', { offers: offers.length });
          await askToConfirm(context, turn, offers);
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      },
      {
        name: 'downloadPlan',
        words: PLAN_COMMAND_WORDS.downloadPlan,
        run: async (context, turn) => {
          await link(context, turn);
          const { attachments, text } = await documentHandlers.command(turn);
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      },
      {
        name: 'accessLog',
        words: PLAN_COMMAND_WORDS.accessLog,
        run: async (context, turn) => {
          const { attachments, text } = await handlers.accessLogCommand(turn);
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      },
      ...(['withdrawConsent', 'closePlan'] as const).map((name) => ({
        name,
        words: PLAN_COMMAND_WORDS[name],
        run: async (context: Parameters<NonNullable<CapabilityModule['onNewConversation']>>[0], turn: Parameters<NonNullable<CapabilityModule['onNewConversation']>>[1]) => {
          const { attachments, text } = await endings.command(turn, name === 'withdrawConsent' ? 'withdraw' : 'close');
          await context.sendActivity(MessageFactory.carousel(attachments, text));
        },
      })),
      {
        name: 'showPlan',
        words: PLAN_COMMAND_WORDS.showPlan,
        takesArgument: true,
        run: async (context, turn, argument) => {
          await link(context, turn);
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await cards.show(turn, argument))));
        },
      },
    ],
    verbs: [
      { verb: 'planLink', handle: (turn, _context, data) => links.act(turn, data) },
      { verb: 'planDocument', handle: (turn, _context, data) => documentHandlers.act(turn, data) },
      { verb: 'plan', handle: (turn, context, data) => handlers.act(turn, context, data) },
      { verb: 'planLifecycle', handle: (turn, _context, data) => endings.act(turn, data) },
      { verb: 'planCard', handle: (turn, _context, data) => cards.act(turn, data) },
      { verb: 'planVersion', handle: (turn, _context, data) => versionHandlers.act(turn, data) },
    ],
    routes: (server) => registerDocumentRoute(server, { links: documentLinks, documents, logger: p.logger }),
    // A new or changed personal chat (install, first message): ask about plans that list the user's e-mail.
    onNewConversation: (context, turn) => link(context, turn),
  };
  return {
    store, service, handlers, cards, link, document: { sections }, lifecycle, jobs, module,
    /** The meetings capability calls `onVersionFinished(planId, version, by)` once it made a version (idempotent: call again after any doubt). */
    distribution: {
      onVersionFinished: async (planId: string, version: number, by: UserIdentity): Promise<void> => void (await distribution.onVersionFinished(planId, version, by)),
      service: distribution,
      /** The coordinator role moved (a handover was accepted): the current version's coordinator card to the new coordinator (idempotent). */
      coordinatorChanged: (tenantId: string, planId: string): Promise<void> => notifier.coordinatorChanged(tenantId, planId),
    },
  };
}
