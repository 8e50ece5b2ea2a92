/**
 * What the app exposes, read from the app/ folder and the build: every page
 * and route handler with its dynamic segments, and every server action with
 * the id the build gave it, the page it is posted to, its parameters and the
 * form fields it reads.
 */
import fs from "node:fs";
import path from "node:path";

export type Segment = { literal: string } | { param: string; catchAll: boolean };

export interface HttpTarget {
  /** e.g. app/orders/[otherOrderId]/page.tsx */
  file: string;
  segments: Segment[];
  methods: string[];
}

export interface ActionTarget {
  /** e.g. app/orders/actions.ts#cancelOrderAction */
  name: string;
  id: string;
  /** A page the action is registered on; it is posted there, as a browser does. */
  page: Segment[];
  /** One entry per parameter: the FormData, or a previous state (useActionState). */
  params: ("form" | "state")[];
  /** Field names the action's file reads from its FormData. */
  fields: string[];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** URL segments of a folder path under app/: route groups vanish, [x] and [...x] are parameters. */
function segmentsOf(folders: string[]): Segment[] {
  return folders
    .filter((folder) => !/^\(.*\)$/.test(folder) && !folder.startsWith("@"))
    .map((folder) => {
      const param = /^\[{1,2}(\.\.\.)?([^\]]+)\]{1,2}$/.exec(folder);
      return param ? { param: param[2]!, catchAll: Boolean(param[1]) } : { literal: folder };
    });
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** The HTTP methods a route.ts exports, as functions or as a destructured const. */
function routeMethods(source: string): string[] {
  const named = [...source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)].map((m) => m[1]!);
  const destructured = [...source.matchAll(/export\s+const\s+\{([^}]+)\}/g)].flatMap((m) => m[1]!.split(",").map((name) => name.trim()));
  return [...new Set([...named, ...destructured])].filter((method) => HTTP_METHODS.includes(method));
}

export function appRoutes(appDir = "app"): HttpTarget[] {
  return filesUnder(appDir).flatMap((file) => {
    const base = path.basename(file);
    const folders = path.relative(appDir, path.dirname(file)).split(path.sep).filter(Boolean);
    if (/^page\.(tsx|ts|jsx|js)$/.test(base)) return [{ file, segments: segmentsOf(folders), methods: ["GET"] }];
    if (/^route\.(ts|js)$/.test(base))
      return [{ file, segments: segmentsOf(folders), methods: routeMethods(fs.readFileSync(file, "utf8")) }];
    return [];
  });
}

interface ManifestEntry {
  filename: string;
  exportedName: string;
  workers: Record<string, unknown>;
}

/**
 * Every exported function of every app/**\/actions.ts, matched to its id in
 * the build's server-reference manifest. An action missing from the build is
 * an error, so none escapes the fuzzing.
 */
export function serverActions(appDir = "app", manifestFile = ".next/server/server-reference-manifest.json"): ActionTarget[] {
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { node: Record<string, ManifestEntry> };
  const entries = Object.entries(manifest.node);
  return filesUnder(appDir)
    .filter((file) => path.basename(file) === "actions.ts")
    .flatMap((file) => {
      const source = fs.readFileSync(file, "utf8");
      const fields = [...new Set([...source.matchAll(/\.get\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!))];
      return [...source.matchAll(/export\s+async\s+function\s+(\w+)\s*\(([^)]*)\)/g)].map(([, exportedName, signature]) => {
        const found = entries.find(([, entry]) => entry.filename === file && entry.exportedName === exportedName);
        if (!found) throw new Error(`${file}#${exportedName} is not in ${manifestFile}: rebuild before fuzzing`);
        const [id, entry] = found;
        const worker = Object.keys(entry.workers).sort()[0]!;
        const params = signature!
          .split(",")
          .map((param) => param.trim())
          .filter(Boolean)
          .map((param) => (/:\s*FormData\b/.test(param) ? "form" : "state") as "form" | "state");
        return { name: `${file}#${exportedName}`, id, page: segmentsOf(worker.split("/").slice(1, -1)), params, fields };
      });
    });
}
