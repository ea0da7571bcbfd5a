import { h, replace } from "../shared/dom";
import { T, t, formatTime } from "../shared/i18n";
import type { InvitationLink } from "../shared/hub";

/** The invitation link dialog: the link to send, a copy button, and until when it works. */
export function showInvitation(link: InvitationLink): void {
  const input = h("input", { id: "invite-link", type: "text", readonly: true, value: link.url, "data-testid": "invite-link" });
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const dialog = h("dialog", { "aria-labelledby": "invite-title", "data-testid": "invite-dialog" },
    T("h2", "pr.inviteTitle", { id: "invite-title" }),
    T("p", "pr.inviteBody", {}, { time: formatTime(new Date(link.expiresAt)) }),
    h("div", { class: "field" }, T("label", "pr.inviteLink", { for: "invite-link" }),
      h("div", { class: "copy-row" }, input,
        h("button", { type: "button", class: "secondary", onclick: () => void copy() }, T("span", "pr.copy")))),
    status,
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => close() }, T("span", "pr.close"))));
  async function copy(): Promise<void> {
    input.select();
    try {
      await navigator.clipboard.writeText(link.url);
    } catch {
      document.execCommand("copy");
    }
    status.textContent = t("pr.copied");
  }
  function close(): void {
    dialog.close();
    dialog.remove();
  }
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
  input.select();
}

/** Asks whether to bill, and why not when not; resolves null when cancelled. */
export function askEnd(): Promise<{ billable: boolean; reason: string | null } | null> {
  return new Promise((resolve) => {
    const billable = h("input", { id: "end-billable", type: "checkbox", checked: true, "data-testid": "end-billable" });
    const reason = h("textarea", { id: "end-reason", "aria-describedby": "end-reason-hint end-reason-error", maxlength: 500, "data-testid": "end-reason" });
    const reasonField = h("div", { class: "field", hidden: true },
      T("label", "pr.reason", { for: "end-reason" }), reason,
      T("span", "pr.reasonHint", { id: "end-reason-hint", class: "hint" }));
    const error = h("p", { id: "end-reason-error", class: "field-error", role: "alert" });
    let answered = false;
    const finish = (value: { billable: boolean; reason: string | null } | null) => {
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const form = h("form", { method: "dialog", onsubmit: (e) => {
      e.preventDefault();
      if (!billable.checked && !reason.value.trim()) {
        error.textContent = t("pr.reasonRequired");
        reason.focus();
        return;
      }
      finish({ billable: billable.checked, reason: billable.checked ? null : reason.value.trim() });
    } },
      T("h2", "pr.endTitle", { id: "end-title" }),
      T("p", "pr.endBody", { class: "hint" }),
      h("div", { class: "field inline" }, billable, T("label", "pr.billable", { for: "end-billable" })),
      reasonField, error,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "danger", "data-testid": "end-confirm" }, T("span", "pr.end")),
        h("button", { type: "button", class: "secondary", onclick: () => finish(null) }, T("span", "pr.cancel"))));
    const dialog = h("dialog", { "aria-labelledby": "end-title", "data-testid": "end-dialog" }, form);
    billable.addEventListener("change", () => {
      reasonField.hidden = billable.checked;
      replace(error);
      if (!billable.checked) reason.focus();
    });
    dialog.addEventListener("close", () => {
      if (!answered) finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
