import "server-only";
import { MeisimAccountApi } from "./account-api";
import { MeisimAuthApi } from "./auth-api";
import { MEISIM_DEFAULTS, type MeisimClientConfig } from "./config";
import { MeisimNotConfiguredError } from "./errors";
import { MeisimEsimApi } from "./esim-api";
import { MeisimSupplyApi } from "./supply-api";
import { MeisimTopupApi } from "./topup-api";
import { MeisimTransport } from "./transport";
import { MeisimValidatorApi } from "./validator-api";
import { MeisimVerificationApi } from "./verification-api";
import { MeisimWalletApi } from "./wallet-api";
import { urlAllowList } from "../urls";

/**
 * The whole MeiSIM Dealer API and its portal API, grouped as the
 * documentation groups them. The storefront uses `MeisimProvider`; the admin
 * area reaches the provider-only features (wallet, supply, validator…) here.
 */
export class MeisimClient {
  readonly auth: MeisimAuthApi;
  readonly account: MeisimAccountApi;
  readonly esim: MeisimEsimApi;
  readonly topup: MeisimTopupApi;
  readonly wallet: MeisimWalletApi;
  readonly verification: MeisimVerificationApi;
  readonly supply: MeisimSupplyApi;
  readonly validator: MeisimValidatorApi;
  /** The transport, for the health panel's figures (rate-limit usage, JWT expiry). */
  readonly health: Pick<MeisimTransport, "rateUsage" | "dealerTokenExpiresAt">;
  /** How dealer calls authenticate: the key when configured, else a JWT from password login. */
  readonly dealerAuth: "key" | "jwt" | "none";

  constructor(config: MeisimClientConfig) {
    if (!config.baseUrl) throw new MeisimNotConfiguredError("a base URL");
    this.dealerAuth = config.dealerKey ? "key" : config.dealerEmail && config.dealerPassword ? "jwt" : "none";
    const http = new MeisimTransport(config, {
      dealer: this.dealerAuth === "jwt" ? () => this.auth.login() : null,
      portal: config.portalEmail && config.portalPassword ? () => this.auth.portalLogin() : null,
    });
    this.health = http;
    this.auth = new MeisimAuthApi(http, config);
    this.account = new MeisimAccountApi(http);
    const allowList = meisimUrlAllowList(config);
    this.esim = new MeisimEsimApi(http, { allowList, fetchImpl: config.fetchImpl });
    this.topup = new MeisimTopupApi(http, config.topupConfirmationTtlMs ?? MEISIM_DEFAULTS.topupConfirmationTtlMs);
    this.wallet = new MeisimWalletApi(http, allowList, config.logger);
    this.verification = new MeisimVerificationApi(http);
    this.supply = new MeisimSupplyApi(http);
    this.validator = new MeisimValidatorApi(http);
  }
}

/** The documents' wallet top-up is a Stripe Checkout session, so its page is on Stripe's host. */
const STRIPE_CHECKOUT_HOST = "checkout.stripe.com";

/** MEISIM_URL_HOSTS, or by default the base URL's host and Stripe Checkout's. */
function meisimUrlAllowList(config: Pick<MeisimClientConfig, "urlHosts" | "baseUrl">) {
  return urlAllowList("meisim", config.urlHosts || `${new URL(config.baseUrl).host},${STRIPE_CHECKOUT_HOST}`, config.baseUrl);
}
