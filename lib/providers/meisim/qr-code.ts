/**
 * MeiSIM's order answer promises `Status`, `Iccid` and `QrCode`, and says
 * nothing of what form `QrCode` takes. It is read in every form a QR code
 * travels in, and only ever to the LPA the code itself holds:
 *
 * - LPA text, "LPA:1$<smdp>$<matching id>";
 * - a data URI of a PNG or JPEG image ("data:image/png;base64,…");
 * - bare base64 of a PNG or JPEG image;
 * - an image URL, fetched only from an allowed host (see QrImageSource),
 *   with a size cap and a timeout, no redirects and no credentials.
 *
 * An image is decoded with jsQR (pixels from pngjs / jpeg-js); what it holds
 * must itself be an LPA. Anything else (another image type, an image too
 * large, a QR code holding something other than an LPA, a host not allowed)
 * is a QrCodeUnreadableError: the order is then held for a person, never
 * delivered with an LPA we made up.
 */
import "server-only";
import { allowedProviderUrl, type UrlAllowList } from "../urls";
import jpeg from "jpeg-js";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { asLpa } from "./normalise";

export type QrCodeForm = "lpa" | "data-uri" | "base64" | "url";

/** A QrCode that holds no LPA we can read: the card exists upstream, its install does not reach us. */
export class QrCodeUnreadableError extends Error {
  constructor(
    readonly form: QrCodeForm | "unrecognised",
    problem: string,
  ) {
    super(`QrCode (${form}) could not be read: ${problem}`);
    this.name = "QrCodeUnreadableError";
  }
}

/** Where a QrCode image URL may be fetched from, and how. */
export interface QrImageSource {
  /** MeiSIM's allow-list of hosts its answers' addresses may point at (MEISIM_URL_HOSTS, see ../urls). */
  allowList: UrlAllowList;
  fetchImpl?: typeof fetch;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Default 1 MiB; a QR code image is a few kilobytes. */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** A QR code needs no more; larger images are refused before their pixels are unpacked. */
const MAX_SIDE_PX = 2048;

/** Whether `url` may be fetched for a QrCode image: https (http only on this machine) on a host of MeiSIM's allow-list, refusals logged. */
export function qrImageUrlAllowed(url: URL, allowList: UrlAllowList): boolean {
  return allowedProviderUrl(allowList, url.href, "QrCode image") !== null;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (bytes: Buffer) => bytes.length > 24 && bytes.subarray(0, 8).equals(PNG_MAGIC);
const isJpeg = (bytes: Buffer) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

const DATA_URI = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/is;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The LPA a QrCode value holds, and the form it came in; throws QrCodeUnreadableError. */
export async function lpaFromQrCode(value: string, source: QrImageSource): Promise<{ lpa: string; form: QrCodeForm }> {
  const text = value.trim();
  const lpa = asLpa(text);
  if (lpa) return { lpa, form: "lpa" };
  const dataUri = DATA_URI.exec(text);
  if (dataUri) {
    if (!/;base64$/i.test(dataUri[2]!)) throw new QrCodeUnreadableError("data-uri", "the data URI is not base64");
    return { lpa: lpaFromImage(Buffer.from(dataUri[3]!.replace(/\s+/g, ""), "base64"), "data-uri"), form: "data-uri" };
  }
  if (/^https?:\/\//i.test(text)) return { lpa: lpaFromImage(await fetchImage(text, source), "url"), form: "url" };
  const compact = text.replace(/\s+/g, "");
  if (compact.length >= 32 && BASE64.test(compact)) {
    return { lpa: lpaFromImage(Buffer.from(compact, "base64"), "base64"), form: "base64" };
  }
  throw new QrCodeUnreadableError("unrecognised", "neither LPA text, a data URI, base64 of an image nor an image URL");
}

/** The LPA a PNG or JPEG image of a QR code holds (the type is read from the bytes, never from a label). */
export function lpaFromImage(bytes: Buffer, form: QrCodeForm): string {
  const { data, width, height } = pixels(bytes, form);
  const code = jsQR(data, width, height);
  if (!code) throw new QrCodeUnreadableError(form, "no QR code found in the image");
  const lpa = asLpa(code.data);
  if (!lpa) throw new QrCodeUnreadableError(form, `the QR code holds ${JSON.stringify(code.data.slice(0, 40))}, not an LPA`);
  return lpa;
}

function pixels(bytes: Buffer, form: QrCodeForm): { data: Uint8ClampedArray; width: number; height: number } {
  if (isPng(bytes)) {
    // IHDR comes first: width and height are read before any pixel is unpacked.
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    checkSize(width, height, form);
    const image = readImage(() => PNG.sync.read(bytes), form);
    return { data: onWhite(image.data), width: image.width, height: image.height };
  }
  if (isJpeg(bytes)) {
    const maxMegapixels = (MAX_SIDE_PX * MAX_SIDE_PX) / 1e6;
    const image = readImage(() => jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: maxMegapixels, maxMemoryUsageInMB: 64 }), form);
    checkSize(image.width, image.height, form);
    return {
      data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
      width: image.width,
      height: image.height,
    };
  }
  throw new QrCodeUnreadableError(form, "the image is neither PNG nor JPEG");
}

function checkSize(width: number, height: number, form: QrCodeForm): void {
  if (width < 1 || height < 1 || width > MAX_SIDE_PX || height > MAX_SIDE_PX) {
    throw new QrCodeUnreadableError(form, `the image is ${width}×${height} pixels (at most ${MAX_SIDE_PX} a side)`);
  }
}

function readImage<T>(read: () => T, form: QrCodeForm): T {
  try {
    return read();
  } catch (err) {
    throw new QrCodeUnreadableError(form, `the image is corrupt (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** RGBA pixels composited on white, so a transparent background reads as the light modules. */
function onWhite(rgba: Buffer): Uint8ClampedArray {
  const out = new Uint8ClampedArray(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = rgba[i + 3]! / 255;
    for (let c = 0; c < 3; c++) out[i + c] = Math.round(rgba[i + c]! * alpha + 255 * (1 - alpha));
    out[i + 3] = 255;
  }
  return out;
}

async function fetchImage(address: string, source: QrImageSource): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new QrCodeUnreadableError("url", "the URL is malformed");
  }
  if (!qrImageUrlAllowed(url, source.allowList)) {
    throw new QrCodeUnreadableError("url", `${url.host} is not on MeiSIM's URL allow-list (MEISIM_URL_HOSTS)`);
  }
  const maxBytes = source.maxBytes ?? DEFAULT_MAX_BYTES;
  const fetchImpl = source.fetchImpl ?? fetch;
  let response: Response;
  try {
    // No redirects: one could lead off the allowed hosts.
    response = await fetchImpl(url, { redirect: "error", signal: AbortSignal.timeout(source.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (err) {
    throw new QrCodeUnreadableError(
      "url",
      `fetching ${url.host}${url.pathname} failed (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new QrCodeUnreadableError("url", `${url.host}${url.pathname} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new QrCodeUnreadableError("url", `the image is ${declared} bytes (at most ${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = response.body?.getReader();
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      size += next.value.length;
      if (size > maxBytes) {
        await reader!.cancel().catch(() => {});
        throw new QrCodeUnreadableError("url", `the image is over ${maxBytes} bytes`);
      }
      chunks.push(next.value);
    }
  } catch (err) {
    if (err instanceof QrCodeUnreadableError) throw err;
    throw new QrCodeUnreadableError("url", `reading the image failed (${err instanceof Error ? err.message : String(err)})`);
  }
  return Buffer.concat(chunks);
}
