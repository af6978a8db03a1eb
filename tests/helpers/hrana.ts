// An embedded database served over Hrana on a loopback port, in this process, for tests that
// exercise the server with the stock client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedDatabase } from "../../workers/db/embedded-database";
import { HranaServer } from "../../workers/db/hrana-server";
import { startInternalServer } from "../../workers/internal-server";

export interface TestDatabase {
  url: string;
  token: string;
  dir: string;
  close(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "shoebox-hrana-"));
  const database = new EmbeddedDatabase(join(dir, "test.db"));
  const hrana = new HranaServer(database);
  const token = "test-token";
  const { server, url } = await startInternalServer({
    host: "127.0.0.1",
    port: 0,
    token,
    hrana,
    onJobsEnqueued: () => {},
    ready: () => true,
  });
  return {
    url,
    token,
    dir,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      hrana.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
