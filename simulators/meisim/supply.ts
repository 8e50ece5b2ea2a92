import { randomUUID } from "node:crypto";
import type { CheckEngine, Verdict } from "./checks";

/**
 * eSIM Supply stock and the replacement checks run against it. Units move
 * available → sold (assigned to a buyer) → burned (replaced or destroyed).
 */

export interface SupplyUnit {
  id: string;
  iccid: string;
  lpa: string;
  carrier: string;
  planType: string;
  status: "available" | "sold" | "burned";
  ownerDealerId: string | null;
  assignedAt: number | null;
  usageId: number | null;
}

export type ReplacementDecision = "pending" | "install_again" | "replaced" | "awaiting_restock" | "admin_review";

export interface ReplacementCheck {
  id: string;
  dealerId: string;
  unit: SupplyUnit;
  verdict: Verdict;
  readyAt: number;
  decision: ReplacementDecision;
  replacement: SupplyUnit | null;
}

const MESSAGES: Record<ReplacementDecision, string> = {
  pending: "Validator check queued.",
  install_again: "The eSIM is still valid; install it again.",
  replaced: "The eSIM was used up; a replacement was assigned.",
  awaiting_restock: "The eSIM was used up; a replacement will be assigned when stock arrives.",
  admin_review: "The check was inconclusive; an admin will review it within 24 hours.",
};

export class SupplyInventory {
  readonly units: SupplyUnit[] = [];
  readonly checks = new Map<string, ReplacementCheck>();
  private serial = 0;

  constructor(
    private readonly checkEngine: CheckEngine,
    private readonly checkMs: number,
  ) {}

  /** Adds `count` fresh available units. */
  restock(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = String(++this.serial).padStart(12, "0");
      this.units.push({
        id: randomUUID(),
        iccid: `8901410${n}`,
        lpa: `LPA:1$att.idemia.io$ATT-${n.slice(-8)}-SUPPLY`,
        carrier: "att",
        planType: "qr",
        status: "available",
        ownerDealerId: null,
        assignedAt: null,
        usageId: null,
      });
    }
  }

  /** Sells up to `quantity` units to the dealer; fewer when stock is short. */
  claim(dealerId: string, quantity: number, usageId: number | null, now: number): SupplyUnit[] {
    const claimed = this.units.filter((u) => u.status === "available").slice(0, quantity);
    for (const unit of claimed) Object.assign(unit, { status: "sold", ownerDealerId: dealerId, assignedAt: now, usageId });
    return claimed;
  }

  stats(): Record<string, number> {
    const stats: Record<string, number> = { "att.qr.available": 0, "att.qr.sold": 0, "att.qr.burned": 0 };
    for (const u of this.units) {
      const key = `${u.carrier}.${u.planType}.${u.status}`;
      stats[key] = (stats[key] ?? 0) + 1;
    }
    return stats;
  }

  /** The dealer's units, newest first. */
  ownedBy(dealerId: string): SupplyUnit[] {
    return this.units.filter((u) => u.ownerDealerId === dealerId).sort((a, b) => (b.assignedAt ?? 0) - (a.assignedAt ?? 0));
  }

  requestReplacement(dealerId: string, unit: SupplyUnit, now: number): ReplacementCheck {
    const check: ReplacementCheck = {
      id: randomUUID(),
      dealerId,
      unit,
      verdict: this.checkEngine.verdictFor(unit.lpa, unit.iccid),
      readyAt: now + this.checkMs,
      decision: "pending",
      replacement: null,
    };
    this.checks.set(check.id, check);
    return check;
  }

  /** Decides every finished check; only a confirmed "used" verdict replaces, from current stock. */
  settle(now: number): void {
    for (const check of this.checks.values()) {
      if (check.decision !== "pending" || now < check.readyAt) continue;
      if (check.verdict === "available") check.decision = "install_again";
      else if (check.verdict !== "used") check.decision = "admin_review";
      else {
        const [replacement] = this.claim(check.dealerId, 1, check.unit.usageId, now);
        if (replacement) check.unit.status = "burned";
        check.replacement = replacement ?? null;
        check.decision = replacement ? "replaced" : "awaiting_restock";
      }
    }
  }

  /** The documented status body for one check. */
  describe(check: ReplacementCheck) {
    const validatorStatus = check.decision === "pending" ? "in_progress" : check.verdict;
    const r = check.replacement;
    return {
      decision: check.decision,
      validator_status: validatorStatus,
      ...(check.decision === "pending" ? {} : { message: MESSAGES[check.decision] }),
      ...(r ? { replacement: { iccid: r.iccid, lpa: r.lpa, inventory_id: r.id } } : {}),
    };
  }

  static submittedMessage = MESSAGES.pending;
}
