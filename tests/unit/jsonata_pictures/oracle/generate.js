// Regenerates ../oracle_cases.tsv: runs the pictures functions of the reference implementation
// (jsonata 2.0.6, pinned in package-lock.json) over the probes below and records what it returns.
// Usage: npm ci && TZ=UTC node generate.js
// One line per case: function <TAB> JSON array of arguments <TAB> outcome, where the outcome is
// =<JSON value> | undefined | NaN | !<error code> | !JS (a JavaScript exception without a code).
// $toMillis runs with $now fixed at NOW (the C++ test passes the same value).
'use strict';
const NOW = 1700000000123;
const RealDate = Date;
class FixedDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(NOW); else super(...args); }
  static now() { return NOW; }
}
globalThis.Date = FixedDate;
const jsonata = require('jsonata');
const fs = require('fs');
const path = require('path');

const probes = [];
const add = (fn, ...args) => probes.push([fn, args]);

// ---- $formatInteger / $parseInteger ----
const intValues = [0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 19, 20, 21, 22, 23, 26, 27, 40, 52, 99, 100,
  101, 110, 111, 112, 702, 703, 999, 1000, 1001, 1234, 3999, 4000, 12345, 123456, 1234567, -1, -21,
  -1234, 12.6, -3.5, -0.5, 1e6, 1e15, 1e21, 1234567890123, 2.5e9];
const intPictures = ['0', '00', '000', '0;o', '#0', '#,##0', '#,##0;o', '0,00,000', '##,##,##0',
  '#:###,##0', '0 0', 'a0', '0,', '#,##0,', '٠٠٠', '٠,٠٠٠', '٠;o', '０', '०००', 'A', 'a', 'I', 'i',
  'W', 'w', 'Ww', 'W;o', 'w;o', 'Ww;o', '#', 'x', 'N', '1', '9;o', '0001', '𝟎0', '0;c', '#,###,##0',
  '0,0', ',0', '#0#', '0;o;o', '', 'ww', '٠0'];
for (const v of intValues) for (const p of intPictures) {
  if ((p === 'A' || p === 'a') && !isFinite(v)) continue;
  add('formatInteger', v, p);
}
const parseTexts = ['', '0', '12', '0123', '1,234', '1,234,567', '12,34,567', '1 2 3', '12th', '21st',
  '1st', '٠١٢', '١٢٣٤٠', '１２', '0x1A', ' 42', '-17', '+5', '12abc', 'abc', 'MCMLXXXIV', 'mcmxcix',
  'IIII', 'IV', 'XLII', 'ABC', 'zz', 'aa', 'A', 'twelve', 'twenty-one', 'Twenty-First', 'one hundred',
  'one hundred and one', 'nineteen hundred and eighty-four', 'one thousand, two hundred', 'eleventy',
  'one  two', 'ONE MILLION', 'one trillion trillion', 'and', 'hundreieth', 'ninetieth', 'zeroth',
  'thousandth', 'one-hundred', 'one\\two', 'three thousand, seven hundred and thirty-first'];
const parsePictures = ['0', '000', '#,##0', '#,##0;o', '0;o', '##,##,##0', '# ##0', '٠', '０', 'I',
  'i', 'A', 'a', 'w', 'W', 'Ww', 'w;o', '#', 'x'];
for (const t of parseTexts) for (const p of parsePictures) add('parseInteger', t, p);

// ---- $formatNumber ----
const numValues = [0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 1.015, 8.345, 8.335,
  12345.678, -12345.678, 1e21, 1.5e21, 1e-7, 123456789.123, 0.00012345, 99.95, 9.995, 0.1, 2 / 3,
  1234567.891, 1e300, -0.4];
const numPictures = ['0', '#', '0.00', '#,##0.00', '#,##0.##', '000', '#.#', '.0', '0%', '0.0‰',
  '#,##0.00;(#,##0.00)', '$#,##0.00 USD', '#,###,###', '#,##,###', '#,##,##,###', '#,##0.000,0',
  '0.0,', '###pm', '0.000000000000', '#0.0#', ',#', '#;-#', '0;#', '00000000', '0.#',
  '#.##0,00', '٠٫٠٠', '①①.①①①'];
const expPictures = ['0.0e0', '00.000e00', '#.##e0', '#e0', '0e0', '##.##e0', '.0e0', '#,##0.###e0', '#.00e0'];
const badPictures = ['#;#;#', '#.0.0', '#0%%', '#0‰‰', '#0%‰', '.e0', '0+.e0', '0,.e0', '0,', '0,,0',
  '0#.e0', '#0.#0e0', '#0.0e0%', '#0.0e0,0', '0e', '0ex', '0e#', 'a0b0', '0a.0', '#.#0', '0#',
  '#0.0#0', '#0%0', '0.,0', '#,', 'abc', '', ';', '0;', ';0', '%%'];
