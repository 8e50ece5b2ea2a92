import "flag-icons/css/flag-icons.min.css";
import { cx } from "@/components/ui";

/** A country's flag (flag-icons), or a globe for a region; decorative, the name is always written beside it. */
export function DestinationFlag({ flag, className }: { flag: string | null; className?: string }) {
  if (flag) return <span aria-hidden="true" className={cx("fi shrink-0 rounded-sm shadow-sm", `fi-${flag}`, className)} />;
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className={cx("h-[0.75em] w-[1em] shrink-0 text-brand-600", className)}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      <circle cx="12" cy="12" r="9.5" />
      <path d="M2.5 12h19M12 2.5c2.6 2.6 3.9 5.8 3.9 9.5s-1.3 6.9-3.9 9.5c-2.6-2.6-3.9-5.8-3.9-9.5S9.4 5.1 12 2.5z" />
    </svg>
  );
}

/** The flag code of a destination: a single country's alpha-2 in lower case, or null for a region. */
export function flagOf(destination: { kind: string; countryCodes: readonly string[] }): string | null {
  return destination.kind === "COUNTRY" && destination.countryCodes.length === 1 ? destination.countryCodes[0]!.toLowerCase() : null;
}
