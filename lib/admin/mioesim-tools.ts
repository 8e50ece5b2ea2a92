/**
 * The admin's MIOeSIM tools: batch status queries of any number of cards
 * (run as the mioesim.iccid-query job, 100 ICCIDs per call as the documents
 * allow), one card's plan history and renewal options, and the configured
 * distribution partner (MIOESIM_DP_ID; its orders: lib/orders/physical.ts).
 */
import "server-only";
import { Readable } from "node:stream";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { IccidQueryStatus, type IccidQueryResult, type IccidQueryRun } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { chunk } from "../providers/http";
import { MIOESIM_ICCID_BATCH_SIZE, type MioesimCardStatus } from "../providers/mioesim";
import { mioesimClient } from "../providers/registry";
import { exportCsvStream } from "../security/csv-export";

// ---------------------------------------------------------------- the ICCID list an admin gives

/**
 * An ICCID as MIOeSIM writes it: digits only. The documents' example is 18
 * digits ("934801019851134300"); ITU-T E.118 allows up to 20 (19 plus a
 * check digit is the usual length), so 18 to 20 digits are accepted.
 */
export const ICCID_PATTERN = /^\d{18,20}$/;
/** The most ICCIDs one batch takes: 100 calls to MIOeSIM, a few minutes of work. */
export const ICCID_BATCH_MAX = 10_000;
/** How many bad entries an error message lists before "and N more". */
const ERRORS_SHOWN = 5;

export interface IccidList {
  /** Valid ICCIDs, each once, in the order first given. */
  iccids: string[];
  /** How many repeated entries were dropped. */
  duplicates: number;
  /** Entries that are not ICCIDs, as "line 3: "8985x"" (the first few). */
  invalid: string[];
  invalidCount: number;
}

/**
 * Reads ICCIDs pasted one per line, or separated by commas, semicolons,
 * tabs or spaces, or a CSV file: when the first line is a header with an
 * "iccid" column, only that column is read. Quotes are stripped; blank cells
 * are ignored. Spaces and dashes inside a number are not removed: a mangled
 * ICCID is reported rather than guessed at.
 */
export function parseIccidList(text: string): IccidList {
  const seen = new Set<string>();
  const invalid: string[] = [];
  let invalidCount = 0;
  let duplicates = 0;
  const lines = text.split(/\r\n|\r|\n/);
  // CSV cells split on the delimiters only (a note may hold spaces); a plain list splits on spaces too.
  const cellsOf = (line: string, separator: RegExp) =>
    line.split(separator).map((raw) =>
      raw
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .trim(),
    );
  const headerAt = lines.findIndex((line) => line.trim() !== "");
  const column = headerAt < 0 ? -1 : cellsOf(lines[headerAt]!, /[,;\t]/).findIndex((cell) => /^iccid$/i.test(cell));
  lines.forEach((line, index) => {
    if (column >= 0 && index === headerAt) return;
    const cells = column >= 0 ? [cellsOf(line, /[,;\t]/)[column] ?? ""] : cellsOf(line, /[,;\t ]+/);
    for (const cell of cells) {
      if (!cell) continue;
      if (!ICCID_PATTERN.test(cell)) {
        invalidCount += 1;
        if (invalid.length < ERRORS_SHOWN) invalid.push(`line ${index + 1}: "${cell.slice(0, 30)}"`);
      } else if (seen.has(cell)) duplicates += 1;
      else seen.add(cell);
    }
  });
  return { iccids: [...seen], duplicates, invalid, invalidCount };
}

/** What is wrong with a list, for the form; null when it can be queried. */
export function iccidListProblem(list: IccidList): string | null {
  if (list.invalidCount > 0) {
    const more = list.invalidCount > list.invalid.length ? ` and ${list.invalidCount - list.invalid.length} more` : "";
    return `Not ICCIDs (18 to 20 digits): ${list.invalid.join(", ")}${more}. Fix or remove them and submit again.`;
  }
  if (list.iccids.length === 0) return "Paste at least one ICCID, or choose a CSV file.";
  if (list.iccids.length > ICCID_BATCH_MAX)
    return `${list.iccids.length} ICCIDs is more than one batch takes (${ICCID_BATCH_MAX}); split the list.`;
  return null;
}

// ---------------------------------------------------------------- batch status runs

/** Records a run for the list and queues its job; the page follows its progress. */
export async function requestIccidQuery(iccids: readonly string[], actorId: string, origin: RequestOrigin | null): Promise<IccidQueryRun> {
  const run = await db().$transaction(async (tx) => {
    const created = await tx.iccidQueryRun.create({ data: { requestedById: actorId, iccids: [...iccids], total: iccids.length } });
    await recordAudit(
      {
        actorId,
        action: "mioesim.iccid-query",
        entityType: "IccidQueryRun",
        entityId: created.id,
        details: { cards: iccids.length },
        origin,
      },
      tx,
    );
    return created;
  });
  await enqueue("mioesim.iccid-query", { runId: run.id });
  return run;
}

function resultRow(runId: string, iccid: string, position: number, card: MioesimCardStatus | undefined) {
  return {
    runId,
    iccid,
    position,
    found: card !== undefined,
    dpStatus: card?.dpStatus ?? null,
    orderNum: card?.orderNum ?? null,
    usedMb: card?.usedMb ?? null,
    remainingMb: card?.remainingMb ?? null,
    totalMb: card?.totalMb ?? null,
    startDate: card?.startDate ?? null,
    endDate: card?.endDate ?? null,
    eid: card?.eid ?? null,
    mobileNumber: card?.mobileNumber ?? null,
  };
}

