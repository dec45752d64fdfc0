/**
 * Every card the user can see, in Danish, English and Swedish, rendered from
 * realistic data: valid for Teams (adaptivecards library, schema 1.5), fully
 * expanded, under the 28 KB message limit, carrying what the bot needs to act
 * on a click, and showing errors in the user's language.
 */
import assert from 'node:assert/strict';
import { commandPayloadSchema } from '../../../../src/platform/bot/commands';
import { guidePayloadSchema, toGuideRequest } from '../../../../src/guide/bot/payloads';
import { meetingPayloadSchema } from '../../../../src/meetings/bot/payloads';
import { planPayloadSchema } from '../../../../src/plans/bot/payloads';
import { planCardPayloadSchema } from '../../../../src/plans/bot/planPayloads';
import { CONSENT_FIELDS, CONTACT_FIELDS, MASTER_DATA_FIELDS } from '../../../../src/guide/bot/cardModels';
import type { AdaptiveCardJson } from '../../../../src/platform/cards/render';
import { errorText, formatCount, helpCard, noticeCard, welcomeCard } from '../../../../src/platform/cards/views';
import { plainText } from '../../../../src/platform/cards/markdown';
import { cancelConfirmCard, guideCard } from '../../../../src/guide/bot/guideViews';
import { planOverviewCard } from '../../../../src/plans/bot/planViews';
import { documentPayloadSchema } from '../../../../src/plans/bot/documentHandlers';
import { planDocumentCard } from '../../../../src/plans/bot/documentViews';
import { memberIdsOf, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { closeConfirmCard, closeFormCard, lockedCard, withdrawConfirmCard, withdrawFormCard } from '../../../../src/plans/bot/lifecycleViews';
import { lifecyclePayloadSchema } from '../../../../src/plans/bot/lifecyclePayloads';
import { linkPayloadSchema } from '../../../../src/plans/bot/linkHandlers';
import { closePlan, withdraw } from '../../../../src/plans/domain/lifecycle';
import { LIMITS } from '../../../../src/plans/domain/carePlan';
import { FieldErrors, GuideDraft, GuideResult, applyGuideAction } from '../../../../src/guide/domain/guide';
import { Language, Locale, formatDate, localeOf, todayIn } from '../../../../src/platform/i18n';
import {
  OWNER,
  consentFields,
  contactFields,
  draftAt,
  fullNetworkDraft,
  fullPlan,
  masterDataFields,
  planWithTeamsNetwork,
  realisticFullNetworkDraft,
  samplePlan,
  testEnvironment,
  withContacts,
} from '../../fixtures';
import { cardProblems, executeActions, inputById, inputIds, visibleTexts } from './adaptiveCardCheck';

/** Teams rejects a message whose card is larger than about 28 KB. */
const MAX_CARD_BYTES = 28 * 1024;
const LOCALES: Array<[Language, string]> = [
  ['da', 'da-DK'],
  ['en', 'en-US'],
  ['sv', 'sv-SE'],
];

const env = testEnvironment();
const now = env.now();
const reviewDraft = () => draftAt('review', testEnvironment());
const networkDraft = () => withContacts(draftAt('network', testEnvironment()), [contactFields(), contactFields({ name: 'Bo Berg', sector: 'relative', email: '', organisation: '' })]);
const revisited = (step: 'consent' | 'masterData'): GuideDraft => {
  const e = testEnvironment();
  let d = draftAt('review', e);
  for (const _ of step === 'consent' ? [1, 2, 3] : [1, 2]) d = (applyGuideAction(d, { type: 'back' }, e) as { draft: GuideDraft }).draft;
  return d;
};

interface Scenario {
  name: string;
  render: (loc: Locale) => AdaptiveCardJson;
  /** The draft a guide card was made from. */
  draft?: GuideDraft;
}

function scenarios(): Scenario[] {
  const consent = draftAt('consent');
  const masterData = draftAt('masterData');
  const network = networkDraft();
  const alone = draftAt('network');
  const review = reviewDraft();
  const locked = { ...samplePlan(), consent: { ...samplePlan().consent, status: 'withdrawn' as const } };
  const teamsNetwork = planWithTeamsNetwork();
  const documentPlan = { ...teamsNetwork, memberIds: memberIdsOf(teamsNetwork.contacts) };
  const full = fullPlan();
  // A realistic link: an origin, then a signed token about 300 characters long.
  const url = (n: number) => `https://samspil.example.org/documents/${'x'.repeat(220)}${n}/${'s'.repeat(43)}`;
  const documentLinks = (plan: CarePlan, organiser: boolean) =>
    organiser
      ? [
          { recipient: { kind: 'contact' as const, contactId: plan.contacts[0]!.id }, contact: { ...plan.contacts[0]!, teamsUserId: OWNER.userId }, url: url(0) },
          { recipient: { kind: 'citizen' as const }, url: url(1) },
          ...plan.contacts.slice(1).map((c, i) => ({ recipient: { kind: 'contact' as const, contactId: c.id }, contact: { ...c, teamsUserId: undefined }, url: url(i + 2) })),
        ]
      : [{ recipient: { kind: 'contact' as const, contactId: plan.contacts[1]!.id }, contact: plan.contacts[1]!, url: url(0) }];
  const g = (name: string, draft: GuideDraft, opts: Parameters<typeof guideCard>[2] = {}): Scenario => ({
    name,
    draft,
    render: (loc) => guideCard(draft, loc, { now, ...opts }),
  });
  return [
    { name: 'welcome', render: (loc) => welcomeCard(loc) },
    { name: 'help', render: (loc) => helpCard(loc) },
    { name: 'help with notice', render: (loc) => helpCard(loc, loc.t.notices.unknownCommand) },
    { name: 'notice', render: (loc) => noticeCard(loc.t.notices.stale) },
    { name: 'notice with title and colour', render: (loc) => noticeCard(loc.t.notices.consentRefused, 'Warning', loc.t.consent.title) },
    ...(['Default', 'Attention', 'Good', 'Warning'] as const).map((c) => ({ name: `notice ${c}`, render: (loc: Locale) => noticeCard(loc.t.notices.error, c) })),
    g('consent, new', consent),
    g('consent, with errors', consent, {
      errors: { yourRole: 'required', covers: 'required', obtainedOn: 'invalidDate', note: `max:${LIMITS.note}` },
      fields: consentFields({ yourRole: '', covers: '', obtainedOn: '2025-02-30' }),
    }),
    g('consent, stale notice', consent, { notice: 'Kortet var ikke længere aktuelt' }),
    g('consent, revisited', revisited('consent')),
    g('master data, new', masterData),
    g('master data, with errors', masterData, {
      errors: { name: `max:${LIMITS.name}`, dateOfBirth: 'dateInFuture', dreams: 'dreamsRequired', preferredLanguage: 'invalid' },
      fields: masterDataFields({ dreams: '', wishes: '', needs: '' }),
    }),
    g('master data, revisited', revisited('masterData')),
    g('network, only the creator', alone),
    g('network, three contacts', network),
    g('network, needs another contact', alone, { errors: { _form: 'needAnotherContact' } }),
    g('network, contact errors', network, {
      errors: { name: 'required', email: 'invalidEmail', phone: 'invalidPhone', sector: 'required' },
      fields: contactFields({ name: '', email: 'anne@', phone: 'ring' }),
    }),
    g('network, edit a contact', network, { editContactId: network.contacts[1]!.id }),
    g('network, edit yourself', network, { editContactId: network.contacts[0]!.id }),
    g('network, edit with errors', network, {
      editContactId: network.contacts[2]!.id,
      errors: { role: 'required', email: 'invalidEmail' },
      fields: contactFields({ role: '', email: 'bo@' }),
    }),
    g('review', review),
    g('review, with housing unit and no wishes', { ...review, citizen: { ...review.citizen!, housingUnit: 'Botilbuddet Lyngbo', wishes: undefined } }),
    { name: 'plan overview', render: (loc) => planOverviewCard(samplePlan(), loc) },
    { name: 'plan overview, just created', render: (loc) => planOverviewCard(samplePlan(), loc, loc.t.notices.planCreated) },
    { name: 'plan overview, locked', render: (loc) => planOverviewCard(locked, loc) },
    { name: 'plan overview, as the organiser (with "Hent som Word" and "Hvem har set planen?")', render: (loc) => planOverviewCard(samplePlan(), loc, '', undefined, OWNER.userId) },
    { name: 'plan document links, organiser', render: (loc) => planDocumentCard(documentPlan, documentLinks(documentPlan, true), now, loc, OWNER.userId) },
    { name: 'plan document links, full network', render: (loc) => planDocumentCard(full, documentLinks(full, true), now, loc, OWNER.userId) },
    { name: 'plan document links, another member', render: (loc) => planDocumentCard(documentPlan, documentLinks(documentPlan, false), now, loc, 'aad-colleague') },
    ...lifecycleScenarios(),
  ];
}

/** Withdrawal, closing, the guide's "are you sure", and the overview after each. */
function lifecycleScenarios(): Scenario[] {
  const retention = { daysAfterClose: 90, daysAfterWithdrawal: 30 };
  const open = { ...fullPlan(), consent: { ...fullPlan().consent, covers: ['shareWithNetwork', 'coordinationMeetings', 'involveRelatives'] as const } } as ReturnType<typeof fullPlan>;
  const by = { userId: OWNER.userId, name: OWNER.name };
  const all = { scope: 'all', method: 'written', on: '2026-03-09', note: 'Ringede selv' } as const;
  const one = { scope: 'involveRelatives', method: 'verbal', on: '2026-03-09' } as const;
  const fully = withdraw(open, all, by, now, retention)!;
  const partly = withdraw(open, one, by, now, retention)!;
  const closed = closePlan(open, { reason: 'other', note: 'Flyttet' }, by, now, retention)!;
  const names = open.contacts.slice(1, 30).map((c) => c.name);
  return [
    { name: 'plan overview, the organiser’s (withdraw, close)', render: (loc) => planOverviewCard(open, loc, '', undefined, OWNER.userId) },
    { name: 'plan overview, consent withdrawn for one scope', render: (loc) => planOverviewCard(partly, loc, loc.t.lifecycle.withdrawnScope, undefined, OWNER.userId) },
    { name: 'plan overview, consent fully withdrawn', render: (loc) => planOverviewCard(fully, loc, loc.t.lifecycle.withdrawnAll, undefined, OWNER.userId) },
    { name: 'plan overview, closed', render: (loc) => planOverviewCard(closed, loc, loc.t.lifecycle.closed, undefined, OWNER.userId) },
    { name: 'withdraw form', render: (loc) => withdrawFormCard(open, loc, { now }) },
    { name: 'withdraw form, with errors', render: (loc) => withdrawFormCard(open, loc, { now, fields: { note: 'x' }, errors: { scope: 'chooseScope', method: 'chooseMethod', on: 'beforeConsent', note: 'max:1000' } }) },
    { name: 'withdraw confirmation, all (30 names lose access)', render: (loc) => withdrawConfirmCard({ plan: open, after: fully, losingAccess: names, toCancel: 3 }, all, loc) },
    { name: 'withdraw confirmation, one scope', render: (loc) => withdrawConfirmCard({ plan: open, after: partly, losingAccess: [], toCancel: 0 }, one, loc) },
    { name: 'close form', render: (loc) => closeFormCard(open, loc) },
    { name: 'close form, with errors', render: (loc) => closeFormCard(open, loc, { fields: { reason: 'other' }, errors: { note: 'noteRequired' } }) },
    { name: 'close confirmation', render: (loc) => closeConfirmCard({ plan: open, after: closed, losingAccess: [], toCancel: 1 }, { reason: 'other', note: 'Flyttet' }, loc) },
    { name: 'locked: consent withdrawn', render: (loc) => lockedCard('withdrawn', loc) },
    { name: 'locked: closed', render: (loc) => lockedCard('closed', loc) },
    { name: 'guide: are you sure you want to cancel?', render: (loc) => cancelConfirmCard(draftAt('masterData'), loc, masterDataFields()) },
  ];
}

/** What Teams sends for a click: the action's data plus the card's input values (unless the action takes none). */
function submit(card: AdaptiveCardJson, action: string): Record<string, unknown> {
  const a = executeActions(card).find((x) => x.data.action === action);
  assert.ok(a, `no "${action}" button on the card`);
  if (a.associatedInputs === 'none') return { ...a.data };
  const inputs = Object.fromEntries(inputIds(card).map((id) => [id, String(inputById(card, id)!.value ?? '')]));
  return { ...inputs, ...a.data };
}

/** Clicks a button on a guide card and applies it to the draft, as the bot would. */
function click(card: AdaptiveCardJson, action: string, draft: GuideDraft): GuideResult {
  const parsed = guidePayloadSchema.safeParse(submit(card, action));
  assert.ok(parsed.success, `payload of "${action}" does not parse: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
  const request = toGuideRequest(parsed.data);
  assert.ok('action' in request, `"${action}" is a view`);
  return applyGuideAction(draft, request.action, testEnvironment());
}

/** The text shown right under an input (its error line), if any. */
function errorUnder(card: AdaptiveCardJson, inputId: string): string | undefined {
  const body = card.body as Array<Record<string, unknown>>;
  const i = body.findIndex((e) => e.id === inputId);
  const next = body[i + 1];
  return i >= 0 && next?.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}

describe('cards/views', () => {
  for (const [language, tag] of LOCALES) {
    describe(`in ${language}`, () => {
      const loc = localeOf(tag);
      for (const s of scenarios()) {
        describe(s.name, () => {
          const card = s.render(loc);
          const json = JSON.stringify(card);

          it('is a valid Adaptive Card 1.5 for Teams', () => assert.deepEqual(cardProblems(card), []));
          it('has no unexpanded template expression', () => assert.ok(!json.includes('${'), json.match(/.{40}\$\{.{40}/)?.[0]));
          it('is under 28 KB', () => assert.ok(Buffer.byteLength(json) < MAX_CARD_BYTES, `${Buffer.byteLength(json)} bytes`));

          it('every button carries what the bot needs to act on it', () => {
            const actions = executeActions(card);
            for (const a of actions) {
              assert.ok(a.title, 'button without title');
              if (s.draft) {
                assert.equal(a.verb, 'guide');
                assert.equal(a.data.draftId, s.draft.id);
                assert.equal(a.data.rev, s.draft.revision);
                assert.ok(guidePayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'planDocument') {
                assert.ok(documentPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'meeting') {
                assert.ok(meetingPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'plan') {
                assert.ok(planPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'planCard') {
                assert.ok(planCardPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'planLifecycle') {
                assert.ok(lifecyclePayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'planLink') {
                assert.ok(linkPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else if (a.verb === 'guide') {
                assert.ok(guidePayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              } else {
                assert.equal(a.verb, 'cmd');
                assert.ok(commandPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
              }
            }
            if (s.draft) assert.ok(actions.some((a) => a.data.action === 'cancel' || a.data.action === 'showNetwork'), 'a way out');
          });
        });
      }

      describe('guide cards', () => {
        it('show the step "n of 4" in the user’s language', () => {
          const steps = [draftAt('consent'), draftAt('masterData'), draftAt('network'), draftAt('review')];
          steps.forEach((d, i) => {
            const texts = visibleTexts(guideCard(d, loc, { now }));
            assert.ok(texts.includes(loc.t.common.step.replace('{n}', String(i + 1))), `step ${i + 1}`);
          });
        });

        it('have exactly the inputs the payload schema reads, with the domain’s length limits', () => {
          const network = networkDraft();
          const cases: Array<[AdaptiveCardJson, readonly string[]]> = [
            [guideCard(draftAt('consent'), loc, { now }), CONSENT_FIELDS],
            [guideCard(draftAt('masterData'), loc, { now }), MASTER_DATA_FIELDS],
            [guideCard(network, loc, { now }), CONTACT_FIELDS],
            [guideCard(network, loc, { now, editContactId: network.contacts[1]!.id }), CONTACT_FIELDS],
            [guideCard(network, loc, { now, editContactId: network.contacts[0]!.id }), CONTACT_FIELDS.filter((f) => f !== 'name')],
          ];
          const limitOf: Record<string, number> = {
            note: LIMITS.note, yourRole: LIMITS.role, yourOrganisation: LIMITS.organisation, name: LIMITS.name, address: LIMITS.address,
            housingUnit: LIMITS.housingUnit, dreams: LIMITS.dreams, wishes: LIMITS.dreams, needs: LIMITS.dreams, role: LIMITS.role,
            organisation: LIMITS.organisation, email: LIMITS.email, phone: LIMITS.phone, reachVia: LIMITS.reachVia,
          };
          for (const [card, fields] of cases) {
            assert.deepEqual(inputIds(card).sort(), [...fields].sort());
            for (const id of inputIds(card)) {
              const input = inputById(card, id)!;
              // Never cut without a word (no maxLength): the limit is checked on save and, for free texts, said in the label.
              if (input.type === 'Input.Text') assert.equal(input.maxLength, undefined, `${id} would be cut without a word`);
              if (['note', 'address', 'dreams', 'wishes', 'needs', 'reachVia'].includes(id)) {
                assert.ok(String(input.label).includes(formatCount(limitOf[id]!, loc)), `the limit of ${id} is in its label: ${String(input.label)}`);
              }
            }
          }
        });

        it('"Fjern" on a contact asks first: the removal is only inside a confirmation (closing it changes nothing)', () => {
          const network = networkDraft();
          const card = guideCard(network, loc, { now, editContactId: network.contacts[1]!.id });
          const top = (card.actions ?? []) as Array<{ type: string; title?: string; data?: { action?: string }; card?: { actions?: Array<{ data?: { action?: string } }> } }>;
          assert.ok(!top.some((a) => a.data?.action === 'removeContact'), 'no one-click removal');
          const ask = top.find((a) => a.type === 'Action.ShowCard' && a.title === loc.t.network.remove)!;
          assert.ok(ask.card!.actions!.some((a) => a.data?.action === 'removeContact'));
        });

        it('mark required fields (*) with a legend, and show the resume notice as news, not as an error', () => {
          const required: Record<string, string[]> = {
            consent: ['status', 'method', 'obtainedOn', 'covers', 'yourRole', 'yourSector'],
            masterData: ['name', 'dateOfBirth', 'preferredLanguage'],
          };
          for (const [step, ids] of Object.entries(required)) {
            const card = guideCard(draftAt(step as 'consent' | 'masterData'), loc, { now });
            for (const id of inputIds(card)) {
              assert.equal(String(inputById(card, id)!.label).includes(' *'), ids.includes(id), `${step}.${id}`);
            }
            assert.ok(visibleTexts(card).includes(loc.t.common.requiredLegend));
          }
          const resumed = guideCard(draftAt('masterData'), loc, { now, notice: loc.t.notices.resumed, noticeColor: 'Default' });
          const notice = JSON.stringify(resumed).match(/\{[^{}]*"text":"[^"]*"[^{}]*\}/g)!.find((b) => b.includes(JSON.stringify(loc.t.notices.resumed).slice(1, -1)))!;
          assert.doesNotMatch(notice, /Attention/, 'the resume message is not red');
        });

        it('date inputs stop at today in the user’s time zone', () => {
          const at = new Date('2026-06-30T22:30:00Z');
          for (const d of [draftAt('consent'), draftAt('masterData')]) {
            const card = guideCard(d, localeOf(tag, 'Europe/Copenhagen'), { now: at });
            const date = inputById(card, d.step === 'consent' ? 'obtainedOn' : 'dateOfBirth')!;
            assert.equal(date.max, '2026-07-01');
          }
          assert.equal(inputById(guideCard(draftAt('consent'), localeOf(tag), { now: at }), 'obtainedOn')!.value, '2026-07-01', 'consent date proposed: today');
        });

        const errorCases: Array<[string, () => GuideDraft, FieldErrors, Record<string, unknown>?]> = [
          ['consent', () => draftAt('consent'), { yourRole: 'required', covers: 'required', obtainedOn: 'dateInFuture', yourOrganisation: `max:${LIMITS.organisation}` }],
          ['master data', () => draftAt('masterData'), { name: 'required', dateOfBirth: 'dateTooOld', dreams: 'dreamsRequired', address: `max:${LIMITS.address}` }],
          ['network', () => networkDraft(), { name: 'required', role: `max:${LIMITS.role}`, email: 'invalidEmail', phone: 'invalidPhone' }],
          ['contact edit', () => networkDraft(), { role: 'required', email: 'invalidEmail' }, { edit: 1 }],
        ];
        for (const [label, draft, errors, extra] of errorCases) {
          it(`${label}: each error is shown under its field in ${language}, with a heading`, () => {
            const d = draft();
            const card = guideCard(d, loc, { now, errors, editContactId: extra ? d.contacts[1]!.id : undefined });
            for (const [field, code] of Object.entries(errors)) {
              const expected = errorText(code, loc);
              assert.equal(errorUnder(card, field), expected, field);
              assert.ok(expected && expected !== loc.t.errors.invalid, `${code} has its own text`);
            }
            assert.ok(visibleTexts(card).includes(loc.t.errors.formHeading));
          });
        }

        it('a "max" error names the limit', () => {
          const card = guideCard(draftAt('masterData'), loc, { now, errors: { name: 'max:120' } });
          assert.equal(errorUnder(card, 'name'), loc.t.errors.max.replace('{n}', '120'));
          assert.match(errorUnder(card, 'name')!, /120/);
        });

        it('a whole-card error is shown as the card’s error heading', () => {
          const card = guideCard(draftAt('network'), loc, { now, errors: { _form: 'needAnotherContact' } });
          assert.ok(visibleTexts(card).includes(loc.t.errors.needAnotherContact));
          const full = guideCard(draftAt('network'), loc, { now, errors: { _form: 'tooManyContacts' } });
          assert.ok(visibleTexts(full).includes(loc.t.errors.tooManyContacts));
        });

        it('a card without errors shows no error text', () => {
          for (const d of [draftAt('consent'), draftAt('masterData'), networkDraft(), reviewDraft()]) {
            const texts = visibleTexts(guideCard(d, loc, { now }));
            for (const e of Object.values(loc.t.errors)) if (!e.includes('{')) assert.ok(!texts.includes(e), `"${e}" on ${d.step}`);
          }
        });

        it('what the user typed comes back in the inputs when there are errors', () => {
          const fields = masterDataFields({ name: 'Jens Peter Hansen', dreams: '', wishes: 'Se min datter' });
          const card = guideCard(draftAt('masterData'), loc, { now, errors: { dreams: 'dreamsRequired' }, fields });
          assert.equal(inputById(card, 'name')!.value, 'Jens Peter Hansen');
          assert.equal(inputById(card, 'wishes')!.value, 'Se min datter');
        });

        it('a choice left empty is reported as "required" on the card, not as an invalid value', () => {
          const d = draftAt('consent');
          const r = applyGuideAction(d, { type: 'consent', fields: consentFields({ yourSector: '' }) }, testEnvironment());
          assert.equal(r.kind, 'invalid');
          const card = guideCard(d, loc, { now, errors: (r as { errors: FieldErrors }).errors, fields: consentFields({ yourSector: '' }) });
          assert.equal(errorUnder(card, 'yourSector'), loc.t.errors.required);
        });

        it('the network lists every contact with an edit button, marks the user, and offers "remove" on everybody else’s edit card', () => {
          const d = networkDraft();
          const card = guideCard(d, loc, { now });
          const texts = visibleTexts(card);
          assert.ok(texts.some((t) => t.startsWith(`**${OWNER.name}** (${loc.t.network.you}) – `)));
          assert.ok(texts.some((t) => t.startsWith('**Anne Jensen** – ') && t.includes(loc.t.enums.sector.municipality)));
          assert.ok(texts.some((t) => t.startsWith('**Bo Berg** – ')));
          assert.ok(texts.includes(loc.t.network.contacts.replace('{n}', '3')));
          const edits = executeActions(card).filter((a) => a.data.action === 'editContact').map((a) => a.data.contactId);
          assert.deepEqual(edits, d.contacts.map((c) => c.id));
          const removesOn = (id: string) =>
            executeActions(guideCard(d, loc, { now, editContactId: id })).filter((a) => a.data.action === 'removeContact').map((a) => a.data.contactId);
          assert.deepEqual(removesOn(d.contacts[0]!.id), [], 'nobody removes themselves');
          assert.deepEqual(removesOn(d.contacts[1]!.id), [d.contacts[1]!.id]);
          const anne = guideCard(d, loc, { now, editContactId: d.contacts[1]!.id });
          assert.equal(inputById(anne, 'email')?.value, 'anne.jensen@aarhus.dk', 'e-mail and phone are on the contact’s own card');
        });

        it('editing yourself shows your Teams name as text, not as an input', () => {
          const d = networkDraft();
          const card = guideCard(d, loc, { now, editContactId: d.contacts[0]!.id });
          assert.equal(inputById(card, 'name'), undefined);
          assert.ok(visibleTexts(card).includes(`**${OWNER.name}**`));
          const save = executeActions(card).find((a) => a.data.action === 'saveContact')!;
          assert.equal(save.data.contactId, d.contacts[0]!.id);
        });

        it('the review shows the citizen, their own words, the consent and the network', () => {
          const d = reviewDraft();
          const texts = visibleTexts(guideCard(d, loc, { now }));
          for (const expected of [
            d.citizen!.name,
            // As the card shows it: markdown-safe, so "12. april 1985" is not a list item.
            plainText(formatDate(d.citizen!.dateOfBirth, loc)),
            d.citizen!.dreams!,
            d.citizen!.wishes!,
            d.citizen!.needs!,
            loc.t.enums.language.da,
          ]) {
            assert.ok(texts.includes(expected), `missing ${expected}`);
          }
          assert.ok(texts.some((t) => t.includes(loc.t.enums.consentStatus.given) && t.includes(formatDate('2025-01-15', loc)) && t.includes(loc.t.consent.shareWithNetwork)));
          assert.ok(texts.some((t) => t.includes('- **Anne Jensen** – ')));
        });

        it('a finished guide gets a notice instead of a step', () => {
          const e = testEnvironment();
          const created = (applyGuideAction(draftAt('review', e), { type: 'create' }, e) as { draft: GuideDraft }).draft;
          const cancelled = (applyGuideAction(draftAt('network', e), { type: 'cancel' }, e) as { draft: GuideDraft }).draft;
          assert.deepEqual(visibleTexts(guideCard(created, loc)), [loc.t.notices.alreadyCreated]);
          assert.deepEqual(visibleTexts(guideCard(cancelled, loc)), [loc.t.notices.cancelled]);
          assert.deepEqual(executeActions(guideCard(created, loc)), []);
        });
      });

      describe('clicking through the cards', () => {
        it('consent → master data → network → review → plan, each card’s own buttons and values', () => {
          let d = draftAt('consent');
          let card = guideCard(d, loc, { now });
          // Consent is an active choice: nothing is ticked or chosen in advance (issue #8); the user chooses each.
          assert.equal(inputById(card, 'covers')!.value, '', 'no scope pre-ticked');
          assert.equal(inputById(card, 'method')!.value, '', 'no method pre-selected');
          assert.equal(inputById(card, 'status')!.value, '', 'given or refused is not pre-selected');
          const unchosen = click(card, 'consent', d);
          assert.equal(unchosen.kind, 'invalid', 'submitting without choosing is refused');
          const consentCard = JSON.parse(JSON.stringify(card)) as AdaptiveCardJson;
          inputById(consentCard, 'status')!.value = 'given';
          inputById(consentCard, 'method')!.value = 'verbal';
          inputById(consentCard, 'covers')!.value = 'shareWithNetwork,coordinationMeetings';
          inputById(consentCard, 'yourRole')!.value = 'Sygeplejerske';
          inputById(consentCard, 'yourOrganisation')!.value = 'Psykiatrien';
          inputById(consentCard, 'yourSector')!.value = 'regionPsychiatry';
          inputById(consentCard, 'obtainedOn')!.value = '2025-01-15';
          let r = click(consentCard, 'consent', d);
          assert.equal(r.kind, 'ok', JSON.stringify(r));
          d = (r as { draft: GuideDraft }).draft;
          assert.deepEqual(d.consent!.covers, ['shareWithNetwork', 'coordinationMeetings'], 'the scopes the user ticked');
          assert.equal(d.consent!.method, 'verbal', 'the method the user chose');

          card = guideCard(d, loc, { now });
          assert.equal(inputById(card, 'preferredLanguage')!.value, language, 'the user’s language is proposed');
          for (const [k, v] of Object.entries(masterDataFields())) inputById(card, k)!.value = v;
          r = click(card, 'masterData', d);
          d = (r as { draft: GuideDraft }).draft;
          assert.equal(d.step, 'network');

          card = guideCard(d, loc, { now });
          for (const [k, v] of Object.entries(contactFields())) inputById(card, k)!.value = v;
          d = (click(card, 'addContact', d) as { draft: GuideDraft }).draft;
          assert.equal(d.contacts.length, 2);

          card = guideCard(d, loc, { now });
          assert.equal(inputById(card, 'name')!.value, '', 'the add form is empty again');
          d = (click(card, 'toReview', d) as { draft: GuideDraft }).draft;
          assert.equal(d.step, 'review');

          r = click(guideCard(d, loc, { now }), 'create', d);
          assert.equal(r.kind, 'ok');
          assert.ok((r as { plan?: unknown }).plan);
        });

        it('a revisited step submitted unchanged keeps what was entered', () => {
          const c = revisited('consent');
          const r1 = click(guideCard(c, loc, { now }), 'consent', c) as { kind: string; draft: GuideDraft };
          assert.equal(r1.kind, 'ok', JSON.stringify(r1));
          assert.deepEqual({ ...r1.draft.consent, recordedAt: '' }, { ...c.consent, recordedAt: '' });
          assert.deepEqual(r1.draft.contacts, c.contacts);

          const m = revisited('masterData');
          const r2 = click(guideCard(m, loc, { now }), 'masterData', m) as { kind: string; draft: GuideDraft };
          assert.equal(r2.kind, 'ok', JSON.stringify(r2));
          assert.deepEqual(r2.draft.citizen, m.citizen);
        });

        it('a contact’s edit form saved unchanged changes nothing, for yourself and for others', () => {
          const d = networkDraft();
          for (const c of d.contacts) {
            const r = click(guideCard(d, loc, { now, editContactId: c.id }), 'saveContact', d) as { kind: string; draft: GuideDraft };
            assert.equal(r.kind, 'ok', JSON.stringify(r));
            assert.deepEqual(r.draft.contacts, d.contacts);
          }
        });

        it('"back" takes no inputs; "cancel" carries what was typed, so "Nej" on its question can give it back', () => {
          for (const d of [draftAt('masterData'), networkDraft(), reviewDraft()]) {
            const card = guideCard(d, loc, { now });
            for (const a of executeActions(card).filter((x) => ['back', 'toReview', 'create', 'removeContact', 'editContact'].includes(String(x.data.action)))) {
              assert.equal(a.associatedInputs, 'none', `${d.step}: ${String(a.data.action)}`);
            }
            const cancel = executeActions(card).find((x) => x.data.action === 'cancel')!;
            assert.equal(cancel.associatedInputs, inputIds(card).length > 0 ? 'auto' : 'none', `${d.step}: cancel`);
          }
        });
      });

      describe('plan overview', () => {
        it('shows reference, citizen, consent, status, network and next step', () => {
          const plan = samplePlan();
          const texts = visibleTexts(planOverviewCard(plan, loc));
          for (const expected of [plan.reference, plan.citizen.name, plainText(formatDate(plan.citizen.dateOfBirth, loc)), loc.t.enums.planStatus.draft, loc.t.enums.nextStep.inviteToMeeting, OWNER.name]) {
            assert.ok(texts.includes(expected), `missing ${expected}`);
          }
          assert.ok(texts.includes(loc.t.plan.network.replace('{n}', '2')));
        });

        it('a plan whose consent was withdrawn says it is locked', () => {
          const plan = samplePlan();
          const texts = visibleTexts(planOverviewCard({ ...plan, consent: { ...plan.consent, status: 'withdrawn' } }, loc));
          assert.ok(texts.includes(loc.t.enums.nextStep.locked));
        });

        it('shows the notice only when there is one', () => {
          assert.ok(visibleTexts(planOverviewCard(samplePlan(), loc, loc.t.notices.planCreated)).includes(loc.t.notices.planCreated));
          assert.ok(!visibleTexts(planOverviewCard(samplePlan(), loc)).includes(loc.t.notices.planCreated));
        });

        it('offers "who has seen the plan?" to its coordinator only (the card is rendered per viewer)', () => {
          const plan = { ...samplePlan(), memberIds: [OWNER.userId, 'aad-colleague'] };
          const logButton = (viewer?: string) => executeActions(planOverviewCard(plan, loc, '', undefined, viewer)).filter((a) => a.verb === 'plan');
          assert.deepEqual(logButton(OWNER.userId).map((a) => [a.title, a.data]), [[loc.t.accessLog.button, { action: 'accessLog', planId: plan.id }]]);
          assert.deepEqual(logButton('aad-colleague'), []);
          assert.deepEqual(logButton(undefined), []);
        });
      });

      describe('withdrawing consent and closing', () => {
        const retention = { daysAfterClose: 90, daysAfterWithdrawal: 30 };
        const by = { userId: OWNER.userId, name: OWNER.name };
        const open = samplePlan();
        const all = { scope: 'all', method: 'written', on: '2025-02-01' } as const;

        it('the organiser’s overview offers "withdraw consent" and "close"; nobody else’s, and not once the plan ended', () => {
          const verbs = (card: AdaptiveCardJson) => executeActions(card).filter((a) => a.verb === 'planLifecycle').map((a) => a.data.action);
          assert.deepEqual(verbs(planOverviewCard(open, loc, '', undefined, OWNER.userId)), ['withdrawForm', 'closeForm']);
          assert.deepEqual(verbs(planOverviewCard(open, loc, '', undefined, 'aad-someone-else')), []);
          assert.deepEqual(verbs(planOverviewCard(closePlan(open, { reason: 'goalsReached' }, by, now, retention)!, loc, '', undefined, OWNER.userId)), []);
          assert.deepEqual(verbs(planOverviewCard(withdraw(open, all, by, now, retention)!, loc, '', undefined, OWNER.userId)), []);
        });

        it('the overview records each withdrawal, the closing and the erasure date in the user’s language', () => {
          const partly = withdraw(open, { scope: 'coordinationMeetings', method: 'verbal', on: '2025-02-01' }, by, now, retention)!;
          const closed = closePlan(partly, { reason: 'movedAway' }, by, now, retention)!;
          const texts = visibleTexts(planOverviewCard(closed, loc));
          assert.ok(texts.includes(loc.t.lifecycle.withdrawnFact));
          assert.ok(texts.some((t) => t.includes(loc.t.consent.coordinationMeetings) && t.includes(formatDate('2025-02-01', loc))));
          assert.ok(texts.some((t) => t.startsWith(loc.t.lifecycle.reasons.movedAway)));
          assert.ok(texts.includes(loc.t.lifecycle.eraseFact));
          assert.ok(texts.includes(plainText(formatDate(closed.eraseAfter!, loc))));
          assert.ok(texts.includes(loc.t.enums.planStatus.closed));
        });

        it('the withdrawal form: all or each scope still covered, nothing chosen, errors under their fields', () => {
          const card = withdrawFormCard(open, loc, { now });
          assert.deepEqual((inputById(card, 'scope')!.choices as { value: string }[]).map((c) => c.value), ['all', ...open.consent.covers]);
          assert.equal(inputById(card, 'scope')!.value, '');
          assert.equal(inputById(card, 'method')!.value, '');
          assert.equal(inputById(card, 'note')!.maxLength, LIMITS.note);
          const errors = { scope: 'chooseScope', method: 'chooseMethod', on: 'beforeConsent', note: `max:${LIMITS.note}` };
          const wrong = withdrawFormCard(open, loc, { now, errors });
          for (const [field, code] of Object.entries(errors)) {
            const expected = (loc.t.lifecycle.errors as Record<string, string>)[code] ?? errorText(code, loc);
            assert.equal(errorUnder(wrong, field), expected, field);
          }
        });

        it('the closing form: every reason, none chosen; "other" without a note says so', () => {
          const card = closeFormCard(open, loc, { errors: { reason: 'chooseReason', note: 'noteRequired' } });
          assert.deepEqual((inputById(card, 'reason')!.choices as { title: string }[]).map((c) => c.title), Object.values(loc.t.lifecycle.reasons));
          assert.equal(inputById(card, 'reason')!.value, '');
          assert.equal(errorUnder(card, 'reason'), loc.t.lifecycle.errors.chooseReason);
          assert.equal(errorUnder(card, 'note'), loc.t.lifecycle.errors.noteRequired);
        });

        it('the confirmation spells out what happens; "yes" carries what was checked and the plan’s version, "no" goes back', () => {
          const after = withdraw(open, all, by, now, retention)!;
          const card = withdrawConfirmCard({ plan: open, after, losingAccess: ['Anne Jensen'], toCancel: 2 }, all, loc);
          const texts = visibleTexts(card).join('\n');
          for (const line of [loc.t.lifecycle.effectLocked, loc.t.lifecycle.effectTold, loc.t.lifecycle.effectLinks]) assert.ok(texts.includes(line), line);
          assert.ok(texts.includes('Anne Jensen'));
          assert.ok(texts.includes(formatDate(after.eraseAfter!, loc)));
          const [yes, no] = executeActions(card);
          assert.deepEqual(yes!.data, { action: 'withdrawConfirm', planId: open.id, version: open.version, scope: 'all', method: 'written', on: '2025-02-01' });
          assert.deepEqual(no!.data, { action: 'back', planId: open.id });
          assert.ok(lifecyclePayloadSchema.safeParse(yes!.data).success);
        });

        it('"Afbryd" asks, and its "Nej" carries what was typed on the step', () => {
          const d = draftAt('masterData');
          const card = cancelConfirmCard(d, loc, { ...masterDataFields(), covers: 'not on this step' });
          assert.ok(visibleTexts(card).includes(loc.t.guide.cancelQuestion));
          const [yes, no] = executeActions(card);
          assert.deepEqual(yes!.data, { action: 'cancelConfirmed', draftId: d.id, rev: d.revision });
          assert.deepEqual(no!.data, { action: 'keep', draftId: d.id, rev: d.revision, ...masterDataFields() });
        });
      });

      describe('a full network (LIMITS.contacts contacts)', () => {
        const bytes = (card: AdaptiveCardJson) => Buffer.byteLength(JSON.stringify(card));
        it('with everyday details: the network card stays under 28 KB', () => {
          const d = realisticFullNetworkDraft();
          assert.equal(d.contacts.length, LIMITS.contacts);
          const size = bytes(guideCard(d, loc, { now }));
          assert.ok(size < MAX_CARD_BYTES, `${size} bytes`);
        });

        const cases: Array<[string, () => AdaptiveCardJson]> = [
          ['network', () => guideCard(fullNetworkDraft('network'), loc, { now })],
          ['contact edit', () => guideCard(fullNetworkDraft('network'), loc, { now, editContactId: fullNetworkDraft('network').contacts[5]!.id })],
          ['review', () => guideCard(fullNetworkDraft('review'), loc, { now })],
          ['plan overview', () => planOverviewCard(fullPlan(), loc, loc.t.notices.planCreated, undefined, OWNER.userId)],
        ];
        for (const [label, render] of cases) {
          it(`with every field at its maximum length: the ${label} card is valid and under 28 KB`, () => {
            const card = render();
            assert.deepEqual(cardProblems(card), []);
            assert.ok(!JSON.stringify(card).includes('${'));
            assert.ok(bytes(card) < MAX_CARD_BYTES, `${bytes(card)} bytes`);
          });
        }
      });
    });
  }

  describe('errorText', () => {
    it('turns every code the domain produces into a sentence of its own, in every language', () => {
      const codes = ['required', 'max:120', 'invalidDate', 'dateInFuture', 'dateTooOld', 'invalidEmail', 'invalidPhone', 'invalid', 'dreamsRequired', 'needAnotherContact', 'tooManyContacts', 'chooseYesNo', 'chooseMethod', 'chooseAtLeastOne'];
      for (const [, tag] of LOCALES) {
        const loc = localeOf(tag);
        const texts = codes.map((c) => errorText(c, loc));
        assert.equal(new Set(texts).size, codes.length, `${tag}: ${texts.join(' | ')}`);
        assert.equal(errorText('', loc), '');
        assert.equal(errorText('somethingNew', loc), loc.t.errors.invalid);
      }
    });

    it('writes limits as the language writes numbers, and says how long an over-long text is instead of cutting it', () => {
      assert.equal(errorText('max:2000', localeOf('da-DK')), 'Højst 2.000 tegn.');
      assert.equal(errorText('max:2000', localeOf('en-GB')), 'At most 2,000 characters.');
      assert.equal(errorText('max:2000', localeOf('sv-SE')), 'Högst 2\u00A0000 tecken.');
      assert.match(errorText('max:2000:5000', localeOf('da-DK')), /^Højst 2\.000 tegn – der står 5\.000\. .*intet er skåret væk/);
      assert.match(errorText('max:500:612', localeOf('en-GB')), /^At most 500 characters – this has 612\./);
    });
  });

  it('the consent card proposes today in the user’s time zone as the consent date', () => {
    const at = new Date('2026-06-30T22:30:00Z');
    assert.equal(inputById(guideCard(draftAt('consent'), localeOf('da-DK'), { now: at }), 'obtainedOn')!.value, todayIn(localeOf('da-DK'), at));
    assert.equal(inputById(guideCard(draftAt('consent'), localeOf('en-US', 'America/New_York'), { now: at }), 'obtainedOn')!.value, '2026-06-30');
  });
});
