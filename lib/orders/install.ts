/**
 * What a customer needs to install an eSIM: a QR code of the LPA string, a
 * one-tap link for iOS 17.4+, the manual-entry fields, and a printable PDF.
 */
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import QRCode from "qrcode";
import { formatData, formatDate, formatDays } from "../format";

export interface InstallableEsim {
  iccid: string;
  lpa: string;
  smdpAddress: string;
  activationCode: string;
  apn: string | null;
  activateBefore: string | null;
}

/** Apple's universal link that opens the eSIM installer with the LPA pre-filled. */
export function iosInstallLink(lpa: string): string {
  return `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa)}`;
}

const QR_OPTIONS = { errorCorrectionLevel: "M", margin: 1, width: 280 } as const;

export function qrCodeDataUrl(lpa: string): Promise<string> {
  return QRCode.toDataURL(lpa, QR_OPTIONS);
}

/** The same QR code as a PNG, for email (as an inline attachment: mail clients block data: URLs). */
export function qrCodePng(lpa: string): Promise<Buffer> {
  return QRCode.toBuffer(lpa, QR_OPTIONS);
}

/** A one-page A4 PDF with the QR code and every manual-install field. */
export async function installPdf(
  esim: InstallableEsim,
  plan: { planName: string; destination: string; dataMb: number | null; days: number; otherOrderId: string },
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`eSIM ${esim.iccid}`);
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const qrPng = await QRCode.toBuffer(esim.lpa, { errorCorrectionLevel: "M", margin: 1, width: 600 });
  const qr = await pdf.embedPng(qrPng);

  page.drawText("Your travel eSIM", { x: 50, y: 780, size: 24, font: bold, color: rgb(0.06, 0.17, 0.4) });
  page.drawText(`${plan.destination} · ${formatData(plan.dataMb)} · ${formatDays(plan.days)}`, { x: 50, y: 752, size: 13, font });
  page.drawText(`Order ${plan.otherOrderId}`, { x: 50, y: 734, size: 10, font, color: rgb(0.4, 0.4, 0.4) });
  page.drawImage(qr, { x: 50, y: 460, width: 250, height: 250 });
  page.drawText("Scan with your phone's camera: Settings › Mobile/Cellular › Add eSIM.", { x: 50, y: 440, size: 10, font });

  const rows: [string, string][] = [
    ["ICCID", esim.iccid],
    ["SM-DP+ address", esim.smdpAddress],
    ["Activation code", esim.activationCode],
    ["LPA string", esim.lpa],
    ["APN", esim.apn ?? "Set automatically"],
    ["Install before", esim.activateBefore ? formatDate(esim.activateBefore) : "No deadline given"],
  ];
  let y = 400;
  for (const [label, value] of rows) {
    page.drawText(label, { x: 50, y, size: 10, font: bold });
    // Long LPA strings wrap rather than run off the page.
    const chunks = value.match(/.{1,70}/g) ?? [value];
    for (const chunk of chunks) {
      page.drawText(chunk, { x: 170, y, size: 10, font });
      y -= 14;
    }
    y -= 6;
  }
  page.drawText("Install the eSIM before you travel, while you have Wi-Fi. Turn on data roaming for it when you arrive.", {
    x: 50,
    y: 120,
    size: 9,
    font,
    color: rgb(0.3, 0.3, 0.3),
  });
  return pdf.save();
}
