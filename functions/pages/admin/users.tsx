// The users screen of the administration: the accounts with their storage, the new-user form, and
// each account's edit, removal and restore forms; and what those forms send, read.
import { z } from "zod";
import type { User } from "../../../common/schema";
import { formText, type Viewer } from "../../middleware/pages";
import { AccountEmail, AccountName, NewPassword, type AccountChanges, type NewAccount } from "../../services/users";
import { Disclosure } from "../layout";
import { AdminTable, dateFormat, gib, PostForm, StorageMeter } from "./parts";

// The quota field: GiB, blank for no limit.
const QuotaInGiB = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text === "") return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 1_000_000) {
      ctx.addIssue({ code: "custom", message: "Enter the quota in GiB (a number), or leave it blank for no limit" });
      return z.NEVER;
    }
    return Math.round(value * gib);
  });

const NewUserForm = z.object({
  name: AccountName,
  email: AccountEmail,
  password: NewPassword,
  quota: QuotaInGiB,
  isAdmin: z.literal("on").optional(),
});
const UserEditForm = z.object({
  name: AccountName,
  email: AccountEmail,
  quota: QuotaInGiB,
  isAdmin: z.literal("on").optional(),
});

// What was typed in the new-user form, kept when it could not be used.
export interface NewUserDraft {
  name: string;
  email: string;
  quota: string;
  isAdmin: boolean;
}

type Form = Record<string, string | File | (string | File)[]>;

// A form read into what the service takes, or the first thing wrong with it, in the user's words.
export type FormReading<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const firstIssue = (error: z.ZodError) => ({ error: error.issues[0]?.message ?? "Check the form" });

export function newUserDraft(form: Form): NewUserDraft {
  return {
    name: formText(form.name),
    email: formText(form.email),
    quota: formText(form.quota),
    isAdmin: form.isAdmin === "on",
  };
}

export function readNewUser(form: Form): FormReading<NewAccount> {
  const result = NewUserForm.safeParse({
    name: form.name,
    email: formText(form.email).trim(),
    password: form.password,
    quota: formText(form.quota),
    isAdmin: form.isAdmin,
  });
  if (!result.success) return firstIssue(result.error);
  const { name, email, password, quota, isAdmin } = result.data;
  return { value: { name, email, password, quotaSizeInBytes: quota, isAdmin: isAdmin === "on" } };
}

// The disabled checkbox of one's own account is sent by a hidden field instead: either may come.
export function readUserEdit(form: Form): FormReading<AccountChanges> {
  const isAdmin = [form.isAdmin].flat().includes("on") ? "on" : undefined;
  const result = UserEditForm.safeParse({
    name: form.name,
    email: formText(form.email).trim(),
    quota: formText(form.quota),
    isAdmin,
  });
  if (!result.success) return firstIssue(result.error);
  const { name, email, quota } = result.data;
  return { value: { name, email, quotaSizeInBytes: quota, isAdmin: isAdmin === "on" } };
}

export interface UsersView {
  viewer: Viewer;
  users: User[];
  // The new-user form, kept open with what was typed when it could not be used.
  draft?: NewUserDraft;
  // The account whose edit form stays open (after an error in it).
  editing?: string;
}

function quotaText(user: Pick<User, "quotaSizeInBytes">): string {
  return user.quotaSizeInBytes === null ? "" : String(Math.round((user.quotaSizeInBytes / gib) * 100) / 100);
}

// The name and email fields of the new-user and edit forms; `idOf` keeps each form's ids apart.
function IdentityFields(props: { idOf: (field: string) => string; name?: string; email?: string }) {
  const { idOf } = props;
  return (
    <>
      <div class="field">
        <label for={idOf("name")}>Name</label>
        <input
          id={idOf("name")}
          type="text"
          name="name"
          value={props.name}
          required
          maxlength={200}
          autocomplete="off"
        />
      </div>
      <div class="field">
        <label for={idOf("email")}>Email</label>
        <input
          id={idOf("email")}
          type="email"
          name="email"
          value={props.email}
          required
          maxlength={320}
          autocomplete="off"
        />
      </div>
    </>
  );
}

function QuotaField({ id, value }: { id: string; value?: string }) {
  return (
    <div class="field">
      <label for={id}>Storage quota (GiB)</label>
      <span class="field-hint" id={`${id}-hint`}>
        Blank for no limit
      </span>
      <input
        id={id}
        type="text"
        inputmode="decimal"
        name="quota"
        value={value}
        aria-describedby={`${id}-hint`}
        autocomplete="off"
      />
    </div>
  );
}

