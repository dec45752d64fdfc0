/**
 * The version cards in Danish, English and Swedish: valid for Teams, under 28 KB
 * even for the largest plan, own actions first, the buttons only where they
 * apply, what people typed shown as typed, and payloads the handler accepts.
 */
import { strict as assert } from 'node:assert';
import { LIMITS, memberIdsFor, type CarePlan } from '../../../../src/plans/domain/carePlan';
import { AGREEMENT_LIMITS } from '../../../../src/plans/domain/agreements';
import { APPROVAL_LIMITS, addChangeRequest, approve, emptyResponse, markDocumentSent, type VersionResponse } from '../../../../src/plans/domain/approval';
import { coordinatorCard, versionCard } from '../../../../src/plans/bot/versionViews';
import { versionPayloadSchema } from '../../../../src/plans/bot/versionHandlers';
import { planCard } from '../../../../src/plans/bot/planCardViews';
import { localeOf } from '../../../../src/platform/i18n';
import { OWNER, TENANT, fullPlan, maxText, ownerActor, planWithTeamsNetwork } from '../../fixtures';
import { cardProblems, executeActions, visibleTexts } from '../../platform/cards/adaptiveCardCheck';
import { WARNING_SIGN, withMeetingVersion } from '../../../support/versionScenario';

const AT = new Date('2026-03-12T10:00:00.000Z');
const LOCALES = ['da-DK', 'en-US', 'sv-SE'];
const MAX_CARD_BYTES = 28 * 1024;

function plan(): CarePlan {
  const p = planWithTeamsNetwork();
  return withMeetingVersion({ ...p, memberIds: memberIdsFor(p) }, ownerActor(), AT);
}
const coordinatorOpts = { viewerId: OWNER.userId, linkHours: 72, documentUrl: (r: { kind: string }) => `https://samspil.example/documents/${r.kind}/sig` };

/** The largest plan: 30 contacts with every field at its maximum, 40 actions and 20 warning signs at theirs, every contact with five long change requests. */
function largest(): { plan: CarePlan; responses: VersionResponse[] } {
  const base = fullPlan();
  const teams = base.contacts.map((c, i) => ({ ...c, teamsUserId: i % 2 === 0 ? `aad-${i}` : undefined }));
  const withTeams = { ...base, contacts: teams, memberIds: memberIdsFor({ ...base, contacts: teams }) };
  const p = withMeetingVersion(withTeams, ownerActor(), AT);
  const actions = Array.from({ length: AGREEMENT_LIMITS.actions }, (_, i) => ({ ...p.agreements!.actions[0]!, id: `a-${i}`, what: maxText(AGREEMENT_LIMITS.what), serves: maxText(160), responsibleContactId: teams[i % teams.length]!.id }));
  const signs = Array.from({ length: AGREEMENT_LIMITS.warningSigns }, (_, i) => ({ id: `w-${i}`, sign: maxText(AGREEMENT_LIMITS.sign), response: maxText(AGREEMENT_LIMITS.response) }));
  const agreements = { ...p.agreements!, actions, warningSigns: signs };
  const big: CarePlan = { ...p, agreements, versions: p.versions!.map((v) => (v.number === 2 ? { ...v, agreements } : v)) };
  const responses = teams.map((c) => {
    let r = approve(emptyResponse(TENANT, p.id, 2, c.id), ownerActor(), AT)!;
    for (let i = 0; i < APPROVAL_LIMITS.changeRequestsPerContact; i++) {
      const added = addChangeRequest(r, ownerActor(), maxText(APPROVAL_LIMITS.changeRequest, `Ændring ${i} `), AT);
      if (added.kind === 'added') r = added.response;
    }
    return markDocumentSent(r, ownerActor(), AT)!;
  });
  return { plan: big, responses };
}

