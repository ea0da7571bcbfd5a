import { h } from "../shared/dom";
import { t, type MessageKey } from "../shared/i18n";

/** Small rendering helpers shared by the billing screens. */
export function statusBadge(status: string): HTMLElement {
  const tone = /captured|remittance_received|claim_recorded/.test(status) ? "green"
    : /declined|failed/.test(status) ? "red"
    : /requires_action|pending|authorizing|claim_open/.test(status) ? "amber"
    : /refunded|authorized/.test(status) ? "blue" : "";
  return h("span", { class: `badge ${tone}`, "data-status": status }, label("bi.status.", status));
}

export function label(prefix: string, value: string): string {
  const key = (prefix + value) as MessageKey;
  const text = t(key);
  return text === key ? value.replace(/_/g, " ") : text;
}

/** A code's label when there is one, else the text as it is (a practitioner's own words, a media plane's reason). */
export function labelOrText(prefix: string, value: string | null): string | null {
  if (value === null) return null;
  const key = (prefix + value) as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

export function table(headers: (MessageKey | [MessageKey, "num"])[], rows: HTMLTableRowElement[], testId?: string): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", { "data-testid": testId },
    h("thead", {}, h("tr", {}, ...headers.map((key) => Array.isArray(key)
      ? h("th", { scope: "col", class: "num" }, t(key[0]))
      : h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, ...rows)));
}

export function cell(content: Node | string | null, num = false): HTMLTableCellElement {
  return h("td", { class: num ? "num" : undefined }, content ?? "—");
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

export async function download(response: Promise<string>, filename: string): Promise<void> {
  const text = await response;
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const link = h("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
