// Asserts that a service refused: it rejects with an AppError of this status, and message if given.
import assert from "node:assert/strict";
import { AppError } from "../../../common/errors";

export async function refused(promise: Promise<unknown>, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.status, status, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}
