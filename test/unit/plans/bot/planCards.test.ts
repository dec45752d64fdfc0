/**
 * The plan card ("vis plan") and its edit cards in Danish, English and
 * Swedish: valid for Teams (adaptivecards library, schema 1.5), under 28 KB
 * even for the largest plan, showing everything the guide took in, folding
 * long sections, and edit forms that say their limits, mark what is required,
 * keep what was typed and round-trip through the payload schema.
 */
import assert from 'node:assert/strict';
import { meetingPayloadSchema } from '../../../../src/meetings/bot/payloads';
import type { AdaptiveCardJson } from '../../../../src/platform/cards/render';
import { plainText } from '../../../../src/platform/cards/markdown';
import { errorText } from '../../../../src/platform/cards/views';
import { Language, Locale, formatDate, localeOf } from '../../../../src/platform/i18n';
import { planCard, planPickCard, planSection } from '../../../../src/plans/bot/planCardViews';
import { linkConfirmCard } from '../../../../src/plans/bot/planViews';
import { contactEditCard, masterDataEditCard, networkCard } from '../../../../src/plans/bot/planEditViews';
import { planCardPayloadSchema } from '../../../../src/plans/bot/planPayloads';
import type { CarePlan } from '../../../../src/plans/domain/carePlan';
import { LIMITS } from '../../../../src/plans/domain/carePlan';
import { editMasterData, editContact, removeContact, CONTACT_KEYS, MASTER_DATA_KEYS } from '../../../../src/plans/domain/planEdits';
import { withChange } from '../../../../src/plans/domain/planHistory';
import { OWNER, fullPlan, maxText, ownerActor, planWithTeamsNetwork, realisticFullNetworkDraft, samplePlan, testEnvironment, uuidOf } from '../../fixtures';
import { cardProblems, executeActions, inputById, inputIds, visibleTexts } from '../../platform/cards/adaptiveCardCheck';

const MAX_CARD_BYTES = 28 * 1024;
const LOCALES: Array<[Language, string]> = [
  ['da', 'da-DK'],
  ['en', 'en-US'],
  ['sv', 'sv-SE'],
];
const NOW = new Date('2026-03-11T08:00:00.000Z');
const COLLEAGUE = 'aad-colleague';
const bytes = (card: unknown) => Buffer.byteLength(JSON.stringify(card));

/** The organiser, a Teams colleague and the citizen's mother, with phone and e-mail. */
function networkPlan(): CarePlan {
  const p = planWithTeamsNetwork();
  // Card payloads carry contact ids as UUIDs.
  return { ...p, contacts: p.contacts.map((c, i) => (i === 2 ? { ...c, id: uuidOf(8002), email: 'mor@example.dk', phone: '+45 20 30 40 50' } : c)), memberIds: [OWNER.userId, COLLEAGUE] };
}

/** Thirty contacts of everyday length and 2,000-character dreams, wishes and needs, with a full history. */
function bigEverydayPlan(): CarePlan {
  const p = samplePlan();
  let plan: CarePlan = {
    ...p,
    contacts: realisticFullNetworkDraft().contacts,
    citizen: { ...p.citizen, dreams: maxText(LIMITS.dreams), wishes: maxText(LIMITS.dreams), needs: maxText(LIMITS.dreams) },
  };
  const env = testEnvironment();
  for (let i = 0; i < 30; i++) {
    env.advance(60_000);
    plan = withChange(plan, { kind: 'contactChanged', fields: ['email', 'phone'], contactId: plan.contacts[i % 30]!.id, contactName: plan.contacts[i % 30]!.name }, ownerActor(), env.now());
  }
  return plan;
}

/** A section as the meetings capability contributes it, with its own verb. */
const meetingSection = (loc: Locale) =>
  planSection({ key: 'meetings', order: 50, title: loc.t.meetingSection.title, summary: 'x', facts: [{ title: loc.t.meetingSection.next, value: plainText('14. april 2026 10.00') }], buttons: [{ title: loc.t.meetingSection.open, verb: 'meeting', data: { action: 'organiserView', meetingId: uuidOf(42) } }] });

