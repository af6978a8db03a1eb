// The name and description fields of an album's forms: the new album's, and the owner's edit.
import { albumLimits } from "../../services/albums";

export function AlbumFields(props: { idPrefix: string; name?: string; description?: string }) {
  return (
    <>
      <div class="field">
        <label for={`${props.idPrefix}-name`}>Name</label>
        <input
          id={`${props.idPrefix}-name`}
          type="text"
          name="albumName"
          value={props.name}
          maxlength={albumLimits.name}
          required
          autocomplete="off"
        />
      </div>
      <div class="field">
        <label for={`${props.idPrefix}-description`}>Description</label>
        <textarea id={`${props.idPrefix}-description`} name="description" rows={3} maxlength={albumLimits.description}>
          {props.description ?? ""}
        </textarea>
      </div>
    </>
  );
}
