"use client";

import { useToast } from "@/components/ui/toast";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const toast = useToast();
  return (
    <button
      type="button"
      aria-label={label}
      className="min-h-11 shrink-0 rounded border border-slate-300 px-3 text-xs text-slate-700 hover:bg-slate-50"
      onClick={() =>
        navigator.clipboard.writeText(value).then(
          () => toast("Copied"),
          () => toast("Copy failed: select the text instead", "error"),
        )
      }
    >
      Copy
    </button>
  );
}
