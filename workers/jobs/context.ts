import type { Database } from "../../common/db";
import type { LocalStorage } from "../storage/local";

// What every job handler may use.
export interface JobContext {
  db: Database;
  storage: LocalStorage;
}
