/**
 * Turns an email template (lib/email/templates) into the HTML and the
 * plain-text part of one message, both from the same React tree.
 *
 * React Email renders with react-dom/server: it works in the Next.js server
 * (route handlers, server actions, jobs started by instrumentation) and under
 * plain Node (tests, and scripts preloading scripts/server-only.mjs), but not
 * under Node's `react-server` condition, where react-dom/server refuses to load.
 */
import "server-only";
import type { ReactElement } from "react";
import { DETAIL_ROWS_CLASS } from "./templates/layout";

export interface RenderedEmail {
  html: string;
  text: string;
}

/**
 * Headings keep their case in the text part (html-to-text shouts them by
 * default), and label/value tables read as two columns; the layout's own
 * tables (React Email's containers) stay plain blocks.
 */
const htmlToTextOptions = {
  selectors: [
    ...["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: `table.${DETAIL_ROWS_CLASS}`, format: "dataTable", options: { uppercaseHeaderCells: false, maxColumnWidth: 200 } },
  ],
};

export async function renderEmail(template: ReactElement): Promise<RenderedEmail> {
  // Loaded on the first email, not with every module that can send one: it brings react-dom/server and html-to-text.
  const { render } = await import("@react-email/render");
  const [html, text] = await Promise.all([render(template), render(template, { plainText: true, htmlToTextOptions })]);
  return { html, text };
}
