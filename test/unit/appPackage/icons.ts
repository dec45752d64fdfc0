/**
 * Renders the Samspil Teams icons: two interlocking rings (the sectors
 * working together), woven over/under like chain links.
 *
 *   color.png   192×192, opaque, white + mint rings on calm teal
 *   outline.png  32×32,  white rings on a transparent background
 *
 * Regenerate with:  npx tsx test/unit/appPackage/icons.ts
 * (deterministic; the app-package test only checks the committed files,
 * so hand-made artwork may replace them.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, RgbaImage } from './png';

type Rgb = readonly [number, number, number];

/** Teal used as background of the colour icon and as manifest accentColor. */
export const ACCENT: Rgb = [0x0f, 0x76, 0x6e]; // #0F766E
const WHITE: Rgb = [0xff, 0xff, 0xff];
const MINT: Rgb = [0x99, 0xe0, 0xd5];

interface Rings {
  size: number;
  centerY: number;
  leftX: number;
  rightX: number;
  outer: number;
  inner: number;
  /** Clear band around the ring that passes over at a crossing. */
  gap: number;
}

type Hit = 'left' | 'right' | 'none';

/** Which ring covers point (x, y): left passes over at the top crossing, right at the bottom. */
function hit(r: Rings, x: number, y: number): Hit {
  const dl = Math.hypot(x - r.leftX, y - r.centerY);
  const dr = Math.hypot(x - r.rightX, y - r.centerY);
  const inLeft = dl >= r.inner && dl <= r.outer;
  const inRight = dr >= r.inner && dr <= r.outer;
  const nearLeft = dl >= r.inner - r.gap && dl <= r.outer + r.gap;
  const nearRight = dr >= r.inner - r.gap && dr <= r.outer + r.gap;
  if (y < r.centerY) {
    if (inLeft) return 'left';
    return inRight && !nearLeft ? 'right' : 'none';
  }
  if (inRight) return 'right';
  return inLeft && !nearRight ? 'left' : 'none';
}

/** Supersamples each pixel (n×n) and returns the coverage of each ring. */
function coverage(r: Rings, px: number, py: number, n: number): { left: number; right: number } {
  let left = 0;
  let right = 0;
  for (let sy = 0; sy < n; sy++) {
    for (let sx = 0; sx < n; sx++) {
      const h = hit(r, px + (sx + 0.5) / n, py + (sy + 0.5) / n);
      if (h === 'left') left++;
      else if (h === 'right') right++;
    }
  }
  return { left: left / (n * n), right: right / (n * n) };
}

const COLOR_RINGS: Rings = { size: 192, centerY: 96, leftX: 75, rightX: 117, outer: 35, inner: 23, gap: 3 };
const OUTLINE_RINGS: Rings = { size: 32, centerY: 16, leftX: 10.5, rightX: 21.5, outer: 9.5, inner: 6.5, gap: 1.25 };

/** 192×192 full-colour icon (opaque; Teams rounds the corners itself). */
export function renderColorIcon(): RgbaImage {
  const r = COLOR_RINGS;
  const pixels = new Uint8Array(r.size * r.size * 4);
  for (let y = 0; y < r.size; y++) {
    for (let x = 0; x < r.size; x++) {
      const c = coverage(r, x, y, 8);
      const bg = 1 - c.left - c.right;
      const i = (y * r.size + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        pixels[i + ch] = Math.round(ACCENT[ch]! * bg + WHITE[ch]! * c.left + MINT[ch]! * c.right);
      }
      pixels[i + 3] = 255;
    }
  }
  return { width: r.size, height: r.size, pixels };
}

/** 32×32 outline icon: pure white, shape carried by the alpha channel only. */
export function renderOutlineIcon(): RgbaImage {
  const r = OUTLINE_RINGS;
  const pixels = new Uint8Array(r.size * r.size * 4);
  for (let y = 0; y < r.size; y++) {
    for (let x = 0; x < r.size; x++) {
      const c = coverage(r, x, y, 16);
      const i = (y * r.size + x) * 4;
      pixels[i] = 255;
      pixels[i + 1] = 255;
      pixels[i + 2] = 255;
      pixels[i + 3] = Math.round(255 * (c.left + c.right));
    }
  }
  return { width: r.size, height: r.size, pixels };
}

if (require.main === module) {
  const dir = join(__dirname, '..', '..', '..', 'appPackage');
  writeFileSync(join(dir, 'color.png'), encodePng(renderColorIcon(), true));
  writeFileSync(join(dir, 'outline.png'), encodePng(renderOutlineIcon()));
  process.stdout.write(`wrote color.png and outline.png to ${dir}\n`);
}
