// Immich 3.1.0's OpenAPI schemas, checked as the phone app's generated Dart client reads a response:
// a required field that is missing, null where not nullable, of the wrong type or outside its enum
// throws (formats and patterns are not checked, but a date-time must parse).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { projectRoot } from "./shoebox";

export const immichSpecPath = resolve(projectRoot, "../shared/immich/immich-openapi-specs-3.1.0.json");
export const noImmichSpec = existsSync(immichSpecPath)
  ? false
  : `Immich's OpenAPI document is not at ${immichSpecPath}`;

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

let schemas: Record<string, Schema> | undefined;

function named(name: string): Schema {
  schemas ??= (JSON.parse(readFileSync(immichSpecPath, "utf8")) as { components: { schemas: Record<string, Schema> } })
    .components.schemas;
  const schema = schemas[name];
  assert.ok(schema, `no schema ${name} in Immich's OpenAPI document`);
  return schema;
}

function problems(value: unknown, schema: Schema, path: string): string[] {
  if (schema.$ref) return problems(value, named(schema.$ref.split("/").pop()!), path);
  if (value === null) return schema.nullable ? [] : [`${path}: null, but not nullable`];
  if (schema.allOf) return schema.allOf.flatMap((part) => problems(value, part, path));
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`];
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
      const record = value as Record<string, unknown>;
      const missing = (schema.required ?? [])
        .filter((key) => record[key] === undefined)
        .map((key) => `${path}.${key}: missing`);
      const wrong = Object.entries(schema.properties ?? {}).flatMap(([key, property]) =>
        record[key] === undefined ? [] : problems(record[key], property, `${path}.${key}`),
      );
      return [...missing, ...wrong];
    }
    case "array":
      return Array.isArray(value)
        ? value.flatMap((item, i) => problems(item, schema.items ?? {}, `${path}[${i}]`))
        : [`${path}: not an array`];
    case "string":
      if (typeof value !== "string") return [`${path}: not a string`];
      return schema.format === "date-time" && Number.isNaN(Date.parse(value)) ? [`${path}: not a date-time`] : [];
    case "integer":
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: not a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: not a boolean`];
    default:
      return [];
  }
}

// Asserts that `value` reads as Immich's schema `name` (UserAdminResponseDto, say).
export function assertImmichShape(name: string, value: unknown): void {
  const found = problems(value, named(name), name);
  assert.deepEqual(found, [], `${name} would not parse in Immich's app:\n${found.join("\n")}`);
}
