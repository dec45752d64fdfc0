/**
 * The plan as a Word document through the real bot (activity level, real
 * Cosmos): a plan made through the guide, "Hent som Word" on its overview
 * card, each link fetched over HTTP from the running bot, the .docx parsed.
 * Copies follow the consent, links die when the plan is closed, and every
 * download is in the audit trail with ids and codes only.
 */
import { strict as assert } from 'node:assert';
import type { AuditEntry } from '../../../src/platform/audit/audit';
import type { CarePlan } from '../../../src/plans/domain/carePlan';
import { readDocx, type DocxContent } from '../../support/docxReader';
import { NINA, OLE, TestBot, actionData, cardsOf, textOf, walkGuide } from '../../support/testBot';

const today = new Date().toISOString().slice(0, 10);
type Card = Record<string, unknown>;

const DREAMS = 'At bo i egen lejlighed og få en hund';
const WISHES = 'At se min datter oftere';
const NEEDS = 'Støtte til økonomi';

/** Every Action.OpenUrl on a card, by its title. */
function openUrls(card: unknown): Array<{ title: string; url: string }> {
  const found: Array<{ title: string; url: string }> = [];
  JSON.stringify(card, (_k, v: unknown) => {
    const o = v as { type?: string; title?: string; url?: string } | null;
    if (o && typeof o === 'object' && o.type === 'Action.OpenUrl') found.push({ title: o.title!, url: o.url! });
    return v;
  });
  return found;
}

