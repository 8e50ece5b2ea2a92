/**
 * The frame and the building blocks every email of the store uses. Styles
 * are inline (what mail clients keep); colours are the storefront's brand
 * colours. Each piece renders to plain text sensibly too: render() with
 * { plainText: true } makes the text part from the same tree.
 */
// Each component from its own package: React Email's barrel package also loads
// a syntax highlighter and Tailwind, about half a second for every process that
// imports the email code.
import { Body } from "@react-email/body";
import { Button } from "@react-email/button";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Heading } from "@react-email/heading";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import type { CSSProperties, ReactNode } from "react";

const BRAND = "#1d5fd6";
const INK = "#0f172a";
const MUTED = "#475569";

const styles = {
  body: { backgroundColor: "#f1f5f9", fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", margin: 0 },
  container: { backgroundColor: "#ffffff", margin: "24px auto", maxWidth: "600px", padding: "24px 28px", borderRadius: "8px" },
  brand: { color: BRAND, fontSize: "18px", fontWeight: 700, margin: "0 0 16px" },
  heading: { color: INK, fontSize: "22px", lineHeight: "28px", margin: "0 0 12px" },
  subheading: { color: INK, fontSize: "17px", lineHeight: "24px", margin: "24px 0 8px" },
  text: { color: INK, fontSize: "15px", lineHeight: "22px", margin: "0 0 12px" },
  fine: { color: MUTED, fontSize: "12px", lineHeight: "18px", margin: "0 0 6px" },
  button: { backgroundColor: BRAND, borderRadius: "6px", color: "#ffffff", fontSize: "15px", fontWeight: 600, padding: "12px 20px" },
  label: { color: MUTED, fontSize: "13px", margin: "0", width: "40%", verticalAlign: "top", padding: "4px 8px 4px 0" },
  value: { color: INK, fontSize: "14px", margin: "0", wordBreak: "break-all", padding: "4px 0" },
} satisfies Record<string, CSSProperties>;

export interface EmailLayoutProps {
  /** The line a mail client shows beside the subject. */
  preview: string;
  heading: string;
  children: ReactNode;
  /** Why the reader got this email, or what to do if it was not for them. */
  footer?: ReactNode;
}

export function EmailLayout({ preview, heading, children, footer }: EmailLayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>RoamSIM</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr />
          {footer}
          <Text style={styles.fine}>RoamSIM · travel eSIM data plans</Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

export function FinePrint({ children }: { children: ReactNode }) {
  return <Text style={styles.fine}>{children}</Text>;
}

export function SectionHeading({ children }: { children: ReactNode }) {
  return (
    <Heading as="h2" style={styles.subheading}>
      {children}
    </Heading>
  );
}

/** The email's main action, as a button; the text part shows the label and the address. */
export function ActionButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={{ margin: "8px 0 20px" }}>
      <Button href={href} style={styles.button}>
        {children}
      </Button>
    </Section>
  );
}

export function TextLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} style={{ color: BRAND, textDecoration: "underline" }}>
      {children}
    </Link>
  );
}

/** The class that marks a DetailRows table, which the text part lays out as columns (lib/email/render.ts). */
export const DETAIL_ROWS_CLASS = "detail-rows";

/** Label and value pairs (install fields, receipt lines), as a table that stays readable as text. */
export function DetailRows({ rows }: { rows: readonly (readonly [label: string, value: ReactNode])[] }) {
  return (
    <table className={DETAIL_ROWS_CLASS} role="presentation" width="100%" cellPadding={0} cellSpacing={0} style={{ margin: "0 0 12px" }}>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <td style={styles.label}>{label}</td>
            <td style={styles.value}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
