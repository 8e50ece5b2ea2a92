import { Card } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { env } from "@/lib/config/env";
import { readOutbox } from "@/lib/email/outbox";

export const metadata = { title: "Outbox" };

export default async function OutboxPage() {
  await requireAdmin("/admin/outbox");
  const { SMTP_URL, DATA_DIR } = env();
  const messages = await readOutbox(DATA_DIR);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Email outbox</h1>
      <p className="text-sm text-slate-600">
        {SMTP_URL
          ? "Email is sent through SMTP; this outbox only holds mail from demo mode."
          : "Demo mode: email is not sent, it lands here."}
      </p>
      {messages.length === 0 && <p>No messages yet.</p>}
      {messages.map((m) => (
        <Card key={m.id}>
          <p className="text-xs text-slate-500">{new Date(m.createdAt).toLocaleString("en-US")}</p>
          <h2 className="font-semibold">{m.subject}</h2>
          <p className="text-sm text-slate-600">To: {m.to}</p>
          <pre className="mt-2 whitespace-pre-wrap break-all text-sm">{m.text}</pre>
        </Card>
      ))}
    </div>
  );
}
