// Explore: what is in one's library at a glance: people (from face recognition), places (the cities
// of geocoding) and things (the object model's tags), each with a count and a cover; /explore/tags/:tag
// shows the photos of one thing. Only the viewer's own photos count, as for people.
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { authOf, requireViewer, type ViewerEnv } from "../middleware/pages";
import { exploreOverview, photosOfThing } from "../services/explore";
import { AssetGrid, countOf, Layout } from "./layout";
import { personName } from "./people";

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function Cover(props: { href: string; assetId: string; title: string; count: number; round?: boolean; src?: string }) {
  return (
    <li>
      <a class="person" href={props.href}>
        <img
          class={props.round ? "person-face" : "explore-cover"}
          src={props.src ?? `/api/assets/${props.assetId}/thumbnail`}
          alt=""
          loading="lazy"
          decoding="async"
          width={250}
          height={250}
        />
        <span class="person-name">{props.title}</span>
        <span class="muted person-count">{countOf(props.count, "photo")}</span>
      </a>
    </li>
  );
}

// One shelf of Explore: its heading (a link to where all of them are, if anywhere) and its covers,
// or what will fill it.
function Shelf(props: { id: string; title: string; href?: string; empty: string; covers: Child[] }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.href ? <a href={props.href}>{props.title}</a> : props.title}</h2>
      {props.covers.length ? <ul class="people">{props.covers}</ul> : <p class="empty">{props.empty}</p>}
    </section>
  );
}

export const explorePage = new Hono<ViewerEnv>()
  .get("/", requireViewer, async (c) => {
    const { viewer } = c.var;
    const { people, places, things } = await exploreOverview(c, authOf(viewer));
    return c.html(
      <Layout title="Explore" viewer={viewer} current="/explore">
        <h1>Explore</h1>
        <Shelf
          id="explore-people"
          title="People"
          href="/people"
          empty="People appear here once face recognition has run on your photos."
          covers={people
            .slice(0, 12)
            .map((person) => (
              <Cover
                href={`/people/${person.id}`}
                assetId=""
                src={`/api/people/${person.id}/thumbnail`}
                round
                title={personName(person)}
                count={person.assetCount}
              />
            ))}
        />
        <Shelf
          id="explore-places"
          title="Places"
          href="/map"
          empty="Places appear here for photos that know where they were taken."
          covers={places.map((place) => (
            <Cover
              href={`/search?${new URLSearchParams({ place: place.city })}`}
              assetId={place.coverAssetId}
              title={place.country ? `${place.city}, ${place.country}` : place.city}
              count={place.count}
            />
          ))}
        />
        <Shelf
          id="explore-things"
          title="Things"
          empty="Things appear here once the object model has looked at your photos."
          covers={things.map((tag) => (
            <Cover
              href={`/explore/tags/${encodeURIComponent(tag.tag)}`}
              assetId={tag.coverAssetId}
              title={capitalized(tag.tag)}
              count={tag.count}
            />
          ))}
        />
      </Layout>,
    );
  })
  .get("/tags/:tag", requireViewer, async (c) => {
    const { viewer } = c.var;
    const tag = c.req.param("tag").toLowerCase();
    const assets = await photosOfThing(c, authOf(viewer), tag);
    if (assets.length === 0) {
      return c.html(
        <Layout title="Not found" viewer={viewer} current="/explore">
          <h1>{capitalized(tag.slice(0, 40))}</h1>
          <p class="empty">None of your photos has this tag.</p>
          <p>
            <a href="/explore">Back to Explore</a>
          </p>
        </Layout>,
        404,
      );
    }
    return c.html(
      <Layout title={capitalized(tag)} viewer={viewer} current="/explore">
        <p>
          <a href="/explore">Explore</a>
        </p>
        <h1>{capitalized(tag)}</h1>
        <p class="muted grid-caption">{countOf(assets.length, "photo")}, newest first</p>
        <AssetGrid
          assets={assets}
          href={(asset) => `/photos/${asset.id}`}
          thumbnail={(asset) => `/api/assets/${asset.id}/thumbnail`}
        />
      </Layout>,
    );
  });
