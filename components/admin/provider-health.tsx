import { Badge, Table, Td, Th } from "@/components/ui";
import type { ProviderHealthRow } from "@/lib/providers/health";

const when = (at: Date | null) => (at ? `${at.toISOString().replace("T", " ").slice(0, 19)} UTC` : "none yet");

/** What this server process has seen of each provider's calls, and each session's expiry. */
export function ProviderHealthTable({ rows }: { rows: ProviderHealthRow[] }) {
  return (
    <Table caption="Provider health (calls made by this server process since it started)">
      <thead>
        <tr>
          <Th>Provider</Th>
          <Th>Last successful call</Th>
          <Th>Last error</Th>
          <Th>Session</Th>
          <Th>Rate-limit headroom</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white align-top">
        {rows.map(({ name, health, session, rateLimit }) => (
          <tr key={name}>
            <Td>
              {name}{" "}
              {health.lastErrorAt && (!health.lastSuccessAt || health.lastErrorAt > health.lastSuccessAt) ? (
                <Badge tone="bad">failing</Badge>
              ) : health.lastSuccessAt ? (
                <Badge tone="good">ok</Badge>
              ) : null}
            </Td>
            <Td>{when(health.lastSuccessAt)}</Td>
            <Td>
              {health.lastError ? (
                <>
                  {when(health.lastErrorAt)}: {health.lastError}
                </>
              ) : (
                "none"
              )}
              <span className="block text-xs text-slate-500">
                {health.errors} of {health.calls} calls failed
              </span>
            </Td>
            <Td>{session}</Td>
            <Td>
              {typeof rateLimit === "string" ? (
                rateLimit
              ) : (
                <ul className="text-xs" aria-label={`${name} rate-limit headroom`}>
                  {rateLimit.map((r) => (
                    <li key={r.group}>
                      {r.label}: {r.remaining} of {r.limit} left per {r.windowMinutes} min
                    </li>
                  ))}
                </ul>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