describe('plans/bot/versionViews', () => {
  for (const tag of LOCALES) {
    const loc = localeOf(tag);
    it(`renders the contact's and the coordinator's card validly in ${tag}`, () => {
      const p = plan();
      const v = p.versions!.at(-1)!;
      for (const card of [versionCard(p, v, p.contacts[1]!, undefined, loc), coordinatorCard(p, v, [], loc, coordinatorOpts)]) {
        assert.deepEqual(cardProblems(card), []);
        assert.ok(!JSON.stringify(card).includes('${'), 'fully expanded');
        for (const a of executeActions(card)) assert.ok(versionPayloadSchema.safeParse(a.data).success, JSON.stringify(a.data));
      }
    });

    it(`stays under Teams' 28 KB for the largest plan in ${tag}`, () => {
      const { plan: p, responses } = largest();
      const v = p.versions!.at(-1)!;
      const own = p.contacts[0]!;
      for (const card of [versionCard(p, v, own, responses[0], loc), coordinatorCard(p, v, responses, loc, coordinatorOpts), planCard(p, loc, OWNER.userId)]) {
        assert.ok(Buffer.byteLength(JSON.stringify(card)) <= MAX_CARD_BYTES, `${String((card.body as unknown[] | undefined)?.length)} ${JSON.stringify(card).slice(0, 200)}: ${Buffer.byteLength(JSON.stringify(card))} bytes`);
        assert.deepEqual(cardProblems(card), []);
      }
    });
  }

  it('keeps the coordinator card under 28 KB when the whole network is outside Teams (a signed link each)', () => {
    const base = fullPlan();
    const contacts = base.contacts.map((c, i) => ({ ...c, teamsUserId: i === 0 ? OWNER.userId : undefined }));
    const p = withMeetingVersion({ ...base, contacts, memberIds: memberIdsFor({ ...base, contacts }) }, ownerActor(), AT);
    // A production-length link: the base URL, the signed claims (tenant, plan, version, recipient, language, expiry) and the signature.
    const url = `https://samspil-prod.azurewebsites.net/documents/${'x'.repeat(200)}/${'y'.repeat(43)}`;
    for (const tag of LOCALES) {
      const card = coordinatorCard(p, p.versions!.at(-1)!, [], localeOf(tag), { ...coordinatorOpts, documentUrl: () => url });
      assert.ok(Buffer.byteLength(JSON.stringify(card)) <= MAX_CARD_BYTES, `${Buffer.byteLength(JSON.stringify(card))} bytes`);
      assert.equal(executeActions(card).filter((a) => a.data.action === 'markSent').length, LIMITS.contacts, 'every contact outside Teams and the citizen');
    }
  });

  it("puts the contact's own actions first and the rest of the agreements after", () => {
    const p = plan();
    const me = p.contacts[1]!;
    const texts = visibleTexts(versionCard(p, p.versions!.at(-1)!, me, undefined, localeOf('da-DK'))).join('\n');
    const mine = texts.indexOf(`Indsats 2 for ${me.name}`);
    const theirs = texts.indexOf(`Indsats 1 for ${p.contacts[0]!.name}`);
    assert.ok(mine > 0 && theirs > mine, texts);
    assert.ok(texts.indexOf('Dine indsatser') < mine);
    assert.ok(texts.includes(WARNING_SIGN));
    assert.match(texts, /Koordinator/);
    assert.match(texts, /Næste møde/);
  });

  it('offers approve and change request until approved; an old version answers nothing', () => {
    const p = plan();
    const v = p.versions!.at(-1)!;
    const me = p.contacts[1]!;
    const titles = (card: unknown) => executeActions(card).map((a) => a.data.action);
    assert.deepEqual(titles(versionCard(p, v, me, undefined, localeOf('da'))).filter((a) => a !== 'view'), ['approve', 'requestChange']);
    const approved = approve(emptyResponse(TENANT, p.id, 2, me.id), ownerActor(), AT)!;
    const after = versionCard(p, v, me, approved, localeOf('da'));
    assert.deepEqual(titles(after).filter((a) => a !== 'view'), ['requestChange']);
    assert.ok(visibleTexts(after).some((s) => s.startsWith('Du godkendte dine indsatser')));
    assert.deepEqual(titles(versionCard(p, v, me, approved, localeOf('da'), { readOnly: true })), ['view']);
  });

  it('refreshes each card for its one reader only', () => {
    const p = plan();
    const v = p.versions!.at(-1)!;
    const refresh = (card: Record<string, unknown>) => (card.refresh as { userIds: string[] }).userIds;
    assert.deepEqual(refresh(versionCard(p, v, p.contacts[1]!, undefined, localeOf('da'))), ['8:orgid:aad-colleague']);
    assert.deepEqual(refresh(coordinatorCard(p, v, [], localeOf('da'), coordinatorOpts)), [`8:orgid:${OWNER.userId}`]);
  });

  it('counts approvals, lists change requests and the documents to send on the coordinator card', () => {
    const p = plan();
    const v = p.versions!.at(-1)!;
    const colleague = p.contacts[1]!;
    let r = approve(emptyResponse(TENANT, p.id, 2, colleague.id), ownerActor(), AT)!;
    const added = addChangeRequest(r, ownerActor(), '**Flyt** fristen <at>x</at>', AT);
    if (added.kind === 'added') r = added.response;
    const sent = markDocumentSent(emptyResponse(TENANT, p.id, 2, 'citizen'), ownerActor(), AT)!;
    const card = coordinatorCard(p, v, [r, sent], localeOf('da'), coordinatorOpts);
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /1 af 2 har godkendt/);
    assert.match(texts, /\\\*\\\*Flyt\\\*\\\* fristen \\<at>x\\<\/at>/, 'typed text shown as typed');
    assert.match(texts, /Send med sikker post \(1 af 2 sendt\)/);
    assert.deepEqual(executeActions(card).filter((a) => a.data.action === 'markSent').map((a) => a.data.recipient), ['relative-1']);
    assert.ok(executeActions(card).some((a) => a.data.action === 'recordApproval'), 'the pending approval can be recorded');
  });

  it('shows the agreements on the plan card', () => {
    const texts = visibleTexts(planCard(plan(), localeOf('da'), OWNER.userId)).join('\n');
    for (const expected of ['Indsatser (3)', 'Indsats 1 for', 'Tidlige tegn (1)', WARNING_SIGN, 'Næste møde og borgerens godkendelse', 'Afventer']) assert.ok(texts.includes(expected), expected);
    assert.ok(LIMITS.contacts >= 2);
  });
});
