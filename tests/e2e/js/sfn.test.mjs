// JS SDK v3 (@aws-sdk/client-sfn) against the emulator. Why: the JS SDK is the strictest
// deserializer (timestamps must be JSON numbers, event ids integers), maps errors to classes by
// __type (with the com.amazonaws.swf.service.v2.model# namespace), and needs
// `disableHostPrefix: true` for StartSyncExecution (model hostPrefix "sync-", reference 1.1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineTypeNotSupported,
} from '@aws-sdk/client-sfn';

import { Emulator } from './emulator.mjs';

const ROLE = 'arn:aws:iam::123456789012:role/sfn-e2e-role';
const emu = new Emulator({ clock: 'manual' });
let client;

const uniqueName = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const def = (states) => JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
const WAIT = def({
  W: { Type: 'Wait', Seconds: 4, Next: 'P' },
  P: { Type: 'Pass', Result: { js: true }, End: true },
});
const create = async (definition, type = 'STANDARD') => (await client.send(
  new CreateStateMachineCommand({ name: uniqueName('js'), definition, roleArn: ROLE, type }),
)).stateMachineArn;

before(async () => {
  await emu.start();
  client = new SFNClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
});

after(async () => {
  client?.destroy();
  const died = emu.exitCode !== undefined;
  await emu.stop();
  if (died) throw new Error(`emulator died during the tests\n${emu.diagnostics()}`);
});

describe('state machines', () => {
  test('CreateStateMachine/DescribeStateMachine: Date timestamps, definition echoed', async () => {
    // Why: creationDate must deserialize to a Date; the definition comes back byte for byte.
    const arn = await create(WAIT);
    const d = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    assert.ok(d.creationDate instanceof Date && !Number.isNaN(d.creationDate.getTime()));
    assert.equal(d.definition, WAIT);
    assert.equal(d.status, 'ACTIVE');
    assert.deepEqual(d.loggingConfiguration, { level: 'OFF', includeExecutionData: false });
  });

  test('errors map to SDK classes', async () => {
    // Why: JS users catch by class; the namespaced __type must still select the class.
    await assert.rejects(
      client.send(new CreateStateMachineCommand({ name: uniqueName('bad'), definition: '{"StartAt":"A"}', roleArn: ROLE })),
      (e) => e instanceof InvalidDefinition && e.$metadata.httpStatusCode === 400
        && e.message.includes('These fields are required: [States] at /'),
    );
    const name = uniqueName('dup');
    await client.send(new CreateStateMachineCommand({ name, definition: WAIT, roleArn: ROLE }));
    await assert.rejects(
      client.send(new CreateStateMachineCommand({ name, definition: `${WAIT} `, roleArn: ROLE })),
      StateMachineAlreadyExists,
    );
    await assert.rejects(
      client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:nope' })),
      ExecutionDoesNotExist,
    );
  });
});

describe('executions', () => {
  test('start, describe, history on the manual clock', async () => {
    // Why: startDate/stopDate/event timestamps are Dates exactly 4 s apart; ids are integers.
    const arn = await create(WAIT);
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'js-1', input: '{"a":1}' }));
    assert.ok(started.startDate instanceof Date);
    await assert.rejects(
      client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'js-1', input: '{"a":2}' })),
      ExecutionAlreadyExists,
    );
    await emu.advance(4);
    const d = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(d.output), { js: true });
    assert.equal(d.stopDate.getTime() - d.startDate.getTime(), 4000);
    assert.equal(d.redriveCount, 0);
    const h = await client.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    assert.deepEqual(h.events.map((e) => e.id), [1, 2, 3, 4, 5, 6]);
    assert.ok(h.events.every((e) => e.timestamp instanceof Date && Number.isInteger(e.previousEventId)));
    assert.deepEqual(h.events.map((e) => e.type), ['ExecutionStarted', 'WaitStateEntered',
      'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    assert.equal(h.events[2].timestamp.getTime() - h.events[1].timestamp.getTime(), 4000);
    assert.equal(h.events[0].executionStartedEventDetails.input, '{"a":1}');
  });

  test('StartSyncExecution with disableHostPrefix', async () => {
    // Why: without disableHostPrefix the SDK would call sync-127.0.0.1; failures are 200s.
    const ok = await create(def({ P: { Type: 'Pass', End: true } }), 'EXPRESS');
    const out = await client.send(new StartSyncExecutionCommand({ stateMachineArn: ok, input: '{"s":1}' }));
    assert.equal(out.status, 'SUCCEEDED');
    assert.equal(out.output, '{"s":1}');
    assert.ok(out.startDate instanceof Date && out.stopDate instanceof Date);
    assert.equal(out.billingDetails.billedMemoryUsedInMB, 64);
    assert.equal(out.billingDetails.billedDurationInMilliseconds % 100, 0);
    assert.match(out.executionArn, /^arn:aws:states:us-east-1:123456789012:express:/);
    const bad = await create(def({ F: { Type: 'Fail', Error: 'E', Cause: 'C' } }), 'EXPRESS');
    const failed = await client.send(new StartSyncExecutionCommand({ stateMachineArn: bad }));
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'E');
    assert.equal(failed.cause, 'C');
    assert.equal(failed.output, undefined);
    const standard = await create(WAIT);
    await assert.rejects(
      client.send(new StartSyncExecutionCommand({ stateMachineArn: standard })),
      StateMachineTypeNotSupported,
    );
  });
});
