// JS SDK v3 (@aws-sdk/client-codebuild) against the emulator. Why: the JS SDK is the
// strictest deserializer (timestamps must be JSON numbers, integers must be integers) and
// maps errors to classes by __type; Step Functions users drive CodeBuild from it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';

import {
  BatchDeleteBuildsCommand,
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  InvalidInputException,
  ListBuildsForProjectCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';

import { Emulator } from './emulator.mjs';

const PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD',
  'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'];

const emu = new Emulator({ clock: 'manual' });
let client;

const projectInput = (name, envVars = []) => ({
  name,
  source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n' },
  artifacts: { type: 'NO_ARTIFACTS' },
  environment: {
    type: 'LINUX_CONTAINER',
    image: 'aws/codebuild/standard:7.0',
    computeType: 'BUILD_GENERAL1_SMALL',
    environmentVariables: envVars,
  },
  serviceRole: 'arn:aws:iam::123456789012:role/service-role/codebuild-e2e-role',
});
const uniqueName = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const getBuild = async (id) => (await client.send(new BatchGetBuildsCommand({ ids: [id] }))).builds[0];

before(async () => {
  await emu.start();
  client = new CodeBuildClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});

after(async () => {
  client?.destroy();
  const died = emu.exitCode !== undefined;
  await emu.stop();
  if (died) throw new Error(`emulator died during the tests\n${emu.diagnostics()}`);
});

