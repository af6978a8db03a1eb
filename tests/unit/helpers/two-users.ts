// A test library with two users, for the rules that keep one user's things from another's.
import type { Auth } from "../../../common/access";
import type { User } from "../../../common/schema";
import { openTestLibrary, type TestLibrary } from "./library";

export async function openTwoUsers(): Promise<{ library: TestLibrary; alice: User; bob: User }> {
  const library = await openTestLibrary();
  return { library, alice: await library.createUser(), bob: await library.createUser() };
}

// A user asking with their own session.
export const as = (user: User): Auth => ({ user });
