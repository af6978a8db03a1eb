// The AppError a service call was refused with; fails when the call went through or failed otherwise.
import { AppError } from "../../../common/errors";

export async function refusal(call: Promise<unknown>): Promise<AppError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("the call was not refused");
}
