import assert from 'node:assert/strict';
import { planDocumentCard } from '../../../../src/plans/bot/documentViews';
import type { DocumentLink } from '../../../../src/plans/document/documentService';
import { localeOf } from '../../../../src/platform/i18n';
import { cardProblems, visibleTexts } from '../../platform/cards/adaptiveCardCheck';
import { OWNER, planWithTeamsNetwork } from '../../fixtures';

const openUrls = (card: unknown) => {
  const found: Array<[string, string]> = [];
  JSON.stringify(card, (_k, v: unknown) => {
    const o = v as { type?: string; title?: string; url?: string } | null;
    if (o && typeof o === 'object' && o.type === 'Action.OpenUrl') found.push([o.title!, o.url!]);
    return v;
  });
  return found;
};

describe('plans/bot/documentViews', () => {
  const plan = planWithTeamsNetwork('**Mor** [klik](https://evil.example)');
  const [own, colleague, mother] = plan.contacts;
  const links: DocumentLink[] = [
    { recipient: { kind: 'contact', contactId: own!.id }, contact: own, url: 'https://bot/documents/own/sig' },
    { recipient: { kind: 'citizen' }, url: 'https://bot/documents/citizen/sig' },
    { recipient: { kind: 'contact', contactId: mother!.id }, contact: mother, url: 'https://bot/documents/mother/sig' },
  ];

  it('gives the organiser her own link, the citizen’s and one per contact outside Teams, with the expiry and version', () => {
    const card = planDocumentCard(plan, links, new Date('2026-03-13T09:00:00Z'), localeOf('da-DK'), OWNER.userId);
    assert.deepEqual(cardProblems(card), []);
    assert.deepEqual(openUrls(card), [
      ['Hent dit eksemplar', 'https://bot/documents/own/sig'],
      ['Hent borgerens eksemplar', 'https://bot/documents/citizen/sig'],
      ['Hent fil', 'https://bot/documents/mother/sig'],
    ]);
    const texts = visibleTexts(card).join('\n');
    assert.match(texts, /Linkene virker til 13\. mar\. 2026, 10\.00, og kun så længe planen er på version 1/);
  });

  it('shows a typed name as typed: no link or bold from markdown', () => {
    const card = planDocumentCard(plan, links, new Date(), localeOf('da-DK'), OWNER.userId);
    const line = visibleTexts(card).find((t) => t.includes('klik'))!;
    assert.ok(line, 'the mother is listed');
    assert.match(line, /\\\[klik\\\]\(https/, 'the link is escaped');
    assert.match(line, /^\*\*\\\*\\\*Mor\\\*\\\*/, 'the typed stars are escaped; the bold around the name is ours');
  });

  it('gives another member only their own link', () => {
    const card = planDocumentCard(plan, [{ recipient: { kind: 'contact', contactId: colleague!.id }, contact: colleague, url: 'https://bot/documents/col/sig' }], new Date(), localeOf('en-GB'), 'aad-colleague');
    assert.deepEqual(openUrls(card), [['Download your copy', 'https://bot/documents/col/sig']]);
    assert.ok(!visibleTexts(card).some((t) => t.includes('For the citizen')));
  });
});
