import { EsimSummary } from "@/components/esims/esim-summary";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { listEsimsForUser, readUsage } from "@/lib/esims/my-esims";

export const metadata = { title: "My eSIMs" };

export default async function MyEsimsPage() {
  const user = await requireUser("/esims");
  const esims = await listEsimsForUser(user.id);
  const usage = await readUsage(esims);
  const now = new Date();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">My eSIMs</h1>
      {usage.unavailable && <Alert tone="warning">{usage.unavailable}</Alert>}
      {esims.length === 0 ? (
        <Card className="space-y-3">
          <p className="text-slate-600">You have no eSIMs yet.</p>
          <ButtonLink href="/destinations">Find a plan</ButtonLink>
        </Card>
      ) : (
        <ul className="space-y-4" aria-label="My eSIMs, newest first">
          {esims.map((item) => (
            <li key={item.esim.iccid}>
              <EsimSummary item={item} usage={usage.byIccid.get(item.esim.iccid) ?? null} now={now} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
