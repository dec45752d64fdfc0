/** English texts. */
import type { CoreTexts } from './da';

export const en: CoreTexts = {
  common: {
    next: 'Next',
    back: 'Back',
    cancel: 'Cancel',
    save: 'Save',
    required: '(required)',
    optional: '(optional)',
    step: 'Step {n} of 4',
  },
  errors: {
    required: 'Required.',
    max: 'At most {n} characters.',
    invalidDate: 'That date does not exist. Write it as yyyy-mm-dd.',
    dateInFuture: 'The date cannot be in the future.',
    dateTooOld: 'The date is before 1900.',
    invalidEmail: 'The e-mail address looks wrong.',
    invalidPhone: 'The phone number looks wrong (digits, spaces, +, - and brackets only).',
    invalid: 'Invalid value.',
    dreamsRequired: "Write at least one of the citizen's dreams, wishes or needs – they are where the plan starts.",
    needAnotherContact: 'Add at least one contact besides yourself.',
    tooManyContacts: 'The network has reached the maximum number of contacts.',
    invalidTime: 'Write the time as hh:mm, e.g. 10:00.',
    durationRange: 'The duration must be between 15 and 480 minutes.',
    invalidUrl: 'The link must start with https://.',
    inPast: 'That time has already passed.',
    joinUrlRequired: 'Paste the link to the Teams meeting (Samspil cannot create it here).',
    formHeading: 'Please correct the marked fields:',
  },
  notices: {
    stale: 'That card was out of date, so nothing was changed. Here is where you are now.',
    denied: 'You do not have access to what that card refers to. Nothing was changed.',
    invalidPayload: 'That card could not be read. Nothing was changed. Type "help" to see what you can do.',
    alreadyCreated: 'The plan has already been created – nothing was created twice.',
    cancelled: 'The guide was cancelled. What you had written about the citizen has been deleted.',
    consentRefused: 'The citizen did not consent. Without consent no plan can be created, and nothing about the citizen was stored.',
    noOpenGuide: 'You have no plan in progress. Type "new plan" to start one.',
    noPlans: 'You are not part of any plans yet. Type "new plan" to start one.',
    unknownCommand: 'I did not understand that. Try "new plan", "my plans", "continue" or "help".',
    error: 'Something went wrong on our side. Nothing you saved was lost. Please try again shortly.',
    planCreated: 'The plan has been created.',
    resumed: 'Pick up where you left off.',
    morePlans: 'Showing the {n} most recent plans.',
    personalOnly: 'Plans about citizens are shown only in your personal chat with Samspil, not here. Message me directly.',
  },
  welcome: {
    title: 'Welcome to Samspil',
    intro:
      "Samspil helps you bring the citizen's network together around one coordinated care plan: psychiatry, the municipality, the GP, relatives and the citizen.",
    bullets:
      "- Start a plan: consent, master data with the citizen's own dreams, wishes and needs, and the network\n- See the plans you are part of\n- Only the plan's network can see it, and every access is logged",
    newPlan: 'New plan',
    myPlans: 'My plans',
    help: 'Help',
  },
  help: {
    title: 'What Samspil can do',
    commands:
      '**new plan** – start a coordinated care plan step by step\n\n**my plans** – the plans you are part of\n\n**show plan** – the whole plan on one card; edit master data and the network (optionally followed by the plan’s reference)\n\n**continue** – continue a plan in progress\n\n**invite** – call the network to a coordination meeting\n\n**download plan** – the plan as a Word document, also for the citizen and contacts outside Teams\n\n**access log** – who has seen the plan (for the plan’s coordinator)\n\n**help** – this message',
    privacy: "Only the citizen's network can see the plan. Every read and change is logged.",
  },
  enums: {
    sector: {
      regionPsychiatry: 'Regional psychiatry',
      municipality: 'Municipality',
      gp: 'GP',
      addictionTreatment: 'Addiction treatment',
      relative: 'Relative',
      peerWorker: 'Peer worker',
      other: 'Other',
    },
    language: {
      da: 'Danish', sv: 'Swedish', en: 'English', de: 'German', ar: 'Arabic', so: 'Somali', tr: 'Turkish', uk: 'Ukrainian', pl: 'Polish', other: 'Other',
    },
    consentStatus: { given: 'Given', refused: 'Refused', withdrawn: 'Withdrawn' },
    consentMethod: { verbal: 'verbally', written: 'in writing' },
    planStatus: { draft: 'Draft – awaiting the coordination meeting', active: 'Active', closed: 'Closed' },
    nextStep: {
      inviteToMeeting: 'Invite the network to the first coordination meeting.',
      approveAtMeeting: 'The citizen approves the plan at the meeting.',
      followUp: 'The coordinator follows up on the agreed actions.',
      none: 'None – the plan is closed.',
      locked: 'The plan is locked because consent was withdrawn.',
    },
  },
};