const options = [undefined, {'decimal-separator': ',', 'grouping-separator': '.'},
  {'zero-digit': '٠', 'decimal-separator': '٫'}, {'zero-digit': '①'}, {'minus-sign': '~', 'percent': 'pc'},
  {'per-mille': 'pm'}, {'exponent-separator': 'E'}, {'pattern-separator': '|'}, {'digit': 'x'},
  {'grouping-separator': 'ab'}];
for (const v of numValues) {
  for (const p of numPictures) add('formatNumber', v, p);
  if (v > 0 && isFinite(v)) for (const p of expPictures) add('formatNumber', v, p);
  for (const o of options.slice(1)) add('formatNumber', v, '#,##0.00', o);
}
for (const p of badPictures) add('formatNumber', 20, p);
for (const o of options.slice(1)) for (const p of ['#.##0,00', '0.0E0', '0.0pc', '0pm', 'x0.0', '0.0|(0.0)', '#ab##0.00', '٠٫٠٠', '①.①']) {
  add('formatNumber', 1234.5, p, o);
  // (an exponent picture never returns for a negative value in the reference)
  if (!(p === '0.0E0' && o['exponent-separator'] === 'E')) add('formatNumber', -1234.5, p, o);
}

// ---- $fromMillis ----
const millis = [0, 1, -1, 1521801216617, 1204405500000, 1230757500000, 1199664000000, 1514808000000,
  1546257600000, 1483185600000, 1419940800000, 951782400000, -62198755200000, 253402300800000,
  1e12, -1e14, 1451563200000, 1359720000000, 1104537600000, 1262304000000, -2208988800000,
  -61000000000000, 8.64e15];
const dtPictures = [undefined, 'Hello', '[Y0001]-[M01]-[D01]', '[Y]', '[Y,2]', '[Y01]', '[Y0001,2]',
  '[Y##01,2-2]', '[Y,*-4]', '[Y,3]', '[YI]', '[Yi]', '[Yw]', '[YW]', '[M]', '[M01]', '[MNn]', '[MN]',
  '[Mn]', '[MNn,3-3]', '[MN,*-1]', '[MA]', '[Mi]', '[Mwo]', '[D]', '[D01]', '[D1o]', '[Dwo]', '[DWwo]', '[Da]',
  '[d]', '[d001]', '[dwo]', '[F]', '[F1]', '[FNn]', '[FN,3-3]', '[Fn,*-2]', '[W]', '[W01]', '[w]', '[X]',
  '[X0001]-W[W01]-[F1]', '[x]', '[xNn]', '[H]', '[H01]', '[h]', '[h01]', '[P]', '[PN]', '[Pn]', '[m]',
  '[m01]', '[s]', '[s01]', '[f]', '[f001]', '[f01]', '[f0001]', '[Z]', '[Z0]', '[Z01]', '[Z0101]',
  '[Z01:01]', '[Z01:01t]', '[Z0101t]', '[Z010101]', '[z]', '[z01]', '[zN]', '[C]', '[E]', '[CN]',
  '[[Y]] [Y]', '[Y]]]', 'a]b', '[Y ] [ M01 ]', '[YN]', '[q]', '[q1]', '[]', '[Y', '[Y0001', '[H,2-2]:[m]',
  '[D#1,2]/[M1,2]/[Y,2]', '[FNn], [D1o] [MNn] [Y] [h]:[m01] [PN]', '[Y9,999,*]', '[M,2]', '[D,3-4]',
  '[Y,-3]', '[Y,x]', '[H#]', '[m#,#]', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]'];
const zones = [undefined, '+0000', '+0100', '-0500', '+0530', '-0530', '+1345', '-1200', '0000',
  'Z', '+01:00', '0', '-0000', 'abc'];
for (const ms of millis) for (const p of dtPictures) add('fromMillis', ms, p);
for (const ms of [0, 1521801216617, 1451563200000, -62198755200000]) {
  for (const z of zones) for (const p of [undefined, '[Y]-[M]-[D] [H]:[m] [Z]', '[Z0]', '[Z0101t]', '[z]', '[Z01:01t]', '[h] [P] [F] [d] [W] [X] [x] [w]']) {
    add('fromMillis', ms, p, z);
  }
}

