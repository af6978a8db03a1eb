// The timeline pages' tools, hidden until public/timeline.js shows them (without script they could
// do nothing): uploads, the trash's buttons, and the bar that acts on selected photos.
import type { ViewKind } from "../../services/timeline";
import { Icon, type IconName } from "../icons";

export function UploadControls() {
  return (
    <>
      <button type="button" class="button button-quiet" data-upload-button hidden>
        <Icon name="upload" />
        <span>Upload</span>
      </button>
      <input type="file" accept="image/*,video/*" multiple data-upload-input hidden />
    </>
  );
}

export function TrashControls() {
  return (
    <>
      <button type="button" class="button button-quiet" data-trash-action="restore-all" hidden>
        <Icon name="restore" />
        <span>Restore all</span>
      </button>
      <button type="button" class="button button-quiet button-danger" data-trash-action="empty" hidden>
        <Icon name="trash" />
        <span>Empty trash</span>
      </button>
    </>
  );
}

function ActionButton({ action, icon, label }: { action: string; icon: IconName; label: string }) {
  return (
    <button type="button" class="selection-action" data-action={action} title={label}>
      <Icon name={icon} />
      <span class="selection-action-label">{label}</span>
    </button>
  );
}

// The bar that replaces the header while photos are selected, and what its buttons open.
export function SelectionTools({ view }: { view: ViewKind }) {
  return (
    <>
      <section class="selection-bar" data-selection-bar aria-label="Selected photos" hidden>
        <button
          type="button"
          class="selection-clear"
          data-action="clear"
          aria-label="Clear the selection"
          title="Clear the selection (Escape)"
        >
          <Icon name="close" />
        </button>
        <span class="selection-count" data-selection-count aria-live="polite"></span>
        <div class="selection-actions">
          {view === "trash" ? (
            <>
              <ActionButton action="restore" icon="restore" label="Restore" />
              <ActionButton action="delete-forever" icon="trash" label="Delete for good" />
            </>
          ) : (
            <>
              <ActionButton action="favorite" icon="heartOutline" label="Favorite" />
              {view === "archive" ? (
                <ActionButton action="unarchive" icon="archive" label="Unarchive" />
              ) : (
                <ActionButton action="archive" icon="archive" label="Archive" />
              )}
              <ActionButton action="album" icon="album" label="Add to album" />
              <ActionButton action="download" icon="download" label="Download" />
              <ActionButton action="trash" icon="trash" label="Move to trash" />
            </>
          )}
        </div>
      </section>
      <dialog class="album-dialog" data-album-dialog aria-labelledby="album-dialog-title">
        <form method="dialog" class="album-dialog-head">
          <h2 id="album-dialog-title">Add to album</h2>
          <button type="submit" class="selection-clear" aria-label="Close">
            <Icon name="close" />
          </button>
        </form>
        <form class="album-new" data-album-new>
          <label for="album-new-name">New album</label>
          <div class="album-new-row">
            <input
              id="album-new-name"
              type="text"
              name="albumName"
              maxlength={200}
              placeholder="Album name"
              required
              autocomplete="off"
            />
            <button type="submit" class="button">
              Create
            </button>
          </div>
        </form>
        <p class="muted album-dialog-note" data-album-status>
          Loading your albums…
        </p>
        <ul class="album-choices" data-album-list></ul>
      </dialog>
      <div class="toast" data-toast role="status" aria-live="polite" hidden></div>
    </>
  );
}

// Uploads in progress: timeline.js fills it in.
export function UploadPanel() {
  return (
    <>
      <section class="upload-panel" data-upload-panel aria-labelledby="upload-title" hidden>
        <div class="upload-head">
          <h2 id="upload-title" data-upload-title>
            Uploading
          </h2>
          <button type="button" class="selection-clear" data-upload-close aria-label="Close" hidden>
            <Icon name="close" />
          </button>
        </div>
        <progress class="upload-total" data-upload-total max={1} value={0}></progress>
        <ol class="upload-files" data-upload-files></ol>
      </section>
      <div class="drop-overlay" data-drop-overlay hidden>
        <p>Drop photos and videos to upload them</p>
      </div>
    </>
  );
}
