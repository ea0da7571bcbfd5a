import { fromProblem, UserFacingError, type ProblemDetails } from "./errors";
import { t } from "./i18n";

/** Calls the HTTP API with the bearer token; a refusal becomes a UserFacingError carrying the problem's words. */
export async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/json, application/problem+json, text/csv, text/html",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new UserFacingError(t("error.network"), "network");
  }
  if (response.status === 401) throw new UserFacingError(t("error.signedOut"), "unauthorized", 401);
  if (response.status === 403) throw new UserFacingError(t("error.forbidden"), "forbidden", 403);
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok) {
    if (type.includes("json")) throw fromProblem((await response.json()) as ProblemDetails, response.status);
    throw new UserFacingError(t("error.server", { status: response.status }), null, response.status);
  }
  if (response.status === 204) return undefined as T;
  if (type.includes("json")) return (await response.json()) as T;
  return (await response.text()) as T;
}
