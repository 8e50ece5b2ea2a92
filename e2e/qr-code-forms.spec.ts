/**
 * MeiSIM's order answer promises only Status, Iccid and QrCode, and the
 * simulator (strict dialect) answers QrCode in each form it may take. For
 * each, a signed-in customer buys a MeiSIM eSIM (by card: five guest
 * checkouts from the test machine's one address would spend its hourly
 * guest limit that other specs need) and the order page's QR code, the delivery
 * email's inline QR code and the PDF's QR code all decode to the LPA MeiSIM
 * issued (its own QR image of the card, /__sim/qr/<iccid>.png), which is the
 * LPA string the page shows.
 *
 * Store-wide (playwright.config.ts): it switches the simulator's QrCode form
 * for every order placed meanwhile.
 */
import { inflateSync } from "node:zlib";
import jsQR from "jsqr";
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from "pdf-lib";
import { PNG } from "pngjs";
import { expect, latestEmailTo, test } from "./fixtures";

const MEISIM = "http://127.0.0.1:4120";
const FORMS = ["lpa", "data-uri", "base64", "jpeg", "url"] as const;

function decodePng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error("no QR code in the image");
  return code.data;
}

/** The QR code drawn in a PDF: pdf-lib embeds a PNG as deflated RGB (or grey) pixels in an image XObject. */
async function decodePdfQr(bytes: Buffer): Promise<string> {
  const pdf = await PDFDocument.load(bytes);
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const width = (object.dict.get(PDFName.of("Width")) as PDFNumber).asNumber();
    const height = (object.dict.get(PDFName.of("Height")) as PDFNumber).asNumber();
    const pixels = inflateSync(Buffer.from(object.getContents()));
    const channels = pixels.length / (width * height);
    if (channels !== 1 && channels !== 3) continue; // an alpha mask, not the picture
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pixels[i * channels + (channels === 3 ? c : 0)]!;
      rgba[i * 4 + 3] = 255;
    }
    const code = jsQR(rgba, width, height);
    if (code) return code.data;
  }
  throw new Error("no QR code in the PDF");
}

async function setQrForm(form: string): Promise<void> {
  const res = await fetch(`${MEISIM}/__sim/qr-form`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ form }),
  });
  expect(res.ok).toBe(true);
}

test.afterAll(async () => {
  await setQrForm("lpa");
});

for (const form of FORMS) {
  test(`a MeiSIM QrCode answered as ${form}: the page, the email and the PDF decode to the LPA MeiSIM issued`, async ({
    page,
    customer,
  }) => {
    await setQrForm(form);
    await page.goto("/destinations/japan");
    // MeiSIM's plans read "<destination> <data>, <days>".
    const row = page
      .getByRole("table", { name: "Plans for Japan" })
      .getByRole("row")
      .filter({ hasText: /Japan \d+ GB, \d+ days/ })
      .filter({ has: page.getByRole("button", { name: /^Buy / }) })
      .first();
    await row.getByRole("button", { name: /^Buy / }).click();
    await expect(page).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
    const orderPath = new URL(page.url()).pathname;
    await page.getByRole("button", { name: /by card$/ }).click();
    await page.getByRole("button", { name: "Pay" }).click();
    await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
    await page.goto(orderPath);
    await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });

    const lpa = (await page.getByTestId("lpa").textContent())!;
    const iccid = /eSIM (\d+)/.exec(
      (await page
        .getByText(/^eSIM \d+$/)
        .first()
        .textContent())!,
    )![1]!;
    const issued = decodePng(Buffer.from(await (await fetch(`${MEISIM}/__sim/qr/${iccid}.png`)).arrayBuffer()));
    expect(lpa).toBe(issued);
    expect(lpa).toMatch(/^LPA:1\$[^$]+\$[^$]+$/);

    const pageQr = await page.getByRole("img", { name: `QR code to install eSIM ${iccid}` }).getAttribute("src");
    expect(decodePng(Buffer.from(pageQr!.replace(/^data:image\/png;base64,/, ""), "base64"))).toBe(issued);

    const delivery = await latestEmailTo(customer.email, /ready/i, 30_000);
    const image = (delivery.attachments ?? []).find((a) => a.contentType === "image/png");
    const pdf = (delivery.attachments ?? []).find((a) => a.contentType === "application/pdf");
    expect(decodePng(Buffer.from(image!.contentBase64, "base64"))).toBe(issued);
    expect(delivery.text).toContain(issued);
    expect(await decodePdfQr(Buffer.from(pdf!.contentBase64, "base64"))).toBe(issued);

    const download = await page.request.get((await page.getByRole("link", { name: "Download PDF" }).first().getAttribute("href"))!);
    expect(await decodePdfQr(Buffer.from(await download.body()))).toBe(issued);
  });
}
