import { Card } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { env } from "@/lib/config/env";
import { readOutbox } from "@/lib/email/outbox";
import { redactedForAdmin } from "@/lib/email/redact";

export const metadata = { title: "Outbox" };

export default async function OutboxPage() {
  await requireAdmin("/admin/outbox");
  const { SMTP_URL, DATA_DIR } = env();
  // Links are shown without their tokens and keys: an admin must not be able to sign in or open an order as the customer.
  const messages = (await readOutbox(DATA_DIR)).map(redactedForAdmin);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Email outbox</h1>
      <p className="text-sm text-slate-600">
        {SMTP_URL
          ? "Email is sent through SMTP; this outbox only holds mail from demo mode."
          : "Demo mode: email is not sent, it lands here."}{" "}
        Links are shown with their tokens and keys removed.
      </p>
      {messages.length === 0 && <p>No messages yet.</p>}
      {messages.map((m) => (
        <Card key={m.id}>
          <p className="text-xs text-slate-500">{new Date(m.createdAt).toLocaleString("en-US")}</p>
          <h2 className="font-semibold">{m.subject}</h2>
          <p className="text-sm text-slate-600">To: {m.to}</p>
          <pre className="mt-2 whitespace-pre-wrap break-all text-sm">{m.text}</pre>
          {m.attachments && (
            <div className="mt-3 space-y-2 border-t border-slate-200 pt-3">
              <h3 className="text-sm font-semibold">Attachments</h3>
              <ul className="flex flex-wrap gap-4 text-sm">
                {m.attachments.map((a) => (
                  <li key={a.filename} className="space-y-1">
                    {/* Inline images (the QR codes) as the HTML part shows them; other files by name and size. */}
                    {a.cid && a.contentType.startsWith("image/") && (
                      // eslint-disable-next-line @next/next/no-img-element -- a data: URL of the stored bytes, nothing to optimise
                      <img
                        src={`data:${a.contentType};base64,${a.contentBase64}`}
                        alt={`Inline image ${a.filename}`}
                        width={120}
                        height={120}
                      />
                    )}
                    <p>
                      {a.filename} · {a.contentType} · {Math.ceil((a.contentBase64.length * 3) / 4 / 1024)} KB{a.cid && " · inline"}
                    </p>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Card>
      ))}
    </div>
  );
}
