import type { SimServer } from "../shared/server";
import { isQrCodeForm, QR_CODE_FORMS, qrJpeg, qrPng } from "./qr-forms";
import { badRequest, notFound, SimError, usd } from "./sim-error";
import type { DealerStatus, EsimStateName, MeisimState } from "./state";

/**
 * Test and demo controls under /__sim/ (never rate-limited or faulted):
 * reading OTP codes, moving time, paying checkouts, changing accounts.
 */
export function controlRoutes(sim: SimServer, state: MeisimState): void {
  const guarded =
    (handler: Parameters<SimServer["route"]>[2]): Parameters<SimServer["route"]>[2] =>
    async (req) => {
      try {
        return await handler(req);
      } catch (err) {
        if (err instanceof SimError) return { status: err.status, body: err.body };
        throw err;
      }
    };

  sim.route(
    "GET",
    "/__sim/otp",
    guarded((req) => {
      const email = req.query.get("email") ?? "";
      const code = state.lastOtp(email);
      if (!code) throw notFound(`No OTP sent to ${email}`);
      return { body: { email, code } };
    }),
  );

  sim.route(
    "POST",
    "/__sim/qr-form",
    guarded((req) => {
      if (!isQrCodeForm(req.body.form)) throw badRequest(`form must be one of ${QR_CODE_FORMS.join(", ")}`);
      state.qrCodeForm = req.body.form;
      return { body: { form: state.qrCodeForm } };
    }),
  );

  // The image a QrCode URL points at: the eSIM's LPA as a PNG (or JPEG for .jpg).
  sim.route(
    "GET",
    "/__sim/qr/:file",
    guarded(async (req) => {
      const [, iccid, type] = /^(\w+)\.(png|jpg)$/.exec(req.params.file ?? "") ?? [];
      const esim = iccid ? state.esims.get(iccid) : undefined;
      if (!esim) throw notFound(`No QR image ${req.params.file}`);
      const jpegImage = type === "jpg";
      return {
        headers: { "content-type": jpegImage ? "image/jpeg" : "image/png" },
        body: jpegImage ? await qrJpeg(esim.lpa) : await qrPng(esim.lpa),
      };
    }),
  );

  sim.route(
    "POST",
    "/__sim/advance",
    guarded((req) => {
      const ms = Number(req.body.ms);
      if (!Number.isFinite(ms) || ms < 0) throw badRequest("ms must be a non-negative number");
      state.advance(ms);
      return { body: { now: new Date(state.now()).toISOString() } };
    }),
  );

  // The checkoutUrl handed out by /dealer/topup: a one-button stand-in for Stripe Checkout.
  sim.route(
    "GET",
    "/__sim/checkout/:id",
    guarded((req) => {
      const payment = state.payments.get(req.params.id!);
      if (!payment) throw notFound(`No checkout ${req.params.id}`);
      const html = `<!doctype html><title>MeiSIM top-up (simulated)</title>
<h1>Wallet top-up: $${usd(payment.netCents).toFixed(2)}</h1>
<form method="post" action="/__sim/payments/${payment.id}/complete"><button>Pay (simulated)</button></form>`;
      return { headers: { "content-type": "text/html; charset=utf-8" }, body: html };
    }),
  );

  sim.route(
    "POST",
    "/__sim/payments/:id/complete",
    guarded((req) => {
      const payment = state.completePayment(req.params.id!);
      return { body: { ok: true, paymentId: payment.id, balance: usd(state.dealerById(payment.dealerId)!.balanceCents) } };
    }),
  );

  sim.route(
    "POST",
    "/__sim/dealer-status",
    guarded((req) => {
      state.setDealerStatus(String(req.body.email), String(req.body.status) as DealerStatus);
      return { body: { ok: true } };
    }),
  );

  sim.route(
    "POST",
    "/__sim/esims/:iccid/usage",
    guarded((req) => {
      state.setEsimUsage(req.params.iccid!, {
        state: String(req.body.state) as EsimStateName,
        usedMb: req.body.usedMb === undefined ? undefined : Number(req.body.usedMb),
      });
      return { body: { ok: true } };
    }),
  );

  sim.route(
    "POST",
    "/__sim/supply/restock",
    guarded((req) => {
      state.supply.restock(Number(req.body.count ?? 0));
      return { body: { ok: true, stats: state.supply.stats() } };
    }),
  );
}
