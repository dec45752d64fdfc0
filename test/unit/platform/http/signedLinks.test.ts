import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { linkKey, SignedLinks } from '../../../../src/platform/http/signedLinks';

const schema = z.object({ id: z.string().uuid(), n: z.number().int() });
const ID = '00000000-0000-4000-8000-000000000001';
const SECRET = Buffer.from('s'.repeat(40));

function clock(start = Date.parse('2026-03-10T09:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

/** The payload with its JSON changed, encoded again (the signature is left as it was). */
function retarget(payload: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

describe('platform/http/signedLinks', () => {
  it('gives back the claims of a token it made, until it expires', () => {
    const c = clock();
    const links = new SignedLinks(SECRET, schema, 3600_000, c.now);
    const { payload, signature, expiresAt } = links.token({ id: ID, n: 7 });
    assert.equal(expiresAt.toISOString(), '2026-03-10T10:00:00.000Z');
    assert.deepEqual(links.verify(payload, signature), { id: ID, n: 7 });
    c.advance(3600_000);
    assert.deepEqual(links.verify(payload, signature), { id: ID, n: 7 }, 'valid up to its expiry');
    c.advance(1);
    assert.equal(links.verify(payload, signature), undefined, 'expired');
  });

  it('refuses a changed payload, a changed or foreign signature, and garbage', () => {
    const links = new SignedLinks(SECRET, schema, 3600_000);
    const { payload, signature } = links.token({ id: ID, n: 7 });
    assert.equal(links.verify(retarget(payload, (j) => (j.n = 8)), signature), undefined, 'claims changed');
    assert.equal(links.verify(retarget(payload, (j) => (j.e = Number(j.e) + 86_400_000)), signature), undefined, 'expiry pushed out');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    assert.equal(links.verify(payload, flipped), undefined, 'signature changed');
    const other = new SignedLinks(Buffer.from('t'.repeat(40)), schema, 3600_000).token({ id: ID, n: 7 });
    assert.equal(links.verify(other.payload, other.signature), undefined, 'signed with another secret');
    for (const [p, s] of [['', signature], [payload, ''], ['a/b', signature], [payload, 'x'.repeat(43)], ['x'.repeat(1001), signature]]) {
      assert.equal(links.verify(p!, s!), undefined, `${p!.slice(0, 10)} / ${s!.slice(0, 10)}`);
    }
  });

  it('refuses a correctly signed token whose claims do not fit the schema or that has no expiry', () => {
    const links = new SignedLinks(SECRET, schema, 3600_000);
    const loose = new SignedLinks(SECRET, z.object({ id: z.string() }), 3600_000);
    const wrong = loose.token({ id: 'not-a-uuid' });
    assert.equal(links.verify(wrong.payload, wrong.signature), undefined);
    const noExpiry = Buffer.from(JSON.stringify({ id: ID, n: 1 })).toString('base64url');
    const signed = createHmac('sha256', SECRET).update(noExpiry).digest('base64url');
    assert.equal(links.verify(noExpiry, signed), undefined);
    const withExpiry = Buffer.from(JSON.stringify({ id: ID, n: 1, e: Date.now() + 60_000 })).toString('base64url');
    assert.ok(links.verify(withExpiry, createHmac('sha256', SECRET).update(withExpiry).digest('base64url')), 'the same made by hand with an expiry passes');
  });

  it('keeps kinds of links apart: a key derived for one purpose does not verify another’s tokens', () => {
    const a = new SignedLinks(linkKey(SECRET, 'a'), schema, 3600_000);
    const b = new SignedLinks(linkKey(SECRET, 'b'), schema, 3600_000);
    const raw = new SignedLinks(SECRET, schema, 3600_000);
    const token = a.token({ id: ID, n: 1 });
    assert.ok(a.verify(token.payload, token.signature));
    assert.equal(b.verify(token.payload, token.signature), undefined);
    assert.equal(raw.verify(token.payload, token.signature), undefined);
  });
});
