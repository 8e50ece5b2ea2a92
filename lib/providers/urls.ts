/**
 * Addresses a provider hands us (a card's PDF, a wallet top-up's checkout
 * page) are shown to customers or followed by admins only when their host is
 * on that provider's allow-list: a provider answer that was tampered with,
 * or a bug upstream, must not send our customers or admins to any site it
 * names. Each provider folder builds its list (from its *_URL_HOSTS setting,
 * by default the host of its configured base URL) and checks with this
 * helper; a refused address is logged and dropped.
 */
import "server-only";
import { log as rootLog, type Logger } from "../log";

export interface UrlAllowList {
  provider: string;
  /** `host` or `host:port`, lower case. */
  hosts: readonly string[];
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The configured hosts ("a.example, b.example:8443"), or the base URL's host when none are. */
export function urlAllowList(provider: string, configured: string | undefined, baseUrl: string): UrlAllowList {
  const listed = (configured ?? "")
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  return { provider, hosts: listed.length > 0 ? listed : [new URL(baseUrl).host.toLowerCase()] };
}

/**
 * `value` when it is an https address (http only on this machine: the
 * simulators) on a listed host; otherwise null, logged with what it was for.
 */
export function allowedProviderUrl(
  list: UrlAllowList,
  value: string | null | undefined,
  what: string,
  logger: Logger = rootLog,
): string | null {
  if (value === null || value === undefined || value === "") return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  const schemeOk = url !== null && (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)));
  if (url && schemeOk && !url.username && !url.password && list.hosts.includes(url.host.toLowerCase())) return url.href;
  logger.warn("provider URL refused: host not on the allow-list", {
    provider: list.provider,
    what,
    host: url?.host ?? null,
    protocol: url?.protocol ?? null,
    allowed: list.hosts,
  });
  return null;
}
