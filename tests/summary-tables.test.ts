// The timeline and map summaries are kept by SQLite triggers. After any mix of uploads, edits,
// trashing, restoring, moves in time and place and deletions, they must equal what a full count of
// the assets gives.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Client } from "@libsql/client";
import { connectDatabase } from "../common/db";
import { migrateDatabase } from "../workers/db/migrate";
import { startTestDatabase } from "./helpers/hrana";

let close: () => Promise<void>;
let client: Client;

before(async () => {
  const database = await startTestDatabase();
  const connection = connectDatabase({ url: database.url, authToken: database.token });
  await migrateDatabase(connection.db);
  client = connection.client;
  close = async () => {
    connection.client.close();
    await database.close();
  };
  await client.batch([
    "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@x', 'A', 'x', 0, 0), ('u2', 'b@x', 'B', 'x', 0, 0)",
  ]);
});

after(async () => close());

// A deterministic pseudo-random sequence, so that a failure can be replayed.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function rows(sql: string): Promise<string[]> {
  return (await client.execute(sql)).rows.map((row) => JSON.stringify(Object.values(row)));
}

async function assertSummariesMatch(): Promise<void> {
  const kept = await rows(
    "SELECT owner_id, month, visibility, is_favorite, is_trashed, count FROM timeline_months WHERE count != 0 ORDER BY 1, 2, 3, 4, 5",
  );
  const counted =
    await rows(`SELECT owner_id, strftime('%Y-%m', local_date_time / 1000, 'unixepoch'), visibility, is_favorite, deleted_at IS NOT NULL, count(*)
    FROM assets GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`);
  assert.deepEqual(kept, counted, "timeline_months");

  const keptCells = await rows(
    "SELECT owner_id, level, cell_x, cell_y, year, is_favorite, count, round(latitude_sum, 6), round(longitude_sum, 6) FROM map_cells WHERE count != 0 ORDER BY 1, 2, 3, 4, 5, 6",
  );
  const countedCells =
    await rows(`SELECT a.owner_id, l.level, CAST((e.longitude + 180.0) * l.cells_around / 360.0 AS INTEGER),
      CAST((e.latitude + 90.0) * l.cells_around / 360.0 AS INTEGER), CAST(strftime('%Y', a.local_date_time / 1000, 'unixepoch') AS INTEGER),
      a.is_favorite, count(*), round(sum(e.latitude), 6), round(sum(e.longitude), 6)
    FROM map_levels l, assets a JOIN exif e ON e.asset_id = a.id
    WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND a.deleted_at IS NULL AND a.visibility = 'timeline'
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`);
  assert.deepEqual(keptCells, countedCells, "map_cells");
}

test("the summaries follow every change to assets and their places", async () => {
  const next = random(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const ids: string[] = [];
  const places = [
    [38.72, -9.14],
    [48.85, 2.35],
    [-33.87, 151.21],
    [35.68, 139.69],
  ] as const;
  const year = 365 * 24 * 3600 * 1000;
  for (let step = 0; step < 600; step++) {
    const action = ids.length < 20 ? 0 : Math.floor(next() * 9);
    const id = ids.length ? pick(ids) : "";
    const time = Math.floor(1_300_000_000_000 + next() * 10 * year);
    switch (action) {
      case 0: {
        const newId = `a${step}`;
        const owner = pick(["u1", "u2"]);
        await client.execute({
          sql: `INSERT INTO assets (id, owner_id, type, original_file_name, original_mime_type, original_key, checksum, file_size_in_byte,
            file_created_at, file_modified_at, local_date_time, is_favorite, visibility, created_at, updated_at)
            VALUES (?, ?, 'IMAGE', 'x.jpg', 'image/jpeg', ?, ?, 1, 0, 0, ?, ?, ?, 0, 0)`,
          args: [
            newId,
            owner,
            `k${step}`,
            `c${step}`,
            time,
            next() < 0.2 ? 1 : 0,
            pick(["timeline", "timeline", "archive", "hidden"]),
          ],
        });
        // As the metadata job does: an exif row, with a place or not.
        const place = next() < 0.7 ? pick(places) : null;
        await client.execute({
          sql: "INSERT INTO exif (asset_id, latitude, longitude) VALUES (?, ?, ?) ON CONFLICT (asset_id) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude",
          args: [newId, place ? place[0] + next() : null, place ? place[1] + next() : null],
        });
        ids.push(newId);
        break;
      }
      case 1:
        await client.execute({ sql: "UPDATE assets SET is_favorite = NOT is_favorite WHERE id = ?", args: [id] });
        break;
      case 2:
        await client.execute({
          sql: "UPDATE assets SET deleted_at = CASE WHEN deleted_at IS NULL THEN 1 ELSE NULL END WHERE id = ?",
          args: [id],
        });
        break;
      case 3:
        await client.execute({
          sql: "UPDATE assets SET visibility = ? WHERE id = ?",
          args: [pick(["timeline", "archive", "locked"]), id],
        });
        break;
      case 4:
        await client.execute({ sql: "UPDATE assets SET local_date_time = ? WHERE id = ?", args: [time, id] });
        break;
      case 5: {
        const place = pick(places);
        await client.execute({
          sql: "UPDATE exif SET latitude = ?, longitude = ? WHERE asset_id = ?",
          args: [place[0], place[1], id],
        });
        break;
      }
      case 6:
        await client.execute({
          sql: "UPDATE exif SET latitude = NULL, longitude = NULL WHERE asset_id = ?",
          args: [id],
        });
        break;
      case 7:
        // Deleting an asset takes its exif row by cascade.
        await client.execute({ sql: "DELETE FROM assets WHERE id = ?", args: [id] });
        ids.splice(ids.indexOf(id), 1);
        break;
      case 8:
        await client.execute({
          sql: "UPDATE assets SET owner_id = CASE owner_id WHEN 'u1' THEN 'u2' ELSE 'u1' END WHERE id = ?",
          args: [id],
        });
        break;
    }
    if (step % 100 === 99) await assertSummariesMatch();
  }
  await assertSummariesMatch();
  assert.ok(((await client.execute("SELECT count(*) AS n FROM map_cells WHERE count > 0")).rows[0]!.n as number) > 0);
});