/** What Teams sends for a click: the action's data plus the card's input values (unless the action takes none). */
function submit(card: AdaptiveCardJson, action: string): Record<string, unknown> {
  const a = executeActions(card).find((x) => x.data.action === action);
  assert.ok(a, `no "${action}" button on the card`);
  if (a.associatedInputs === 'none') return { ...a.data };
  const inputs = Object.fromEntries(inputIds(card).map((id) => [id, String(inputById(card, id)!.value ?? '')]));
  return { ...inputs, ...a.data };
}
const setInput = (card: AdaptiveCardJson, id: string, value: string): AdaptiveCardJson => {
  const copy = JSON.parse(JSON.stringify(card)) as AdaptiveCardJson;
  inputById(copy, id)!.value = value;
  return copy;
};
/** The text right under an input (its error line), if any. */
function errorUnder(card: AdaptiveCardJson, inputId: string): string | undefined {
  const body = card.body as Array<Record<string, unknown>>;
  const i = body.findIndex((e) => e.id === inputId);
  const next = body[i + 1];
  return i >= 0 && next?.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}
/** The ids of the elements each fold toggles, and which exist on the card. */
function toggles(card: unknown): { targets: string[]; ids: Set<string> } {
  const targets: string[] = [];
  const ids = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.id === 'string') ids.add(o.id);
    if (o.type === 'Action.ToggleVisibility') targets.push(...(o.targetElements as string[]));
    Object.values(o).forEach(walk);
  };
  walk(card);
  return { targets, ids };
}
const isVisible = (card: unknown, id: string): boolean => {
  let found: boolean | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.id === id) found = o.isVisible !== false;
    Object.values(o).forEach(walk);
  };
  walk(card);
  assert.notEqual(found, undefined, `no element ${id}`);
  return found!;
};

