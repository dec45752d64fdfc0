/**
 * The one place capabilities are registered: their containers, templates and
 * command words (static), and their construction over the platform, in order
 * (later capabilities build on earlier ones).
 */
import { ACUTE_COMMAND_WORDS, ACUTE_CONTAINERS, createAcute } from './acute';
import { ACUTE_TEMPLATES } from './acute/bot/cardModels';
import { createFollowUp, FOLLOW_UP_COMMAND_WORDS, FOLLOW_UP_CONTAINERS } from './deviations/followUp';
import { FOLLOW_UP_TEMPLATES } from './deviations/followUp/bot/cardModels';
import { createDeviations, DEVIATION_COMMAND_WORDS, DEVIATION_CONTAINERS } from './deviations';
import { DEVIATION_TEMPLATES } from './deviations/bot/cardModels';
import { createGuide, GUIDE_COMMAND_WORDS, GUIDE_CONTAINERS } from './guide';
import { GUIDE_TEMPLATES } from './guide/bot/cardModels';
import { createMeetings, MEETING_COMMAND_WORDS, MEETING_CONTAINERS } from './meetings';
import { MEETING_TEMPLATES } from './meetings/bot/cardModels';
import { RECORD_TEMPLATES } from './meetings/bot/recordViews';
import type { CapabilityModule } from './platform/bot/capability';
import { PLATFORM_TEMPLATES } from './platform/cards/models';
import type { Platform } from './platform/platform';
import { PLATFORM_CONTAINERS, type ContainerDef } from './platform/storage/containers';
import { createPlans, PLAN_COMMAND_WORDS, PLAN_CONTAINERS } from './plans';
import { PLAN_TEMPLATES } from './plans/bot/cardModels';
import { VERSION_TEMPLATES } from './plans/bot/versionViews';

/** Every Cosmos container the app uses (also declared in infra/azure.bicep; a test compares). */
export const ALL_CONTAINERS: readonly ContainerDef[] = [...PLATFORM_CONTAINERS, ...PLAN_CONTAINERS, ...GUIDE_CONTAINERS, ...MEETING_CONTAINERS, ...DEVIATION_CONTAINERS, ...FOLLOW_UP_CONTAINERS, ...ACUTE_CONTAINERS];

/** Every card template in adaptiveCards/ (a test checks each has a file and each file a model). */
export const TEMPLATE_NAMES: readonly string[] = [...PLATFORM_TEMPLATES, ...GUIDE_TEMPLATES, ...PLAN_TEMPLATES, ...VERSION_TEMPLATES, ...MEETING_TEMPLATES, ...DEVIATION_TEMPLATES, ...FOLLOW_UP_TEMPLATES, ...ACUTE_TEMPLATES, ...RECORD_TEMPLATES];

/** Every command word by command name (the help command is the platform's own). */
export const COMMAND_WORDS: Readonly<Record<string, readonly string[]>> = { ...GUIDE_COMMAND_WORDS, ...PLAN_COMMAND_WORDS, ...MEETING_COMMAND_WORDS, ...DEVIATION_COMMAND_WORDS, ...FOLLOW_UP_COMMAND_WORDS, ...ACUTE_COMMAND_WORDS };

/** Builds every capability over the platform. */
export function createCapabilities(p: Platform): CapabilityModule[] {
  const plans = createPlans(p);
  const guide = createGuide(p, plans);
  // A meeting's new version goes to the whole network (the plans capability's distribution).
  const meetings = createMeetings(p, plans, { onVersionFinished: plans.distribution.onVersionFinished });
  // Deviations and follow-up need each other: follow-up raises overdue deviations, deviations escalate to
  // follow-up's escalation contacts. The late-bound arrow breaks the construction cycle.
  const followUp = createFollowUp(p, plans, {
    automaticDeviations: { reportOverdue: (...args) => deviations.automatic.reportOverdue(...args), coordinatorChanged: (...args) => deviations.service.coordinatorChanged(...args) },
  });
  const deviations = createDeviations(p, plans, { meetings, escalationDirectory: followUp.escalation });
  const acute = createAcute(p, plans);
  return [plans.module, guide.module, meetings.module, deviations.module, followUp.module, acute.module];
}
