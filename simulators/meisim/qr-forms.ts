/**
 * The forms MeiSIM's `QrCode` may take, since the document shows only
 * `"QrCode": "..."`: the LPA text, a PNG as a data URI or as bare base64, a
 * JPEG data URI, a URL of the PNG (served by /__sim/qr/<iccid>.png), or
 * garbled bytes that are no image at all. Tests pick one with
 * POST /__sim/qr-form; the default is the LPA text.
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import type { SimEsim } from "./state";

export const QR_CODE_FORMS = ["lpa", "data-uri", "base64", "jpeg", "url", "garbled"] as const;
export type QrCodeForm = (typeof QR_CODE_FORMS)[number];

export function isQrCodeForm(value: unknown): value is QrCodeForm {
  return (QR_CODE_FORMS as readonly unknown[]).includes(value);
}

export function qrPng(lpa: string): Promise<Buffer> {
  return QRCode.toBuffer(lpa, { errorCorrectionLevel: "M", margin: 2, width: 300 });
}

export async function qrJpeg(lpa: string): Promise<Buffer> {
  const png = PNG.sync.read(await qrPng(lpa));
  return Buffer.from(jpeg.encode({ data: png.data, width: png.width, height: png.height }, 90).data);
}

/** The QrCode field of an order answer for this eSIM, in `form`. */
export async function qrCodeIn(form: QrCodeForm, esim: SimEsim, origin: string): Promise<string> {
  switch (form) {
    case "lpa":
      return esim.lpa;
    case "data-uri":
      return `data:image/png;base64,${(await qrPng(esim.lpa)).toString("base64")}`;
    case "base64":
      return (await qrPng(esim.lpa)).toString("base64");
    case "jpeg":
      return `data:image/jpeg;base64,${(await qrJpeg(esim.lpa)).toString("base64")}`;
    case "url":
      return `${origin}/__sim/qr/${esim.iccid}.png`;
    case "garbled":
      return `data:image/png;base64,${Buffer.from(`not an image ${esim.iccid}`).toString("base64")}`;
  }
}
