// An album's sharing panel, for its owner: the people it is shared with and their roles, and its
// public links with their terms.
import type { AlbumSummary } from "../../../common/albums";
import type { KeyedSharedLink } from "../../../common/shared-links";
import { CsrfField, Disclosure } from "../layout";
import { dayFormat } from "./summary";
import { hx, type AlbumView } from "./view";

function MemberRow({ view, member }: { view: AlbumView; member: AlbumSummary["albumUsers"][number] }) {
  const base = `/albums/${view.album.id}/users/${member.user.id}`;
  return (
    <li class="member">
      <span class="member-name">
        {member.user.name}
        <span class="muted">{member.user.email}</span>
      </span>
      <form class="member-role" method="post" action={base} {...hx(base)}>
        <CsrfField viewer={view.viewer} />
        <label class="visually-hidden" for={`role-${member.user.id}`}>{`Role of ${member.user.name}`}</label>
        <select id={`role-${member.user.id}`} name="role" data-autosubmit="">
          <option value="viewer" selected={member.role === "viewer"}>
            Can view
          </option>
          <option value="editor" selected={member.role === "editor"}>
            Can add photos
          </option>
        </select>
        <button type="submit" class="button button-quiet" data-autosubmit-button="">
          Change
        </button>
      </form>
      <form method="post" action={`${base}/remove`} {...hx(`${base}/remove`)}>
        <CsrfField viewer={view.viewer} />
        <button type="submit" class="button button-quiet" aria-label={`Stop sharing with ${member.user.name}`}>
          Remove
        </button>
      </form>
    </li>
  );
}

const linkUrl = (view: AlbumView, link: KeyedSharedLink) => `${view.origin}/share/${link.key}`;

function linkTerms(link: KeyedSharedLink): string {
  const terms = [
    link.passwordHash ? "With a password" : undefined,
    link.allowDownload ? "Downloads allowed" : "No downloads",
    link.showMetadata ? undefined : "Camera and place hidden",
    link.allowUpload ? "Visitors can add photos" : undefined,
    link.expiresAt ? `Expires ${dayFormat.format(link.expiresAt)}` : "Never expires",
  ];
  return terms.filter(Boolean).join(" · ");
}

function LinkRow({ view, link }: { view: AlbumView; link: KeyedSharedLink }) {
  const url = linkUrl(view, link);
  const fieldId = `link-${link.id}`;
  return (
    <li class={link.id === view.newLinkId ? "link link-new" : "link"}>
      <label class="visually-hidden" for={fieldId}>
        Link address
      </label>
      <span class="link-row">
        <input id={fieldId} type="text" value={url} readonly class="link-url" data-copy-source="" />
        <button type="button" class="button button-quiet" data-copy={fieldId} hidden>
          Copy
        </button>
      </span>
      <span class="link-terms muted">{linkTerms(link)}</span>
      <form
        method="post"
        action={`/albums/${view.album.id}/links/${link.id}/remove`}
        {...hx(`/albums/${view.album.id}/links/${link.id}/remove`)}
      >
        <CsrfField viewer={view.viewer} />
        <button type="submit" class="button button-quiet">
          Remove link
        </button>
      </form>
    </li>
  );
}

export function SharePanel({ view }: { view: AlbumView }) {
  const { album } = view;
  const memberIds = new Set([album.ownerId, ...album.albumUsers.map((m) => m.user.id)]);
  const candidates = view.people.filter((user) => !memberIds.has(user.id));
  const links = [...view.links].sort((a, b) => (a.id === view.newLinkId ? -1 : b.id === view.newLinkId ? 1 : 0));
  return (
    <Disclosure label="Share" quiet open={view.open === "share"}>
      <div class="panel share-panel">
        <h2 class="panel-title">People</h2>
        {album.albumUsers.length ? (
          <ul class="members">
            {album.albumUsers.map((member) => (
              <MemberRow view={view} member={member} />
            ))}
          </ul>
        ) : (
          <p class="muted">Not shared with anyone yet.</p>
        )}
        {candidates.length ? (
          <form
            class="share-form"
            method="post"
            action={`/albums/${album.id}/users`}
            {...hx(`/albums/${album.id}/users`)}
          >
            <CsrfField viewer={view.viewer} />
            <div class="field">
              <label for="share-user">Share with</label>
              <select id="share-user" name="userId" required>
                {candidates.map((user) => (
                  <option value={user.id}>{`${user.name} (${user.email})`}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="share-role">Who</label>
              <select id="share-role" name="role">
                <option value="viewer">Can view</option>
                <option value="editor">Can add photos</option>
              </select>
            </div>
            <button type="submit" class="button" id="share-submit">
              Share
            </button>
          </form>
        ) : (
          <p class="muted">
            {view.people.length > 1
              ? "Everyone with an account has this album."
              : "Nobody else has an account here yet."}
          </p>
        )}

        <h2 class="panel-title">Links</h2>
        {links.length ? (
          <ul class="links">
            {links.map((link) => (
              <LinkRow view={view} link={link} />
            ))}
          </ul>
        ) : (
          <p class="muted">No links yet. Anyone with a link can see the album without an account.</p>
        )}
        <form class="link-form" method="post" action={`/albums/${album.id}/links`} {...hx(`/albums/${album.id}/links`)}>
          <CsrfField viewer={view.viewer} />
          <fieldset>
            <legend>New link</legend>
            <label class="check">
              <input type="checkbox" name="allowDownload" value="on" checked />
              Allow downloads
            </label>
            <label class="check">
              <input type="checkbox" name="showMetadata" value="on" checked />
              Show camera and place
            </label>
            <label class="check">
              <input type="checkbox" name="allowUpload" value="on" />
              Let visitors add photos
            </label>
            <div class="link-options">
              <div class="field">
                <label for="link-password">Password (optional)</label>
                <input
                  id="link-password"
                  type="password"
                  name="password"
                  autocomplete="new-password"
                  maxlength={1024}
                />
              </div>
              <div class="field">
                <label for="link-expires">Expires</label>
                <select id="link-expires" name="expires">
                  <option value="">Never</option>
                  <option value="1">In a day</option>
                  <option value="7">In a week</option>
                  <option value="30">In a month</option>
                </select>
              </div>
            </div>
          </fieldset>
          <button type="submit" class="button" id="link-submit">
            Create a link
          </button>
        </form>
      </div>
    </Disclosure>
  );
}
