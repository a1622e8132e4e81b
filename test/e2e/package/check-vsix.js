// Checks what the packaged .vsix holds against .vscodeignore's intent (DESIGN.md section 1): the
// bundles, generated data, grammar, rule pages, manifest, README, CHANGELOG, licences and icon,
// and nothing else (no sources, tests, node_modules, source maps or README images); under 5 MB;
// `engines.vscode` no newer than 1.100; and every link and image of the packaged README absolute.
// README images are not shipped: vsce rewrites relative links to the repository's URL
// (`<repository>/raw/HEAD/<path>` for images, `/blob/HEAD/` for links), which is where the
// Marketplace and VS Code's extension page load them from, so each such target must exist here.
// Run: node test/e2e/package/check-vsix.js <file.vsix>
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '../../..');
const MAX_BYTES = 5 * 1024 * 1024;
const NEWEST_ENGINE = [1, 100];
const vsix = process.argv[2];
if (!vsix) {
  console.error('usage: node check-vsix.js <file.vsix>');
  process.exit(2);
}

/** Entries (name, compression, sizes, local header offset) from the zip's central directory. */
function zipEntries(buffer) {
  const EOCD = 0x06054b50;
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== EOCD) end--;
  if (end < 0) throw new Error(`${vsix} is not a zip file`);
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    entries.push({
      name: buffer.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: buffer.readUInt16LE(offset + 10),
      compressedSize: buffer.readUInt32LE(offset + 20),
      localOffset: buffer.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The text of one entry (stored or deflated). */
function entryText(buffer, entry) {
  const at = entry.localOffset;
  if (buffer.readUInt32LE(at) !== 0x04034b50)
    throw new Error(`corrupt local header: ${entry.name}`);
  const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  const data = buffer.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data.toString('utf8');
  if (entry.method === 8) return zlib.inflateRawSync(data).toString('utf8');
  throw new Error(`unsupported compression ${entry.method}: ${entry.name}`);
}

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/dist\/(client|server|analysis-worker|cli)\.js$/,
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
  'extension/dist/analysis-worker.js',
  'extension/dist/terminateProcess.sh',
  'extension/server/data/iam/index.json',
  'extension/server/data/managed-policies/index.json',
  'extension/server/data/managed-policies/usage.json',
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

const buffer = fs.readFileSync(vsix);
const entries = zipEntries(buffer);
const names = entries.map((entry) => entry.name);
const byName = new Map(entries.map((entry) => [entry.name, entry]));
const problems = [];
for (const name of names) {
  if (!ALLOWED.some((pattern) => pattern.test(name)))
    problems.push(`should not be shipped: ${name}`);
}
for (const name of REQUIRED) if (!byName.has(name)) problems.push(`missing: ${name}`);
for (const [file, entry] of SHIPPED_IF_PRESENT) {
  const present = fs.existsSync(path.join(ROOT, file));
  if (present && !byName.has(entry)) problems.push(`missing: ${entry} (from ${file})`);
  if (!present) console.log(`note: ${file} does not exist yet, so it is not in the .vsix`);
}

const size = buffer.length;
if (size >= MAX_BYTES) problems.push(`${size} bytes: the .vsix must stay under 5 MB`);

// engines.vscode: the oldest VS Code the extension accepts must not be newer than 1.100.
const manifest = byName.has('extension/package.json')
  ? JSON.parse(entryText(buffer, byName.get('extension/package.json')))
  : {};
const engine = manifest.engines && manifest.engines.vscode;
const engineVersion = /^\^?(\d+)\.(\d+)\.\d+$/.exec(engine || '');
if (!engineVersion) problems.push(`engines.vscode is "${engine}", not ^major.minor.patch`);
else {
  const [major, minor] = [Number(engineVersion[1]), Number(engineVersion[2])];
  if (major > NEWEST_ENGINE[0] || (major === NEWEST_ENGINE[0] && minor > NEWEST_ENGINE[1]))
    problems.push(`engines.vscode is "${engine}", newer than ${NEWEST_ENGINE.join('.')}`);
}

// README links and images: absolute, and the repository's own targets exist in this checkout.
let readmeImages = 0;
if (byName.has('extension/readme.md')) {
  const readme = entryText(buffer, byName.get('extension/readme.md'));
  const repository = String((manifest.repository && manifest.repository.url) || manifest.repository)
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  const targets = [
    ...[...readme.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({
      image: m[1] === '!',
      target: m[2],
    })),
    ...[...readme.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/gi)].map((m) => ({
      image: true,
      target: m[1],
    })),
  ];
  for (const { image, target } of targets) {
    if (image) readmeImages++;
    if (target.startsWith('#')) continue;
    if (!/^(https?:|mailto:)/.test(target)) {
      problems.push(`readme.md: relative ${image ? 'image' : 'link'} left as is: ${target}`);
      continue;
    }
    const own = /^\/(?:raw|blob)\/HEAD\/([^#?]+)/.exec(target.slice(repository.length));
    if (!target.startsWith(`${repository}/`) || !own) continue;
    const file = decodeURIComponent(own[1]);
    if (!fs.existsSync(path.join(ROOT, file)))
      problems.push(`readme.md: ${target} points at ${file}, which is not in the repository`);
    else if (image && !/\/raw\/HEAD\//.test(target))
      problems.push(`readme.md: image ${target} is a page, not the file (raw)`);
  }
}

console.log(
  `${path.basename(vsix)}: ${names.length} entries, ${(size / 1024 / 1024).toFixed(2)} MB, ` +
    `engines.vscode ${engine}, ${readmeImages} README image(s) (loaded from the repository, not shipped)`,
);
if (problems.length > 0) {
  console.log(problems.join('\n'));
  console.log('vsix: FAIL');
  process.exit(1);
}
console.log('vsix: PASS');
