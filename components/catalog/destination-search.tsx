"use client";

import { useRouter } from "next/navigation";
import { useId, useMemo, useState, type KeyboardEvent } from "react";
import { searchDestinations, type SearchEntry } from "@/lib/geo/search";
import { formatMoney } from "@/lib/money";
import { DestinationFlag } from "./flag";

/** Suggestions shown while typing; the full list is one Enter away on /search. */
const SUGGESTIONS = 8;

/**
 * The destination search box: an ARIA 1.2 combobox (list autocomplete)
 * filtering the index the cached page passed in, on every keystroke.
 * Arrow keys move through the suggestions, Enter opens the highlighted one
 * (or the full results page), Escape closes the list, then clears the box.
 * Without JavaScript it is a plain form posting to /search.
 */
export function DestinationSearch({ index, defaultValue = "" }: { index: readonly SearchEntry[]; defaultValue?: string }) {
  const router = useRouter();
  const id = useId();
  const [query, setQuery] = useState(defaultValue);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const suggestions = useMemo(() => searchDestinations(index, query, SUGGESTIONS), [index, query]);
  const expanded = open && query.trim() !== "";
  const listId = `${id}-suggestions`;
  const optionId = (i: number) => `${id}-option-${i}`;

  const pick = (entry: SearchEntry) => {
    setOpen(false);
    setQuery(entry.name);
    router.push(`/destinations/${entry.slug}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!expanded) setOpen(true);
      if (count === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (current === -1 && step === -1 ? count - 1 : (current + step + count) % count));
    } else if (event.key === "Enter" && expanded && active >= 0 && suggestions[active]) {
      event.preventDefault();
      pick(suggestions[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (expanded) setOpen(false);
      else setQuery("");
      setActive(-1);
    }
  };

  return (
    <form action="/search" method="get" role="search" className="relative flex gap-2">
      <label htmlFor={`${id}-input`} className="sr-only">
        Where are you going?
      </label>
      <input
        id={`${id}-input`}
        name="q"
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        placeholder="Country, code or region, e.g. Japan, UK or Europe"
        className="min-h-11 w-full min-w-0 rounded-md border border-slate-300 px-4 py-2.5 text-base text-slate-900 shadow-sm placeholder:text-slate-500 focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
      />
      <button type="submit" className="min-h-11 shrink-0 rounded-md bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700">
        Search
      </button>
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching destinations"
        hidden={!expanded}
        className="absolute left-0 right-0 top-full z-20 mt-1 max-h-96 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 text-slate-900 shadow-lg"
      >
        {suggestions.map((entry, i) => (
          <li
            key={entry.slug}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            // mousedown, not click: the input's blur would close the list before a click lands.
            onMouseDown={(event) => {
              event.preventDefault();
              pick(entry);
            }}
            className="flex min-h-11 cursor-pointer items-center gap-3 px-4 py-2 aria-selected:bg-brand-100"
          >
            <DestinationFlag flag={entry.flag} className="text-lg" />
            <span className="min-w-0 flex-1 truncate">
              {entry.name}
              <span className="ml-2 text-xs uppercase tracking-wide text-slate-600">
                {entry.kind === "REGION" ? "Region" : entry.codes[0]}
              </span>
            </span>
            {entry.fromPriceMinor !== null && entry.currency && (
              <span className="shrink-0 text-sm text-slate-700">from {formatMoney(entry.fromPriceMinor, entry.currency)}</span>
            )}
          </li>
        ))}
        {expanded && suggestions.length === 0 && (
          <li role="option" aria-selected={false} aria-disabled="true" className="px-4 py-2 text-slate-600">
            No destination matches “{query.trim()}”
          </li>
        )}
      </ul>
      <p className="sr-only" aria-live="polite">
        {expanded ? `${suggestions.length} ${suggestions.length === 1 ? "destination" : "destinations"} found` : ""}
      </p>
    </form>
  );
}
