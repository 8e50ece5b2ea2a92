import { Alert, Button, Field } from "@/components/ui";

/** A plain GET form: the browser downloads the CSV, and works without JavaScript. */
export function StatementForm({ from, to, error }: { from: string; to: string; error?: string }) {
  return (
    <form method="get" action="/wallet/statement" className="space-y-4" aria-label="Download statement">
      {error && <Alert tone="error">{error}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="From" name="from" type="date" required defaultValue={from} />
        <Field label="To" name="to" type="date" required defaultValue={to} />
      </div>
      <Button type="submit" variant="secondary">
        Download CSV
      </Button>
    </form>
  );
}
