/**
 * GraphOnlineMeetings against the loopback fake of Microsoft Graph: the real
 * request paths and response shapes, idempotent create through createOrGet,
 * update, delete, typed errors for 401/403, zod rejecting a malformed body,
 * and logs that carry ids only (never the subject, which may hold a name).
 */
import assert from 'node:assert/strict';
import { createLogger } from '../../../../src/platform/logger';
import { GraphError } from '../../../../src/platform/graph/errors';
import { GraphOnlineMeetings } from '../../../../src/meetings/graph/onlineMeetings';
import type { CreateOnlineMeeting } from '../../../../src/meetings/graph/onlineMeetings';
import { staticTokenProvider } from '../../../../src/platform/graph/tokenProvider';
import { FAKE_GRAPH_TOKEN, FakeGraph } from '../../../support/fakeGraph';

const ORGANIZER = '550fae72-d251-43ec-868c-373732c2704f';
const SUBJECT = 'Koordinationsmøde for Jens Hansen';
const meeting: CreateOnlineMeeting = {
  meetingId: 'mtg-01J9ZK3M',
  organizerUserId: ORGANIZER,
  subject: SUBJECT,
  startDateTime: '2026-06-15T10:00:00+02:00',
  endDateTime: '2026-06-15T11:30:00+02:00',
};