for (const [language, tag] of LOCALES) {
  describe(`plan cards (${language})`, () => {
    const loc = localeOf(tag);
    const { t } = loc;
    const scenarios: Array<[string, () => AdaptiveCardJson]> = [
      ['plan card, the organiser', () => planCard(networkPlan(), loc, OWNER.userId)],
      ['plan card, a colleague', () => planCard(networkPlan(), loc, COLLEAGUE)],
      ['plan card with a contributed section and a notice', () => planCard(networkPlan(), loc, OWNER.userId, { notice: 'Gemt', contributed: [meetingSection(loc)] })],
      ['plan card, locked', () => planCard({ ...networkPlan(), consent: { ...networkPlan().consent, status: 'withdrawn' } }, loc, OWNER.userId)],
      ['plan card, 30 everyday contacts and 2,000-character dreams', () => planCard(bigEverydayPlan(), loc, OWNER.userId, { contributed: [meetingSection(loc)] })],
      ['plan card, every field at its maximum length', () => planCard(fullPlan(), loc, OWNER.userId, { notice: t.notices.planCreated, contributed: [meetingSection(loc)] })],
      ['master data', () => masterDataEditCard(networkPlan(), loc, { now: NOW })],
      ['master data with errors', () => masterDataEditCard(networkPlan(), loc, { now: NOW, errors: { name: 'required', dreams: `max:${LIMITS.dreams}`, dateOfBirth: 'invalidDate' }, fields: { name: '', dreams: 'd'.repeat(2500) } })],
      ['master data, three pasted texts of 10,000 characters', () => masterDataEditCard(fullPlan(), loc, { now: NOW, errors: { dreams: 'max:2000', wishes: 'max:2000', needs: 'max:2000' }, fields: { dreams: maxText(10_000), wishes: maxText(10_000), needs: maxText(10_000) } })],
      ['master data with a conflict', () => masterDataEditCard(networkPlan(), loc, { now: NOW, conflicts: [{ field: 'address', by: ownerActor() }], fields: { address: 'Mit forslag' }, notice: t.planCard.conflictNotice })],
      ['a new contact', () => contactEditCard(networkPlan(), undefined, OWNER.userId, loc, { now: NOW, formId: uuidOf(77) })],
      ['a contact, the organiser', () => contactEditCard(networkPlan(), networkPlan().contacts[2], OWNER.userId, loc, { now: NOW })],
      ['the organiser’s own contact', () => contactEditCard(networkPlan(), networkPlan().contacts[0], OWNER.userId, loc, { now: NOW })],
      ['own details, a colleague', () => contactEditCard(networkPlan(), networkPlan().contacts[1], COLLEAGUE, loc, { now: NOW })],
      ['a contact with errors', () => contactEditCard(networkPlan(), networkPlan().contacts[2], OWNER.userId, loc, { now: NOW, errors: { email: 'invalidEmail', sector: 'sectorNotCovered' }, fields: { email: 'mor@' } })],
      ['a contact, every field at its maximum', () => contactEditCard(fullPlan(), fullPlan().contacts[4], OWNER.userId, loc, { now: NOW })],
      ['the network', () => networkCard(networkPlan(), OWNER.userId, loc, t.planCard.unchanged)],
      ['the network, 30 contacts at maximum length', () => networkCard(fullPlan(), OWNER.userId, loc)],
      ['which plan?', () => planPickCard([samplePlan(), networkPlan()], true, loc)],
    ];
    for (const [name, make] of scenarios) {
      describe(name, () => {
        const card = make();
        it('is a valid Adaptive Card 1.5 for Teams, fully expanded, under 28 KB', () => {
          assert.deepEqual(cardProblems(card), []);
          const json = JSON.stringify(card);
          assert.ok(!json.includes('${'), json.match(/.{40}\$\{.{40}/)?.[0]);
          assert.ok(bytes(card) < MAX_CARD_BYTES, `${bytes(card)} bytes`);
        });
        it('every button carries data its verb’s schema accepts', () => {
          for (const a of executeActions(card)) {
            assert.ok(a.title, 'button without title');
            const schema = a.verb === 'meeting' ? meetingPayloadSchema : planCardPayloadSchema;
            assert.equal(['planCard', 'meeting'].includes(a.verb), true, a.verb);
            assert.ok(schema.safeParse(a.data).success, JSON.stringify(a.data));
          }
        });
        it('every fold toggles elements that exist', () => {
          const { targets, ids } = toggles(card);
          for (const id of targets) assert.ok(ids.has(id), id);
        });
      });
    }

    describe('the plan card', () => {
      it('shows everything the guide took in: master data, the citizen’s own words, consent, the network with phone and e-mail', () => {
        const plan = networkPlan();
        const texts = visibleTexts(planCard(plan, loc, OWNER.userId)).join('\n');
        const c = plan.citizen;
        for (const expected of [
          plan.reference,
          c.name,
          plainText(formatDate(c.dateOfBirth, loc)),
          c.address!,
          t.enums.language[c.preferredLanguage],
          c.dreams!,
          c.wishes!,
          c.needs!,
          t.enums.consentStatus.given,
          t.enums.consentMethod[plan.consent.method],
          plainText(formatDate(plan.consent.obtainedOn, loc)),
          t.consent.shareWithNetwork,
          plan.consent.obtainedBy.name,
          ...plan.contacts.flatMap((ct) => [ct.name, ct.role, ct.email ?? '', ct.phone ?? '']),
          t.enums.sector.relative,
        ]) {
          assert.ok(texts.includes(expected), `missing ${expected}`);
        }
        assert.ok(texts.includes(t.planCard.versionValue.replace('{n}', '1').replace('{date}', formatDate(plan.createdAt, loc))));
      });

      it('no fact starts like a numbered list ("17. maj 1988" would lose its number in Teams’ markdown), yet reads the same', () => {
        const plan = { ...networkPlan(), citizen: { ...networkPlan().citizen, address: '1. sal, Nørregade 1' } };
        const facts: string[] = [];
        const walk = (n: unknown): void => {
          if (Array.isArray(n)) return n.forEach(walk);
          if (!n || typeof n !== 'object') return;
          const o = n as Record<string, unknown>;
          if (Array.isArray(o.facts)) facts.push(...(o.facts as Array<{ value: string }>).map((f) => f.value));
          Object.values(o).forEach(walk);
        };
        walk(planCard(plan, loc, OWNER.userId, { contributed: [meetingSection(loc)] }));
        assert.ok(facts.length > 10);
        for (const value of facts) assert.doesNotMatch(value, /^\s*\d+\. /, value);
        assert.ok(facts.includes('1.\u00a0sal, Nørregade 1'));
        if (language === 'da') assert.ok(facts.includes('12.\u00a0april 1985'));
      });

      it('what people typed is shown as typed: no link, bold text or list made of a name, a note or an address', () => {
        const p = networkPlan();
        const tricky = '[klik her](https://evil.example) **vigtigt** <at>Alle</at>';
        const plan: CarePlan = {
          ...p,
          citizen: { ...p.citizen, name: tricky, address: '1. sal, Nørregade 1', dreams: '- et job\n- en lejlighed' },
          consent: { ...p.consent, note: tricky },
          contacts: p.contacts.map((c, i) => (i === 2 ? { ...c, name: tricky } : c)),
        };
        const json = JSON.stringify(planCard(plan, loc, OWNER.userId));
        assert.doesNotMatch(json, /[^\\]\[klik her\]\(/, 'no markdown link');
        assert.doesNotMatch(json, /[^\\]\*\*vigtigt/, 'no bold');
        assert.doesNotMatch(json, /[^\\]<at>/, 'no mention');
        assert.ok(json.includes(JSON.stringify(plainText('1. sal, Nørregade 1')).slice(1, -1)));
        // Button titles are not markdown (Teams shows them as they are): only what Teams renders as markdown is checked.
        const network = JSON.stringify(networkCard(plan, OWNER.userId, loc), (k, v: unknown) => (k === 'title' ? undefined : v));
        assert.doesNotMatch(network, /[^\\]\[klik her\]\(/);
      });

      it('the network card of 30 everyday contacts keeps every detail; of 30 at maximum length it stays below 26 KB', () => {
        const everyday = networkCard(bigEverydayPlan(), OWNER.userId, loc);
        for (const ct of bigEverydayPlan().contacts) for (const detail of [ct.email, ct.phone].filter(Boolean)) assert.ok(JSON.stringify(everyday).includes(detail!), detail);
        assert.ok(bytes(networkCard(fullPlan(), OWNER.userId, loc)) <= 26 * 1024);
      });

      it('the 30-contact, 2,000-character plan keeps every detail and stays well under 28 KB', () => {
        const plan = bigEverydayPlan();
        const card = planCard(plan, loc, OWNER.userId, { contributed: [meetingSection(loc)] });
        assert.ok(bytes(card) < 22 * 1024, `${bytes(card)} bytes`);
        const texts = visibleTexts(card).join('\n');
        for (const ct of plan.contacts) for (const detail of [ct.email, ct.phone].filter(Boolean)) assert.ok(texts.includes(detail!), `${ct.name}: ${detail}`);
        assert.ok(plan.contacts.filter((ct) => ct.email && ct.phone).length >= 29);
        assert.ok(texts.includes(plan.citizen.dreams!));
      });

      it('long sections fold; short master data is open; the citizen’s words open only while short', () => {
        const short = planCard(networkPlan(), loc, OWNER.userId);
        assert.ok(isVisible(short, 'body-masterData'));
        assert.ok(isVisible(short, 'body-voice'));
        assert.ok(!isVisible(short, 'body-consent'));
        assert.ok(!isVisible(short, 'body-history'));
        assert.ok(isVisible(short, 'sum-consent'), 'a folded section shows its one-line summary');
        assert.ok(!isVisible(short, 'sum-network'), 'an open section does not repeat itself in a summary');
        const long = planCard(bigEverydayPlan(), loc, OWNER.userId);
        assert.ok(!isVisible(long, 'body-voice'), '6,000 characters fold');
        assert.ok(!isVisible(long, 'body-network'), '30 contacts fold');
      });

      it('the organiser gets the edit buttons; a colleague only "correct my details" for their own contact', () => {
        const plan = networkPlan();
        const actionsOf = (viewer: string) => executeActions(planCard(plan, loc, viewer)).map((a) => a.data.action);
        assert.deepEqual(actionsOf(OWNER.userId).sort(), ['editMasterData', 'network', 'show'].sort());
        const colleague = executeActions(planCard(plan, loc, COLLEAGUE));
        assert.deepEqual(colleague.map((a) => a.data.action).sort(), ['editContact', 'show']);
        assert.equal(colleague.find((a) => a.data.action === 'editContact')!.data.contactId, plan.contacts[1]!.id);
        const locked = { ...plan, status: 'closed' as const };
        assert.deepEqual(executeActions(planCard(locked, loc, OWNER.userId)).map((a) => a.data.action), ['show'], 'nothing to edit on a closed plan');
      });

      it('the history: newest first, the last 20, who and what in plain words – never a value', () => {
        let plan = networkPlan();
        const env = testEnvironment();
        env.advance(60_000);
        plan = (editMasterData(plan, ownerActor(), { ...plan.citizen, address: 'Hemmelig Allé 7' } as never, undefined, env.now()) as { plan: CarePlan }).plan;
        for (let i = 0; i < 25; i++) {
          env.advance(60_000);
          plan = withChange(plan, { kind: 'ownDetails', fields: ['phone'], contactId: plan.contacts[1]!.id, contactName: 'Kasper' }, { userId: COLLEAGUE, name: 'Kasper Lund' }, env.now());
        }
        const card = planCard(plan, loc, OWNER.userId);
        const ownPrefix = t.planCard.change.ownDetails.replace('{name}', 'Kasper').split('{fields}')[0]!;
        const history = visibleTexts(card).find((x) => x.startsWith(`- ${ownPrefix}`))!;
        assert.ok(history, 'the history list');
        assert.equal(history.split('\n').length, 20);
        assert.match(history, /Kasper Lund/);
        assert.ok(history.includes(t.network.phone.toLowerCase()), 'field names in plain words');
        assert.doesNotMatch(JSON.stringify(card), /\+45 1{2} /);
        assert.ok(visibleTexts(card).includes(t.planCard.historyShown.replace('{n}', '20')));
        const older = planCard({ ...plan, history: plan.history!.slice(-3) }, loc, OWNER.userId);
        const lines = visibleTexts(older).find((x) => x.includes(t.planCard.change.versionCreated.replace('{n}', '1')))!;
        assert.ok(lines.indexOf(t.planCard.change.masterData.replace('{fields}', t.masterData.address.toLowerCase())) < lines.indexOf(t.planCard.change.versionCreated.replace('{n}', '1')), 'newest first');
        assert.doesNotMatch(JSON.stringify(older.body?.slice(-1)), /Hemmelig/, 'the address itself is not in the history');
      });

      it('sections other capabilities contribute appear in their place, with their own buttons', () => {
        const card = planCard(networkPlan(), loc, OWNER.userId, { contributed: [meetingSection(loc)] });
        const titles = visibleTexts(card);
        assert.ok(titles.indexOf(t.meetingSection.title) > titles.indexOf(format(t.plan.network, 3)));
        assert.ok(titles.indexOf(t.meetingSection.title) < titles.indexOf(t.planCard.history));
        assert.ok(executeActions(card).some((a) => a.verb === 'meeting' && a.data.action === 'organiserView'));
      });
    });

    describe('edit cards', () => {
      it('say the length limit in the label (Danish 2.000), mark required fields, and never cut a text (no maxLength)', () => {
        const md = masterDataEditCard(networkPlan(), loc, { now: NOW });
        const limit = t.planCard.limit.replace('{n}', new Intl.NumberFormat(loc.tag).format(LIMITS.dreams));
        for (const id of ['dreams', 'wishes', 'needs']) assert.ok(String(inputById(md, id)!.label).endsWith(limit), `${id}: ${String(inputById(md, id)!.label)}`);
        if (language === 'da') assert.match(String(inputById(md, 'dreams')!.label), /højst 2\.000 tegn/);
        const contact = contactEditCard(networkPlan(), undefined, OWNER.userId, loc, { now: NOW, formId: uuidOf(1) });
        for (const card of [md, contact]) {
          for (const id of inputIds(card)) {
            const input = inputById(card, id)!;
            assert.equal(input.maxLength, undefined, `${id} would be cut without a word`);
            assert.ok(input.label, `${id} has a label`);
          }
        }
        const required = (card: AdaptiveCardJson) => inputIds(card).filter((id) => inputById(card, id)!.isRequired === true).sort();
        assert.deepEqual(required(md), ['dateOfBirth', 'name', 'preferredLanguage']);
        assert.deepEqual(required(contact), ['name', 'role', 'sector']);
        for (const id of required(md)) assert.equal(inputById(md, id)!.errorMessage, t.errors.required);
      });

      it('show each error under its field and keep what was typed', () => {
        const card = masterDataEditCard(networkPlan(), loc, { now: NOW, errors: { dreams: `max:${LIMITS.dreams}`, name: 'required' }, fields: { name: '', dreams: 'd'.repeat(2345) } });
        assert.equal(errorUnder(card, 'dreams'), errorText(`max:${LIMITS.dreams}`, loc));
        assert.equal(errorUnder(card, 'name'), t.errors.required);
        assert.equal(inputById(card, 'dreams')!.value, 'd'.repeat(2345), 'the whole typed text comes back, not cut');
        assert.equal(inputById(card, 'address')!.value, networkPlan().citizen.address, 'untouched fields keep the plan’s value');
        if (language === 'da') assert.equal(errorUnder(card, 'dreams'), 'Højst 2.000 tegn.');
      });

      it('a paste too large to send back is cut on the card only, and the card says so', () => {
        const card = masterDataEditCard(fullPlan(), loc, { now: NOW, errors: { dreams: 'max:2000' }, fields: { dreams: maxText(10_000), wishes: maxText(10_000), needs: maxText(10_000) } });
        assert.equal(String(inputById(card, 'dreams')!.value).length, LIMITS.dreams);
        assert.match(errorUnder(card, 'dreams')!, new RegExp(new Intl.NumberFormat(loc.tag).format(10_000).replace('.', '\\.')));
      });

      it('a conflict is shown under the field with who changed it, and the user’s text stays in the field', () => {
        const card = masterDataEditCard(networkPlan(), loc, { now: NOW, conflicts: [{ field: 'address', by: { userId: 'x', name: 'Ole Bostøtte' } }], fields: { address: 'Mit forslag' } });
        assert.equal(errorUnder(card, 'address'), t.planCard.conflictField.replace('{name}', 'Ole Bostøtte'));
        assert.equal(inputById(card, 'address')!.value, 'Mit forslag');
      });

      it('master data: saved unchanged changes nothing; one field changed saves that field only', () => {
        const plan = networkPlan();
        const card = masterDataEditCard(plan, loc, { now: NOW });
        const parse = (c: AdaptiveCardJson) => planCardPayloadSchema.parse(submit(c, 'saveMasterData')) as Extract<ReturnType<typeof planCardPayloadSchema.parse>, { action: 'saveMasterData' }>;
        const unchanged = parse(card);
        assert.equal(editMasterData(plan, ownerActor(), unchanged, unchanged.drawn, NOW).kind, 'unchanged');
        const edited = parse(setInput(card, 'address', 'Vestergade 9'));
        const r = editMasterData(plan, ownerActor(), edited, edited.drawn, NOW) as { kind: string; change: { fields: string[] } };
        assert.equal(r.kind, 'changed');
        assert.deepEqual(r.change.fields, ['address']);
        assert.deepEqual(inputIds(card).sort(), [...MASTER_DATA_KEYS].sort());
      });

      it('a contact’s card: the organiser edits every field and can remove (after a confirmation that says what it does); the creator cannot be removed', () => {
        const plan = networkPlan();
        const mother = contactEditCard(plan, plan.contacts[2], OWNER.userId, loc, { now: NOW });
        assert.deepEqual(inputIds(mother).sort(), [...CONTACT_KEYS].sort());
        const remove = executeActions(mother).find((a) => a.data.action === 'removeContact')!;
        assert.equal(remove.associatedInputs, 'none');
        const confirm = visibleTexts(mother).find((x) => x === t.planCard.removeConfirm.replaceAll('{name}', 'Mor Hansen'));
        assert.ok(confirm, 'the confirmation names the person and what removal does');
        assert.ok(JSON.stringify(mother).includes('"Action.ShowCard"'), 'asked first, on a card that opens');
        assert.equal(removeContact(plan, ownerActor(), String(remove.data.contactId), NOW).kind, 'changed');
        const own = contactEditCard(plan, plan.contacts[0], OWNER.userId, loc, { now: NOW });
        assert.ok(!executeActions(own).some((a) => a.data.action === 'removeContact'));
      });

      it('own details: no sector input (it is shown as text), no remove, and the save round-trips', () => {
        const plan = networkPlan();
        const card = contactEditCard(plan, plan.contacts[1], COLLEAGUE, loc, { now: NOW });
        assert.equal(inputById(card, 'sector'), undefined);
        assert.ok(visibleTexts(card).includes(t.planCard.sectorFixed.replace('{sector}', t.enums.sector[plan.contacts[1]!.sector])));
        assert.ok(!executeActions(card).some((a) => a.data.action === 'removeContact'));
        const data = planCardPayloadSchema.parse(submit(setInput(card, 'phone', '+45 70 70 70 70'), 'saveContact')) as Extract<ReturnType<typeof planCardPayloadSchema.parse>, { action: 'saveContact' }>;
        const r = editContact(plan, { userId: COLLEAGUE, name: 'Kasper' }, data.contactId, data, data.drawn, NOW) as { kind: string; plan: CarePlan };
        assert.equal(r.kind, 'changed');
        assert.equal(r.plan.contacts[1]!.phone, '+45 70 70 70 70');
      });
    });
  });
}

function format(template: string, n: number): string {
  return template.replace('{n}', String(n));
}

describe('plans/bot linkConfirmCard', () => {
  it('shows the contact as the organiser typed it: markdown in a name, role, organisation or e-mail is escaped', () => {
    const plan = samplePlan();
    const contact = { ...plan.contacts[0]!, name: '**Anna** [klik](https://x.example)', role: '# Rolle', organisation: '_Org_', email: 'a_b*c@x.example' };
    const texts = JSON.stringify(linkConfirmCard(plan, contact, localeOf('da-DK')));
    for (const typed of [contact.name, contact.role, contact.organisation, contact.email]) {
      assert.ok(texts.includes(JSON.stringify(plainText(typed)).slice(1, -1)), `escaped: ${typed}`);
      assert.ok(!texts.includes(JSON.stringify(typed).slice(1, -1)), `not raw: ${typed}`);
    }
  });
});
