/**
 * Minimal PNG encoder/decoder (8-bit RGB/RGBA, non-interlaced) on node:zlib.
 *
 * Used by the app-package test to inspect the Teams icons and by
 * `icons.ts` to render them; no image library needed.
 */
import { deflateSync, inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour types this module understands. */
export const COLOR_TYPE = { rgb: 2, rgba: 6 } as const;

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

export interface PngChunk {
  type: string;
  data: Buffer;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes a pixel. */
  pixels: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Splits a PNG file into chunks, checking the signature and every CRC. */
export function readChunks(file: Buffer): PngChunk[] {
  if (file.length < 8 || !file.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('not a PNG file (bad signature)');
  }
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < file.length) {
    if (offset + 12 > file.length) throw new Error('truncated PNG chunk');
    const length = file.readUInt32BE(offset);
    const typeAndData = file.subarray(offset + 4, offset + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    const crc = file.readUInt32BE(offset + 8 + length);
    if (crc32(typeAndData) !== crc) throw new Error(`bad CRC in ${type} chunk`);
    chunks.push({ type, data: Buffer.from(typeAndData.subarray(4)) });
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Reads the IHDR header, which must be the first chunk. */
export function readHeader(file: Buffer): PngHeader {
  const first = readChunks(file)[0];
  if (!first || first.type !== 'IHDR' || first.data.length !== 13) {
    throw new Error('PNG does not start with an IHDR chunk');
  }
  return {
    width: first.data.readUInt32BE(0),
    height: first.data.readUInt32BE(4),
    bitDepth: first.data[8]!,
    colorType: first.data[9]!,
    interlace: first.data[12]!,
  };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG to RGBA pixels. */
export function decodePng(file: Buffer): RgbaImage {
  const header = readHeader(file);
  const { width, height } = header;
  if (header.bitDepth !== 8 || header.interlace !== 0) {
    throw new Error('only 8-bit, non-interlaced PNGs are supported');
  }
  const channels = header.colorType === COLOR_TYPE.rgba ? 4 : header.colorType === COLOR_TYPE.rgb ? 3 : 0;
  if (channels === 0) throw new Error(`unsupported PNG colour type ${header.colorType}`);

  const idat = Buffer.concat(
    readChunks(file)
      .filter((c) => c.type === 'IDAT')
      .map((c) => c.data),
  );
  const raw = inflateSync(idat);
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error('PNG image data has the wrong size');

  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? out[row + x - channels]! : 0;
      const up = y > 0 ? out[row - stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? out[row - stride + x - channels]! : 0;
      const value = raw[src + x]!;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = left;
          break;
        case 2:
          predicted = up;
          break;
        case 3:
          predicted = (left + up) >> 1;
          break;
        case 4:
          predicted = paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`bad PNG filter type ${filter}`);
      }
      out[row + x] = (value + predicted) & 0xff;
    }
  }

  if (channels === 4) return { width, height, pixels: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    rgba[j] = out[i]!;
    rgba[j + 1] = out[i + 1]!;
    rgba[j + 2] = out[i + 2]!;
    rgba[j + 3] = 255;
  }
  return { width, height, pixels: rgba };
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes RGBA pixels as PNG; `opaque` drops the alpha channel (colour type 2). */
export function encodePng(image: RgbaImage, opaque = false): Buffer {
  const { width, height, pixels } = image;
  const channels = opaque ? 3 : 4;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      const to = y * (stride + 1) + 1 + x * channels;
      raw[to] = pixels[from]!;
      raw[to + 1] = pixels[from + 1]!;
      raw[to + 2] = pixels[from + 2]!;
      if (!opaque) raw[to + 3] = pixels[from + 3]!;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = opaque ? COLOR_TYPE.rgb : COLOR_TYPE.rgba;
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
