import { Button, inputClass } from "@/components/ui";

/** The admin lists' search box: a GET form, so results are linkable and the back button works. */
export function SearchForm({ id, label, defaultValue }: { id: string; label: string; defaultValue?: string }) {
  return (
    <form method="get" role="search" className="flex max-w-md gap-2">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} name="q" type="search" defaultValue={defaultValue} placeholder={label} className={inputClass} />
      <Button type="submit" variant="secondary">
        Search
      </Button>
    </form>
  );
}
