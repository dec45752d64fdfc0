/**
 * kill -9 right after an acknowledgement loses nothing that was acknowledged: the store in a
 * child process that prints each acknowledged write, and the real bot in a child process that
 * is killed the moment it has answered "Planen er oprettet".
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { startEmbeddedCosmos } from '../../../../src/platform/storage/embedded/embeddedCosmos';
import { silentLogger } from '../../../../src/platform/logger';
import { cardsOf, NINA, TestBot, textOf, walkGuide } from '../../../support/testBot';

const ROOT = path.resolve(__dirname, '../../../..');

interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
}

function spawnChild(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  return { proc, lines, exited, stderr: () => err };
}

async function waitFor(child: Child, test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (!test()) {
    if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error(`no ${what}: ${child.stderr().slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('embedded store: nothing acknowledged is lost to kill -9', function () {
  this.timeout(180_000);
  let dataDir: string;
  const children: Child[] = [];

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'samspil-kill-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.proc.kill('SIGKILL');
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('store level: every write acknowledged before the kill is there after a restart (3 kills mid-stream)', async () => {
    const acknowledged: string[] = [];
    for (const [round, killAfter] of [1, 60, 400].entries()) {
      const child = spawnChild('test/support/storeWriterChild.ts', [dataDir, `r${round}`]);
      children.push(child);
      const acks = () => child.lines.filter((l) => l.startsWith('ACK '));
      await waitFor(child, () => acks().length >= killAfter, `${killAfter} acknowledgements`);
      child.proc.kill('SIGKILL');
      assert.equal(await child.exited, 'SIGKILL');
      acknowledged.push(...acks().map((l) => l.slice(4)));

      const store = await startEmbeddedCosmos({ dataDir, logger: silentLogger });
      const client = new CosmosClient(store.clientOptions());
      try {
        const { resources } = await client.database('kill').container('items').items.query<{ id: string; payload: string }>('SELECT c.id, c.payload FROM c').fetchAll();
        const stored = new Set(resources.map((r) => r.id));
        assert.deepEqual(acknowledged.filter((id) => !stored.has(id)), [], `round ${round}: every acknowledged write survived`);
        assert.ok(resources.every((r) => r.payload.length === 500), 'no write is half stored');
      } finally {
        client.dispose();
        await store.close();
      }
    }
  });

  it('bot level: a plan confirmed as created is there after kill -9 right after the confirmation (5 times)', async () => {
    const parent = new TestBot(dataDir);
    const names: string[] = [];
    const today = new Date().toISOString().slice(0, 10);
    try {
      for (let round = 0; round < 5; round += 1) {
        const child = spawnChild('test/support/botChild.ts', [dataDir]);
        children.push(child);
        await waitFor(child, () => child.lines.some((l) => l.startsWith('PORT ')), 'bot port');
        await parent.attach(Number(child.lines.find((l) => l.startsWith('PORT '))!.slice(5)));
        const name = `Borger Nummer ${round + 1}`;
        const card = await walkGuide(parent, NINA, {
          consent: {
            status: 'given', method: 'verbal', obtainedOn: today, covers: 'shareWithNetwork', note: '',
            yourRole: 'Sygeplejerske', yourOrganisation: 'Psykiatrien', yourSector: 'regionPsychiatry',
          },
          citizen: { name, dateOfBirth: '1990-04-12', address: 'Vej 1', housingUnit: '', preferredLanguage: 'da', dreams: 'Et hjem', wishes: '', needs: '' },
          contacts: [{ name: 'Ole Bostøtte', role: 'Kontaktperson', organisation: 'Kommunen', sector: 'municipality', email: 'ole@example.org', phone: '' }],
        });
        child.proc.kill('SIGKILL'); // the moment the confirmation arrived
        assert.match(textOf(card), /Planen er oprettet/);
        assert.equal(await child.exited, 'SIGKILL');
        names.push(name);
      }
      await parent.start();
      const listed = cardsOf(await parent.say(NINA, 'mine planer')).map(textOf).join('\n');
      for (const name of names) assert.ok(listed.includes(name), `the plan for ${name} survived its kill`);
    } finally {
      await parent.stop();
    }
  });
});
