/**
 * The one way the app writes a CSV file for people to open (admin exports,
 * the customer's wallet statement): csv-stringify with every text cell made
 * safe for spreadsheets. A cell a spreadsheet would run as a formula (it
 * starts with =, +, -, @, tab or carriage return, or their full-width forms)
 * gets a leading apostrophe, so Excel, LibreOffice and Sheets read it as text
 * (OWASP "CSV injection"; names, plans, reasons and provider answers are
 * typed by people outside the business). A text that is only a signed decimal
 * (-12.50, +3) is left as it is: it computes nothing, and amounts stay
 * numbers.
 *
 * CSV sent to a provider's API is not for spreadsheets and keeps its bytes
 * (lib/providers/meisim/csv.ts).
 */
import "server-only";
import { stringify, type Options, type Stringifier } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const SIGNED_DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** The cell's text as a spreadsheet must get it: prefixed with ' when it would start a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !SIGNED_DECIMAL.test(value) ? `'${value}` : value;
}

/** Options the caller may set; the formula handling is not one of them. */
type ExportOptions = Omit<Options, "escape_formulas" | "cast"> & { cast?: Omit<NonNullable<Options["cast"]>, "string"> };

function exportOptions(options: ExportOptions): Options {
  // csv-stringify's own escape_formulas would also quote negative amounts written as text; neutraliseFormula does it once, here.
  // A lone CR or LF in a cell is quoted whatever the record delimiter, or a reader would end the row there.
  return { quote_record_delimiter: true, ...options, escape_formulas: false, cast: { ...options.cast, string: neutraliseFormula } };
}

/** A whole CSV file at once. */
export function exportCsv(records: unknown[], options: ExportOptions = {}): string {
  return stringifySync(records, exportOptions(options));
}

/** A CSV stream to pipe records into, for exports too large to hold. */
export function exportCsvStream(options: ExportOptions = {}): Stringifier {
  return stringify(exportOptions(options));
}
