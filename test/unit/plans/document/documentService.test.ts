/**
 * Making and opening document links: only the network gets links, the
 * organiser also for the citizen and contacts outside Teams; a link gives the
 * copy the consent allows at the time it is opened, nothing once revoked, and
 * every link made and every download (or refusal) is audited with codes only.
 */
import assert from 'node:assert/strict';
import { memberIdsOf, withdrawConsent, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { PlanDocumentSections } from '../../../../src/plans/document/documentModel';
import { PlanDocumentService } from '../../../../src/plans/document/documentService';
import { fillPlanSections } from '../../../../src/plans/document/planSections';
import { DocumentLinks } from '../../../../src/plans/http/documentLinks';
import { readDocx } from '../../../support/docxReader';
import { InMemoryAuditLog, InMemoryPlanStore } from '../../fakes';
import { OTHER_USER, OWNER, T0, TENANT, planWithTeamsNetwork, testEnvironment } from '../../fixtures';

const atVersion = (plan: CarePlan, n: number): CarePlan => Object.assign({ ...plan }, { versions: Array.from({ length: n }, (_, i) => ({ number: i + 1 })) });

function setUp(plan: CarePlan = { ...planWithTeamsNetwork(), memberIds: memberIdsOf(planWithTeamsNetwork().contacts) }) {
  const env = testEnvironment(T0, 50_000);
  const plans = new InMemoryPlanStore();
  plans.put(plan);
  const audit = new InMemoryAuditLog();
  const links = new DocumentLinks(Buffer.from('q'.repeat(40)), 'http://bot', 72 * 3600_000, () => env.now());
  const service = new PlanDocumentService({ plans, audit, env, links, sections: fillPlanSections(new PlanDocumentSections()) });
  const open = async (url: string) => {
    const [, payload, signature] = /\/documents\/([^/]+)\/([^/]+)$/.exec(url)!;
    const target = links.verify(payload!, signature!);
    assert.ok(target, 'the link verifies');
    return service.open(target);
  };
  return { env, plans, audit, service, plan, open };
}

describe('plans/document/documentService', () => {
  it('gives the organiser links for themselves, the citizen and the mother, and audits that once with codes only', async () => {
    const { service, audit, plan } = setUp();
    const r = await service.linksFor(OWNER, plan.id, 'da');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.deepEqual(r.links.map((l) => l.recipient.kind === 'citizen' ? 'citizen' : l.contact!.name), [plan.contacts[0]!.name, 'citizen', 'Mor Hansen']);
    assert.equal(r.expiresAt.toISOString(), new Date(Date.parse(T0) + 72 * 3600_000).toISOString());
    assert.deepEqual(audit.entries.map((e) => [e.action, e.actorId, e.details]), [['plan.documentLinked', OWNER.userId, { version: 1, links: 3 }]]);
  });

  it('refuses anyone outside the network (audited), and says so when the plan is closed', async () => {
    const { service, audit, plans, plan } = setUp();
    assert.deepEqual(await service.linksFor(OTHER_USER, plan.id, 'da'), { kind: 'denied' });
    assert.deepEqual(await service.linksFor(OWNER, 'no-such-plan', 'da'), { kind: 'denied' });
    assert.deepEqual(audit.actions(), ['access.denied', 'access.denied']);
    assert.deepEqual(audit.written(), ['access.denied:notMember', 'access.denied:notFound'], 'each refusal says why');
    plans.put({ ...plan, status: 'closed' });
    assert.equal((await service.linksFor(OWNER, plan.id, 'da')).kind, 'unavailable');
  });

  it('serves each copy through its link and audits each download with the link’s recipient as actor', async () => {
    const { service, audit, plan, open } = setUp();
    const r = await service.linksFor(OWNER, plan.id, 'en');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    audit.entries.length = 0;
    const files = [];
    for (const link of r.links) {
      const got = await open(link.url);
      assert.equal(got.kind, 'ok');
      if (got.kind === 'ok') files.push({ name: got.fileName, doc: readDocx(got.file) });
    }
    assert.deepEqual(files.map((f) => f.name), Array(3).fill(`${plan.reference}-v1.docx`));
    assert.ok(files.every((f) => f.doc.text.includes(plan.citizen.dreams!)));
    assert.deepEqual(files.map((f) => f.doc.tables[0]!.find((row) => row[0] === 'Copy')![1]), ["The network's copy", "The citizen's copy", "Relatives' copy"]);
    assert.deepEqual(
      audit.entries.map((e) => [e.action, e.actorId, e.details]),
      [
        ['plan.documentRead', OWNER.userId, { via: 'docx', version: 1, audience: 'network' }],
        ['plan.documentRead', 'link:citizen', { via: 'docx', version: 1, audience: 'citizen' }],
        ['plan.documentRead', 'link:relative-1', { via: 'docx', version: 1, audience: 'relative' }],
      ],
    );
    assert.ok(!JSON.stringify(audit.entries).includes('Hansen'), 'no names in the audit');
  });

  it('revokes: after the consent is withdrawn, the plan closed or a new version every link is gone; a relative outside the consent gets nothing', async () => {
    const { service, audit, plans, plan, open } = setUp();
    const r = await service.linksFor(OWNER, plan.id, 'da');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    const [own, citizen, mother] = r.links.map((l) => l.url) as [string, string, string];

    plans.put({ ...plan, consent: { ...plan.consent, covers: ['shareWithNetwork', 'coordinationMeetings'] } });
    assert.deepEqual(await open(mother), { kind: 'notFound' });
    assert.equal((await open(own)).kind, 'ok', 'the others still work');

    plans.put({ ...plan, contacts: plan.contacts.filter((c) => c.id !== 'relative-1') });
    assert.deepEqual(await open(mother), { kind: 'gone' });

    plans.put({ ...plan, version: 5 });
    assert.equal((await open(citizen)).kind, 'ok', 'a stored change that makes no new version keeps the links');
    plans.put(atVersion(plan, 2));
    assert.deepEqual(await open(citizen), { kind: 'gone' });

    plans.put({ ...plan, status: 'closed' });
    assert.deepEqual(await open(own), { kind: 'gone' });

    plans.put(withdrawConsent(plan, { userId: OWNER.userId, name: OWNER.name }, new Date(T0)));
    for (const url of [own, citizen, mother]) assert.deepEqual(await open(url), { kind: 'gone' });

    const refusals = audit.entries.filter((e) => e.action === 'access.denied').map((e) => [e.actorId, e.details?.reason]);
    assert.deepEqual(refusals, [
      ['link:relative-1', 'notCovered'],
      ['link:relative-1', 'gone'],
      ['link:citizen', 'gone'],
      [OWNER.userId, 'gone'],
      [OWNER.userId, 'gone'],
      ['link:citizen', 'gone'],
      ['link:relative-1', 'gone'],
    ]);
  });

  it('gives nothing for a plan that does not exist (an old tenant, an erased plan)', async () => {
    const { service } = setUp();
    assert.deepEqual(await service.open({ tenantId: TENANT, planId: 'gone-plan', version: 1, recipient: { kind: 'citizen' }, language: 'da' }), { kind: 'notFound' });
  });

  it('expires: a link past its lifetime no longer verifies', async () => {
    const { service, env, plan } = setUp();
    const r = await service.linksFor(OWNER, plan.id, 'da');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    const links = new DocumentLinks(Buffer.from('q'.repeat(40)), 'http://bot', 72 * 3600_000, () => env.now());
    const [, payload, signature] = /\/documents\/([^/]+)\/([^/]+)$/.exec(r.links[0]!.url)!;
    env.advance(72 * 3600_000 + 1);
    assert.equal(links.verify(payload!, signature!), undefined);
  });
});
