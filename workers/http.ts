// A request to the worker's internal endpoint that is wrong as a whole (bad JSON, a bad Hrana
// pipeline, a missing field): answered with its HTTP status and message.
export class InternalHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
