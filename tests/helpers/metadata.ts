// Expected values from ../shared/media/METADATA.csv (exiftool's reading of every shared file).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedMedia } from "./shoebox";

export type MetadataRow = Record<string, string>;

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

export const hasSharedMedia = existsSync(join(sharedMedia, "METADATA.csv"));
export const noSharedMedia = hasSharedMedia ? false : "../shared/media is absent: tests on real media are skipped";

export function readMetadata(): Map<string, MetadataRow> {
  const [header, ...rows] = parseCsv(readFileSync(join(sharedMedia, "METADATA.csv"), "utf8"));
  const byFile = new Map<string, MetadataRow>();
  for (const row of rows) {
    const record = Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ""]));
    byFile.set(record.SourceFile!.replace(/^\.\//, ""), record);
  }
  return byFile;
}
