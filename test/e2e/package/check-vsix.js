// Checks what the packaged .vsix holds against .vscodeignore's intent (DESIGN.md section 1): the
// bundles, generated data, grammar, rule pages, manifest, README, CHANGELOG, licences and icon,
// and nothing else (no sources, tests, node_modules or source maps).
// Run: node test/e2e/package/check-vsix.js <file.vsix>
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
const vsix = process.argv[2];
if (!vsix) {
  console.error('usage: node check-vsix.js <file.vsix>');
  process.exit(2);
}

/** Entry names from the zip's central directory. */
function zipEntries(buffer) {
  const EOCD = 0x06054b50;
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== EOCD) end--;
  if (end < 0) throw new Error(`${vsix} is not a zip file`);
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    names.push(buffer.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/dist\/(client|server|cli)\.js$/,
  /^extension\/dist\/terminateProcess\.sh$/,
  /^extension\/server\/data\/.+\.json$/,
  /^extension\/syntaxes\/[\w.-]+\.tmLanguage\.json$/,
  /^extension\/docs\/rules\/[\w-]+\.md$/,
  /^extension\/images\/icon\.png$/,
  /^extension\/(readme|changelog)\.md$/, // vsce writes these two in lower case
  /^extension\/(LICENSE|THIRD-PARTY-NOTICES)(\.txt)?$/,
];
const REQUIRED = [
  'extension/package.json',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/terminateProcess.sh',
  'extension/server/data/iam/index.json',
  'extension/images/icon.png',
  ...JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.grammars.map(
    (g) => `extension/${path.posix.normalize(g.path)}`,
  ),
  ...fs
    .readdirSync(path.join(ROOT, 'docs/rules'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `extension/docs/rules/${f}`),
];
// Top-level documents ship whenever they exist, under the names vsce gives them.
const SHIPPED_IF_PRESENT = new Map([
  ['README.md', 'extension/readme.md'],
  ['CHANGELOG.md', 'extension/changelog.md'],
  ['LICENSE', 'extension/LICENSE.txt'],
  ['THIRD-PARTY-NOTICES', 'extension/THIRD-PARTY-NOTICES'],
]);

const names = zipEntries(fs.readFileSync(vsix));
const set = new Set(names);
const problems = [];
for (const name of names) {
  if (!ALLOWED.some((pattern) => pattern.test(name)))
    problems.push(`should not be shipped: ${name}`);
}
for (const name of REQUIRED) if (!set.has(name)) problems.push(`missing: ${name}`);
for (const [file, entry] of SHIPPED_IF_PRESENT) {
  const present = fs.existsSync(path.join(ROOT, file));
  if (present && !set.has(entry)) problems.push(`missing: ${entry} (from ${file})`);
  if (!present) console.log(`note: ${file} does not exist yet, so it is not in the .vsix`);
}
const size = fs.statSync(vsix).size;
console.log(
  `${path.basename(vsix)}: ${names.length} entries, ${(size / 1024 / 1024).toFixed(2)} MB`,
);
if (problems.length > 0) {
  console.log(problems.join('\n'));
  console.log('vsix: FAIL');
  process.exit(1);
}
console.log('vsix: PASS');