// ---- $toMillis ----
const roundTrip = ['[Y0001]-[M01]-[D01]', '[Y]-[M]-[D]', '[D1o] [MNn] [Y0001]', '[D1] [MNn,3-3] [Y]',
  '[Yw]', '[Dw] [MNn] [Yw]', '[DW] [MN] [YW]', '[YI]-[Mi]-[D]', '[Da] [MA] [Yi]', '[Y0001][M01][D01]',
  '[Y]-[d001]', '[dwo] day of [Y]', '[D1]/[M1]/[Y0001] [h]:[m] [P]', '[D1]/[M1]/[Y0001] [h]:[m] [PN]',
  '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]',
  '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]',
  '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]', '[FNn], [D1o] [MNn] [Y]', '[FNn,*-3], [DWwo] [MNn] [Y]',
  '[H]:[m]', '[H]:[m]:[s]', '[m]:[s]', '[M]-[D]', '[D]', '[Y]', '[Y]-[M]', '[h] [P]', '[P]',
  '[X]-[W]-[F1]', '[X]-[x]-[w]-[F1]', '[Y]-[D]', '[M]-[D] [m]:[s]', '[MNn]', '[FNn]'];
const parseCases = [['2018', '[Y1]'], ['18', '[Y]'], ['99', '[Y01]'], ['2018-13-45', '[Y]-[M]-[D]'],
  ['2018-02-31', '[Y]-[M]-[D]'], ['27th april 2008', '[D1o] [MNn] [Y0001]'], ['27 APRIL 2008', '[D] [MN] [Y]'],
  ['Hello', 'Hello'], ['hello', 'Hello'], ['x', '[Y]'], ['and', '[Yw]'], ['12:00 Am', '[h]:[m] [P]'],
  ['2018-05-22', '[Y]-[M]-[q]'], ['2018-05-22', '[YN]-[M]-[D]'], ['2018', '[C]'], ['2018', '[Y]x[E]'],
  ['2020-09-09 08:00:00 -05:30', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]'],
  ['2020-09-09 08:00:00 -0530', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]'],
  ['2020-09-09 08:00:00 +5', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0]'],
  ['2020-09-09 08:00:00 GMT+0130', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z0101]'],
  ['2018-094', '[Y0001]-[d001]'], ['2018--180', '[Y]--[d]'], ['2016--366', '[Y]--[d]'],
  ['1984', '[Y,*-4]'], ['201802', '[Y,*-4][M01]'], ['12:30:15.5', '[H]:[m]:[s].[f]'], ['00:00', '[H]:[m]'],
  ['0 0', '[H] [m]'], ['2018 0', '[Y] [M]'], ['0', '[Y]'], ['2018-01-01 7', '[Y]-[M]-[D] [Z0]'],
  ['Jan 2018', '[MNn,1-3] [Y]'], ['J 2018', '[MNn,*-1] [Y]'], ['M 2018', '[MNn,*-1] [Y]'],
  ['Mo 2018-01-01', '[FNn,*-2] [Y]-[M]-[D]'], ['1/2/2018', '[D]/[M]/[Y]'], ['١٢', '[Y٠٠]']];
for (const [t, p] of parseCases) add('toMillis', t, p);
const isoTable = fs.readFileSync(path.join(__dirname, 'iso_probes.txt'), 'utf8').split('\n').filter(Boolean);
for (const t of isoTable) add('toMillis', t);

async function main() {
  const resolved = probes.slice();
  // Round trips: what the reference formats, read back with the same picture.
  for (const ms of [0, 1521801216617, 1204405500000, 1230757500000, 1451563200000, 951782400000, 1700000000123]) {
    for (const p of roundTrip) {
      try {
        const text = await jsonata('$fromMillis($ms, $p)').evaluate({}, {ms, p});
        if (typeof text === 'string') resolved.push(['toMillis', [text, p]]);
      } catch (e) { /* the picture does not format: nothing to read back */ }
    }
  }
  const lines = [];
  for (const [fn, args] of resolved) {
    const names = args.map((_, i) => '$a' + i);
    const expr = `$${fn}(${names.join(', ')})`;
    const bindings = {};
    args.forEach((a, i) => { if (a !== undefined) bindings['a' + i] = a; });
    let outcome;
    if (process.env.TRACE) process.stderr.write('> ' + fn + ' ' + JSON.stringify(args) + '\n');
    try {
      const r = await jsonata(expr).evaluate({}, bindings);
      if (r === undefined) outcome = 'undefined';
      else if (typeof r === 'number' && isNaN(r)) outcome = 'NaN';
      else outcome = '=' + JSON.stringify(r);
    } catch (e) {
      outcome = e.code ? '!' + e.code : '!JS';
    }
    if (process.env.TRACE) process.stderr.write(fn + ' ' + JSON.stringify(args) + '\n');
    lines.push(fn + '\t' + JSON.stringify(args.map(a => (a === undefined ? null : a))) + '\t' + outcome);
  }
  fs.writeFileSync(path.join(__dirname, '..', 'oracle_cases.tsv'), lines.join('\n') + '\n');
  console.log(lines.length + ' cases');
}
main();
