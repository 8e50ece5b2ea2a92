/**
 * The configured upstream providers, built once per process from the
 * validated environment. The storefront asks for `EsimProvider`s by id; the
 * admin area may reach each provider's full client for provider-only features.
 * A third provider is one new folder plus one entry here.
 */
import "server-only";
import { env } from "../config/env";
import { currentDealerKey } from "./credential-store";
import { MeisimClient, MeisimProvider } from "./meisim";
import { MioesimProvider, MioesimClient } from "./mioesim";
import type { EsimProvider, ProviderId } from "./types";

interface Registry {
  mioesim: MioesimProvider;
  meisim: MeisimProvider;
}

const globalForProviders = globalThis as unknown as { __providers?: Registry };

function registry(): Registry {
  if (!globalForProviders.__providers) {
    const e = env();
    globalForProviders.__providers = {
      mioesim: new MioesimProvider(
        new MioesimClient({
          baseUrl: e.MIOESIM_BASE_URL,
          phone: e.MIOESIM_PHONE,
          password: e.MIOESIM_PASSWORD,
          secret: e.MIOESIM_SECRET,
          urlHosts: e.MIOESIM_URL_HOSTS,
          currency: e.MIOESIM_CURRENCY,
          timeoutMs: e.PROVIDER_TIMEOUT_MS,
        }),
      ),
      meisim: new MeisimProvider(
        new MeisimClient({
          baseUrl: e.MEISIM_BASE_URL,
          dealerKey: e.MEISIM_DEALER_KEY,
          storedDealerKey: currentDealerKey,
          portalEmail: e.MEISIM_PORTAL_EMAIL,
          portalPassword: e.MEISIM_PORTAL_PASSWORD,
          urlHosts: e.MEISIM_URL_HOSTS,
          timeoutMs: e.PROVIDER_TIMEOUT_MS,
        }),
      ),
    };
  }
  return globalForProviders.__providers;
}

export function allProviders(): EsimProvider[] {
  return Object.values(registry());
}

export function providerById(id: string): EsimProvider {
  const found = registry()[id as ProviderId];
  if (!found) throw new Error(`Unknown provider "${id}"`);
  return found;
}

/** Provider-specific clients, for the admin area only. */
export function mioesimClient(): MioesimClient {
  return registry().mioesim.client;
}
export function meisimClient(): MeisimClient {
  return registry().meisim.client;
}
