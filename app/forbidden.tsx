import { ButtonLink } from "@/components/ui";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-red-600">403</p>
      <h1 className="mt-2 text-2xl font-bold">You don’t have access to this page</h1>
      <p className="mt-2 text-slate-600">This area is for store administrators. If you think this is a mistake, contact support.</p>
      <ButtonLink href="/" className="mt-6">
        Back to the store
      </ButtonLink>
    </div>
  );
}
