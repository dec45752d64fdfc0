/**
 * The citizen as a participant (issue #8 item 6): listed in the network with
 * how to reach them and whether they need an interpreter; covered by their own
 * consent; never linked to a Teams user. Contacts' new fields (reach via,
 * interpreter) are parsed, stored and cleared in the guide.
 */
import assert from 'node:assert/strict';
import {
  CarePlan,
  INTERPRETER_LANGUAGES,
  LANGUAGES,
  LIMITS,
  consentCovers,
  contactInputSchema,
  unlinkedEmailsOf,
} from '../../../../src/plans/domain/carePlan';
import { offerTeamsLink } from '../../../../src/plans/domain/teamsLink';
import { GuideDraft, applyGuideAction } from '../../../../src/guide/domain/guide';
import { contactFields, draftAt, samplePlan, testEnvironment } from '../../fixtures';
import { contactSummary } from '../../../../src/plans/bot/planViews';
import { CONTACT_KEYS, addContact, contactValues, drawnOf, editContact } from '../../../../src/plans/domain/planEdits';
import { localeOf } from '../../../../src/platform/i18n';

const citizenContact = { name: 'Jens Hansen', role: 'Borger', sector: 'citizen', phone: '+45 20 30 40 50', email: 'jens@privat.example', reachVia: 'Via bostøtten Anne, efter kl. 10', interpreter: 'ar' };

function planWithCitizen(covers: CarePlan['consent']['covers'] = ['shareWithNetwork', 'coordinationMeetings']): CarePlan {
  const p = samplePlan();
  const parsed = contactInputSchema.parse(citizenContact);
  return { ...p, consent: { ...p.consent, covers }, contacts: [...p.contacts, { id: 'citizen-1', ...parsed }] };
}

describe('domain: the citizen as a participant', () => {
  it('languages: the ones Danish psychiatry meets most, and "other"; an interpreter for any but Danish', () => {
    for (const l of ['ar', 'fa', 'so', 'tr', 'ku', 'ti', 'uk', 'pl', 'other']) assert.ok((LANGUAGES as readonly string[]).includes(l), l);
    assert.ok(!(INTERPRETER_LANGUAGES as readonly string[]).includes('da'));
    assert.deepEqual(LANGUAGES.slice(1), [...INTERPRETER_LANGUAGES]);
  });

  it('a contact of sector "citizen" with phone, e-mail, how to reach them and an interpreter', () => {
    const r = contactInputSchema.safeParse(citizenContact);
    assert.ok(r.success);
    assert.equal(r.data.sector, 'citizen');
    assert.equal(r.data.reachVia, 'Via bostøtten Anne, efter kl. 10');
    assert.equal(r.data.interpreter, 'ar');
  });

  it('no interpreter: empty, "none" or absent; an unknown language or Danish is refused', () => {
    for (const none of ['', 'none', undefined]) {
      const r = contactInputSchema.safeParse({ ...citizenContact, interpreter: none });
      assert.ok(r.success);
      assert.equal(r.data.interpreter, undefined);
    }
    for (const bad of ['da', 'klingon']) {
      const r = contactInputSchema.safeParse({ ...citizenContact, interpreter: bad });
      assert.ok(!r.success);
      assert.equal(r.error.issues[0]!.path[0], 'interpreter');
      assert.equal(r.error.issues[0]!.message, 'invalid');
    }
  });

  it('"reach via" is limited, and an over-long one is an error, not cut', () => {
    const r = contactInputSchema.safeParse({ ...citizenContact, reachVia: 'x'.repeat(LIMITS.reachVia + 1) });
    assert.ok(!r.success);
    assert.equal(r.error.issues[0]!.message, `max:${LIMITS.reachVia}`);
  });

  it('the citizen is covered by their own consent (invited even without "involve relatives"), but not after a refusal or withdrawal', () => {
    const plan = planWithCitizen(['coordinationMeetings']);
    const citizen = plan.contacts.find((c) => c.sector === 'citizen')!;
    assert.equal(consentCovers(plan, citizen), true);
    assert.equal(consentCovers({ ...plan, consent: { ...plan.consent, status: 'withdrawn' } }, citizen), false);
  });

  it('is never offered a link to a Teams user, even with a matching verified e-mail', () => {
    const plan = planWithCitizen();
    assert.ok(!unlinkedEmailsOf(plan).includes('jens@privat.example'));
    assert.equal(offerTeamsLink(plan, 'jens@privat.example', 'aad-jens', new Date()), undefined);
  });

  it('the contact line says they are the citizen and which interpreter they need', () => {
    const plan = planWithCitizen();
    const line = contactSummary(plan.contacts.at(-1)!, localeOf('da-DK'), true);
    assert.equal(line, 'Borger · Borgeren selv · Tolk: Arabisk');
    assert.equal(contactSummary(plan.contacts.at(-1)!, localeOf('en-GB'), true), 'Borger · The citizen · Interpreter: Arabic');
  });
});

