// Signing up the first admin, signing in and signing out: plain forms that post and redirect, so
// that they work without JavaScript.
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../common/errors";
import type { AppEnv } from "../env";
import { authOf, findViewer, formText, hasAdmin, requireViewer, safeNext } from "../middleware/pages";
import { endSessionCookie, startSession } from "../services/auth";
import { signOutHere } from "../services/sessions";
import { checkCredentials } from "../services/sign-in";
import { AccountEmail, AccountName, NewPassword, signUpFirstAdmin } from "../services/users";
import { Field, FormError, Layout } from "./layout";

const Registration = z
  .object({
    name: AccountName,
    email: AccountEmail,
    password: NewPassword,
    confirm: z.string("Repeat the password"),
  })
  .refine((form) => form.password === form.confirm, "The two passwords differ");

function RegisterPage(props: { error?: string; name?: string; email?: string }) {
  return (
    <Layout title="Welcome" narrow>
      <form class="card" method="post" action="/auth/register">
        <h1>Welcome to Shoebox</h1>
        <p>Create the admin account. You can invite the others once you are in.</p>
        <FormError message={props.error} />
        <Field label="Name" name="name" autocomplete="name" value={props.name} autofocus />
        <Field label="Email" name="email" type="email" autocomplete="email" value={props.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={8}
          hint="At least 8 characters"
        />
        <Field label="Repeat the password" name="confirm" type="password" autocomplete="new-password" minlength={8} />
        <button type="submit" class="button">
          Create the account
        </button>
      </form>
    </Layout>
  );
}

function LoginPage(props: { next: string; error?: string; email?: string }) {
  return (
    <Layout title="Sign in" narrow>
      <form class="card" method="post" action="/auth/login">
        <h1>Sign in</h1>
        <FormError message={props.error} />
        <Field
          label="Email"
          name="email"
          type="email"
          autocomplete="username"
          value={props.email}
          autofocus={!props.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autocomplete="current-password"
          autofocus={Boolean(props.email)}
        />
        {props.next !== "/" && <input type="hidden" name="next" value={props.next} />}
        <button type="submit" class="button">
          Sign in
        </button>
      </form>
    </Layout>
  );
}

export const authPages = new Hono<AppEnv>()
  .get("/register", async (c) => ((await hasAdmin(c.var.db)) ? c.redirect("/auth/login") : c.html(<RegisterPage />)))
  .post("/register", async (c) => {
    if (await hasAdmin(c.var.db)) return c.redirect("/auth/login");
    const form = await c.req.parseBody();
    const parsed = Registration.safeParse(form);
    if (!parsed.success) {
      return c.html(
        <RegisterPage
          error={parsed.error.issues[0]?.message}
          name={formText(form.name)}
          email={formText(form.email)}
        />,
        400,
      );
    }
    const admin = await signUpFirstAdmin(c, parsed.data);
    // Someone else was quicker.
    if (!admin) return c.redirect("/auth/login");
    await startSession(c, admin);
    return c.redirect("/");
  })
  .get("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    return (await findViewer(c)) ? c.redirect(next) : c.html(<LoginPage next={next} />);
  })
  .post("/login", async (c) => {
    const form = await c.req.parseBody();
    const email = formText(form.email);
    const next = safeNext(form.next);
    try {
      await startSession(c, await checkCredentials(c, email, formText(form.password)));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return c.html(<LoginPage next={next} email={email} error={error.message} />, error.status);
    }
    return c.redirect(next);
  })
  .post("/logout", requireViewer, async (c) => {
    await signOutHere(c, authOf(c.var.viewer));
    endSessionCookie(c);
    return c.redirect("/auth/login");
  });
