/**
 * What can happen to an answer after the provider has acted on the request:
 * the variant dialects of both provider simulators use these on the calls
 * that place or cancel something, so a client is tested against the worst
 * case, where the work is done and the answer does not say so.
 */
import type { SimResponse } from "./server";

export const WIRE_FAULTS = ["lost-answer", "malformed-json", "html-error", "huge-body", "slow-answer"] as const;
export type WireFault = (typeof WIRE_FAULTS)[number];

export interface WireFaultOptions {
  /** How long a slow answer takes; past a client's timeout it is a lost answer that arrives anyway. Default 3 s. */
  slowAnswerMs: number;
  /** The size of the huge body. Default 4 MiB. */
  hugeBodyBytes: number;
}

export const DEFAULT_WIRE_FAULT_OPTIONS: WireFaultOptions = { slowAnswerMs: 3_000, hugeBodyBytes: 4 * 1024 * 1024 };

/** What a gateway in front of the provider might send instead of the provider's answer. */
export const GATEWAY_ERROR_PAGE =
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The upstream server closed the connection.</p></body></html>";

/** The answer `processed` as the fault delivers it (or does not). */
export function faultedAnswer(fault: WireFault, processed: SimResponse, options: WireFaultOptions): SimResponse {
  switch (fault) {
    case "lost-answer":
      return { hang: true };
    case "malformed-json": {
      // The real answer cut off half-way, still labelled as JSON.
      const text = typeof processed.body === "string" ? processed.body : JSON.stringify(processed.body ?? {});
      return { status: processed.status, headers: { "content-type": "application/json" }, body: text.slice(0, Math.ceil(text.length / 2)) };
    }
    case "html-error":
      return { status: 502, headers: { "content-type": "text/html; charset=utf-8" }, body: GATEWAY_ERROR_PAGE };
    case "huge-body": {
      const filler = "<p>upstream diagnostic dump</p>\n";
      const body = `<html><body>${filler.repeat(Math.ceil(options.hugeBodyBytes / filler.length))}</body></html>`;
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body };
    }
    case "slow-answer":
      return { ...processed, delayMs: options.slowAnswerMs };
  }
}
