import { inflateSync } from "node:zlib";
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, type PDFObject } from "pdf-lib";
import QRCode, { type QRCodeErrorCorrectionLevel } from "qrcode";
import { describe, expect, it } from "vitest";
import { installPdf, iosInstallLink, qrCodeDataUrl, type InstallableEsim } from "@/lib/orders/install";

const ESIM: InstallableEsim = {
  iccid: "8985200000000000123",
  lpa: "LPA:1$rsp.mioesim-sim.test$K2-3ABC4-DEF5G",
  smdpAddress: "rsp.mioesim-sim.test",
  activationCode: "K2-3ABC4-DEF5G",
  apn: "mioesim",
  activateBefore: "2024-02-24T15:59:59.000Z",
};
const PLAN = { planName: "Japan 1GB 7 days", destination: "Japan", dataMb: 1024, days: 7, otherOrderId: "RS20240217-0A1B2C3D4E" };

describe("iosInstallLink", () => {
  it("opens Apple's installer with the LPA as carddata", () => {
    expect(iosInstallLink("LPA:1$smdp.example$CODE")).toBe(
      "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=LPA%3A1%24smdp.example%24CODE",
    );
  });

  it("encodes every character that would break the query, so the LPA arrives intact", () => {
    const lpa = "LPA:1$smdp.example$A&B=C+D#E F/é";
    const link = new URL(iosInstallLink(lpa));
    expect(link.origin + link.pathname).toBe("https://esimsetup.apple.com/esim_qrcode_provisioning");
    expect([...link.searchParams.keys()]).toEqual(["carddata"]);
    expect(link.searchParams.get("carddata")).toBe(lpa);
    expect(link.hash).toBe("");
  });
});

/** Just enough of PNG (8-bit RGBA or RGB, all five row filters) to read pixels back. */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let pos = 8; pos < png.length;) {
    const length = png.readUInt32BE(pos);
    const type = png.toString("latin1", pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : 3;
    }
    if (type === "IDAT") idat.push(data);
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter!]!;
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, dark: (x: number, y: number) => pixels[y * stride + x * channels]! < 128 };
}

/** True when the image is a QR symbol of `text` (at some error-correction level) with a one-module quiet zone. */
function showsQrOf(image: ReturnType<typeof decodePng>, text: string): boolean {
  return (["L", "M", "Q", "H"] as QRCodeErrorCorrectionLevel[]).some((level) => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: level });
    const scale = image.width / (modules.size + 2);
    const at = (module: number) => Math.floor((module + 1.5) * scale);
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) if (image.dark(at(col), at(row)) !== Boolean(modules.get(row, col))) return false;
    }
    // The quiet zone: the first pixel row and column are light.
    return !image.dark(0, 0) && !image.dark(Math.floor(scale / 2), at(3));
  });
}

describe("qrCodeDataUrl", () => {
  it("is a 280-pixel PNG data URL of a QR code that encodes exactly the LPA", async () => {
    const url = await qrCodeDataUrl(ESIM.lpa);
    expect(url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const image = decodePng(Buffer.from(url.split(",")[1]!, "base64"));
    expect([image.width, image.height]).toEqual([280, 280]);
    expect(showsQrOf(image, ESIM.lpa)).toBe(true);
    // Not merely some QR code: another LPA's symbol does not match.
    expect(showsQrOf(image, "LPA:1$rsp.mioesim-sim.test$OTHERCODE00000")).toBe(false);
  });
});

/** The text drawn on each page, in drawing order: pdf-lib writes standard-font text as hex strings in Flate-compressed content streams. */
async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  const pieces: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const streams: PDFObject[] =
      contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)!) : contents ? [contents] : [];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const operators = Buffer.from(decodePDFRawStream(stream).decode()).toString("latin1");
      for (const [, hex] of operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) pieces.push(Buffer.from(hex!, "hex").toString("latin1"));
    }
  }
  return pieces;
}

describe("installPdf", () => {
  it("is a one-page A4 PDF titled with the ICCID", async () => {
    const bytes = await installPdf(ESIM, PLAN);
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe(`eSIM ${ESIM.iccid}`);
    expect(doc.getPage(0).getSize()).toEqual({ width: 595, height: 842 });
  });

  it("prints every manual-install field, the order and the plan", async () => {
    const text = await pdfText(await installPdf(ESIM, PLAN));
    expect(text).toEqual(
      expect.arrayContaining([
        "Japan · 1 GB · 7 days",
        `Order ${PLAN.otherOrderId}`,
        ESIM.iccid,
        ESIM.smdpAddress,
        ESIM.activationCode,
        ESIM.lpa,
        "mioesim",
        "24 Feb 2024",
      ]),
    );
  });

  it("wraps a long LPA without losing characters, and says when APN and deadline are not given", async () => {
    const lpa = `LPA:1$${"smdp-long-host.".repeat(6)}example$${"X".repeat(40)}`;
    const text = await pdfText(await installPdf({ ...ESIM, lpa, apn: null, activateBefore: null }, PLAN));
    const wrapped = text.filter((piece) => lpa.includes(piece) && piece.length > 1 && !ESIM.iccid.includes(piece));
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.join("")).toBe(lpa);
    expect(text).toEqual(expect.arrayContaining(["Set automatically", "No deadline given"]));
  });
});
