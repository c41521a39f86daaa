// Validate a FHIR R4 Bundle written by `aixin export --format fhir`:
//   node fhir_validate.js BUNDLE.json
// with the npm package `fhir` (FHIR.js, its R4 structure definitions and
// required value sets; unknown properties are errors), then what the
// validator does not look at: a collection Bundle whose fullUrls are
// unique and whose every reference names one of them. Prints one JSON
// line: {valid, messages, counts (resources by type), payment_fen (sum
// of ClaimResponse.payment.amount), benefit_fen, supplementary_fen};
// exits 0 when valid, 1 when not, 2 on a usage or read error.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');

if (process.argv.length !== 3) {
  process.stderr.write('usage: node fhir_validate.js BUNDLE.json\n');
  process.exit(2);
}
let bundle;
try {
  bundle = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
  process.stderr.write(`cannot read ${process.argv[2]}: ${e.message}\n`);
  process.exit(2);
}

const result = new Fhir().validate(bundle, { errorOnUnexpected: true });
const messages = result.messages.filter((m) => m.severity === 'error');
const fail = (location, message) => messages.push({ location, severity: 'error', message });

if (bundle.type !== 'collection') fail('Bundle.type', 'not a collection');
const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
const urls = new Set();
const counts = {};
for (const [i, e] of entries.entries()) {
  if (!e.fullUrl) fail(`Bundle.entry[${i}]`, 'no fullUrl');
  else if (urls.has(e.fullUrl)) fail(`Bundle.entry[${i}]`, `fullUrl ${e.fullUrl} twice`);
  else urls.add(e.fullUrl);
  const type = e.resource && e.resource.resourceType;
  counts[type] = (counts[type] || 0) + 1;
}
// Every {"reference": ...} anywhere in a resource resolves in the Bundle.
const walk = (node, path) => {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}[${i}]`));
  else if (node && typeof node === 'object') {
    if (typeof node.reference === 'string' && !urls.has(node.reference))
      fail(path, `reference ${node.reference} is not in the Bundle`);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
  }
};
entries.forEach((e, i) => walk(e.resource, `Bundle.entry[${i}].resource`));

// Money as whole fen, to compare with the database exactly.
const fen = (money) => {
  if (!money || money.currency !== 'CNY' || typeof money.value !== 'number') return NaN;
  return Math.round(money.value * 100);
};
let payment = 0, benefit = 0, supplementary = 0;
for (const e of entries) {
  const r = e.resource;
  if (!r || r.resourceType !== 'ClaimResponse') continue;
  if (r.payment) payment += fen(r.payment.amount);
  for (const t of r.total || []) {
    const code = t.category && t.category.coding && t.category.coding[0].code;
    if (code === 'benefit') benefit += fen(t.amount);
    if (code === 'supplementary') supplementary += fen(t.amount);
  }
}
const valid = messages.length === 0;
process.stdout.write(JSON.stringify({ valid, messages, counts, payment_fen: payment,
  benefit_fen: benefit, supplementary_fen: supplementary }) + '\n');
process.exit(valid ? 0 : 1);
