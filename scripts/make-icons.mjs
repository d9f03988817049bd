// Draws KeyBridge's icons without dependencies (PNG encoded with node:zlib) into build/:
//   build/icon.png (512, the app icon electron-builder turns into .icns), build/icon.ico
//   (16–256, PNG-compressed entries), and build/tray/: the tray's health icons — ok, failing
//   (a badge), unverified (a hollow badge), locked (a slash) — in colour for Windows/Linux and as macOS template images
//   (black + alpha, "Template" in the name), each at 1x (16 px) and @2x (32 px).
// Run: node scripts/make-icons.mjs (the output is committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const OUT = join(import.meta.dirname, '..', 'build');

// ---- PNG ------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** RGBA pixels (size*size*4) → PNG bytes. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
/** PNGs → .ico (Vista+ reads PNG-compressed entries). */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

// ---- shapes as signed distances in the unit square (negative = inside) -----------------------

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const box = (x0, y0, x1, y1) => (x, y) => {
  const dx = Math.max(x0 - x, x - x1);
  const dy = Math.max(y0 - y, y - y1);
  return dx > 0 || dy > 0 ? Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) : Math.max(dx, dy);
};
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) - w / 2;
};
const union = (...shapes) => (x, y) => Math.min(...shapes.map((s) => s(x, y)));
const minus = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
const ring = (cx, cy, r, width) => minus(circle(cx, cy, r), circle(cx, cy, r - width));

/** The key: a ring (the bow), a shaft and two teeth. */
const key = union(ring(0.3, 0.5, 0.22, 0.1), box(0.49, 0.45, 0.93, 0.56), box(0.73, 0.56, 0.8, 0.72), box(0.85, 0.56, 0.93, 0.67));
const badge = circle(0.8, 0.22, 0.16);
const slash = segment(0.12, 0.88, 0.88, 0.12, 0.09);
const GAP = 0.06;

const GLYPHS = {
  ok: [{ shape: key, color: 'fg' }],
  failing: [
    { shape: minus(key, (x, y) => badge(x, y) - GAP), color: 'fg' },
    { shape: badge, color: 'alert' },
  ],
  locked: [
    { shape: minus(key, (x, y) => slash(x, y) - GAP), color: 'fg' },
    { shape: slash, color: 'fg' },
  ],
  // Not verified yet: a hollow badge, where failing has a filled one.
  unverified: [
    { shape: minus(key, (x, y) => badge(x, y) - GAP), color: 'fg' },
    { shape: ring(0.8, 0.22, 0.16, 0.07), color: 'alert' },
  ],
};

/** Renders layers at `size` px with 4x4 supersampling; colours are [r,g,b]. */
function render(size, layers, palette, background) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = (x + (sx + 0.5) / n) / size;
          const v = (y + (sy + 0.5) / n) / size;
          let sample = background ? background(u, v) : null;
          for (const layer of layers) if (layer.shape(u, v) <= 0) sample = palette[layer.color];
          if (sample) {
            r += sample[0];
            g += sample[1];
            b += sample[2];
            a += 1;
          }
        }
      }
      const i = (y * size + x) * 4;
      const cover = a / (n * n);
      px[i] = a ? Math.round(r / a) : 0;
      px[i + 1] = a ? Math.round(g / a) : 0;
      px[i + 2] = a ? Math.round(b / a) : 0;
      px[i + 3] = Math.round(cover * 255);
    }
  }
  return encodePng(size, px);
}

// ---- output ---------------------------------------------------------------------------------

const COLOUR = {
  ok: { fg: [46, 158, 91], alert: [214, 69, 69] },
  failing: { fg: [120, 120, 120], alert: [214, 69, 69] },
  locked: { fg: [128, 128, 128], alert: [214, 69, 69] },
  unverified: { fg: [120, 120, 120], alert: [196, 134, 0] },
};
const TEMPLATE = { fg: [0, 0, 0], alert: [0, 0, 0] };

mkdirSync(join(OUT, 'tray'), { recursive: true });
for (const [health, layers] of Object.entries(GLYPHS)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    writeFileSync(join(OUT, 'tray', `tray-${health}${suffix}.png`), render(size, layers, COLOUR[health]));
    writeFileSync(join(OUT, 'tray', `tray-${health}Template${suffix}.png`), render(size, layers, TEMPLATE));
  }
}

// The app icon: a white key on a rounded blue square.
const roundedSquare = (x, y) => box(0.14, 0.14, 0.86, 0.86)(x, y) - 0.08;
const appKey = (x, y) => key((x - 0.5) / 0.62 + 0.5, (y - 0.5) / 0.62 + 0.5) * 0.62;
const BLUE = [47, 111, 219];
const appIcon = (size) =>
  render(size, [{ shape: appKey, color: 'fg' }], { fg: [255, 255, 255] }, (u, v) => (roundedSquare(u, v) <= 0 ? BLUE : null));
writeFileSync(join(OUT, 'icon.png'), appIcon(512));
writeFileSync(join(OUT, 'tray', 'icon.png'), appIcon(256));
writeFileSync(join(OUT, 'icon.ico'), encodeIco([16, 32, 48, 64, 128, 256].map((size) => ({ size, png: appIcon(size) }))));
console.log(`icons written to ${OUT}`);