describe('projects', () => {
  test('CreateProject returns Date timestamps and AWS defaults', async () => {
    // Why: epoch-number timestamps must deserialize to Dates; defaults per reference 2.2.
    const name = uniqueName('js');
    const out = await client.send(new CreateProjectCommand(projectInput(name)));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(out.$metadata.requestId, 'x-amzn-RequestId must reach $metadata.requestId');
    const p = out.project;
    assert.equal(p.arn, `arn:aws:codebuild:us-east-1:123456789012:project/${name}`);
    assert.ok(p.created instanceof Date && !Number.isNaN(p.created.getTime()));
    assert.equal(p.created.getTime(), p.lastModified.getTime());
    assert.equal(p.timeoutInMinutes, 60);
    assert.equal(p.queuedTimeoutInMinutes, 480);
    const got = await client.send(new BatchGetProjectsCommand({ names: [name, 'nope-nope'] }));
    assert.deepEqual(got.projects.map((x) => x.name), [name]);
    assert.deepEqual(got.projectsNotFound, ['nope-nope']);
  });

  test('duplicate project maps to ResourceAlreadyExistsException', async () => {
    // Why: the SDK picks the error class from __type; the message carries the project ARN.
    const name = uniqueName('dup');
    await client.send(new CreateProjectCommand(projectInput(name)));
    await assert.rejects(client.send(new CreateProjectCommand(projectInput(name))), (err) => {
      assert.ok(err instanceof ResourceAlreadyExistsException, `got ${err.name}`);
      assert.equal(err.message, `Project already exists: arn:aws:codebuild:us-east-1:123456789012:project/${name}`);
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });
});

describe('builds', () => {
  test('StartBuild and the phase timeline on the manual clock', async () => {
    // Why: pollers written with the JS SDK watch currentPhase; times must be contiguous Dates.
    const name = uniqueName('jsb');
    await client.send(new CreateProjectCommand(projectInput(name)));
    const { build } = await client.send(new StartBuildCommand({ projectName: name }));
    assert.ok(build.startTime instanceof Date);
    assert.equal(build.buildNumber, 1);
    assert.equal(build.currentPhase, 'QUEUED');
    assert.equal(build.buildStatus, 'IN_PROGRESS');
    assert.equal(build.buildComplete, false);
    assert.deepEqual(build.phases.map((p) => p.phaseType), ['SUBMITTED', 'QUEUED']);
    const t0 = build.startTime.getTime();

    const seen = [];
    for (let i = 0; i < 6; i += 1) {
      seen.push((await getBuild(build.id)).currentPhase);
      await emu.advance(1);
    }
    assert.deepEqual(seen, ['QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'BUILD', 'BUILD', 'FINALIZING']);

    const done = await getBuild(build.id);
    assert.equal(done.buildStatus, 'SUCCEEDED');
    assert.equal(done.buildComplete, true);
    assert.equal(done.currentPhase, 'COMPLETED');
    assert.deepEqual(done.phases.map((p) => p.phaseType), PHASES);
    assert.ok(done.endTime instanceof Date);
    assert.equal(done.endTime.getTime() - t0, 6000);
    for (let i = 0; i + 1 < done.phases.length; i += 1) {
      const p = done.phases[i];
      assert.ok(p.startTime instanceof Date && p.endTime instanceof Date, p.phaseType);
      assert.equal(p.endTime.getTime(), done.phases[i + 1].startTime.getTime(), `gap after ${p.phaseType}`);
      assert.ok(Number.isInteger(p.durationInSeconds), p.phaseType);
      assert.equal(p.phaseStatus, 'SUCCEEDED');
    }
    assert.equal(done.phases.at(-1).startTime.getTime(), done.endTime.getTime());
  });

  test('failed build reports the failed phase and context', async () => {
    // Why: SIMULATE_STATUS drives failures; contexts must survive JS deserialization.
    const name = uniqueName('jsf');
    await client.send(new CreateProjectCommand(projectInput(name)));
    const { build } = await client.send(new StartBuildCommand({
      projectName: name,
      environmentVariablesOverride: [{ name: 'SIMULATE_STATUS', value: 'FAILED', type: 'PLAINTEXT' }],
    }));
    await emu.advance(60);
    const done = await getBuild(build.id);
    assert.equal(done.buildStatus, 'FAILED');
    const phase = done.phases.find((p) => p.phaseType === 'BUILD');
    assert.equal(phase.phaseStatus, 'FAILED');
    assert.equal(phase.contexts[0].statusCode, 'COMMAND_EXECUTION_ERROR');
  });

  test('StopBuild, finalize window, BatchDeleteBuilds', async () => {
    // Why: stop-then-delete is the Step Functions cleanup pattern (reference 2.6, 2.9).
    const name = uniqueName('jss');
    await client.send(new CreateProjectCommand(projectInput(name)));
    const { build } = await client.send(new StartBuildCommand({ projectName: name }));
    await emu.advance(3);
    const stopped = (await client.send(new StopBuildCommand({ id: build.id }))).build;
    assert.equal(stopped.buildStatus, 'STOPPED');
    assert.equal(stopped.buildComplete, false);
    let out = await client.send(new BatchDeleteBuildsCommand({ ids: [build.arn] }));
    assert.deepEqual(out.buildsNotDeleted, [{ id: build.arn, statusCode: 'BUILD_IN_PROGRESS' }]);
    await emu.advance(30);
    out = await client.send(new BatchDeleteBuildsCommand({ ids: [build.id] }));
    assert.deepEqual(out.buildsDeleted, [build.arn]);
    const listed = await client.send(new ListBuildsForProjectCommand({ projectName: name }));
    assert.deepEqual(listed.ids, []);
  });
});

describe('errors', () => {
  test('unknown project maps to ResourceNotFoundException', async () => {
    // Why: callers branch on `instanceof ResourceNotFoundException`.
    await assert.rejects(client.send(new StartBuildCommand({ projectName: 'no-such-project' })), (err) => {
      assert.ok(err instanceof ResourceNotFoundException, `got ${err.name}`);
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.message, 'Project cannot be found: arn:aws:codebuild:us-east-1:123456789012:project/no-such-project');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  test('constraint violation maps to InvalidInputException (JS SDK validates nothing)', async () => {
    // Why: the JS SDK sends out-of-range values unchecked, so the server must reject them.
    const name = uniqueName('jsv');
    await client.send(new CreateProjectCommand(projectInput(name)));
    await assert.rejects(client.send(new StartBuildCommand({ projectName: name, timeoutInMinutesOverride: 3000 })), (err) => {
      assert.ok(err instanceof InvalidInputException, `got ${err.name}`);
      assert.equal(err.message, "1 validation error detected: Value '3000' at 'timeoutInMinutesOverride' failed to satisfy constraint: Member must have value less than or equal to 2160");
      return true;
    });
  });
});
