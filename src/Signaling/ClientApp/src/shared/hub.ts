import * as signalR from "@microsoft/signalr";

/** The consultation hub with automatic reconnect (the page re-joins and re-negotiates media on reconnected).
 * WebSockets only, without the negotiate round trip: the connection is one request, so a load balancer in front of
 * several nodes needs no sticky sessions (negotiate and connect could otherwise land on different nodes). */
export function createHub(token: () => string): signalR.HubConnection {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/consultation", {
      accessTokenFactory: token,
      skipNegotiation: true,
      transport: signalR.HttpTransportType.WebSockets,
    })
    .withAutomaticReconnect({
      // Keep trying for as long as the page is open: 0, 1, 2, 5 s, then every 10 s.
      nextRetryDelayInMilliseconds: (context) => [0, 1000, 2000, 5000][context.previousRetryCount] ?? 10000,
    })
    .configureLogging(signalR.LogLevel.None)
    .build();
  // Over a WebSocket the browser hides the HTTP status of a refused upgrade, so a bad or expired token would look like
  // any network failure. When the start fails, one plain request with the same token tells them apart: a 401 there is
  // reported as the refusal it is (statusCode 401, what the pages show as "this link is not valid").
  const start = connection.start.bind(connection);
  connection.start = async () => {
    try {
      await start();
    } catch (error) {
      const check = await fetch("/api/billing/config", { headers: { Authorization: `Bearer ${token()}` } }).catch(() => null);
      if (check?.status === 401) throw Object.assign(new Error("Status code '401'"), { statusCode: 401 });
      throw error;
    }
  };
  return connection;
}

export { signalR };

/** The server's view types. Ids may come as plain strings or as {value}; enums as numbers or names. */
export interface RawParticipant {
  id: string | { value: string };
  kind: number | string;
  state: number | string;
  admitted: boolean;
}

export interface RawRoomView {
  appointmentId: string | { value: string };
  consultationState: string;
  me: string | { value: string };
  myKind: number | string;
  myState: number | string;
  participants: RawParticipant[];
}

export type Kind = "patient" | "practitioner" | "guest";
export type State = "invited" | "waiting" | "admitted" | "disconnected" | "left";

export interface Participant {
  id: string;
  kind: Kind;
  state: State;
  admitted: boolean;
}

export interface RoomView {
  appointmentId: string;
  consultationState: string;
  me: string;
  myKind: Kind;
  myState: State;
  participants: Participant[];
}

const kinds: Kind[] = ["patient", "practitioner", "guest"];
const states: State[] = ["invited", "waiting", "admitted", "disconnected", "left"];

export function idOf(value: string | { value: string }): string {
  return typeof value === "string" ? value : value.value;
}

function kindOf(value: number | string): Kind {
  return typeof value === "number" ? kinds[value] ?? "guest" : (value.toLowerCase() as Kind);
}

function stateOf(value: number | string): State {
  return typeof value === "number" ? states[value] ?? "left" : (value.toLowerCase() as State);
}

export function participant(raw: RawParticipant): Participant {
  return { id: idOf(raw.id), kind: kindOf(raw.kind), state: stateOf(raw.state), admitted: raw.admitted };
}

export function roomView(raw: RawRoomView): RoomView {
  return {
    appointmentId: idOf(raw.appointmentId),
    consultationState: raw.consultationState,
    me: idOf(raw.me),
    myKind: kindOf(raw.myKind),
    myState: stateOf(raw.myState),
    participants: raw.participants.map(participant),
  };
}

export interface InvitationLink {
  participantId: string;
  url: string;
  token: string;
  expiresAt: string;
}
