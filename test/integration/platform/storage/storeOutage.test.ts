/**
 * The store's folder stops being writable while the bot runs. Tests run as root, and root
 * ignores `chmod`, so besides the chmod these tests take the folder away in ways root cannot
 * write through: the bot test swaps DATA_DIR for a file; the store test sets the immutable
 * attribute (`chattr +i`, real EPERM from write(2)) where the file system allows it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient, type ErrorResponse } from '@azure/cosmos';
import { startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { silentLogger } from '../../../../src/platform/logger';
import { actionData, cardsOf, NINA, TestBot, textOf, walkGuide, type PlanInput } from '../../../support/testBot';

const today = new Date().toISOString().slice(0, 10);
const planFor = (name: string): PlanInput => ({
  consent: {
    status: 'given', method: 'verbal', obtainedOn: today, covers: 'shareWithNetwork', note: '',
    yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien', yourSector: 'regionPsychiatry',
  },
  citizen: { name, dateOfBirth: '1990-04-12', address: 'Vej 1', housingUnit: '', preferredLanguage: 'da', dreams: 'Et hjem', wishes: '', needs: '' },
  contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Kommunen', sector: 'municipality', email: 'ole@example.org', phone: '' }],
});
const ERROR_TEXT = /Noget gik galt hos os/;

async function healthz(bot: TestBot): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
  return { status: res.status, body: await res.json() };
}

/** chmod 0500 on the folder and its files: what makes it unwritable for a normal user (not for root). */
async function chmodReadOnly(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) await fs.chmod(path.join(dir, name), 0o400);
  await fs.chmod(dir, 0o500);
}

describe('the bot while its store folder cannot be written', function () {
  this.timeout(60_000);
  let parent: string;
  let dir: string;
  let bot: TestBot;

  beforeEach(async () => {
    parent = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-outage-'));
    dir = path.join(parent, 'data');
  });
  afterEach(async () => {
    await bot?.stop().catch(() => undefined); // a failed test may leave the folder away: clean up regardless
    await fs.rm(parent, { recursive: true, force: true });
  });

  it('DATA_DIR swapped for a file (root ignores chmod): refuses with the localised error, /healthz 503, keeps what was confirmed, recovers', async () => {
    bot = await new TestBot(dir).start();
    assert.equal((await healthz(bot)).status, 200);
    await walkGuide(bot, NINA, planFor('Jens Jensen'));
    const review = await walkGuide(bot, NINA, planFor('Karen Hansen'), false);

    await chmodReadOnly(dir);
    await fs.rename(dir, `${dir}.away`);
    await fs.writeFile(dir, 'not a folder');

    const before = bot.connector.sent.length;
    const click = await bot.execute(NINA, 'guide', actionData(review, 'create'));
    assert.doesNotMatch(textOf(click.card), /Planen er oprettet/);
    const errors = () => bot.connector.sent.slice(before).map((s) => s.activity.text ?? '').filter((t) => ERROR_TEXT.test(t));
    assert.equal(errors().length, 1, 'the click is answered with the localised error');
    const newPlan = await bot.say(NINA, 'ny plan');
    assert.deepEqual(cardsOf(newPlan), [], 'no guide was started');
    assert.equal(errors().length, 2, '"ny plan" is answered with the localised error');
    assert.deepEqual(await healthz(bot), { status: 503, body: { status: 'unhealthy' } });

    await fs.rm(dir);
    await fs.rename(`${dir}.away`, dir);
    await fs.chmod(dir, 0o700);
    const deadline = Date.now() + 10_000;
    while ((await healthz(bot)).status !== 200) {
      assert.ok(Date.now() < deadline, 'health comes back once the folder is writable');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The refused click changed nothing: the same card still works, and creates the plan now.
    const retried = await bot.execute(NINA, 'guide', actionData(review, 'create'));
    assert.match(textOf(retried.card), /Planen er oprettet/);

    await bot.stopBot();
    await bot.start();
    const listed = cardsOf(await bot.say(NINA, 'mine planer')).map(textOf);
    assert.equal(listed.length, 2);
    assert.ok(listed.some((t) => t.includes('Jens Jensen')) && listed.some((t) => t.includes('Karen Hansen')));
    assert.match(textOf(cardsOf(await bot.say(NINA, 'fortsæt'))[0]), /ingen påbegyndt plan/, 'the refused "ny plan" left no guide behind');
  });
});

describe('the embedded store on an immutable folder (chattr +i: root cannot write either)', function () {
  this.timeout(30_000);
  let dir: string;
  let immutable: string[] = [];

  const chattr = (flag: '+i' | '-i', paths: string[]) => execFileSync('chattr', [flag, ...paths], { stdio: 'pipe' });

  before(async function () {
    // Needs CAP_LINUX_IMMUTABLE and a file system with the attribute (ext4, xfs, btrfs); the bot test above runs everywhere.
    const probe = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-chattr-'));
    try {
      chattr('+i', [probe]);
      chattr('-i', [probe]);
    } catch {
      this.skip();
    } finally {
      await fs.rm(probe, { recursive: true, force: true });
    }
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-immutable-'));
  });
  afterEach(async () => {
    if (immutable.length) chattr('-i', immutable);
    immutable = [];
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses the next write (503, EPERM), keeps every earlier one, and recovers when writable again', async () => {
    const store = await startEmbeddedCosmos({ dataDir: dir, logger: silentLogger, retryUnhealthyMs: 60_000 });
    let client = new CosmosClient(store.clientOptions());
    const { database } = await client.databases.createIfNotExists({ id: 'samspil' });
    const { container } = await database.containers.createIfNotExists({ id: 'plans', partitionKey: { paths: ['/tenantId'] } });
    for (let i = 0; i < 5; i += 1) await container.items.create({ id: `kept${i}`, tenantId: 't1' });

    await chmodReadOnly(dir);
    immutable = [dir, ...(await fs.readdir(dir)).map((f) => path.join(dir, f))];
    chattr('+i', immutable);
    await assert.rejects(container.items.create({ id: 'refused', tenantId: 't1' }), (err: ErrorResponse) => err.code === 503);
    assert.equal(store.health().ok, false);
    assert.match(store.health().reason ?? '', /EPERM/);
    assert.equal((await container.item('refused', 't1').read()).statusCode, 404);

    chattr('-i', immutable);
    immutable = [];
    await fs.chmod(dir, 0o700);
    await container.items.create({ id: 'after', tenantId: 't1' });
    assert.deepEqual(store.health(), { ok: true });
    client.dispose();
    await store.close();

    const again = await startEmbeddedCosmos({ dataDir: dir, logger: silentLogger });
    client = new CosmosClient(again.clientOptions());
    try {
      const { resources } = await client.database('samspil').container('plans').items.query<{ id: string }>('SELECT c.id FROM c').fetchAll();
      assert.deepEqual(resources.map((r) => r.id).sort(), ['after', 'kept0', 'kept1', 'kept2', 'kept3', 'kept4']);
    } finally {
      client.dispose();
      await again.close();
    }
  });
});
