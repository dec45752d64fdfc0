/**
 * The plan as a .docx, opened the way a test can: unzipped, word/document.xml
 * read into paragraphs and tables. The citizen's own words, every contact,
 * the template's headings in da/en/sv, the header and footer, what each
 * audience's copy leaves out, and that nothing outside the body names the citizen.
 */
import assert from 'node:assert/strict';
import { meetingBlocks } from '../../../../src/meetings/document/meetingSection';
import type { CoordinationMeeting } from '../../../../src/meetings/domain/meeting';
import type { CarePlan, Contact } from '../../../../src/plans/domain/carePlan';
import type { DocumentAudience } from '../../../../src/plans/domain/planDocument';
import { PlanDocumentSections, TEMPLATE_SECTIONS } from '../../../../src/plans/document/documentModel';
import { writeDocx } from '../../../../src/plans/document/docxWriter';
import { documentLocale, fillPlanSections, planDocumentModel } from '../../../../src/plans/document/planSections';
import { localeOf, type Language } from '../../../../src/platform/i18n';
import { readDocx, type DocxContent } from '../../../support/docxReader';
import { planWithTeamsNetwork, samplePlan, T0 } from '../../fixtures';

async function docx(plan: CarePlan, opts: { audience?: DocumentAudience; language?: Language; recipient?: Contact; sections?: PlanDocumentSections } = {}): Promise<DocxContent> {
  const loc = documentLocale(opts.language ?? 'da');
  const sections = opts.sections ?? fillPlanSections(new PlanDocumentSections());
  const model = await planDocumentModel({ plan, audience: opts.audience ?? 'network', recipient: opts.recipient, loc, now: new Date(T0) }, sections);
  return readDocx(await writeDocx(model));
}

const HEADINGS: Record<Language, string[]> = {
  da: ['Stamdata', 'Borgerens drømme, ønsker og behov', 'Netværk og kontaktpersoner', 'Koordinationsmøder', 'Indsatser og aftaler', 'Koordinator', 'Næste koordinationsmøde', 'Borgerens godkendelse'],
  en: ['Master data', "The citizen's dreams, wishes and needs", 'Network and contacts', 'Coordination meetings', 'Actions and agreements', 'Coordinator', 'Next coordination meeting', "The citizen's approval"],
  sv: ['Personuppgifter', 'Brukarens drömmar, önskemål och behov', 'Nätverk och kontaktpersoner', 'SIP-möten', 'Insatser och överenskommelser', 'Samordnare', 'Nästa SIP-möte', 'Brukarens godkännande'],
};

/** The contact list: the table whose first header cell is the name column. */
const contactTable = (d: DocxContent, nameHeader = 'Navn') => d.tables.find((t) => t[0]?.[0] === nameHeader)!;

