// A Hrana 2 server over HTTP (the protocol of sqld and Turso), backed by the embedded database,
// so that the stock @libsql/client works against it unchanged.
// Spec: the "Hrana over HTTP" document of libsql's repository, version 2 (JSON, /v2/pipeline).
import { randomBytes } from "node:crypto";
import { InternalHttpError } from "../http";
import type { EmbeddedDatabase, PooledConnection } from "./embedded-database";

// ---- Protocol types (JSON encoding) ----

type Value =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

interface Stmt {
  sql?: string;
  sql_id?: number;
  args?: Value[];
  named_args?: Array<{ name: string; value: Value }>;
  want_rows?: boolean;
}

interface StmtResult {
  cols: Array<{ name: string; decltype: string | null }>;
  rows: Value[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

type BatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and"; conds: BatchCond[] }
  | { type: "or"; conds: BatchCond[] };

interface Batch {
  steps: Array<{ condition?: BatchCond | null; stmt: Stmt }>;
}

type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: Stmt }
  | { type: "batch"; batch: Batch }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "describe"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number };

interface ProtocolError {
  message: string;
  code?: string;
}

type StreamResult = { type: "ok"; response: Record<string, unknown> } | { type: "error"; error: ProtocolError };

export interface PipelineRequest {
  baton?: string | null;
  requests: StreamRequest[];
}

export interface PipelineResponse {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
}

class StatementError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

// ---- Values ----

function toSqlite(value: Value): unknown {
  switch (value.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(value.value);
    case "float":
      return value.value;
    case "text":
      return value.value;
    case "blob":
      return Buffer.from(value.base64, "base64");
    default:
      throw new StatementError(
        `Unknown value type ${JSON.stringify((value as { type: unknown }).type)}`,
        "HRANA_PROTO_ERROR",
      );
  }
}

function fromSqlite(value: unknown): Value {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) return { type: "blob", base64: Buffer.from(value).toString("base64") };
  throw new Error(`Unexpected value from SQLite: ${typeof value}`);
}

// ---- Streams ----

const streamIdleTimeoutMs = 10_000;

class Stream {
  readonly sqls = new Map<number, string>();
  closed = false;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly connection: PooledConnection) {}

  sqlOf(source: { sql?: string; sql_id?: number }): string {
    if (source.sql !== undefined && source.sql !== null) return source.sql;
    if (source.sql_id !== undefined && source.sql_id !== null) {
      const sql = this.sqls.get(source.sql_id);
      if (sql === undefined) throw new StatementError(`No SQL text stored under id ${source.sql_id}`, "SQL_NOT_FOUND");
      return sql;
    }
    throw new StatementError("The request has neither sql nor sql_id", "HRANA_PROTO_ERROR");
  }

  execute(stmt: Stmt): StmtResult {
    const sql = this.sqlOf(stmt);
    const statement = this.connection.prepare(sql);
    const positional = (stmt.args ?? []).map(toSqlite);
    const named = stmt.named_args ?? [];
    if (positional.length > 0 && named.length > 0) {
      throw new StatementError(
        "Mixing positional and named arguments in one statement is not supported",
        "ARGS_INVALID",
      );
    }
    // SQLite names parameters with their prefix (:a, @a, $a); the binding object takes the bare name.
    const params: unknown[] =
      named.length > 0
        ? [Object.fromEntries(named.map((a) => [a.name.replace(/^[:@$]/, ""), toSqlite(a.value)]))]
        : positional;

    if (!statement.reader) {
      const result = statement.run(...(params as [Record<string, unknown>]));
      return {
        cols: [],
        rows: [],
        affected_row_count: result.changes,
        last_insert_rowid: String(result.lastInsertRowid),
      };
    }
    const before = this.connection.counters().totalChanges;
    const rows = statement.raw(true).all(...(params as [Record<string, unknown>])) as unknown[][];
    const after = this.connection.counters();
    return {
      cols: statement.columns().map((c) => ({ name: c.name, decltype: c.type })),
      rows: stmt.want_rows === false ? [] : rows.map((row) => row.map(fromSqlite)),
      // changes() keeps the count of the last INSERT/UPDATE/DELETE: only an UPDATE … RETURNING and
      // the like, which moved total_changes(), report it.
      affected_row_count: after.totalChanges === before ? 0 : after.changes,
      last_insert_rowid: after.lastInsertRowid.toString(),
    };
  }

  batch(batch: Batch): Record<string, unknown> {
    const results: Array<StmtResult | null> = [];
    const errors: Array<ProtocolError | null> = [];
    const holds = (cond: BatchCond): boolean => {
      switch (cond.type) {
        case "ok":
          return results[cond.step] != null;
        case "error":
          return errors[cond.step] != null;
        case "not":
          return !holds(cond.cond);
        case "and":
          return cond.conds.every(holds);
        case "or":
          return cond.conds.some(holds);
        default:
          throw new StatementError(
            `Unknown batch condition ${JSON.stringify((cond as { type: unknown }).type)}`,
            "HRANA_PROTO_ERROR",
          );
      }
    };
    for (const step of batch.steps) {
      if (step.condition && !holds(step.condition)) {
        results.push(null);
        errors.push(null);
        continue;
      }
      try {
        results.push(this.execute(step.stmt));
        errors.push(null);
      } catch (error) {
        results.push(null);
        errors.push(toProtocolError(error));
      }
    }
    return { step_results: results, step_errors: errors };
  }

  describe(sql: string): Record<string, unknown> {
    const statement = this.connection.prepare(sql);
    return {
      params: parameterNames(sql).map((name) => ({ name })),
      cols: statement.reader ? statement.columns().map((c) => ({ name: c.name, decltype: c.type })) : [],
      is_explain: /^\s*explain\b/i.test(sql),
      is_readonly: isReadonly(sql),
    };
  }

  handle(request: StreamRequest): StreamResult {
    try {
      return { type: "ok", response: this.respond(request) };
    } catch (error) {
      return { type: "error", error: toProtocolError(error) };
    }
  }

  private respond(request: StreamRequest): Record<string, unknown> {
    switch (request.type) {
      case "close":
        this.closed = true;
        return { type: "close" };
      case "execute":
        return { type: "execute", result: this.execute(request.stmt) };
      case "batch":
        return { type: "batch", result: this.batch(request.batch) };
      case "sequence":
        this.connection.raw.exec(this.sqlOf(request));
        return { type: "sequence" };
      case "describe":
        return { type: "describe", result: this.describe(this.sqlOf(request)) };
      case "store_sql":
        this.sqls.set(request.sql_id, request.sql);
        return { type: "store_sql" };
      case "close_sql":
        this.sqls.delete(request.sql_id);
        return { type: "close_sql" };
      default:
        throw new StatementError(
          `Unknown request type ${JSON.stringify((request as { type: unknown }).type)}`,
          "HRANA_PROTO_ERROR",
        );
    }
  }
}