describe('the plan as a Word document, through the bot', function () {
  this.timeout(40_000);
  let bot: TestBot;

  /** The link as the running bot answers it (PUBLIC_BASE_URL is localhost:0 in tests). */
  const local = (url: string) => url.replace(/^http:\/\/localhost:\d+/, bot.url);
  const download = async (url: string) => {
    const res = await fetch(local(url));
    return { res, body: new Uint8Array(await res.arrayBuffer()) };
  };
  const docOf = async (url: string): Promise<DocxContent> => {
    const { res, body } = await download(url);
    assert.equal(res.status, 200, Buffer.from(body).toString('utf8').slice(0, 200));
    return readDocx(body);
  };
  const auditOf = async (): Promise<AuditEntry[]> =>
    (await bot.bot!.store.containers.audit!.items.query<AuditEntry>('SELECT * FROM c').fetchAll()).resources;
  const thePlan = async (): Promise<CarePlan> => (await bot.bot!.store.containers.plans!.items.query<CarePlan>('SELECT * FROM c').fetchAll()).resources[0]!;

  beforeEach(async () => {
    bot = await new TestBot().start();
    bot.connector.members.set(`29:${OLE.aadObjectId}`, { id: `29:${OLE.aadObjectId}`, name: OLE.name, aadObjectId: OLE.aadObjectId, email: 'ole@slagelse.example', userPrincipalName: 'ole@slagelse.example' });
    await walkGuide(bot, NINA, {
      consent: { status: 'given', method: 'written', obtainedOn: today, yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien Vest', yourSector: 'regionPsychiatry', covers: 'shareWithNetwork,coordinationMeetings,involveRelatives' },
      citizen: { name: 'Jens Jensen', dateOfBirth: '1990-04-12', address: 'Nørregade 1, 4200 Slagelse', preferredLanguage: 'da', dreams: DREAMS, wishes: WISHES, needs: NEEDS },
      contacts: [
        { name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Slagelse Kommune', sector: 'municipality', email: 'ole@slagelse.example' },
        { name: 'Mor Jensen', role: 'Mor', sector: 'relative', phone: '+45 20 20 20 20' },
        { name: 'Dr. Hansen', role: 'Egen læge', organisation: 'Lægehuset', sector: 'gp', phone: '+45 58 00 00 00', email: 'hansen@laegehuset.example' },
      ],
    });
    await bot.joinNetwork(OLE);
  });
  afterEach(async () => bot.stop());

  async function linksCard(locale = 'da-DK'): Promise<Card> {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer', locale));
    const answer = await bot.execute(NINA, 'planDocument', actionData(overview, 'links'), locale);
    assert.equal(answer.status, 200);
    return answer.card as Card;
  }

  it('"Hent som Word" gives the organiser links for herself, the citizen and the contacts outside Teams; the file holds the citizen’s dreams', async () => {
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.match(textOf(overview), /Hent som Word/);
    const card = await linksCard();
    assert.match(textOf(card), /Planen som Word-dokument/);
    const urls = openUrls(card);
    assert.deepEqual(urls.map((u) => u.title), ['Hent dit eksemplar', 'Hent borgerens eksemplar', 'Hent fil', 'Hent fil']);
    assert.match(textOf(card), /Mor Jensen[\s\S]*Dr\. Hansen/);
    assert.doesNotMatch(textOf(card), /Ole Bostøtte/, 'Ole is in Teams: he fetches his own');

    const plan = await thePlan();
    const { res, body } = await download(urls[1]!.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${plan.reference}-v1.docx"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const doc = readDocx(body);
    for (const words of [DREAMS, WISHES, NEEDS]) assert.ok(doc.paragraphs.some((p) => p.text === words), words);
    for (const name of ['Nina Sygeplejerske', 'Ole Bostøtte', 'Mor Jensen', 'Dr. Hansen']) assert.ok(doc.text.includes(name), name);
    assert.ok(doc.text.includes('hansen@laegehuset.example') && doc.text.includes('+45 58 00 00 00'));
    assert.ok(doc.text.includes('Borgerens eksemplar'));
    assert.match(doc.header, new RegExp(`${plan.reference} · version 1`));
    assert.match(doc.footer, /Fortroligt – indeholder helbredsoplysninger/);
  });

  it('gives the mother the relatives’ copy and the GP the network’s, and audits every download with the link’s recipient', async () => {
    const urls = openUrls(await linksCard());
    const plan = await thePlan();
    const mother = plan.contacts.find((c) => c.name === 'Mor Jensen')!;
    const gp = plan.contacts.find((c) => c.name === 'Dr. Hansen')!;
    const motherDoc = await docOf(urls[2]!.url);
    assert.ok(motherDoc.text.includes('Pårørendes eksemplar') && motherDoc.text.includes(DREAMS));
    assert.ok(!motherDoc.text.includes('Nørregade 1'), 'no address in the relatives’ copy');
    const gpDoc = await docOf(urls[3]!.url);
    assert.ok(gpDoc.text.includes('Netværkets eksemplar') && gpDoc.text.includes('Nørregade 1'));

    const reads = (await auditOf()).filter((e) => e.action === 'plan.documentRead');
    assert.deepEqual(reads.map((e) => e.actorId).sort(), [`link:${gp.id}`, `link:${mother.id}`].sort());
    assert.ok(reads.every((e) => e.planId === plan.id && e.details?.via === 'docx' && e.details?.version === 1));
    const linked = (await auditOf()).filter((e) => e.action === 'plan.documentLinked');
    assert.deepEqual(linked.map((e) => [e.actorId, e.details?.links]), [[NINA.aadObjectId, 4]]);
    assert.doesNotMatch(JSON.stringify(await auditOf()), /Jensen|Hansen|Nørregade|lejlighed/, 'ids and codes only');
  });

  it('`hent plan` gives a colleague in Teams only his own copy, downloaded as himself; in English when he asks in English', async () => {
    const [card] = cardsOf(await bot.say(OLE, 'download plan', 'en-GB'));
    const urls = openUrls(card);
    assert.deepEqual(urls.map((u) => u.title), ['Download your copy']);
    const doc = await docOf(urls[0]!.url);
    assert.ok(doc.headings.some((h) => h.text === "The citizen's dreams, wishes and needs"));
    assert.ok(doc.paragraphs.some((p) => p.text === DREAMS), 'the citizen’s words stay as they were said');
    const reads = (await auditOf()).filter((e) => e.action === 'plan.documentRead');
    assert.deepEqual(reads.map((e) => e.actorId), [OLE.aadObjectId]);
  });

  it('refuses a forged link (404) and, once the plan is closed, answers 410 for every link and offers no button', async () => {
    const urls = openUrls(await linksCard()).map((u) => u.url);
    const forged = await download(urls[0]!.slice(0, -3) + (urls[0]!.endsWith('AAA') ? 'BBB' : 'AAA'));
    assert.equal(forged.res.status, 404);
    assert.match(Buffer.from(forged.body).toString('utf8'), /Linket er udløbet eller ugyldigt/);

    // Closing is another capability's; here the plan is closed in the store, as it would leave it.
    const plan = await thePlan();
    await bot.bot!.store.containers.plans!.item(plan.id, plan.tenantId).replace({ ...plan, status: 'closed' });
    for (const url of urls) {
      const { res, body } = await download(url);
      assert.equal(res.status, 410, url);
      assert.doesNotMatch(Buffer.from(body).toString('utf8'), /Jens/);
    }
    const [overview] = cardsOf(await bot.say(NINA, 'mine planer'));
    assert.doesNotMatch(textOf(overview), /Hent som Word/);
    const late = await bot.execute(NINA, 'planDocument', { action: 'links', planId: plan.id });
    assert.match(textOf(late.card), /kan ikke hentes som dokument/);
    const refused = (await auditOf()).filter((e) => e.action === 'access.denied' && e.details?.target === 'document');
    assert.equal(refused.length, urls.length);
    assert.ok(refused.every((e) => e.details?.reason === 'gone'));
  });

  it('limits one link to 10 downloads a minute (429 with Retry-After, not audited); other links still work', async () => {
    const urls = openUrls(await linksCard()).map((u) => u.url);
    for (let i = 0; i < 10; i++) assert.equal((await download(urls[3]!)).res.status, 200, `download ${i + 1}`);
    const limited = await download(urls[3]!);
    assert.equal(limited.res.status, 429);
    assert.ok(Number(limited.res.headers.get('retry-after')) >= 1);
    assert.equal((await download(urls[2]!)).res.status, 200, 'another link');
    assert.equal((await auditOf()).filter((e) => e.action === 'plan.documentRead').length, 11);
  });

  it('refuses the button for a plan the user is not in, like a missing one', async () => {
    const plan = await thePlan();
    const stranger = { ...OLE, aadObjectId: '00000000-0000-4000-8000-00000000d004', name: 'Fremmed' };
    const answer = await bot.execute(stranger, 'planDocument', { action: 'links', planId: plan.id });
    assert.match(textOf(answer.card), /Du har ikke adgang/);
    const garbage = await bot.execute(NINA, 'planDocument', { action: 'links', planId: 'not-a-uuid' });
    assert.doesNotMatch(textOf(garbage.card), /Word-dokument/);
  });
});
