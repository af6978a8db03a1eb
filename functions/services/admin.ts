// Who may administer the server: accounts, queues, libraries and the integrity check are the admin's.
import type { Auth } from "../../common/access";
import { AppError } from "../../common/errors";

export function requireAdmin(auth: Auth): void {
  if (!auth.user.isAdmin) throw new AppError(403, "Only an admin can do this");
}