describe('guide: the citizen in the network step', () => {
  const env = () => testEnvironment();
  /** One environment per draft: its ids must not repeat. */
  const network = (e = env()): GuideDraft => draftAt('network', e);
  const ok = (r: ReturnType<typeof applyGuideAction>): GuideDraft => {
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    return (r as { draft: GuideDraft }).draft;
  };

  it('adds the citizen with how to reach them and an interpreter; clears both again', () => {
    const e = env();
    const added = ok(applyGuideAction(network(e), { type: 'addContact', fields: { ...citizenContact } }, e));
    const citizen = added.contacts.at(-1)!;
    assert.deepEqual([citizen.sector, citizen.reachVia, citizen.interpreter], ['citizen', 'Via bostøtten Anne, efter kl. 10', 'ar']);
    const cleared = ok(applyGuideAction(added, { type: 'saveContact', contactId: citizen.id, fields: { ...citizenContact, reachVia: '', interpreter: 'none' } }, e));
    const after = cleared.contacts.at(-1)!;
    assert.ok(!('reachVia' in after) && !('interpreter' in after), 'cleared fields are gone, not stored empty');
    // A form without those fields (an older card) keeps what is stored.
    const { reachVia: _r, interpreter: _i, ...older } = citizenContact;
    const kept = ok(applyGuideAction(added, { type: 'saveContact', contactId: citizen.id, fields: older }, e));
    assert.equal(kept.contacts.at(-1)!.interpreter, 'ar');
  });

  it('a contact added without the new fields stores no empty keys', () => {
    const e = env();
    const added = ok(applyGuideAction(network(e), { type: 'addContact', fields: contactFields({ reachVia: '', interpreter: 'none' }) }, e));
    assert.deepEqual(Object.keys(added.contacts.at(-1)!).sort(), ['email', 'id', 'name', 'organisation', 'phone', 'role', 'sector']);
  });

  it('the one who starts the plan cannot be "the citizen"', () => {
    const d = network();
    const r = applyGuideAction(d, { type: 'saveContact', contactId: d.contacts[0]!.id, fields: contactFields({ sector: 'citizen' }) }, env());
    assert.equal(r.kind, 'invalid');
    assert.deepEqual((r as { errors: Record<string, string> }).errors, { sector: 'invalid' });
    const consent = applyGuideAction(draftAt('consent', env()), { type: 'consent', fields: { status: 'given', method: 'verbal', obtainedOn: '2026-03-01', covers: 'shareWithNetwork', yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien', yourSector: 'citizen' } }, env());
    assert.equal(consent.kind, 'invalid');
    assert.ok('yourSector' in (consent as { errors: Record<string, string> }).errors);
  });
});

describe('plan editing: the citizen and the new contact fields', () => {
  const NOW = new Date('2026-03-10T09:00:00Z');
  const owner = (p: CarePlan) => p.createdBy;
  const changed = (r: ReturnType<typeof editContact>): CarePlan => {
    assert.equal(r.kind, 'changed', JSON.stringify(r));
    return (r as { plan: CarePlan }).plan;
  };

  it('the organiser adds the citizen with how to reach him and an interpreter', () => {
    const p = samplePlan();
    const id = '00000000-0000-4000-9000-0000000000c1';
    const added = changed(addContact(p, owner(p), id, { ...citizenContact }, NOW));
    const c = added.contacts.find((x) => x.id === id)!;
    assert.deepEqual([c.sector, c.reachVia, c.interpreter, c.teamsUserId], ['citizen', 'Via bostøtten Anne, efter kl. 10', 'ar', undefined]);
  });

  it('changes and clears the interpreter and "reach via"; the history names the fields, never the values', () => {
    const p = planWithCitizen();
    const values = contactValues(p.contacts.at(-1)!);
    const drawn = drawnOf(values, CONTACT_KEYS);
    const first = changed(editContact(p, owner(p), 'citizen-1', { ...values, interpreter: 'ti', reachVia: '' }, drawn, NOW));
    const c = first.contacts.at(-1)!;
    assert.deepEqual([c.interpreter, c.reachVia], ['ti', undefined]);
    assert.deepEqual(first.history![0]!.fields, ['reachVia', 'interpreter']);
    assert.ok(!JSON.stringify(first.history).includes('bostøtten'));
    const none = changed(editContact(first, owner(p), 'citizen-1', { ...contactValues(c), interpreter: 'none' }, drawnOf(contactValues(c), CONTACT_KEYS), NOW));
    assert.equal(none.contacts.at(-1)!.interpreter, undefined);
  });

  it('a form without those fields (the invitation’s own details) leaves them as they are', () => {
    const p = planWithCitizen();
    const { reachVia: _r, interpreter: _i, ...rest } = contactValues(p.contacts.at(-1)!);
    const r = editContact(p, owner(p), 'citizen-1', { ...rest, phone: '+45 99 99 99 99' }, undefined, NOW);
    const c = changed(r).contacts.at(-1)!;
    assert.deepEqual([c.phone, c.interpreter, c.reachVia], ['+45 99 99 99 99', 'ar', 'Via bostøtten Anne, efter kl. 10']);
  });

  it('a contact linked to Teams (the organiser too) cannot become "the citizen"', () => {
    const p = samplePlan();
    const me = p.contacts[0]!;
    const values = contactValues(me);
    const r = editContact(p, owner(p), me.id, { ...values, sector: 'citizen' }, drawnOf(values, CONTACT_KEYS), NOW);
    assert.deepEqual(r, { kind: 'invalid', errors: { sector: 'invalid' } });
  });
});
