/** The domain port over Graph, end to end against the fake: what the meeting service sees. */
import assert from 'node:assert/strict';
import { silentLogger } from '../../../../src/platform/logger';
import { GraphOnlineMeetings } from '../../../../src/meetings/graph/onlineMeetings';
import { onlineMeetingProviderOver } from '../../../../src/meetings/graph/onlineMeetingProvider';
import { staticTokenProvider } from '../../../../src/platform/graph/tokenProvider';
import { FAKE_GRAPH_TOKEN, FakeGraph } from '../../../support/fakeGraph';

const request = {
  externalId: '0b0e6a43-5f0c-5d1e-9b6c-3f1f2b9a7c11',
  organizerUserId: '550fae72-d251-43ec-868c-373732c2704f',
  subject: 'KIP-7K3M-Q2XD',
  start: '2026-06-15T08:00:00.000Z',
  end: '2026-06-15T09:00:00.000Z',
};

describe('graph/onlineMeetingProvider', () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = new FakeGraph();
    await graph.start();
  });
  afterEach(() => graph.stop());

  it('createOrGet gives the join link, and the same one again for the same meeting id', async () => {
    const client = new GraphOnlineMeetings({ baseUrl: graph.baseUrl, tokens: staticTokenProvider(FAKE_GRAPH_TOKEN), logger: silentLogger });
    const provider = onlineMeetingProviderOver(client);
    const first = await provider.createOrGet(request);
    const again = await provider.createOrGet(request);
    assert.match(first.joinUrl, /^https:\/\/teams\.microsoft\.com\//);
    assert.deepEqual(again, first);
    assert.equal(graph.allMeetings().length, 1);
    assert.equal(graph.allMeetings()[0]!.externalId, request.externalId);
  });
});
