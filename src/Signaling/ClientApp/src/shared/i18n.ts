import { h } from "./dom";
import { en, type MessageKey } from "./messages.en";
import { fr } from "./messages.fr";

// French and English. The language follows the browser unless the person picks one (remembered on this device).
// Elements made with T() carry their key and are re-translated in place when the language changes.

export type Language = "en" | "fr";
export type { MessageKey };

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, fr };
const storageKey = "telehealth.lang";
const listeners: (() => void)[] = [];
let language: Language = "en";

export function initLanguage(): void {
  const chosen = localStorage.getItem(storageKey);
  language = chosen === "fr" || chosen === "en" ? chosen : navigator.language.toLowerCase().startsWith("fr") ? "fr" : "en";
  document.documentElement.lang = language;
}

export function currentLanguage(): Language {
  return language;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let text = dictionaries[language][key] ?? en[key] ?? key;
  if (params) for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** An element whose text is a message; it follows language changes. */
export function T<K extends keyof HTMLElementTagNameMap>(tag: K, key: MessageKey, attrs: Record<string, string | number | boolean | undefined> = {},
  params?: Record<string, string | number>): HTMLElementTagNameMap[K] {
  const element = h(tag, attrs);
  element.dataset.i18n = key;
  if (params) element.dataset.i18nParams = JSON.stringify(params);
  element.textContent = t(key, params);
  return element;
}

export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

export function setLanguage(next: Language): void {
  language = next;
  localStorage.setItem(storageKey, next);
  document.documentElement.lang = next;
  document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((element) => {
    const params = element.dataset.i18nParams ? (JSON.parse(element.dataset.i18nParams) as Record<string, string>) : undefined;
    element.textContent = t(element.dataset.i18n as MessageKey, params);
  });
  listeners.forEach((listener) => listener());
}

export function languageToggle(): HTMLButtonElement {
  const button = h("button", { type: "button", class: "lang-toggle", "data-testid": "lang-toggle" });
  const render = () => {
    const other: Language = language === "fr" ? "en" : "fr";
    button.textContent = other === "fr" ? "Français" : "English";
    button.lang = other;
    button.setAttribute("aria-label", other === "fr" ? "Afficher en français" : "Show in English");
  };
  button.addEventListener("click", () => setLanguage(language === "fr" ? "en" : "fr"));
  onLanguageChange(render);
  render();
  return button;
}

const locale = () => (language === "fr" ? "fr-FR" : "en-GB");

export function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(date);
}

/** "Tuesday 1 December 2026" / "mardi 1 décembre 2026", in the browser's time zone. */
export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(date);
}

export function formatDateTime(date: Date | string | null | undefined, seconds = false): string {
  if (!date) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: seconds ? "medium" : "short" }).format(new Date(date));
}

const zeroDecimal = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);

export function currencyExponent(currency: string): number {
  return zeroDecimal.has(currency.toUpperCase()) ? 0 : 2;
}

/** Minor units to text, exactly (no floating-point rounding on the amount itself). */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale(), { style: "currency", currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent })
    .format(exponent === 0 ? minor : minor / 10 ** exponent);
}

/** "12,50" or "12.50" to minor units (1250), or null when it is not an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const clean = text.trim().replace(/\s/g, "").replace(",", ".");
  const pattern = exponent === 0 ? /^\d+$/ : /^\d+(\.\d{1,2})?$/;
  if (!pattern.test(clean)) return null;
  const [whole, fraction = ""] = clean.split(".");
  return Number(whole) * 10 ** exponent + Number((fraction + "00").slice(0, exponent) || "0");
}
