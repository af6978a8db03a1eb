// People: the faces found in one's photos, grouped by face recognition (workers/jobs/faces.ts). The
// grid of people at /people, and a person's own page at /people/:id with their photos, where they
// are named, hidden or merged into someone else. Every change is a plain form post that redirects
// back; people are their owner's alone, anyone else's answers 404.
import { Hono, type Context } from "hono";
import type { PersonWithCount } from "../../common/people";
import type { Person } from "../../common/schema";
import { authOf, formText, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import {
  mergePersonInto,
  myPeople,
  personNameMaxLength,
  personOverview,
  updatePerson,
  type PersonOverview,
} from "../services/people";
import { AssetGrid, countOf, CsrfField, Layout } from "./layout";

export const personName = (person: Pick<Person, "name">) => person.name || "Unnamed person";

function PersonTile({ person }: { person: PersonWithCount }) {
  return (
    <li>
      <a class="person" href={`/people/${person.id}`}>
        <img
          class="person-face"
          src={`/api/people/${person.id}/thumbnail`}
          alt=""
          loading="lazy"
          decoding="async"
          width={250}
          height={250}
        />
        <span class={person.name ? "person-name" : "person-name muted"}>{personName(person)}</span>
        <span class="muted person-count">{countOf(person.assetCount, "photo")}</span>
      </a>
    </li>
  );
}

function PeopleGrid({ people }: { people: PersonWithCount[] }) {
  return (
    <ul class="people">
      {people.map((person) => (
        <PersonTile person={person} />
      ))}
    </ul>
  );
}

async function peopleList(c: Context<ViewerEnv>) {
  const showHidden = c.req.query("hidden") === "1";
  const { people, hidden } = await myPeople(c, authOf(c.var.viewer), { withHidden: true });
  const named = people.filter((p) => !p.isHidden && p.name);
  const unnamed = people.filter((p) => !p.isHidden && !p.name);
  const hiddenPeople = people.filter((p) => p.isHidden);
  return c.html(
    <Layout title="People" viewer={c.var.viewer} current="/people">
      <h1>People</h1>
      {people.length === 0 ? (
        <div class="card">
          <p>People appear here once face recognition has run on your photos.</p>
          <p class="muted">Then you can name them and see every photo of someone in one place.</p>
        </div>
      ) : (
        <>
          {named.length > 0 && (
            <section aria-labelledby="people-named">
              <h2 id="people-named">Named</h2>
              <PeopleGrid people={named} />
            </section>
          )}
          {unnamed.length > 0 && (
            <section aria-labelledby="people-unnamed">
              <h2 id="people-unnamed">Not named yet</h2>
              <PeopleGrid people={unnamed} />
            </section>
          )}
          {hidden > 0 &&
            (showHidden ? (
              <section aria-labelledby="people-hidden">
                <h2 id="people-hidden">Hidden</h2>
                <PeopleGrid people={hiddenPeople} />
                <p>
                  <a href="/people">Leave the hidden people out</a>
                </p>
              </section>
            ) : (
              <p>
                <a href="/people?hidden=1">{`Show ${countOf(hidden, "hidden person")}`.replace("persons", "people")}</a>
              </p>
            ))}
        </>
      )}
    </Layout>,
  );
}

// People who may be this one, each with a button that merges this person into them.
function MaybeSamePeople({ viewer, person, maybe }: { viewer: Viewer; person: Person; maybe: Person[] }) {
  if (maybe.length === 0) return null;
  return (
    <section class="merge-suggestions">
      <h2>May be the same person</h2>
      <ul class="people">
        {maybe.map((other) => (
          <li>
            <a class="person" href={`/people/${other.id}`}>
              <img
                class="person-face"
                src={`/api/people/${other.id}/thumbnail`}
                alt=""
                loading="lazy"
                decoding="async"
                width={250}
                height={250}
              />
              <span class={other.name ? "person-name" : "person-name muted"}>{personName(other)}</span>
            </a>
            <form method="post" action={`/people/${person.id}/merge`}>
              <CsrfField viewer={viewer} />
              <input type="hidden" name="into" value={other.id} />
              <button type="submit" class="button button-quiet">
                Same person: merge
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PersonPage({ viewer, overview }: { viewer: Viewer; overview: PersonOverview }) {
  const { person, others, assets } = overview;
  const action = (what: string) => `/people/${person.id}/${what}`;
  return (
    <Layout title={personName(person)} viewer={viewer} current="/people">
      <p>
        <a href="/people">← People</a>
      </p>
      <div class="person-header">
        <img
          class="person-face person-face-large"
          src={`/api/people/${person.id}/thumbnail`}
          alt=""
          width={250}
          height={250}
        />
        <div>
          <h1>{personName(person)}</h1>
          <p class="muted">
            {countOf(assets.length, "photo")}
            {person.isHidden ? " · hidden from People" : ""}
          </p>
        </div>
      </div>
      <div class="person-actions">
        <form method="post" action={action("name")} class="person-form">
          <CsrfField viewer={viewer} />
          <label for="person-name">Name</label>
          <input
            id="person-name"
            name="name"
            type="text"
            maxlength={personNameMaxLength}
            value={person.name}
            placeholder="Add a name"
            autocomplete="off"
          />
          <button type="submit" class="button">
            Save the name
          </button>
        </form>
        <form method="post" action={action("hide")} class="person-form">
          <CsrfField viewer={viewer} />
          <input type="hidden" name="hidden" value={person.isHidden ? "false" : "true"} />
          <button type="submit" class="button button-quiet">
            {person.isHidden ? "Show in People" : "Hide from People"}
          </button>
        </form>
        {others.length > 0 && (
          <form method="post" action={action("merge")} class="person-form">
            <CsrfField viewer={viewer} />
            <label for="person-merge">{`Merge ${personName(person)} into`}</label>
            <select id="person-merge" name="into" required>
              {others.map((other) => (
                <option value={other.id}>{`${personName(other)} (${countOf(other.assetCount, "photo")})`}</option>
              ))}
            </select>
            <button type="submit" class="button button-quiet">
              Merge
            </button>
          </form>
        )}
      </div>
      <MaybeSamePeople viewer={viewer} person={person} maybe={overview.maybeSame.map((m) => m.person)} />
      <AssetGrid
        assets={assets}
        href={(asset) => `/photos/${asset.id}`}
        thumbnail={(asset) => `/api/assets/${asset.id}/thumbnail`}
      />
    </Layout>
  );
}

export const peoplePage = new Hono<ViewerEnv>()
  .get("/", requireViewer, peopleList)
  .get("/:id", requireViewer, async (c) =>
    c.html(
      <PersonPage viewer={c.var.viewer} overview={await personOverview(c, authOf(c.var.viewer), c.req.param("id"))} />,
    ),
  )
  .post("/:id/name", requireViewer, async (c) => {
    const person = await updatePerson(c, authOf(c.var.viewer), c.req.param("id"), {
      name: formText((await c.req.parseBody()).name),
    });
    return c.redirect(`/people/${person.id}`, 303);
  })
  .post("/:id/hide", requireViewer, async (c) => {
    const person = await updatePerson(c, authOf(c.var.viewer), c.req.param("id"), {
      isHidden: formText((await c.req.parseBody()).hidden) === "true",
    });
    return c.redirect(`/people/${person.id}`, 303);
  })
  .post("/:id/merge", requireViewer, async (c) => {
    const into = await mergePersonInto(
      c,
      authOf(c.var.viewer),
      c.req.param("id"),
      formText((await c.req.parseBody()).into),
    );
    return c.redirect(`/people/${into.id}`, 303);
  });
