import type { ReactNode } from "react";
import { Badge, Table, Td, Th } from "@/components/ui";
import type { Plan } from "@/lib/generated/prisma/client";
import { formatData } from "@/lib/format";
import { formatMoney } from "@/lib/money";

/** Plans to compare side by side, each with its own call to action (buy, renew…). */
export function PlanTable({ caption, plans, action }: { caption: string; plans: Plan[]; action: (plan: Plan) => ReactNode }) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Data</Th>
          <Th>Days</Th>
          <Th>Plan</Th>
          <Th>Price</Th>
          <Th>
            <span className="sr-only">Choose</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {plans.map((plan) => (
          <tr key={plan.id}>
            <Td className="font-semibold">
              {formatData(plan.dataMb)}
              {plan.dayPass ? " / day" : ""}
            </Td>
            <Td>{plan.days}</Td>
            <Td>
              <span className="mr-2">{plan.name}</span>
              {plan.renewable && <Badge tone="info">Top-up available</Badge>}{" "}
              {!plan.cancellable && <Badge tone="warn">Non-refundable</Badge>}
            </Td>
            <Td className="font-semibold">{formatMoney(plan.priceMinor, plan.currency)}</Td>
            <Td>{action(plan)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
