// Turns server refusals (hub errors and RFC 7807 problem details) into words for the person.

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