function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof StatementError) return { message: error.message, code: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { message: String(error) };
}

// Parameter names as SQLite numbers them: ?NNN, ?, :name, @name, $name, outside strings and comments.
function parameterNames(sql: string): Array<string | null> {
  const names: Array<string | null> = [];
  const pattern =
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|\?(\d*)|([:@$][A-Za-z_][\w$]*)/g;
  for (const match of sql.matchAll(pattern)) {
    if (match[1] !== undefined) {
      const index = match[1] === "" ? names.length + 1 : Number(match[1]);
      while (names.length < index) names.push(null);
      if (match[1] !== "") names[index - 1] = `?${match[1]}`;
    } else if (match[2] !== undefined && !names.includes(match[2])) {
      names.push(match[2]);
    }
  }
  return names;
}

function isReadonly(sql: string): boolean {
  const stripped = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim();
  if (/^(select|values|explain)\b/i.test(stripped)) return true;
  if (/^with\b/i.test(stripped)) return !/\b(insert|update|delete|replace)\b/i.test(stripped);
  return false;
}

// ---- The server ----

export class HranaServer {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly database: EmbeddedDatabase) {}

  async pipeline(body: unknown): Promise<PipelineResponse> {
    const request = parsePipelineRequest(body);
    let stream: Stream;
    if (request.baton) {
      const found = this.streams.get(request.baton);
      if (!found) throw new InternalHttpError(400, "The baton is unknown or was already used, or its stream expired");
      this.streams.delete(request.baton);
      clearTimeout(found.idleTimer);
      stream = found;
    } else {
      stream = new Stream(this.database.acquire());
    }

    await this.database.enterGate(stream);
    const results = request.requests.map((r) => (stream.closed ? closedResult() : stream.handle(r)));

    if (stream.closed) {
      this.closeStream(stream);
      return { baton: null, base_url: null, results };
    }
    this.database.updateGate(stream, stream.connection.inTransaction);
    const baton = randomBytes(24).toString("base64url");
    this.streams.set(baton, stream);
    stream.idleTimer = setTimeout(() => {
      // A client that went away mid-transaction must not hold the database forever.
      this.streams.delete(baton);
      this.closeStream(stream);
    }, streamIdleTimeoutMs);
    stream.idleTimer.unref();
    return { baton, base_url: null, results };
  }

  private closeStream(stream: Stream): void {
    stream.closed = true;
    clearTimeout(stream.idleTimer);
    this.database.release(stream.connection);
    this.database.updateGate(stream, false);
  }

  close(): void {
    for (const stream of this.streams.values()) this.closeStream(stream);
    this.streams.clear();
  }
}

function closedResult(): StreamResult {
  return { type: "error", error: { message: "The stream was closed by an earlier request", code: "STREAM_CLOSED" } };
}

function parsePipelineRequest(body: unknown): PipelineRequest {
  if (typeof body !== "object" || body === null || !Array.isArray((body as PipelineRequest).requests)) {
    throw new InternalHttpError(400, "A pipeline request is a JSON object with a `requests` array");
  }
  const { baton, requests } = body as PipelineRequest;
  if (baton !== undefined && baton !== null && typeof baton !== "string") {
    throw new InternalHttpError(400, "`baton` must be a string or null");
  }
  for (const r of requests) {
    if (typeof r !== "object" || r === null || typeof (r as { type?: unknown }).type !== "string") {
      throw new InternalHttpError(400, "Each request must be an object with a `type`");
    }
  }
  return { baton, requests };
}
