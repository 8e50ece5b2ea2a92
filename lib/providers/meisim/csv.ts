/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line
 * breaks; records end in LF or CRLF. MeiSIM's statement and result exports
 * use it, and the validator takes its input as CSV text.
 */

/** Parses CSV text into records; blank lines are skipped. Throws SyntaxError on a broken quote. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  const endField = () => {
    record.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
    line++;
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === "") {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError(`CSV: quoted field opened on line ${start} never closes`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new SyntaxError(`CSV: unexpected ${JSON.stringify(next)} after a closing quote on line ${line}`);
      }
      // An empty quoted field ("") must still count as a field, even though `field` is "".
      if (next === ",") {
        endField();
        i++;
      }
      continue;
    }
    if (c === ",") endField();
    else if (c === "\n") endRecord();
    else if (c === "\r") {
      if (text[i + 1] === "\n") i++;
      endRecord();
    } else field += c;
    i++;
  }
  if (field !== "" || record.length > 0) endRecord();
  return records;
}

function quote(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes records as CSV with LF line ends, quoting only where needed. */
export function toCsv(records: readonly (readonly (string | number | null | undefined)[])[]): string {
  return records.map((r) => r.map(quote).join(",")).join("\n") + "\n";
}
