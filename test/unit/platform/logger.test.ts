import assert from 'node:assert/strict';
import { createLogger, errorFields } from '../../../src/platform/logger';

describe('logger', () => {
  it('writes one JSON object per line with the event, level and fields', () => {
    const lines: string[] = [];
    createLogger('info', { service: 's' }, (l) => lines.push(l)).child({ planId: 'p1' }).info('plan.read', { count: 2 });
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.event, 'plan.read');
    assert.equal(entry.planId, 'p1');
    assert.equal(entry.count, 2);
  });

  it('drops levels below the minimum', () => {
    const lines: string[] = [];
    createLogger('warn', {}, (l) => lines.push(l)).info('x');
    assert.equal(lines.length, 0);
  });

  it('errorFields keeps name, code and where – never the message, which may carry citizen data', () => {
    const err = Object.assign(new Error('Jens Jensen has an invalid e-mail'), { code: 'E_VALIDATION' });
    const fields = errorFields(err);
    assert.equal(fields.errorName, 'Error');
    assert.equal(fields.errorCode, 'E_VALIDATION');
    assert.match(String(fields.errorAt), /logger\.test\.ts:\d+/);
    assert.doesNotMatch(JSON.stringify(fields), /Jens/);
  });
});
