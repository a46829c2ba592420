'use strict';
// Seeded generator of random JSONata expressions and inputs for the differential test.
// Valid and invalid ones: paths, predicates, focus/index/parent bindings, order-by, grouping,
// operators over mixed types, built-ins with random (often wrongly typed) arguments, lambdas and
// higher-order functions, blocks, transforms, regexes, and syntax errors made by mutating text.
//
// Left out on purpose (see known_differences.md): $eval (removed by Step Functions), the clock
// and randomness ($now, $millis, $random, $shuffle), $toMillis (the reference reads a timestamp
// without an offset in the host's time zone), strings with characters outside the BMP in
// $split/$substring edge cases, regexes beyond the syntax JavaScript and PCRE2 share.

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeGenerator(seed) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const chance = (p) => rnd() < p;

  const STRINGS = ['foo', 'bar', 'Hello World', 'a,b,c', 'x1y22z333', '', 'ÄÖü straße', '  padded  ',
    'abc', 'ABC', 'a-b-c', 'The quick brown fox', '42', '3.5', 'true', 'null', 'hello world', 'é'];
  const NUMBERS = [0, 1, 2, 3, -1, 10, 100, 0.1, 0.2, 0.5, 1.5, 2.5, -2.5, 3.14159, 1e21, 1e-7,
    123.456, 7, 1000000, 0.30000000000000004, 99.99, -0.5];

  function genNumber() {
    if (chance(0.5)) return pick(NUMBERS);
    return chance(0.5) ? int(-20, 100) : Math.round(rnd() * 10000) / 100;
  }

  function genScalar() {
    const r = rnd();
    if (r < 0.4) return genNumber();
    if (r < 0.75) return pick(STRINGS);
    if (r < 0.88) return chance(0.5);
    return null;
  }

  function genValue(depth) {
    const r = rnd();
    if (depth <= 0 || r < 0.55) return genScalar();
    if (r < 0.8) {
      const n = int(0, 4);
      const a = [];
      for (let i = 0; i < n; i++) a.push(genValue(depth - 1));
      return a;
    }
    const o = {};
    const n = int(0, 4);
    for (let i = 0; i < n; i++) o[pick(['a', 'b', 'c', 'name', 'price', 'x', 'y'])] = genValue(depth - 1);
    return o;
  }

  function genItem() {
    const item = { name: pick(['Hat', 'Cap', 'Cloak', 'Shoe', 'Sock']), price: genNumber(), qty: int(0, 5) };
    if (chance(0.7)) item.tags = Array.from({ length: int(0, 3) }, () => pick(['x', 'y', 'z', 'sale']));
    if (chance(0.3)) item.extra = genValue(2);
    if (chance(0.1)) delete item.price;
    return item;
  }

  function genInput() {
    if (chance(0.05)) return undefined;
    if (chance(0.08)) return genValue(3);
    if (chance(0.05)) return Array.from({ length: int(0, 4) }, genItem);
    const input = {
      a: genNumber(),
      b: genNumber(),
      c: pick(STRINGS),
      name: pick(STRINGS),
      flag: chance(0.5),
      nothing: null,
      nums: Array.from({ length: int(0, 6) }, genNumber),
      strs: Array.from({ length: int(0, 4) }, () => pick(STRINGS)),
      items: Array.from({ length: int(0, 5) }, genItem),
      nested: { a: { b: genValue(2), c: [genValue(1), genValue(1)] }, d: genValue(2) },
    };
    if (chance(0.2)) input.mixed = [genScalar(), genScalar(), [genScalar()], { a: genScalar() }];
    return input;
  }

  const PATHS = ['a', 'b', 'c', 'name', 'flag', 'nothing', 'missing', 'nums', 'strs', 'items',
    'items.name', 'items.price', 'items.qty', 'items.tags', 'items[0]', 'items[-1].name',
    'items[price > 10].name', 'items[qty >= 2]', 'items[tags = "sale"].name', 'items[0].tags[0]',
    'nums[0]', 'nums[[0, 2]]', 'nums[$ > 5]', 'strs[0]', 'nested.a.b', 'nested.a.c', 'nested.d',
    'nested.*', '*.b', '**.b', 'items.*', '$.a', '$$.name', 'items.(price * qty)', 'items[]',
    'items.name[]', 'items#$i.name', 'items#$i[$i > 0].price', 'items@$it.$it.name',
    'items^(price).name', 'items^(>qty, name).name', 'items{name: $sum(price)}',
    'items{name: qty}', 'items.{"n": name, "t": price * qty}', 'items.tags.%.name',
    'items.%.a', 'nested.a.b.%', 'mixed', 'mixed[0]', 'mixed.a', '$', '$[0]', 'items[price>1][0]',
    'nums^($)', 'nums^(>$)', 'items[0].extra', 'nested.a.c[1]', 'items.extra.a', '`name`',
    'items[name in ["Hat", "Cap"]].qty', 'items.name.$uppercase()', 'nums.($ * 2)'];

  const FUNCS = [
    ['sum', 1], ['count', 1], ['max', 1], ['min', 1], ['average', 1], ['string', 1], ['string', 2],
    ['substring', 2], ['substring', 3], ['substringBefore', 2], ['substringAfter', 2],
    ['lowercase', 1], ['uppercase', 1], ['length', 1], ['trim', 1], ['pad', 2], ['pad', 3],
    ['contains', 2], ['split', 2], ['split', 3], ['join', 1], ['join', 2], ['replace', 3],
    ['replace', 4], ['number', 1], ['floor', 1], ['ceil', 1], ['round', 1], ['round', 2], ['abs', 1],
    ['sqrt', 1], ['power', 2], ['boolean', 1], ['not', 1], ['exists', 1], ['keys', 1],
    ['lookup', 2], ['append', 2], ['spread', 1], ['merge', 1], ['reverse', 1], ['type', 1],
    ['sort', 1], ['distinct', 1], ['zip', 2], ['base64encode', 1], ['base64decode', 1],
    ['encodeUrlComponent', 1], ['encodeUrl', 1], ['decodeUrlComponent', 1], ['decodeUrl', 1],
    ['formatBase', 1], ['formatBase', 2], ['clone', 1], ['single', 1], ['count', 0], ['string', 0],
    ['length', 0], ['error', 1], ['assert', 2],
  ];
  const REGEXES = ['/a/', '/[0-9]+/', '/o/i', '/(\\w+) (\\w+)/', '/^a/m', '/,/', '/[aeiou]/', '/x*y/',
    '/(a)|(b)/', '/\\s+/', '/l+/'];
  const OPS = ['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in'];

  function literal() {
    const r = rnd();
    if (r < 0.4) {
      const n = genNumber();
      return n < 0 ? `(${n})` : String(n);
    }
    if (r < 0.75) return JSON.stringify(pick(STRINGS));
    if (r < 0.85) return pick(['true', 'false', 'null']);
    if (r < 0.95) return `[${Array.from({ length: int(0, 4) }, () => literal()).join(', ')}]`;
    return `{"a": ${literal()}, "b": ${literal()}}`;
  }

  function lambdaBody(vars, depth) {
    const v = pick(vars);
    const r = rnd();
    if (r < 0.3) return `${v} ${pick(['+', '*', '-', '&', '>', '=', '<'])} ${literal()}`;
    if (r < 0.5) return `$string(${v})`;
    if (r < 0.6) return `${v}.${pick(['name', 'price', 'a'])}`;
    return expr(depth - 1, vars);
  }

  function fnCall(depth, vars) {
    const r = rnd();
    if (r < 0.12) {
      const f = pick(['map', 'filter']);
      return `$${f}(${expr(depth - 1, vars)}, function($v, $i) { ${lambdaBody(['$v', '$i'], depth)} })`;
    }
    if (r < 0.17) return `$reduce(${expr(depth - 1, vars)}, function($acc, $v) { $acc ${pick(['+', '&', '*'])} $v }${chance(0.5) ? ', ' + literal() : ''})`;
    if (r < 0.21) return `$sort(${expr(depth - 1, vars)}, function($l, $r) { $l ${pick(['>', '<'])} $r })`;
    if (r < 0.24) return `$sift(${expr(depth - 1, vars)}, function($v, $k) { ${lambdaBody(['$v', '$k'], depth)} })`;
    if (r < 0.27) return `$each(${expr(depth - 1, vars)}, function($v, $k) { $k & ':' & $string($v) })`;
    if (r < 0.30) return `$single(${expr(depth - 1, vars)}, function($v) { ${lambdaBody(['$v'], depth)} })`;
    if (r < 0.38) {
      const f = pick(['match', 'replace', 'split', 'contains']);
      const re = pick(REGEXES);
      if (f === 'replace') return `$replace(${expr(depth - 1, vars)}, ${re}, ${pick(['"[$1]"', '"$0$0"', '"-"', '"$2,$1"', '"$$"'])})`;
      if (f === 'match') return `$match(${expr(depth - 1, vars)}, ${re}${chance(0.3) ? ', ' + int(0, 3) : ''})`;
      return `$${f}(${expr(depth - 1, vars)}, ${re})`;
    }
    if (r < 0.41) {
      // the pictures (engine/jsonata/pictures) with pictures both dialects accept
      const x = chance(0.7) ? expr(depth - 1, vars) : literal();
      const f = pick(['formatNumber', 'formatInteger', 'fromMillis', 'formatBase']);
      if (f === 'formatNumber') return `$formatNumber(${x}, ${pick(['"#,##0.00"', '"0.000"', '"#%"', '"0.0e0"', '"#,###"', '"00"', '"#.##;(#.##)"'])})`;
      if (f === 'formatInteger') return `$formatInteger(${x}, ${pick(['"w"', '"W"', '"#,##0"', '"I"', '"i"', '"01"', '"Ww"', '"a"'])})`;
      if (f === 'fromMillis') return `$fromMillis(${pick(['0', '1509380732935', '86400000', String(int(0, 2e12)), x])}${chance(0.7) ? ', ' + pick(['"[Y0001]-[M01]-[D01]"', '"[H01]:[m01]:[s01]"', '"[FNn], [D1o] [MNn] [Y]"', '"[h].[m01][P]"', '"[Y,2]"']) : ''}${chance(0.3) ? ', "+0130"' : ''})`;
      return `$formatBase(${x}, ${pick(['2', '8', '16', '36', '1'])})`;
    }
    const [name, arity] = pick(FUNCS);
    const args = [];
    for (let i = 0; i < arity; i++) args.push(chance(0.6) ? expr(depth - 1, vars) : literal());
    return `$${name}(${args.join(', ')})`;
  }

  function expr(depth, vars = []) {
    if (depth <= 0) return chance(0.5) ? pick(PATHS) : (vars.length && chance(0.3) ? pick(vars) : literal());
    const r = rnd();
    if (r < 0.18) return pick(PATHS);
    if (r < 0.25) return literal();
    if (r < 0.45) return `${expr(depth - 1, vars)} ${pick(OPS)} ${expr(depth - 1, vars)}`;
    if (r < 0.67) return fnCall(depth, vars);
    if (r < 0.71) return `(${expr(depth - 1, vars)}) ? ${expr(depth - 1, vars)} : ${expr(depth - 1, vars)}`;
    if (r < 0.75) return `[${expr(depth - 1, vars)}, ${expr(depth - 1, vars)}]`;
    if (r < 0.78) return `[${int(-3, 3)}..${int(-2, 8)}]`;
    if (r < 0.82) return `{"k1": ${expr(depth - 1, vars)}, "k2": ${expr(depth - 1, vars)}}`;
    if (r < 0.86) return `($x := ${expr(depth - 1, vars)}; ${expr(depth - 1, ['$x', ...vars])})`;
    if (r < 0.89) return `${expr(depth - 1, vars)} ~> $${pick(['string', 'count', 'uppercase', 'sum', 'keys', 'type', 'exists'])}()`;
    if (r < 0.91) return `-(${expr(depth - 1, vars)})`;
    if (r < 0.93) return `$ ~> |${pick(['items', 'nested.a', '$', 'items[0]'])}|${pick(['{"price": 0}', '{"new": name}', '{}', '5'])}${chance(0.4) ? ', ["qty", "tags"]' : ''}|`;
    if (r < 0.96) return `${pick(['items', 'nums', 'strs', 'nested.a.c'])}[${expr(depth - 1, vars)}]`;
    if (r < 0.98) return `(${pick(PATHS)}).${pick(['name', 'a', '$string()', '$length()', '($ + 1)'])}`;
    return `$lookup(${expr(depth - 1, vars)}, ${JSON.stringify(pick(['a', 'name', 'price', 'b']))})`;
  }

  function mutate(text) {
    const CHARS = ')]}[({,.;:?"\'@#%$|^~&*!';
    const p = int(0, text.length);
    if (chance(0.5)) return text.slice(0, p) + text.slice(p + 1);
    return text.slice(0, p) + pick(CHARS.split('')) + text.slice(p);
  }

  return function nextCase() {
    let e = expr(int(1, 4));
    if (chance(0.06)) e = mutate(e);
    return { expr: e, input: genInput() };
  };
}

module.exports = { makeGenerator };
