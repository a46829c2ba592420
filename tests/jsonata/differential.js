'use strict';
// Why: the suite covers what its authors thought of; random expressions over random inputs find
// what they did not. Each case is evaluated by the reference (jsonata@2.0.6, pinned in
// package-lock.json) and by our engine (the jsonata_batch program); results must be equal as
// JSON (numbers compared as the doubles the reference prints, object members in any order) and
// errors must carry the same code. Differences we know and accept are listed, with their
// reasons, in known_differences.json; any other difference fails the run.
//
// node differential.js [--cases N] [--seed S] [--engine path/to/jsonata_batch] [--show K]

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const jsonata = require('jsonata');
const { makeGenerator } = require('./generate');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const root = path.resolve(__dirname, '..', '..');
const cases = Number(arg('cases', process.env.SCL_DIFF_CASES || 20000));
const seed = Number(arg('seed', process.env.SCL_DIFF_SEED || 20061));
const show = Number(arg('show', 10));
const engineCandidates = [
  arg('engine', process.env.SCL_JSONATA_BATCH),
  path.join(root, 'build/ci/tests/unit/jsonata/jsonata_batch'),
  path.join(root, 'build/dev/tests/unit/jsonata/jsonata_batch'),
].filter(Boolean);
const engine = engineCandidates.find((p) => fs.existsSync(p));
if (!engine) {
  console.error(`differential: no jsonata_batch binary (tried ${engineCandidates.join(', ')})`);
  process.exit(1);
}
const known = JSON.parse(fs.readFileSync(path.join(__dirname, 'known_differences.json'), 'utf8'))
  .map((k) => ({ ...k, re: new RegExp(k.expr) }));

// Canonical form for comparison: JSON.stringify semantics (undefined/functions dropped), then
// objects with sorted members so member order does not count.
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

function outcomeOfReference(c) {
  let expr;
  try {
    expr = jsonata(c.expr);
  } catch (e) {
    return { error: e.code || `js:${e.name}` };
  }
  // a copy: the reference may write into its input (see referenceMutatesInput)
  return expr.evaluate(c.input === undefined ? undefined : JSON.parse(JSON.stringify(c.input))).then(
    (r) => {
      if (r === undefined || typeof r === 'function') return { undefined: true };
      const text = JSON.stringify(r);
      if (text === undefined) return { undefined: true };
      return { result: JSON.parse(text) };
    },
    (e) => ({ error: e.code || `js:${e.name}` }),
  );
}

function deepFreeze(v) {
  if (v !== null && typeof v === 'object') {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

// True when the reference, run over a frozen copy of the input, fails where it wrote into its
// input: an object constructor or grouping evaluated over an empty array pushes `undefined`
// into that (input's own) array, which later parts of the expression then see.
async function referenceMutatesInput(c) {
  if (c.input === null || typeof c.input !== 'object') return false;
  try {
    await jsonata(c.expr).evaluate(deepFreeze(JSON.parse(JSON.stringify(c.input))));
    return false;
  } catch (e) {
    return e instanceof TypeError && /not extensible|read only|Cannot add property/.test(e.message);
  }
}

function sameJsonText(a, b) {
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b))) && a !== b;
  } catch (e) {
    return false;
  }
}

function same(a, b) {
  if (a.error !== undefined || b.error !== undefined) return a.error === b.error;
  if (a.undefined || b.undefined) return !!a.undefined === !!b.undefined;
  return JSON.stringify(canonical(a.result)) === JSON.stringify(canonical(b.result));
}

async function main() {
  const started = Date.now();
  const next = makeGenerator(seed);
  const all = [];
  for (let i = 0; i < cases; i++) all.push(next());
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jsonata-diff-')), 'cases.jsonl');
  fs.writeFileSync(file, all.map((c) => JSON.stringify(c.input === undefined ? { expr: c.expr } : c)).join('\n') + '\n');
  const ours = spawnSync(engine, [], { input: fs.readFileSync(file), maxBuffer: 1 << 30 });
  if (ours.status !== 0) {
    console.error(`differential: ${engine} exited with ${ours.status} (${ours.signal || ''})\n${ours.stderr}`);
    process.exit(1);
  }
  const ourLines = ours.stdout.toString('utf8').split('\n').filter((l) => l.length > 0);
  if (ourLines.length !== all.length) {
    console.error(`differential: ${ourLines.length} answers for ${all.length} cases`);
    process.exit(1);
  }
  let passed = 0;
  let explained = 0;
  const failures = [];
  const byReason = new Map();
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    const ref = await outcomeOfReference(c);
    const mine = JSON.parse(ourLines[i]);
    if (same(ref, mine)) {
      passed++;
      continue;
    }
    if (ref.error !== undefined && mine.error !== undefined && (mine.concurrent || []).includes(ref.error)) {
      // Both engines found the same failures among items the reference runs concurrently; they
      // differ only in which one is reported first (see Error::concurrent_codes).
      explained++;
      const reason = 'several items of a constructor fail: the reference reports the one its Promise.all scheduling reaches first; we model that scheduling, and name the others';
      byReason.set(reason, (byReason.get(reason) || 0) + 1);
      continue;
    }
    if (typeof ref.result === 'string' && typeof mine.result === 'string' && sameJsonText(ref.result, mine.result)) {
      explained++;
      const reason = '$string of an object with integer-like keys: JavaScript puts those members first; we keep the order they were written';
      byReason.set(reason, (byReason.get(reason) || 0) + 1);
      continue;
    }
    if (await referenceMutatesInput(c)) {
      explained++;
      const reason = 'the reference writes into its input (an object constructor over an empty array pushes undefined into it) and later parts of the expression see that; we never modify the input';
      byReason.set(reason, (byReason.get(reason) || 0) + 1);
      continue;
    }
    if (ref.result !== undefined && /"_jsonata_(lambda|function)"/.test(JSON.stringify(ref.result))) {
      explained++;
      const reason = 'a function value in the result: the reference serializes its internal object; we leave functions out, as JSON.stringify does with JavaScript functions';
      byReason.set(reason, (byReason.get(reason) || 0) + 1);
      continue;
    }
    const k = known.find((kd) => kd.re.test(c.expr) && (!kd.reference || kd.reference === (ref.error || 'value')));
    if (k) {
      explained++;
      byReason.set(k.reason, (byReason.get(k.reason) || 0) + 1);
      continue;
    }
    failures.push({ c, ref, mine });
  }
  for (const f of failures.slice(0, show)) {
    console.log(`DIFF expr: ${f.c.expr}\n     input: ${JSON.stringify(f.c.input)}`.slice(0, 2000));
    console.log(`     reference: ${JSON.stringify(f.ref).slice(0, 500)}\n     ours:      ${JSON.stringify(f.mine).slice(0, 500)}`);
  }
  for (const [reason, n] of byReason) console.log(`known difference (${n}): ${reason}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`differential: ${all.length} cases (seed ${seed}) in ${seconds}s: ${passed} equal, ` +
    `${explained} known differences, ${failures.length} unexplained`);
  console.log(`${passed + explained} passed, ${failures.length} failed`);
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
