// Turns server refusals (hub errors and RFC 7807 problem details) into words for the person.
import { t, formatDate, formatTime, type MessageKey } from "./i18n";

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status?: number,
    /** The refusal's data (for example opensAt of too-early), for the page to word in the user's language. */
    readonly data: Record<string, string> = {},
  ) {
    super(message);
  }
}

const hubPattern = /urn:telehealth:problem:([a-z0-9-]+):\s*([\s\S]*)$/;

/** A hub error's message looks like "An unexpected error occurred invoking 'Join' on the server. HubException: urn:telehealth:problem:too-early: ...". */
export function fromHubError(error: unknown): UserFacingError {
  if (error instanceof UserFacingError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const match = hubPattern.exec(text);
  if (match) {
    // The first line says what to do; a second line, when present, is a JSON object of the refusal's data.
    const [words, ...rest] = match[2].split("\n");
    let data: Record<string, string> = {};
    try {
      if (rest.length > 0) data = JSON.parse(rest.join("\n")) as Record<string, string>;
    } catch {
      data = {};
    }
    return new UserFacingError(words.trim(), match[1], undefined, data);
  }
  return new UserFacingError("", null);
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: Record<string, string[]>;
}

export function fromProblem(problem: ProblemDetails, status: number): UserFacingError {
  const code = problem.type?.startsWith("urn:telehealth:problem:") ? problem.type.slice("urn:telehealth:problem:".length) : null;
  const words = [problem.title, problem.detail].filter((s): s is string => !!s && s.length > 0);
  return new UserFacingError(words.join(" "), code, status);
}

/** Refusal codes the pages word themselves, in the person's language, from the refusal's data. */
const worded = new Set(["too-early", "too-late", "not-the-patient", "not-the-practitioner", "not-invited", "appointment-cancelled",
  "appointment-not-found", "role-not-allowed"]);

/** Refusals that trying again later can fix (the room is not open yet, or something transient). */
export function canRetry(problem: UserFacingError): boolean {
  return problem.code === null || problem.code === "too-early" || !worded.has(problem.code);
}

/** The refusal in the person's language; times (opensAt, closedAt) in their own time zone. Else the server's words. */
export function refusalText(problem: UserFacingError): string {
  if (!problem.code || !worded.has(problem.code)) return problem.message || t("error.unexpected");
  const at = problem.data.opensAt ?? problem.data.closedAt;
  const when = at ? new Date(at) : null;
  if ((problem.code === "too-early" || problem.code === "too-late") && (!when || Number.isNaN(when.getTime()))) return problem.message;
  return t(`refuse.${problem.code}` as MessageKey, when
    ? { time: formatTime(when), date: formatDate(when), minutes: problem.data.minutesBefore ?? "15" }
    : undefined);
}

/** SignalR's negotiate refused the token (401): the link is not valid for this server. */
export function isUnauthorized(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { statusCode?: number }).statusCode === 401) return true;
  // A failed negotiate comes back as FailedToNegotiateWithServerError, which keeps the status only in its message.
  return error instanceof Error && /Status code '401'/.test(error.message);
}
