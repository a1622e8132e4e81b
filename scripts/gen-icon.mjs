// Draws images/icon.png (128x128 RGBA): a shield with a scope reticle. Dependency-free: shapes are
// signed-distance tests, 4x4 supersampled for anti-aliasing, written as a PNG with node:zlib.
// Run: node scripts/gen-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { Buffer } from 'node:buffer';

const SIZE = 128;
const SAMPLES = 4;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');

const TOP = 10;
const BOTTOM = 120;
const SHOULDER = 66;
const HALF_WIDTH = 50;

/** Half the shield's width at height y: straight sides, then curving in to the point. */
function shieldHalfWidth(y) {
  if (y < TOP || y > BOTTOM) return -1;
  if (y <= SHOULDER) return HALF_WIDTH;
  const t = (y - SHOULDER) / (BOTTOM - SHOULDER);
  return HALF_WIDTH * Math.sqrt(1 - t * t) * (1 - 0.35 * t);
}

function inShield(x, y, inset) {
  const half = shieldHalfWidth(y) - inset;
  if (half <= 0 || y < TOP + inset || y > BOTTOM - inset * 1.6) return false;
  const dx = Math.abs(x - 64);
  // Rounded top corners.
  const radius = 12;
  const cornerX = half - radius;
  const cornerY = TOP + inset + radius;
  if (dx > cornerX && y < cornerY) return Math.hypot(dx - cornerX, y - cornerY) <= radius;
  return dx <= half;
}

const CX = 64;
const CY = 60;

function inReticle(x, y) {
  const r = Math.hypot(x - CX, y - CY);
  if (r >= 19 && r <= 25) return true;
  if (r <= 4.5) return true;
  const dx = Math.abs(x - CX);
  const dy = Math.abs(y - CY);
  const tick = (along, across) => across <= 2.5 && along >= 12 && along <= 33;
  return tick(dx, dy) || tick(dy, dx);
}

function colour(x, y) {
  if (!inShield(x, y, 0)) return undefined;
  if (!inShield(x, y, 6)) return [14, 52, 96]; // rim
  if (inReticle(x, y)) return [255, 255, 255];
  // Body: a vertical gradient from teal to blue.
  const t = (y - TOP) / (BOTTOM - TOP);
  return [Math.round(20 + 10 * t), Math.round(160 - 70 * t), Math.round(170 + 40 * t)];
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (none), then RGBA
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colour(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a++;
      }
    }
    const offset = 1 + px * 4;
    if (a > 0) {
      row[offset] = Math.round(r / a);
      row[offset + 1] = Math.round(g / a);
      row[offset + 2] = Math.round(b / a);
      row[offset + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
