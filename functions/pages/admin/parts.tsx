// What the administration screens share: number formats, forms that post with or without htmx,
// tables, and a storage meter.
import type { PropsWithChildren } from "hono/jsx";
import type { Viewer } from "../../middleware/pages";
import { CsrfField, formatBytes } from "../layout";

export const gib = 1024 ** 3;
export const number = new Intl.NumberFormat("en");
export const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export function StorageMeter({ used, quota }: { used: number; quota: number | null }) {
  return (
    <span class="storage">
      <span>
        {quota === null ? `${formatBytes(used)} (no limit)` : `${formatBytes(used)} of ${formatBytes(quota)}`}
      </span>
      {quota !== null && (
        <meter
          min={0}
          max={Math.max(quota, 1)}
          value={Math.min(used, Math.max(quota, 1))}
          high={Math.max(quota, 1) * 0.9}
          aria-hidden="true"
        ></meter>
      )}
    </span>
  );
}

// A form with the CSRF token that works without JavaScript (a post, then a redirect back) and, with
// htmx, swaps in `target` as the change left it.
export function PostForm(
  props: PropsWithChildren<{ viewer: Viewer; action: string; target?: string; class?: string }>,
) {
  const { action, target = "#admin-main" } = props;
  return (
    <form class={props.class} method="post" action={action} hx-post={action} hx-target={target} hx-swap="outerHTML">
      <CsrfField viewer={props.viewer} />
      {props.children}
    </form>
  );
}

// A table of these screens, in its frame; with `actions`, each row ends in a cell of buttons.
export function AdminTable(
  props: PropsWithChildren<{ class: string; columns: string[]; actions?: boolean; caption?: string }>,
) {
  return (
    <div class="table-wrap">
      <table class={`admin-table ${props.class}`}>
        {props.caption && <caption class="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
            {props.actions && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

export function Statistic({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
