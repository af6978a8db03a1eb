// The embedded database: one libSQL file in WAL mode, opened only by this process and served to
// everything else (workerd, other workers, this worker's own job runner) over Hrana.
//
// Connections are synchronous, so statements from different streams never interleave within one
// request. A transaction that stays open between requests is the one thing that could make another
// connection fail with SQLITE_BUSY; the write gate makes every other stream wait for it instead.
import Libsql from "libsql";

type Connection = InstanceType<typeof Libsql>;
type Statement = ReturnType<Connection["prepare"]>;

const statementCacheSize = 64;
const maxIdleConnections = 8;

export class PooledConnection {
  private readonly statements = new Map<string, Statement>();
  private readonly changesStatement: Statement;

  constructor(readonly raw: Connection) {
    this.changesStatement = raw.prepare("SELECT total_changes(), changes(), last_insert_rowid()").raw(true);
  }

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Refresh its place in the LRU order.
      this.statements.delete(sql);
    } else {
      statement = this.raw.prepare(sql);
      if (this.statements.size >= statementCacheSize) {
        this.statements.delete(this.statements.keys().next().value!);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  counters(): { totalChanges: bigint; changes: number; lastInsertRowid: bigint } {
    const [totalChanges, changes, lastInsertRowid] = this.changesStatement.get([]) as [bigint, bigint, bigint];
    return { totalChanges, changes: Number(changes), lastInsertRowid };
  }

  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  rollbackIfOpen(): void {
    if (this.raw.inTransaction) this.raw.exec("ROLLBACK");
  }
}

export class EmbeddedDatabase {
  private readonly idle: PooledConnection[] = [];
  private gateHolder: object | undefined;
  private gateWaiters: Array<() => void> = [];

  constructor(readonly path: string) {
    const first = this.open();
    // WAL lets readers go on while one writer writes; it is a property of the file, set once.
    first.raw.pragma("journal_mode = WAL");
    this.idle.push(first);
  }

  private open(): PooledConnection {
    const raw = new Libsql(this.path);
    raw.defaultSafeIntegers(true);
    // Another process touching the file (a backup, the sqlite3 shell) makes us wait, not fail.
    raw.pragma("busy_timeout = 5000");
    raw.pragma("foreign_keys = ON");
    raw.pragma("synchronous = NORMAL");
    return new PooledConnection(raw);
  }

  acquire(): PooledConnection {
    return this.idle.pop() ?? this.open();
  }

  release(connection: PooledConnection): void {
    connection.rollbackIfOpen();
    if (this.idle.length < maxIdleConnections) this.idle.push(connection);
    else connection.raw.close();
  }

  // Waits until no other stream holds the gate, then holds it while the request runs. The check and
  // the taking happen in one synchronous step, so two waiters woken together cannot both get in.
  async enterGate(owner: object): Promise<void> {
    while (this.gateHolder !== undefined && this.gateHolder !== owner) {
      await new Promise<void>((resolve) => this.gateWaiters.push(resolve));
    }
    this.gateHolder = owner;
  }

  // Called after each request of a stream: it keeps the gate only while its transaction stays open.
  updateGate(owner: object, inTransaction: boolean): void {
    if (inTransaction) {
      this.gateHolder = owner;
    } else if (this.gateHolder === owner) {
      this.gateHolder = undefined;
      for (const wake of this.gateWaiters.splice(0)) wake();
    }
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.raw.close();
  }
}