describe('plans/document: the plan as a Word file', () => {
  it('holds the citizen’s dreams, wishes and needs in their own words, and every contact with role, organisation, phone and e-mail', async () => {
    const plan = samplePlan();
    const d = await docx(plan);
    for (const words of [plan.citizen.dreams!, plan.citizen.wishes!, plan.citizen.needs!]) assert.ok(d.paragraphs.some((p) => p.text === words), words);
    const table = contactTable(d);
    assert.deepEqual(table[0], ['Navn', 'Rolle', 'Organisation', 'Telefon', 'E-mail']);
    for (const c of plan.contacts) {
      const row = table.find((r) => r[0] === c.name);
      assert.ok(row, c.name);
      assert.equal(row[1], c.role);
      assert.ok(row[2]!.startsWith(c.organisation!), row[2]);
      assert.equal(row[3], c.phone ?? '–');
      assert.equal(row[4], c.email ?? '–');
    }
    assert.ok(d.text.includes(plan.citizen.name) && d.text.includes(plan.citizen.address!));
  });

  for (const language of ['da', 'en', 'sv'] as const) {
    it(`has the template's section headings in order, in ${language}`, async () => {
      const d = await docx(samplePlan(), { language });
      assert.deepEqual(d.headings.filter((h) => h.style === 'Heading1').map((h) => h.text), HEADINGS[language]);
      assert.equal(d.headings[0]!.style, 'Title');
      assert.equal(d.headings[0]!.text, `${localeOf(language).t.plan.title} ${samplePlan().reference}`);
    });
  }

  it('says "to be filled in at the coordination meeting" where no capability has filled a section yet', async () => {
    const d = await docx(samplePlan());
    const empty = d.paragraphs.filter((p) => p.text === 'Udfyldes på koordinationsmødet.').length;
    assert.equal(empty, 5, 'meetings (nothing registered here), actions, coordinator, next meeting, approval');
  });

  it('has the reference and version in the header, and "confidential", the date generated and page numbers in the footer', async () => {
    const plan = Object.assign({ ...samplePlan(), version: 9 }, { versions: [1, 2, 3, 4].map((number) => ({ number })) });
    const d = await docx(plan);
    assert.equal(d.header, `Koordinerende indsatsplan · ${plan.reference} · version 4`);
    assert.match(d.footer, /^Fortroligt – indeholder helbredsoplysninger · Dannet 10\. marts 2026 · Side +af $/);
    assert.match(d.parts['word/footer1.xml']!, /PAGE[\s\S]*NUMPAGES/, 'page number fields');
    const en = await docx(plan, { language: 'en' });
    assert.match(en.footer, /^Confidential – contains health information · Generated 10 March 2026 · Page +of $/);
    assert.equal((await docx(plan, { language: 'sv' })).header, `Samordnad individuell plan · ${plan.reference} · version 4`);
  });

  it('names the citizen nowhere but in the body: not in the header, footer or file properties', async () => {
    const plan = samplePlan();
    const d = await docx(plan);
    for (const [name, xml] of Object.entries(d.parts)) {
      if (name === 'word/document.xml') continue;
      assert.ok(!xml.includes('Jens') && !xml.includes('Hansen'), `${name} names the citizen`);
    }
    assert.match(d.parts['docProps/core.xml']!, new RegExp(`<dc:title>Koordinerende indsatsplan ${plan.reference}</dc:title>`));
  });

  it('keeps line breaks and text that looks like markup, and drops characters Word cannot hold', async () => {
    const p = samplePlan();
    const plan = { ...p, citizen: { ...p.citizen, dreams: 'Linje 1\r\nLinje <2> & "3"\u0007\nRing ${mor}' } };
    const d = await docx(plan);
    for (const line of ['Linje 1', 'Linje <2> & "3"', 'Ring ${mor}']) assert.ok(d.paragraphs.some((x) => x.text === line), line);
  });

  it('gives a relative the relatives’ copy: no address, no consent note, no other relative’s private details', async () => {
    const base = planWithTeamsNetwork();
    const mother = base.contacts[2]!;
    const father: Contact = { ...mother, id: 'relative-2', name: 'Far Hansen', phone: '+45 11 11 11 11', email: 'far@example.dk' };
    const plan = { ...base, contacts: [...base.contacts, father], consent: { ...base.consent, note: 'Fortroligt notat om behandlingen' } };
    const d = await docx(plan, { audience: 'relative', recipient: mother });
    assert.ok(d.text.includes('Pårørendes eksemplar'));
    assert.ok(!d.text.includes(plan.citizen.address!), 'address');
    assert.ok(!d.text.includes('Fortroligt notat'), 'consent note');
    assert.ok(d.text.includes(plan.citizen.dreams!), 'the dreams are in it');
    const table = contactTable(d);
    assert.deepEqual(table.find((r) => r[0] === 'Far Hansen')!.slice(3), ['–', '–']);
    assert.deepEqual(table.find((r) => r[0] === mother.name)!.slice(3), [mother.phone, mother.email]);
    assert.deepEqual(table.find((r) => r[0] === base.contacts[1]!.name)!.slice(3), [base.contacts[1]!.phone, base.contacts[1]!.email]);
    const network = await docx(plan, { audience: 'network', recipient: base.contacts[1] });
    assert.ok(network.text.includes(plan.citizen.address!) && network.text.includes('Fortroligt notat') && network.text.includes('far@example.dk'));
  });

  it('lists only the contacts the consent shares the plan with; the citizen’s copy lists everybody', async () => {
    const base = planWithTeamsNetwork('Mor Hansen');
    const plan = { ...base, consent: { ...base.consent, covers: ['shareWithNetwork' as const, 'coordinationMeetings' as const] } };
    assert.equal(contactTable(await docx(plan)).find((r) => r[0] === 'Mor Hansen'), undefined);
    assert.ok(contactTable(await docx(plan, { audience: 'citizen' })).find((r) => r[0] === 'Mor Hansen'));
  });

  it('lets later capabilities fill the template’s sections and add their own, in place', async () => {
    const sections = fillPlanSections(new PlanDocumentSections())
      .fill('actions', () => [{ kind: 'list', items: ['Hjælp til budget – Anne Jensen'] }])
      .fill('approval', (ctx) => (ctx.audience === 'relative' ? undefined : [{ kind: 'note', text: 'Godkendt af borgeren' }]))
      .add({ key: 'earlySigns', after: 'voice', heading: () => 'Tidlige tegn', build: () => [{ kind: 'list', items: ['Sover dårligt'] }] });
    const d = await docx(samplePlan(), { sections });
    const headings = d.headings.filter((h) => h.style === 'Heading1').map((h) => h.text);
    assert.deepEqual(headings.slice(0, 4), ['Stamdata', 'Borgerens drømme, ønsker og behov', 'Tidlige tegn', 'Netværk og kontaktpersoner']);
    assert.ok(d.text.includes('Hjælp til budget – Anne Jensen') && d.text.includes('Sover dårligt') && d.text.includes('Godkendt af borgeren'));
    const relative = await docx(planWithTeamsNetwork(), { sections, audience: 'relative', recipient: planWithTeamsNetwork().contacts[2] });
    assert.ok(!relative.headings.some((h) => h.text === 'Borgerens godkendelse'), 'a section can leave itself out of a copy');
    assert.throws(() => sections.fill('actions', () => []), /filled twice/);
    assert.throws(() => sections.add({ key: 'voice', after: 'network', heading: () => 'x', build: () => [] }), /exists/);
    assert.equal(TEMPLATE_SECTIONS.length, 8);
  });

  it('shows the next meeting with its time zone and the meetings held, not cancelled ones nor the join link', async () => {
    const plan = samplePlan();
    const meeting = (id: string, startsAt: string, extra: Partial<CoordinationMeeting> = {}): CoordinationMeeting => ({
      id, tenantId: plan.tenantId, planId: plan.id, organiser: { userId: 'aad-mette', name: 'Mette Holm' }, startsAt, durationMinutes: 90, timeZone: 'Europe/Copenhagen',
      mode: 'virtual', joinUrl: 'https://teams.microsoft.com/l/meetup-join/secret', agenda: ['Velkomst'], status: 'scheduled', sequence: 0, invitations: [], checklist: {},
      createdAt: T0, updatedAt: T0, ...extra,
    });
    const meetings = [
      meeting('m1', '2026-02-02T09:00:00.000Z'),
      meeting('m2', '2026-03-24T09:00:00.000Z', { mode: 'inPerson', place: 'Botilbuddet, mødelokale 2' }),
      meeting('m3', '2026-03-20T09:00:00.000Z', { status: 'cancelled' }),
    ];
    const sections = fillPlanSections(new PlanDocumentSections()).fill('meetings', (ctx) => meetingBlocks(meetings, ctx));
    const d = await docx(plan, { sections });
    assert.ok(d.tables.some((t) => t.some((r) => r[0] === 'Tid' && r[1] === 'tirsdag den 24. marts 2026 kl. 10.00 CET')), JSON.stringify(d.tables));
    assert.ok(d.text.includes('Botilbuddet, mødelokale 2') && d.text.includes('Fysisk møde'));
    assert.ok(d.paragraphs.some((p) => p.text === 'mandag den 2. februar 2026 kl. 10.00 CET – Virtuelt møde i Teams'));
    assert.ok(!d.text.includes('20. marts'), 'the cancelled meeting');
    assert.ok(!Object.values(d.parts).some((x) => x.includes('meetup-join')), 'no join link');
    const none = await docx(plan, { sections: fillPlanSections(new PlanDocumentSections()).fill('meetings', (ctx) => meetingBlocks([], ctx)) });
    assert.ok(none.text.includes('Der er ikke indkaldt til et møde endnu.') && none.text.includes('Ingen endnu.'));
  });
});
