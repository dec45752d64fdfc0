import assert from 'node:assert/strict';
import { IcsLinks } from '../../../../src/meetings/http/icsLinks';
import type { DocumentLinkTarget } from '../../../../src/plans/domain/planDocument';
import { DocumentLinks } from '../../../../src/plans/http/documentLinks';

const SECRET = Buffer.from('k'.repeat(48));
const TARGET: DocumentLinkTarget = {
  tenantId: '72f988bf-0000-4000-8000-000000000001',
  planId: '00000000-0000-4000-8000-000000000123',
  version: 3,
  recipient: { kind: 'contact', contactId: '00000000-0000-4000-8000-000000000456' },
  language: 'sv',
};
const parts = (url: string) => {
  const m = /\/documents\/([^/]+)\/([^/]+)$/.exec(url);
  assert.ok(m, url);
  return [m[1]!, m[2]!] as const;
};

describe('plans/http/documentLinks', () => {
  it('names the plan, its version, the recipient and the language, and nothing about the citizen', () => {
    const links = new DocumentLinks(SECRET, 'https://samspil.example.org/', 72 * 3600_000);
    const { url } = links.url(TARGET);
    assert.match(url, /^https:\/\/samspil\.example\.org\/documents\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{43}$/);
    const [payload, signature] = parts(url);
    assert.deepEqual(links.verify(payload, signature), TARGET);
    const citizen = links.url({ ...TARGET, recipient: { kind: 'citizen' }, language: 'da' });
    assert.deepEqual(links.verify(...parts(citizen.url)), { ...TARGET, recipient: { kind: 'citizen' }, language: 'da' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(claims).sort(), ['e', 'l', 'p', 'r', 't', 'v']);
  });

  it('expires after the lifetime it was given', () => {
    let now = Date.parse('2026-03-10T09:00:00Z');
    const links = new DocumentLinks(SECRET, 'http://localhost:3978', 72 * 3600_000, () => new Date(now));
    const { url, expiresAt } = links.url(TARGET);
    assert.equal(expiresAt.toISOString(), '2026-03-13T09:00:00.000Z');
    now += 72 * 3600_000 - 1;
    assert.ok(links.verify(...parts(url)));
    now += 2;
    assert.equal(links.verify(...parts(url)), undefined);
  });

  it('refuses a link whose version, recipient or plan was changed, and one signed with another secret', () => {
    const links = new DocumentLinks(SECRET, 'http://localhost:3978', 3600_000);
    const [payload, signature] = parts(links.url(TARGET).url);
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const change of [{ v: 4 }, { r: 'citizen' }, { p: '00000000-0000-4000-8000-000000000999' }, { l: 'da' }]) {
      const forged = Buffer.from(JSON.stringify({ ...json, ...change })).toString('base64url');
      assert.equal(links.verify(forged, signature), undefined, JSON.stringify(change));
    }
    const other = new DocumentLinks(Buffer.from('z'.repeat(48)), 'http://localhost:3978', 3600_000);
    assert.equal(other.verify(payload, signature), undefined);
  });

  it('is not an .ics link and an .ics link is not one of these, though both use the same secret', () => {
    const docs = new DocumentLinks(SECRET, 'http://x', 3600_000);
    const ics = new IcsLinks(SECRET, 'http://x');
    const icsUrl = ics.url({ tenantId: TARGET.tenantId, meetingId: TARGET.planId, contactId: '00000000-0000-4000-8000-000000000456', sequence: 0, kind: 'invitation' });
    const [ip, is] = /\/ics\/([^/]+)\/([^/]+)$/.exec(icsUrl)!.slice(1) as [string, string];
    assert.ok(ics.verify(ip, is), 'the .ics link itself still works');
    assert.equal(docs.verify(ip, is), undefined);
    const [dp, ds] = parts(docs.url(TARGET).url);
    assert.equal(ics.verify(dp, ds), undefined);
  });
});
