// The bearer token arrives once in the URL fragment (#token=...), which browsers never send to servers.
// It is kept in sessionStorage for this tab and removed from the address bar at once.

const storageKey = "telehealth.token";

export interface Identity {
  token: string;
  sub: string;
  role: string;
  appointment?: string;
  expiresAt: Date;
}

/** "invalid": the server refused the token (401 token-invalid), e.g. a link cut or changed when it was copied. */
export type TokenProblem = "missing" | "expired" | "malformed" | "invalid";

export function takeToken(): Identity | TokenProblem {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromUrl = fragment.get("token");
  if (fromUrl) {
    sessionStorage.setItem(storageKey, fromUrl);
    fragment.delete("token");
    const rest = fragment.toString();
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  }
  const token = sessionStorage.getItem(storageKey);
  if (!token) return "missing";
  const claims = decode(token);
  if (!claims) return "malformed";
  const expiresAt = new Date(Number(claims.exp ?? 0) * 1000);
  if (expiresAt.getTime() <= Date.now()) return "expired";
  return {
    token,
    sub: String(claims.sub ?? ""),
    role: String(claims.role ?? ""),
    appointment: typeof claims.appointment === "string" ? claims.appointment : undefined,
    expiresAt,
  };
}

export function forgetToken(): void {
  sessionStorage.removeItem(storageKey);
}

function decode(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
    );
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}
