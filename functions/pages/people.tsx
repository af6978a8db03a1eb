// People: the faces found in one's photos. Face recognition comes later; until then, a page that says so.
import { Hono } from "hono";
import { requireViewer, type ViewerEnv } from "../middleware/pages";
import { Layout } from "./layout";

export const peoplePage = new Hono<ViewerEnv>().get("/", requireViewer, (c) =>
  c.html(
    <Layout title="People" viewer={c.var.viewer} current="/people">
      <h1>People</h1>
      <div class="card">
        <p>People appear here once face recognition has run on your photos.</p>
        <p class="muted">Then you can name them and see every photo of someone in one place.</p>
      </div>
    </Layout>,
  ),
);
