/**
 * MeiSIM's QrCode in every form it may take (LPA text, data URI, bare
 * base64, an image URL), decoded to the LPA the image holds; and an image
 * that holds none, or comes from a host not allowed, is never read as one.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import { afterEach, describe, expect, it } from "vitest";
import { InstallUnreadableError, installUnreadableIn } from "@/lib/providers/errors";
import { lpaFromQrCode, MeisimProvider, QrCodeUnreadableError, qrImageUrlAllowed } from "@/lib/providers/meisim";
import { urlAllowList } from "@/lib/providers/urls";
import { QR_CODE_FORMS } from "@/simulators/meisim/qr-forms";
import { clientFor, silentLogger, useSimulator } from "./harness";

const LPA = "LPA:1$smdp.example.com$ABCD-1234-EFGH";
const png = (text: string) => QRCode.toBuffer(text, { errorCorrectionLevel: "M", margin: 2, width: 240 });
const jpegOf = async (text: string) => {
  const image = PNG.sync.read(await png(text));
  return Buffer.from(jpeg.encode({ data: image.data, width: image.width, height: image.height }, 85).data);
};

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A local image host answering `handler`; returns its origin. */
async function imageHost(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const noHosts = { allowList: urlAllowList("meisim", undefined, "https://meisimusa.com") };
/** The allow-list of a MeiSIM configured at `origin`. */
const servedFrom = (origin: string) => ({ allowList: urlAllowList("meisim", undefined, origin) });

describe("lpaFromQrCode", () => {
  it("reads LPA text as it is, prefix normalised", async () => {
    expect(await lpaFromQrCode(`  lpa:1$smdp.example.com$ABCD-1234-EFGH `, noHosts)).toEqual({ lpa: LPA, form: "lpa" });
  });

  it("decodes a PNG data URI, bare base64 of a PNG, and a JPEG data URI", async () => {
    const pngBase64 = (await png(LPA)).toString("base64");
    expect(await lpaFromQrCode(`data:image/png;base64,${pngBase64}`, noHosts)).toEqual({ lpa: LPA, form: "data-uri" });
    expect(await lpaFromQrCode(pngBase64, noHosts)).toEqual({ lpa: LPA, form: "base64" });
    // Line-wrapped base64, as some services send it.
    expect(await lpaFromQrCode(pngBase64.replace(/(.{76})/g, "$1\n"), noHosts)).toEqual({ lpa: LPA, form: "base64" });
    const jpegBase64 = (await jpegOf(LPA)).toString("base64");
    expect(await lpaFromQrCode(`data:image/jpeg;base64,${jpegBase64}`, noHosts)).toEqual({ lpa: LPA, form: "data-uri" });
    // The bytes decide the type, not the label.
    expect(await lpaFromQrCode(`data:image/png;base64,${jpegBase64}`, noHosts)).toEqual({ lpa: LPA, form: "data-uri" });
  });

  it("fetches an image URL on the base URL's origin, with no redirect followed", async () => {
    const image = await png(LPA);
    let redirect: string | null = null;
    const origin = await imageHost((req, res) => {
      if (req.url === "/qr/1.png") return res.writeHead(200, { "content-type": "image/png" }).end(image);
      redirect = req.url ?? null;
      res.writeHead(302, { location: "/qr/1.png" }).end();
    });
    const source = servedFrom(origin);
    expect(await lpaFromQrCode(`${origin}/qr/1.png`, source)).toEqual({ lpa: LPA, form: "url" });
    await expect(lpaFromQrCode(`${origin}/moved.png`, source)).rejects.toThrow(QrCodeUnreadableError);
    expect(redirect).toBe("/moved.png");
  });

  it("never fetches from a host that is not allowed", async () => {
    let fetched = 0;
    const origin = await imageHost((_req, res) => {
      fetched++;
      res.end();
    });
    // The image host is this machine, but the list names MeiSIM's host only.
    await expect(lpaFromQrCode(`${origin}/qr.png`, noHosts)).rejects.toThrow(/not on MeiSIM's URL allow-list/);
    expect(fetched).toBe(0);
  });

  it("refuses an image over the size cap, and one that does not come in time", async () => {
    const big = Buffer.alloc(64 * 1024, 1);
    const origin = await imageHost((req, res) => {
      if (req.url === "/slow.png") return setTimeout(() => res.end(big), 1_000);
      // No content-length: the cap counts the bytes as they come.
      res.writeHead(200, { "content-type": "image/png", "transfer-encoding": "chunked" });
      res.end(big);
    });
    await expect(lpaFromQrCode(`${origin}/big.png`, { ...servedFrom(origin), maxBytes: 16 * 1024 })).rejects.toThrow(/over 16384 bytes/);
    await expect(lpaFromQrCode(`${origin}/slow.png`, { ...servedFrom(origin), timeoutMs: 200 })).rejects.toThrow(QrCodeUnreadableError);
  });

  it("reads nothing from an image that holds no LPA, is not an image, or is too large", async () => {
    const notLpa = (await png("https://example.com/not-an-activation-code")).toString("base64");
    await expect(lpaFromQrCode(`data:image/png;base64,${notLpa}`, noHosts)).rejects.toThrow(/not an LPA/);
    await expect(lpaFromQrCode(`data:image/gif;base64,${Buffer.from("GIF89a....").toString("base64")}`, noHosts)).rejects.toThrow(
      /neither PNG nor JPEG/,
    );
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    await expect(lpaFromQrCode(PNG.sync.write(blank).toString("base64"), noHosts)).rejects.toThrow(/no QR code/);
    const huge = await png(LPA);
    huge.writeUInt32BE(100_000, 16); // IHDR width: refused before any pixel is unpacked
    await expect(lpaFromQrCode(huge.toString("base64"), noHosts)).rejects.toThrow(/at most 2048 a side/);
    await expect(lpaFromQrCode("Success", noHosts)).rejects.toThrow(/neither LPA text/);
  });
});

describe("QR image hosts", () => {
  it("are MeiSIM's URL allow-list (MEISIM_URL_HOSTS), over https only, never with credentials", () => {
    const list = urlAllowList("meisim", "meisimusa.com, QR.meisimusa.com , cdn.example.com:8443", "https://meisimusa.com");
    const allowed = (url: string) => qrImageUrlAllowed(new URL(url), list);
    expect(allowed("https://meisimusa.com/qr/1.png")).toBe(true);
    expect(allowed("https://qr.meisimusa.com/1.png")).toBe(true);
    expect(allowed("https://cdn.example.com:8443/1.png")).toBe(true);
    expect(allowed("http://qr.meisimusa.com/1.png")).toBe(false);
    expect(allowed("http://meisimusa.com/qr/1.png")).toBe(false);
    expect(allowed("https://cdn.example.com/1.png")).toBe(false);
    expect(allowed("https://evil.example/1.png")).toBe(false);
    expect(allowed("https://meisimusa.com.evil.example/1.png")).toBe(false);
    expect(allowed("https://user:pw@meisimusa.com/qr/1.png")).toBe(false);
  });
});

describe.each(["strict", "friendly"] as const)("MeisimProvider.placeOrder with each QrCode form, %s dialect", (dialect) => {
  const sim = useSimulator({ dialect, rateLimits: { read: null } });
  const provider = () => new MeisimProvider(clientFor(sim.current.url, { rateLimits: { read: null } }), { logger: silentLogger });

  it.each(QR_CODE_FORMS.filter((form) => form !== "garbled"))("delivers the LPA the %s QrCode holds", async (form) => {
    sim.current.state.qrCodeForm = form;
    const order = await provider().placeOrder({ planRef: "esim_3gb_15days_fr", otherOrderId: `SO-${form}`, itemIds: [`SO-${form}-1`] });
    const upstream = sim.current.state.esims.get(order.esims[0]!.iccid)!;
    expect(order.esims[0]).toMatchObject({ lpa: upstream.lpa, smdpAddress: upstream.smdpAddress, activationCode: upstream.matchingId });
  });

  it("holds a card whose QrCode holds no LPA unless SM-DP+ address and matching id come beside it; never a made-up LPA", async () => {
    sim.current.state.qrCodeForm = "garbled";
    const placing = provider().placeOrder({ planRef: "esim_3gb_15days_fr", otherOrderId: "SO-bad", itemIds: ["SO-bad-1"] });
    const outcome = await placing.then(
      (order) => ({ order }),
      (err: unknown) => ({ err }),
    );
    const iccid = sim.current.state.orders[0]!.iccid!;
    if (dialect === "friendly") {
      // SmdpAddress and MatchingId come with it: the LPA is read from them and no image is decoded.
      expect("order" in outcome && outcome.order.esims[0]!.lpa).toBe(sim.current.state.esims.get(iccid)!.lpa);
      return;
    }
    const unreadable = installUnreadableIn("err" in outcome ? outcome.err : null);
    expect(unreadable).toBeInstanceOf(InstallUnreadableError);
    expect(unreadable!.iccid).toBe(iccid);
    expect(unreadable!.message).toMatch(/neither PNG nor JPEG/);
  });
});