function AdminCheck({ checked, disabled }: { checked?: boolean; disabled?: boolean }) {
  return (
    <label class="check">
      <input type="checkbox" name="isAdmin" value="on" checked={checked} disabled={disabled} />
      Admin
    </label>
  );
}

function statusOf(user: User): string {
  if (user.status === "removing") return "Being removed";
  if (user.status === "deleted")
    return `Removed ${user.deletedAt ? dateFormat.format(user.deletedAt) : ""}: can be restored until the grace period ends`;
  return "Active";
}

function UserEdit({ view, user }: { view: UsersView; user: User }) {
  const self = user.id === view.viewer.user.id;
  const id = user.id;
  return (
    <Disclosure label="Edit" quiet open={view.editing === id}>
      <PostForm class="panel" viewer={view.viewer} action={`/admin/users/${id}`}>
        <IdentityFields idOf={(field) => `${field}-${id}`} name={user.name} email={user.email} />
        <QuotaField id={`quota-${id}`} value={quotaText(user)} />
        {/* Nobody takes away their own admin rights (the service refuses it): the box is fixed. */}
        <AdminCheck checked={user.isAdmin} disabled={self} />
        {self && <input type="hidden" name="isAdmin" value="on" />}
        <button type="submit" class="button">
          Save
        </button>
      </PostForm>
    </Disclosure>
  );
}

function UserActions({ view, user }: { view: UsersView; user: User }) {
  if (user.id === view.viewer.user.id || user.status === "removing") return null;
  const id = user.id;
  return (
    <Disclosure label={user.status === "deleted" ? "Restore…" : "Remove…"} quiet>
      <div class="panel remove-panel">
        {user.status === "deleted" ? (
          <PostForm viewer={view.viewer} action={`/admin/users/${id}/restore`}>
            <p>{`${user.name} can sign in again, with everything they had.`}</p>
            <button type="submit" class="button">
              Restore the account
            </button>
          </PostForm>
        ) : (
          <PostForm viewer={view.viewer} action={`/admin/users/${id}/remove`}>
            <p>{`${user.name} is signed out at once. Their photos and albums are deleted after the grace period; until then you can restore the account.`}</p>
            <button type="submit" class="button">
              Remove the account
            </button>
          </PostForm>
        )}
        <PostForm viewer={view.viewer} action={`/admin/users/${id}/remove`}>
          <input type="hidden" name="force" value="on" />
          <p>{`Or delete ${user.name}'s account with all their photos and albums now. This cannot be undone.`}</p>
          <button type="submit" class="button button-danger">
            Delete now
          </button>
        </PostForm>
      </div>
    </Disclosure>
  );
}

export function UsersSection({ view }: { view: UsersView }) {
  const draft = view.draft;
  return (
    <section aria-labelledby="users-heading" class="admin-section">
      <div class="section-head">
        <h2 id="users-heading">Users</h2>
        <Disclosure label="New user" class="new-user" open={Boolean(draft)}>
          <PostForm class="panel" viewer={view.viewer} action="/admin/users">
            <IdentityFields idOf={(field) => `new-${field}`} name={draft?.name} email={draft?.email} />
            <div class="field">
              <label for="new-password">Password</label>
              <span class="field-hint" id="new-password-hint">
                At least 8 characters. Give it to them; they can change it.
              </span>
              <input
                id="new-password"
                type="password"
                name="password"
                required
                minlength={8}
                maxlength={1024}
                autocomplete="new-password"
                aria-describedby="new-password-hint"
              />
            </div>
            <QuotaField id="new-quota" value={draft?.quota} />
            <AdminCheck checked={draft?.isAdmin} />
            <button type="submit" class="button">
              Create the account
            </button>
          </PostForm>
        </Disclosure>
      </div>
      <AdminTable class="users-table" columns={["Name", "Role", "Storage", "Status"]} actions>
        {view.users.map((user) => (
          <tr class={user.status === "active" ? undefined : "user-removed"}>
            <th scope="row" class="user-cell">
              <span class="user-name">{user.name}</span>
              <span class="muted user-email">{user.email}</span>
            </th>
            <td data-label="Role">{user.isAdmin ? "Admin" : "User"}</td>
            <td data-label="Storage">
              <StorageMeter used={user.quotaUsageInBytes} quota={user.quotaSizeInBytes} />
            </td>
            <td data-label="Status">{statusOf(user)}</td>
            <td class="actions-cell">
              {user.status !== "removing" && <UserEdit view={view} user={user} />}
              <UserActions view={view} user={user} />
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}
