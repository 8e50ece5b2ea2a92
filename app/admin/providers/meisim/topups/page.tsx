import { adminRechargeAction } from "../actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Alert, Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { MEISIM_TOOLS_PATH, topupNetworks } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";

export const metadata = { title: "MeiSIM SIM top-ups" };

export default async function MeisimTopupsPage() {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/topups`);
  const networks = await topupNetworks();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">SIM top-ups from the dealer wallet</h1>
      <MeisimNav />
      {networks.length === 0 ? (
        <Alert tone="error">MeiSIM lists no top-up networks right now (or cannot be reached).</Alert>
      ) : (
        <>
          <Card className="space-y-3">
            <CardTitle>Recharge a SIM</CardTitle>
            <p className="text-sm text-slate-600">
              The SIM is confirmed on its network first; only then is the recharge sent and paid from the dealer wallet.
            </p>
            <ActionForm action={adminRechargeAction} label="Recharge a SIM" submitLabel="Confirm and recharge">
              <label htmlFor="topup-network" className="block text-sm font-medium">
                Network
              </label>
              <select id="topup-network" name="networkName" className={inputClass}>
                {networks.map((n) => (
                  <option key={n.name} value={n.name}>
                    {n.name}
                  </option>
                ))}
              </select>
              <label htmlFor="topup-kind" className="block text-sm font-medium">
                The SIM is given by
              </label>
              <select id="topup-kind" name="targetKind" className={inputClass}>
                <option value="phone">Phone number (international format)</option>
                <option value="serial">SIM serial (ICCID)</option>
              </select>
              <label htmlFor="topup-target" className="block text-sm font-medium">
                Number
              </label>
              <input id="topup-target" name="target" required className={inputClass} />
              <label htmlFor="topup-value" className="block text-sm font-medium">
                Amount (whole units of the network&apos;s currency)
              </label>
              <input id="topup-value" name="faceValue" required inputMode="numeric" className={`${inputClass} w-32`} />
              <label htmlFor="topup-reason" className="block text-sm font-medium">
                Reason
              </label>
              <input id="topup-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
            </ActionForm>
          </Card>
          <Table caption="Top-up networks">
            <thead>
              <tr>
                <Th>Network</Th>
                <Th>Country</Th>
                <Th>Amounts</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {networks.map((n) => (
                <tr key={n.name}>
                  <Td>{n.name}</Td>
                  <Td>{n.country}</Td>
                  <Td>
                    {n.limits.min}–{n.limits.max} {n.limits.currency}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </div>
  );
}
