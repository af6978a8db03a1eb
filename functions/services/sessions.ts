// Sessions' rules: where the asker is signed in, and signing out their own devices (never anyone else's).
import type { Auth } from "../../common/access";
import { deleteOtherSessions, deleteSession, listSessions } from "../../common/credentials";
import { notFound } from "../../common/errors";
import type { Session } from "../../common/schema";
import type { ServiceContext as Ctx } from "./context";

// The asker's sessions, most recently used first, each marked when it is the one asking.
export async function mySessions(c: Ctx, auth: Auth): Promise<Array<Session & { current: boolean }>> {
  return (await listSessions(c.var.db, auth.user.id)).map((session) => ({
    ...session,
    current: session.id === auth.session?.id,
  }));
}

export async function signOutSession(c: Ctx, auth: Auth, id: string): Promise<void> {
  if (!(await deleteSession(c.var.db, auth.user.id, id))) throw notFound("Session not found");
}

// Signs the asker out everywhere but here.
export async function signOutOtherSessions(c: Ctx, auth: Auth): Promise<void> {
  await deleteOtherSessions(c.var.db, auth.user.id, auth.session?.id);
}

// Signs the asker out here: this session ends (an API key or a link has no session to end).
export async function signOutHere(c: Ctx, auth: Auth): Promise<void> {
  const id = auth.session?.id;
  if (id) await deleteSession(c.var.db, auth.user.id, id);
}
