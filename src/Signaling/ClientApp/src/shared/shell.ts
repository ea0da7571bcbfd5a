import { h, replace } from "./dom";
import { T, languageToggle, t } from "./i18n";
import type { TokenProblem } from "./auth";

/** The page frame: header with the product name and the language switch, the main area, and a banner strip. */
export interface Shell {
  main: HTMLElement;
  banners: HTMLElement;
}

export function mountShell(titleKey: Parameters<typeof T>[1]): Shell {
  const root = document.getElementById("app")!;
  const banners = h("div", { class: "banners", "aria-live": "assertive", "data-testid": "banners" });
  const main = h("main", { id: "main", class: "main" });
  replace(root,
    h("a", { href: "#main", class: "skip-link" }, T("span", "shell.skip")),
    h("header", { class: "topbar" },
      h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "+"), T("span", "shell.product"),
        h("span", { class: "brand-sep", "aria-hidden": "true" }, "·"), T("span", titleKey, { class: "brand-page" })),
      languageToggle()),
    banners,
    main);
  return { main, banners };
}

export type BannerTone = "info" | "warning" | "error" | "success";

/** A banner identified by a key, so the same condition never stacks twice; null removes it. */
export function banner(shell: Shell, key: string, tone: BannerTone | null, content?: Node | string, action?: HTMLElement): void {
  shell.banners.querySelector(`[data-banner="${key}"]`)?.remove();
  if (!tone || content === undefined) return;
  shell.banners.append(h("div", { class: `banner ${tone}`, role: tone === "error" ? "alert" : "status", "data-banner": key },
    h("span", { class: "banner-text" }, content), action ?? null));
}

export function signedOutScreen(shell: Shell, problem: TokenProblem): void {
  const [title, body] = problem === "expired" ? (["auth.expiredTitle", "auth.expired"] as const)
    : problem === "missing" ? (["auth.title", "auth.missing"] as const)
    : (["auth.invalidTitle", "auth.invalid"] as const);
  replace(shell.main, h("section", { class: "card narrow", "data-testid": "signed-out", "data-problem": problem },
    T("h1", title),
    T("p", body)));
  document.title = t(title);
}