describe('graph/onlineMeetings against a fake Graph', () => {
  let graph: FakeGraph;
  let logLines: string[];
  let client: GraphOnlineMeetings;
  const make = (token = FAKE_GRAPH_TOKEN) =>
    new GraphOnlineMeetings({ baseUrl: graph.baseUrl, tokens: staticTokenProvider(token), logger: createLogger('debug', {}, (l) => logLines.push(l)), baseDelayMs: 10 });

  beforeEach(async () => {
    graph = new FakeGraph();
    await graph.start();
    logLines = [];
    client = make();
  });
  afterEach(() => graph.stop());

  /** Runs fn and returns the GraphError it throws. */
  async function graphErrorOf(fn: () => Promise<unknown>): Promise<GraphError> {
    const err = await fn().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof GraphError, `expected a GraphError, got ${String(err)}`);
    return err;
  }

  describe('create', () => {
    it('creates a Teams meeting through createOrGet and returns its joinWebUrl', async () => {
      const created = await client.create(meeting);
      assert.equal(created.created, true);
      assert.match(created.joinWebUrl, /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
      assert.equal(Date.parse(created.startDateTime), Date.parse(meeting.startDateTime));
      const [request] = graph.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.path, `/v1.0/users/${ORGANIZER}/onlineMeetings/createOrGet`);
      assert.deepEqual(request!.body, {
        externalId: 'mtg-01J9ZK3M', subject: SUBJECT, startDateTime: '2026-06-15T08:00:00.000Z', endDateTime: '2026-06-15T09:30:00.000Z',
      });
      assert.deepEqual(graph.allMeetings().map((m) => [m.id, m.externalId, m.joinWebUrl]), [[created.id, 'mtg-01J9ZK3M', created.joinWebUrl]]);
    });

    it('the same meeting id twice gives the same Teams meeting, and Graph holds one', async () => {
      const first = await client.create(meeting);
      const second = await make().create(meeting);
      assert.equal(second.created, false);
      assert.equal(second.id, first.id);
      assert.equal(second.joinWebUrl, first.joinWebUrl);
      assert.equal(graph.allMeetings().length, 1);
      assert.equal(graph.requests.length, 2, 'an unchanged meeting needs no PATCH');
    });

    it('a response lost after Graph made the meeting is retried without making a second one', async () => {
      graph.dropNextResponse();
      const created = await client.create(meeting);
      assert.equal(created.created, false, 'the retry found the meeting the lost call had made');
      assert.equal(graph.allMeetings().length, 1);
      assert.equal(graph.requests.length, 2);
      assert.equal(graph.requests[0]!.clientRequestId, graph.requests[1]!.clientRequestId);
    });

    it('another meeting id gives another Teams meeting', async () => {
      await client.create(meeting);
      await client.create({ ...meeting, meetingId: 'mtg-OTHER' });
      assert.equal(graph.allMeetings().length, 2);
    });

    it('brings an existing meeting up to date when its times changed and the update was lost', async () => {
      const first = await client.create(meeting);
      const moved = await client.create({ ...meeting, startDateTime: '2026-06-16T08:00:00Z', endDateTime: '2026-06-16T09:00:00Z' });
      assert.equal(moved.id, first.id);
      assert.equal(graph.requests[2]!.method, 'PATCH');
      assert.equal(graph.allMeetings()[0]!.startDateTime, '2026-06-16T08:00:00.0000000Z');
    });

    it('applies lobby bypass settings with a PATCH (createOrGet does not take them)', async () => {
      await client.create({ ...meeting, lobbyBypassSettings: { scope: 'everyone', isDialInBypassEnabled: true } });
      assert.deepEqual(graph.allMeetings()[0]!.lobbyBypassSettings, { scope: 'everyone', isDialInBypassEnabled: true });
    });

    it('rejects bad input before calling Graph', async () => {
      await assert.rejects(client.create({ ...meeting, organizerUserId: 'anne@kommune.dk' }), { name: 'ZodError' });
      await assert.rejects(client.create({ ...meeting, endDateTime: meeting.startDateTime }), { name: 'ZodError' });
      assert.equal(graph.requests.length, 0);
    });
  });

  describe('update and delete', () => {
    it('moves a meeting and changes its subject with PATCH', async () => {
      const { id } = await client.create(meeting);
      const updated = await client.update({
        organizerUserId: ORGANIZER, onlineMeetingId: id, subject: 'Nyt emne', startDateTime: '2026-06-20T07:00:00Z', endDateTime: '2026-06-20T08:00:00Z',
      });
      assert.equal(Date.parse(updated.startDateTime), Date.parse('2026-06-20T07:00:00Z'));
      assert.equal(graph.requests[1]!.path, `/v1.0/users/${ORGANIZER}/onlineMeetings/${encodeURIComponent(id)}`);
      assert.equal(graph.allMeetings()[0]!.subject, 'Nyt emne');
    });

    it('needs start and end together', async () => {
      await assert.rejects(client.update({ organizerUserId: ORGANIZER, onlineMeetingId: 'x', startDateTime: '2026-06-20T07:00:00Z' }), { name: 'ZodError' });
    });

    it('deletes a meeting; a second delete finds it already gone', async () => {
      const { id } = await client.create(meeting);
      assert.equal(await client.delete({ organizerUserId: ORGANIZER, onlineMeetingId: id }), 'deleted');
      assert.equal(graph.allMeetings().length, 0);
      assert.equal(await client.delete({ organizerUserId: ORGANIZER, onlineMeetingId: id }), 'alreadyGone');
    });
  });

  describe('errors', () => {
    it('403 (no application access policy for the organiser) is GRAPH_FORBIDDEN, saying what to configure, and is not retried', async () => {
      graph.policyUsers = new Set(['11111111-2222-4333-8444-555555555555']);
      const err = await graphErrorOf(() => client.create(meeting));
      assert.equal(err.code, 'GRAPH_FORBIDDEN');
      assert.equal(err.status, 403);
      assert.equal(err.graphCode, 'Forbidden');
      assert.equal(err.retryable, false);
      assert.match(err.message, /OnlineMeetings\.ReadWrite\.All/);
      assert.match(err.message, /application access policy/);
      assert.ok(err.requestId, 'carries Graph request-id for support');
      assert.equal(graph.requests.length, 1);
    });

    it('401 (wrong token) is GRAPH_UNAUTHORIZED and is not retried', async () => {
      const err = await graphErrorOf(() => make('stale-token').create(meeting));
      assert.equal(err.code, 'GRAPH_UNAUTHORIZED');
      assert.equal(graph.requests.length, 1);
    });

    const malformed: Array<[string, (b: Record<string, unknown>) => unknown]> = [
      ['without joinWebUrl', ({ joinWebUrl: _drop, ...rest }) => rest],
      ['with a joinWebUrl that is not https', (b) => ({ ...b, joinWebUrl: 'http://teams.example/x' })],
      ['with a numeric id', (b) => ({ ...b, id: 42 })],
      ['that is not an object', () => ['not', 'a', 'meeting']],
    ];
    for (const [label, mutate] of malformed) {
      it(`zod rejects a response ${label}: GRAPH_BAD_RESPONSE`, async () => {
        graph.malformNext(mutate);
        const err = await graphErrorOf(() => client.create(meeting));
        assert.equal(err.code, 'GRAPH_BAD_RESPONSE');
        assert.equal(err.cause && (err.cause as Error).name, 'ZodError');
      });
    }

    it('never logs the subject, on success or failure; logs carry ids and codes', async () => {
      const { id } = await client.create(meeting);
      await client.update({ organizerUserId: ORGANIZER, onlineMeetingId: id, subject: `${SUBJECT} (flyttet)` });
      graph.failNext(1, 400);
      await graphErrorOf(() => client.update({ organizerUserId: ORGANIZER, onlineMeetingId: id, subject: SUBJECT }));
      graph.malformNext(({ joinWebUrl: _drop, ...rest }) => rest);
      await graphErrorOf(() => client.create(meeting));
      const all = logLines.join('\n');
      assert.ok(logLines.length >= 5);
      assert.ok(!all.includes('Jens') && !all.includes('Koordinationsmøde'), all);
      assert.ok(all.includes(id) && all.includes('mtg-01J9ZK3M') && all.includes('GRAPH_BAD_REQUEST'));
    });
  });
});
