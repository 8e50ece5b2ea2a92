/**
 * The delivery email: everything needed to install each eSIM of an order,
 * readable without opening the store. Each QR code is an inline image
 * (`cid:`, attached to the message by the caller): mail clients block
 * data: URLs.
 */
import { Img } from "@react-email/img";
import { Section } from "@react-email/section";
import type { CSSProperties } from "react";
import { ActionButton, DetailRows, EmailLayout, FinePrint, Paragraph, SectionHeading, TextLink } from "./layout";

export interface DeliveredEsimDetails {
  iccid: string;
  lpa: string;
  smdpAddress: string;
  activationCode: string;
  apn: string | null;
  /** "Install before" as the customer reads it, or null when the provider gave no deadline. */
  installBefore: string | null;
  iosInstallUrl: string;
  /** The Content-ID of the QR code image attached to the message. */
  qrCid: string;
  /** The file name of the PDF attached for this eSIM. */
  pdfFilename: string;
}

export interface DeliveryEmailProps {
  otherOrderId: string;
  planName: string;
  destination: string;
  orderUrl: string;
  esims: readonly DeliveredEsimDetails[];
  /** How many eSIMs of the order the network could not supply (refunded by the team). */
  undelivered: number;
}

const listStyle: CSSProperties = { color: "#0f172a", fontSize: "15px", lineHeight: "22px", margin: "0 0 12px", paddingLeft: "22px" };

function Steps({ steps }: { steps: readonly string[] }) {
  return (
    <ol style={listStyle}>
      {steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
}

const IPHONE_STEPS = [
  "Connect to Wi-Fi before you travel and keep this email open on another screen (or print the attached PDF).",
  "On iOS 17.4 or later reading this on the iPhone itself, tap “Install on this iPhone” above; otherwise open Settings › Cellular (Mobile Data) › Add eSIM › Use QR Code, and scan the code.",
  "No camera to spare? Choose “Enter Details Manually” and type the SM-DP+ address and the activation code.",
  "Name the new line (for example “Travel”). Keep your usual line for calls and texts if you like, but choose the travel eSIM for Cellular Data.",
  "When you land: Settings › Cellular › the travel eSIM › turn the line on, and turn Data Roaming on for it.",
  "Only if data does not start: Settings › Cellular › the travel eSIM › Cellular Data Network, and enter the APN shown above.",
] as const;

const ANDROID_STEPS = [
  "Connect to Wi-Fi before you travel and keep this email open on another screen (or print the attached PDF).",
  "Open Settings › Network & internet › SIMs › Add eSIM (on Samsung: Settings › Connections › SIM manager › Add eSIM), then scan the QR code.",
  "No camera to spare? Choose “Enter code manually” (or “Need help?”) and type the LPA string shown above.",
  "When you land: turn the travel eSIM on, choose it for mobile data, and turn Roaming on for it.",
  "Only if data does not start: open the eSIM's settings › Access Point Names › Add, and enter the APN shown above.",
] as const;

export function DeliveryEmail({ otherOrderId, planName, destination, orderUrl, esims, undelivered }: DeliveryEmailProps) {
  const many = esims.length > 1;
  const heading = many ? `Your ${esims.length} eSIMs for ${destination} are ready` : `Your eSIM for ${destination} is ready`;
  return (
    <EmailLayout
      preview={`${planName}: scan the QR code to install. Install before you travel.`}
      heading={heading}
      footer={
        <FinePrint>Order {otherOrderId}. The QR code works once: do not share it with anyone who is not going to use the eSIM.</FinePrint>
      }
    >
      <Paragraph>
        {many ? `Your eSIMs for ${planName} are` : `Your eSIM for ${planName} is`} ready to install. Install {many ? "them" : "it"} before
        you travel, while you have Wi-Fi; {many ? "each one starts" : "it starts"} counting days when it first connects abroad.
      </Paragraph>
      {undelivered > 0 && (
        <Paragraph>The network could not supply {undelivered} of the eSIMs you ordered; our team refunds what was not delivered.</Paragraph>
      )}
      <Paragraph>
        {many
          ? "Each eSIM has its own QR code below and its own PDF attached, so you can forward one to whoever will use it. Each code installs on one phone only."
          : "The same details are in the attached PDF, ready to print."}
      </Paragraph>
      <ActionButton href={orderUrl}>Open your order</ActionButton>

      {esims.map((esim, index) => (
        <Section key={esim.iccid}>
          <SectionHeading>{many ? `eSIM ${index + 1} of ${esims.length}` : "Your eSIM"}</SectionHeading>
          <Img
            src={`cid:${esim.qrCid}`}
            alt={`QR code to install eSIM ${esim.iccid}`}
            width={220}
            height={220}
            style={{ border: "1px solid #e2e8f0", borderRadius: "6px", margin: "0 0 12px" }}
          />
          <Paragraph>
            On an iPhone with iOS 17.4 or later: <TextLink href={esim.iosInstallUrl}>Install on this iPhone</TextLink>
          </Paragraph>
          <DetailRows
            rows={[
              ["ICCID", esim.iccid],
              ["LPA string", esim.lpa],
              ["SM-DP+ address", esim.smdpAddress],
              ["Activation code", esim.activationCode],
              ["APN", esim.apn ?? "Set automatically"],
              ["Install before", esim.installBefore ?? "No deadline given"],
              ["PDF", `${esim.pdfFilename} (attached)`],
            ]}
          />
        </Section>
      ))}

      <SectionHeading>Install on an iPhone</SectionHeading>
      <Steps steps={IPHONE_STEPS} />
      <SectionHeading>Install on Android</SectionHeading>
      <Steps steps={ANDROID_STEPS} />
      <Paragraph>
        Your order page shows the same details and your data usage: <TextLink href={orderUrl}>{orderUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}

/** A renewal: the data went onto an eSIM the customer already has, so there is nothing to install. */
export function DataAddedEmail({
  otherOrderId,
  planName,
  iccid,
  orderUrl,
}: {
  otherOrderId: string;
  planName: string;
  iccid: string;
  orderUrl: string;
}) {
  return (
    <EmailLayout
      preview={`The data of ${planName} is on your eSIM.`}
      heading="Data added to your eSIM"
      footer={<FinePrint>Order {otherOrderId}.</FinePrint>}
    >
      <Paragraph>
        The data of {planName} was added to your eSIM {iccid}. There is nothing new to install: keep using the eSIM you have.
      </Paragraph>
      <ActionButton href={orderUrl}>See your order</ActionButton>
      <Paragraph>
        Or open this address: <TextLink href={orderUrl}>{orderUrl}</TextLink>
      </Paragraph>
    </EmailLayout>
  );
}
