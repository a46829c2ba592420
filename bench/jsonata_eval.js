'use strict';
// The reference's side of bench/jsonata_eval.sh: ns per evaluation of the same compiled
// expressions under node (jsonata@2.0.6 from tests/jsonata/node_modules).
const fs = require('fs');
const path = require('path');
const jsonata = require(path.join(__dirname, '..', 'tests', 'jsonata', 'node_modules', 'jsonata'));

async function nsPerCall(iterations, f) {
  for (let i = 0; i < Math.floor(iterations / 10) + 1; i++) await f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await f();
  return Number(process.hrtime.bigint() - start) / iterations;
}

(async () => {
  const dataset = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const iterations = Number(process.argv[3] || 20000);
  const sum = jsonata('$sum(Account.Order.Product.(Price * Quantity))');
  const sumNs = await nsPerCall(iterations, () => sum.evaluate(dataset));
  const ctor = jsonata('{"a": $states.input.x, "b": 1}');
  const states = { input: { x: 42, y: 'some text', z: [1, 2, 3] }, context: { Execution: { Id: 'arn' } } };
  const ctorNs = await nsPerCall(iterations, () => ctor.evaluate(undefined, { states }));
  console.log(`reference $sum(Account.Order.Product.(Price * Quantity)) over dataset5: ${sumNs.toFixed(0)} ns/eval (= ${await sum.evaluate(dataset)})`);
  console.log(`reference {"a": $states.input.x, "b": 1}: ${ctorNs.toFixed(0)} ns/eval`);
})();
