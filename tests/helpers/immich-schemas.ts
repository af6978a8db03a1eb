// Checks JSON against Immich 3.1.0's OpenAPI schemas as the phone app's generated Dart client reads
// it: a required field missing, null where the schema does not allow it, a value of the wrong type
// or outside its enum, or a date that does not parse makes the client throw; extra fields it ignores.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { projectRoot } from "./shoebox";

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

export const immichSpecPath = resolve(projectRoot, "../shared/immich/immich-openapi-specs-3.1.0.json");
export const hasImmichSpec = existsSync(immichSpecPath);
let loaded: OpenApi | undefined;
const spec = (): OpenApi => (loaded ??= JSON.parse(readFileSync(immichSpecPath, "utf8")) as OpenApi);

function resolveRef(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const found = spec().components.schemas[name];
  if (!found) throw new Error(`no schema ${name}`);
  return resolveRef(found);
}

// The problems found, each with its path in the value; empty when the client would parse it.
export function problems(value: unknown, schema: Schema, path = "$"): string[] {
  // `nullable` on a property wrapping a $ref in allOf belongs to the property.
  if (value === null) return schema.nullable ? [] : [`${path}: null where not nullable`];
  const wrapped = schema.allOf ?? schema.anyOf ?? schema.oneOf;
  if (wrapped) return wrapped.flatMap((part) => problems(value, part, path));
  const s = resolveRef(schema);
  if (s !== schema) return problems(value, s, path);
  if (s.enum && !s.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`];
  switch (s.type) {
    case "string":
      if (typeof value !== "string") return [`${path}: ${typeof value} where a string is wanted`];
      if (s.format === "date-time" && Number.isNaN(Date.parse(value))) return [`${path}: ${value} is not a date`];
      return [];
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? [] : [`${path}: ${JSON.stringify(value)} is not an integer`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: ${JSON.stringify(value)} is not a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: ${JSON.stringify(value)} is not a boolean`];
    case "array":
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return s.items ? value.flatMap((item, i) => problems(item, s.items!, `${path}[${i}]`)) : [];
    case "object":
    case undefined: {
      if (s.type === undefined && !s.properties) return [];
      if (typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
      const record = value as Record<string, unknown>;
      const missing = (s.required ?? []).filter((key) => !(key in record)).map((key) => `${path}.${key}: missing`);
      const inner = Object.entries(s.properties ?? {}).flatMap(([key, property]) => (key in record ? problems(record[key], property, `${path}.${key}`) : []));
      return [...missing, ...inner];
    }
    default:
      return [];
  }
}

export const schemaNamed = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

// The schema of an operation's JSON answer with this status, by the OpenAPI path ("/users/me").
export function responseSchema(method: string, path: string, status: number): Schema {
  const operation = spec().paths[path]?.[method.toLowerCase()];
  const schema = operation?.responses[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`Immich 3.1.0 has no JSON answer ${status} to ${method} ${path}`);
  return schema;
}