/**
 * Works a run: one queryIccidInformation call per 100 ICCIDs, each call's
 * answers stored with the progress in one transaction. A retried attempt
 * skips the ICCIDs already answered, so a run that died half-way resumes.
 */
export async function runIccidQuery(runId: string, lastAttempt = true): Promise<void> {
  const run = await db().iccidQueryRun.findUnique({ where: { id: runId } });
  if (!run || run.status === IccidQueryStatus.SUCCEEDED) return;
  await db().iccidQueryRun.update({
    where: { id: runId },
    data: { status: IccidQueryStatus.RUNNING, startedAt: run.startedAt ?? new Date(), error: null },
  });
  const answered = new Set((await db().iccidQueryResult.findMany({ where: { runId }, select: { iccid: true } })).map((r) => r.iccid));
  const positions = new Map(run.iccids.map((iccid, index) => [iccid, index]));
  try {
    for (const batch of chunk(
      run.iccids.filter((iccid) => !answered.has(iccid)),
      MIOESIM_ICCID_BATCH_SIZE,
    )) {
      const cards = new Map((await mioesimClient().queryIccidInformation(batch)).map((card) => [card.iccid, card]));
      const rows = batch.map((iccid) => resultRow(runId, iccid, positions.get(iccid)!, cards.get(iccid)));
      await db().$transaction([
        db().iccidQueryResult.createMany({ data: rows, skipDuplicates: true }),
        db().iccidQueryRun.update({
          where: { id: runId },
          data: { done: { increment: rows.length }, found: { increment: rows.filter((r) => r.found).length } },
        }),
      ]);
    }
    await db().iccidQueryRun.update({ where: { id: runId }, data: { status: IccidQueryStatus.SUCCEEDED, finishedAt: new Date() } });
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    log.warn("MIOeSIM ICCID query failed", { runId, lastAttempt, error: err });
    await db().iccidQueryRun.update({
      where: { id: runId },
      data: lastAttempt
        ? { status: IccidQueryStatus.FAILED, finishedAt: new Date(), error }
        : { status: IccidQueryStatus.QUEUED, error: `${error} (trying again)` },
    });
    throw err;
  }
}

/** A run counts as stalled when it has not moved for this long (its job expires after 15 minutes). */
const STALLED_AFTER_MS = 15 * 60_000;

export type IccidQueryRunView = Omit<IccidQueryRun, "iccids"> & {
  /** Queued or running, and moved recently: the page refreshes every second while it is. */
  active: boolean;
};

function view({ iccids: _iccids, ...run }: IccidQueryRun, now: number): IccidQueryRunView {
  const inProgress = run.status === IccidQueryStatus.QUEUED || run.status === IccidQueryStatus.RUNNING;
  return { ...run, active: inProgress && now - run.updatedAt.getTime() < STALLED_AFTER_MS };
}

export async function recentIccidQueryRuns(take = 20, now = Date.now()): Promise<IccidQueryRunView[]> {
  const runs = await db().iccidQueryRun.findMany({ orderBy: { createdAt: "desc" }, take });
  return runs.map((run) => view(run, now));
}

/** The run and its results so far, in the order the ICCIDs were given; null for no such run. */
export async function iccidQueryRun(
  runId: string,
  now = Date.now(),
): Promise<{ run: IccidQueryRunView; results: IccidQueryResult[] } | null> {
  const run = await db().iccidQueryRun.findUnique({ where: { id: runId } });
  if (!run) return null;
  const results = await db().iccidQueryResult.findMany({ where: { runId }, orderBy: { position: "asc" } });
  return { run: view(run, now), results };
}

const CSV_COLUMNS = [
  "iccid",
  "found",
  "dpStatus",
  "orderNum",
  "usedMb",
  "remainingMb",
  "totalMb",
  "startDate",
  "endDate",
  "eid",
  "mobileNumber",
] as const satisfies readonly (keyof IccidQueryResult)[];

async function* resultPages(runId: string): AsyncGenerator<Record<string, unknown>> {
  const PAGE = 500;
  for (let skip = 0; ; skip += PAGE) {
    const page = await db().iccidQueryResult.findMany({ where: { runId }, orderBy: { position: "asc" }, skip, take: PAGE });
    for (const row of page) yield Object.fromEntries(CSV_COLUMNS.map((column) => [column, row[column] ?? ""]));
    if (page.length < PAGE) return;
  }
}

/** A run's results as CSV, streamed as read; cells that a spreadsheet would run as a formula are escaped. */
export function iccidQueryCsv(runId: string): ReadableStream<Uint8Array> {
  const csv = Readable.from(resultPages(runId)).pipe(
    exportCsvStream({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (value) => (value ? "yes" : "no") } }),
  );
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------- one card

/** A card's plan history (getHistoryDetail) and what can renew it (getIccidSupportSku, then getIccidSupportPackageInfo per SKU). */
export async function cardHistoryAndRenewals(iccid: string) {
  const client = mioesimClient();
  const [history, skus] = await Promise.all([client.getHistoryDetail(iccid), client.getIccidSupportSku(iccid)]);
  const renewals = await Promise.all(
    skus.map(async (sku) => ({ sku, packages: (await client.getIccidSupportPackageInfo(iccid, sku.skuId)).packages })),
  );
  return { history, renewals, currency: client.currency };
}

// ---------------------------------------------------------------- physical SIMs

/** The configured distribution partner, or null when MIOESIM_DP_ID is "off". */
export function configuredDpId(): string | null {
  const dpId = env().MIOESIM_DP_ID;
  return dpId === "off" ? null : dpId;
}
