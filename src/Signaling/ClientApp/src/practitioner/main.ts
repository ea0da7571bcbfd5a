import "../shared/styles.css";
import { takeToken, type Identity } from "../shared/auth";
import { api } from "../shared/api";
import { h, replace } from "../shared/dom";
import { T, t, formatTime, initLanguage, onLanguageChange } from "../shared/i18n";
import { createHub, participant, roomView, signalR, type InvitationLink, type Participant, type RawParticipant, type RawRoomView, type RoomView } from "../shared/hub";
import { fromHubError } from "../shared/errors";
import { mountShell, banner, signedOutScreen, type Shell } from "../shared/shell";
import { MediaSession } from "../call/media";
import { CallView, type PauseReason, type QualityLevel } from "../call/callView";
import { DeviceError, openDevices, stopStream } from "../call/devices";
import { askEnd, showInvitation } from "./dialogs";

interface Appointment {
  id: string;
  patientId: string;
  patientName: string | null;
  startsAt: string;
  durationMinutes: number;
  cancelled: boolean;
  consultationState: string;
}

interface Room {
  appointment: Appointment;
  view: RoomView | null;
  refusal: string | null;
  payment: string | null;
  /** What the practitioner chose when ending here: billed or not (unknown when the consultation ended otherwise). */
  billed?: boolean;
  /** Each participant's connection quality, as the server last told it (ConnectionQualityChanged). */
  quality: Map<string, QualityLevel>;
}

/** The practitioner's day: today's teleconsultations with who is waiting (live), admit, invite, the call, the end. */
class Console {
  private readonly hub: signalR.HubConnection;
  private readonly rooms = new Map<string, Room>();
  private readonly listArea = h("div", { "aria-live": "polite" });
  private readonly callArea = h("div");
  private active: string | null = null;
  private media: MediaSession | null = null;
  private call: CallView | null = null;
  private stream: MediaStream | null = null;
  private retryTimer: number | undefined;

  constructor(private readonly shell: Shell, private readonly identity: Identity) {
    this.hub = createHub(() => this.identity.token);
    this.wireHub();
    replace(shell.main, this.callArea, h("section", { class: "card", "aria-labelledby": "today-title" },
      h("div", { class: "section-head" }, T("h1", "pr.today", { id: "today-title" }),
        h("button", { type: "button", class: "secondary", onclick: () => void this.load() }, T("span", "pr.refresh"))),
      this.listArea));
    onLanguageChange(() => {
      this.renderList();
      this.renderCallHead();
    });
  }

  async start(): Promise<void> {
    document.title = t("page.practitioner");
    await this.load();
    const open = new URLSearchParams(location.hash.slice(1)).get("open");
    if (open && this.rooms.has(open)) await this.openCall(open);
  }

  private async load(): Promise<void> {
    replace(this.listArea, T("p", "pr.loading", { class: "hint" }));
    try {
      const list = await api<Appointment[]>(this.identity.token, "GET", "/api/practitioner/appointments");
      list.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
      for (const appointment of list) {
        const room = this.rooms.get(appointment.id);
        if (room) room.appointment = appointment;
        else this.rooms.set(appointment.id, { appointment, view: null, refusal: null, payment: null, quality: new Map() });
      }
      if (this.hub.state === signalR.HubConnectionState.Disconnected) await this.hub.start();
      await this.joinAll();
    } catch (error) {
      replace(this.listArea, h("p", { class: "problem", role: "alert" }, error instanceof Error && error.message ? error.message : t("error.unexpected")));
      return;
    }
    this.renderList();
    window.clearInterval(this.retryTimer);
    this.retryTimer = window.setInterval(() => void this.joinAll().then(() => this.renderList()), 60_000);
  }

  /** Watches every room of the day (its waiting room, live) without joining it; joining happens when the call opens. */
  private async joinAll(): Promise<void> {
    for (const room of this.rooms.values()) {
      const a = room.appointment;
      if (a.cancelled || a.consultationState === "ended" || room.view?.consultationState === "ended") continue;
      try {
        room.view = roomView(await this.hub.invoke<RawRoomView>("Watch", a.id));
        room.refusal = null;
      } catch (error) {
        const problem = fromHubError(error);
        room.refusal = problem.message || t("pr.roomClosed");
        if (problem.code === "consultation-ended") a.consultationState = "ended";
      }
    }
  }

  private wireHub(): void {
    const hub = this.hub;
    const update = (id: string, change: (people: Participant[]) => Participant[]) => {
      const room = this.rooms.get(id);
      if (!room?.view) return;
      room.view = { ...room.view, participants: change(room.view.participants) };
      this.refresh(id);
    };
    const upsert = (people: Participant[], p: Participant) => [...people.filter((x) => x.id !== p.id), p];
    hub.on("ParticipantJoined", (id: string, raw: RawParticipant) => update(id, (people) => upsert(people, participant(raw))));
    hub.on("ParticipantLeft", (id: string, who: string) => update(id, (people) => people.map((p) => (p.id === who ? { ...p, state: "left" } : p))));
    hub.on("WaitingRoomChanged", (id: string, raw: RawParticipant[]) => update(id, (people) => {
      const waiting = raw.map(participant);
      const ids = new Set(waiting.map((p) => p.id));
      const rest = people.filter((p) => !ids.has(p.id)).map((p) => (p.state === "waiting" ? { ...p, state: "left" as const } : p));
      return [...rest, ...waiting];
    }));
    hub.on("Admitted", (id: string, who: string) => update(id, (people) => people.map((p) => (p.id === who ? { ...p, admitted: true, state: "admitted" } : p))));
    hub.on("ConsultationEnded", (id: string) => {
      const room = this.rooms.get(id);
      if (!room) return;
      room.appointment.consultationState = "ended";
      if (room.view) room.view = { ...room.view, consultationState: "ended" };
      if (this.active === id) this.closeCall(true);
      this.renderList();
    });
    hub.on("Offer", (id: string, sdp: string) => {
      if (id === this.active) void this.media?.acceptServerOffer(sdp);
    });
    // The room's media moved to another server node: a new peer connection, the old one playing until it takes over.
    hub.on("MediaMoved", (id: string) => {
      if (id === this.active) void this.media?.move();
    });
    hub.on("ChatMessage", (id: string, from: string, text: string, at: string) => {
      if (id === this.active) this.call?.addChat(from, text, new Date(at));
    });
    hub.on("MediaStateChanged", (id: string, who: string, microphone: boolean, camera: boolean) => {
      if (id === this.active) this.call?.setRemoteMedia(who, microphone, camera);
    });
    hub.on("VideoPaused", (id: string, who: string, reason: PauseReason) => {
      if (id === this.active) this.call?.setVideoPaused(who, reason);
      if (id === this.active) this.media?.onVideoPaused(who, reason);
    });
    hub.on("VideoResumed", (id: string, who: string) => {
      if (id === this.active) this.call?.setVideoPaused(who, null);
      if (id === this.active) this.media?.onVideoPaused(who, null);
    });
    hub.on("ConnectionQualityChanged", (id: string, who: string, quality: QualityLevel) => {
      const room = this.rooms.get(id);
      if (!room) return;
      room.quality.set(who, quality);
      if (id === this.active) this.call?.setQuality(who, quality);
      this.renderList();
    });
    hub.on("PaymentStatusChanged", (id: string, status: string) => {
      const room = this.rooms.get(id);
      if (!room) return;
      room.payment = status;
      this.refresh(id);
    });
    hub.onreconnecting(() => banner(this.shell, "connection", "warning", t("conn.reconnecting")));
    hub.onreconnected(async () => {
      banner(this.shell, "connection", null);
      await this.joinAll();
      this.renderList();
      if (this.active) await this.media?.start();
    });
    hub.onclose(() => banner(this.shell, "connection", "error", t("conn.lost"),
      h("button", { type: "button", class: "secondary", onclick: () => location.reload() }, T("span", "conn.reload"))));
  }

  private refresh(id: string): void {
    this.renderList();
    if (id === this.active) {
      this.call?.setParticipants(this.rooms.get(id)?.view?.participants ?? []);
      this.renderCallHead();
    }
  }

  private patientName(room: Room): string {
    return room.appointment.patientName ?? t("pr.patientUnnamed", { id: room.appointment.patientId });
  }

  private nameOf(room: Room, p: Participant): string {
    return p.kind === "patient" ? this.patientName(room) : t(`role.${p.kind}`);
  }

  private renderList(): void {
    const rooms = [...this.rooms.values()];
    const waiting = rooms.reduce((n, room) => n + (room.view?.participants.filter((p) => p.state === "waiting").length ?? 0), 0);
    document.title = waiting > 0 ? t("pr.tabWaiting", { count: waiting }) : t("page.practitioner");
    if (rooms.length === 0) {
      replace(this.listArea, T("p", "pr.none", { class: "hint" }));
      return;
    }
    replace(this.listArea, h("ul", { class: "appointments", "data-testid": "appointments" }, ...rooms.map((room) => this.renderRoom(room))));
  }

  private renderRoom(room: Room): HTMLElement {
    const a = room.appointment;
    const waiting = room.view?.participants.filter((p) => p.state === "waiting") ?? [];
    const state = a.cancelled ? "cancelled" : room.view?.consultationState ?? a.consultationState;
    const open = !!room.view && state !== "ended" && !a.cancelled;
    const tone = state === "in_progress" ? "green" : state === "open" ? "blue" : state === "ended" || state === "cancelled" ? "" : "amber";
    const stateKey = `pr.state.${state}` as const;
    return h("li", { class: `appointment${waiting.length ? " has-waiting" : ""}`, "data-testid": "appointment", "data-appointment": a.id },
      h("div", {},
        h("div", { class: "who" }, this.patientName(room)),
        h("div", { class: "meta" },
          h("span", {}, t("pr.when", { time: formatTime(new Date(a.startsAt)), minutes: a.durationMinutes })),
          h("span", { class: `badge ${tone}` }, stateKey in { "pr.state.scheduled": 1, "pr.state.open": 1, "pr.state.in_progress": 1, "pr.state.ended": 1, "pr.state.cancelled": 1 } ? t(stateKey as "pr.state.open") : state),
          waiting.length ? h("span", { class: "badge blue", "data-testid": "waiting-badge" }, t("pr.waitingCount", { count: waiting.length })) : null,
          this.active === a.id ? h("span", { class: "badge green" }, t("pr.inCall")) : null,
          ...this.qualityBadges(room)),
        room.refusal && !open && state !== "ended" ? h("p", { class: "hint" }, room.refusal) : null,
        this.paymentNotice(room)),
      open ? h("div", { class: "buttons" },
        ...waiting.map((p) => h("button", { type: "button", class: "primary", "data-testid": "admit", onclick: () => void this.admit(a.id, p.id) },
          waiting.length > 1 || p.kind !== "patient" ? t("pr.admitWho", { who: this.nameOf(room, p) }) : t("pr.admit"))),
        this.active === a.id ? null
          : h("button", { type: "button", class: waiting.length ? "secondary" : "primary", "data-testid": "open-call", onclick: () => void this.openCall(a.id) }, t("pr.openCall")))
        : null);
  }

  /** The other participants' connection quality, in words (the colour only repeats it). */
  private qualityBadges(room: Room): HTMLElement[] {
    const state = room.view?.consultationState ?? room.appointment.consultationState;
    if (state === "ended") return [];
    const me = room.view?.me;
    const tones = { good: "green", fair: "amber", poor: "red" } as const;
    return [...room.quality.entries()]
      .filter(([id]) => id !== me)
      .map(([id, quality]) => {
        const p = room.view?.participants.find((x) => x.id === id);
        const who = p ? this.nameOf(room, p) : t("role.participant");
        return h("span", { class: `badge ${tones[quality]}`, "data-testid": "quality-badge", "data-participant": id, "data-quality": quality },
          t("pr.quality", { who, quality: t(`quality.${quality}`) }));
      });
  }

  private paymentNotice(room: Room): HTMLElement | null {
    switch (room.payment) {
      case "declined":
      case "failed":
        return h("p", { class: "notice red", role: "alert", "data-testid": "payment-declined" }, t("pr.payDeclined"));
      case "requires_action":
        return h("p", { class: "notice amber", "data-testid": "payment-action" }, t("pr.payAction"));
      case "authorized":
        return h("p", { class: "notice green-notice", "data-testid": "payment-authorized" }, t("pr.payOk"));
      case "captured":
        return h("p", { class: "notice green-notice", role: "status", "data-testid": "billing-outcome", "data-outcome": "captured" }, t("pr.payCaptured"));
      case "released":
        return h("p", { class: "notice", role: "status", "data-testid": "billing-outcome", "data-outcome": "released" }, t("pr.payReleased"));
      case "claim_recorded":
        return h("p", { class: "notice", role: "status", "data-testid": "billing-outcome", "data-outcome": "claim_recorded" }, t("pr.claimRecorded"));
      default: {
        const state = room.view?.consultationState ?? room.appointment.consultationState;
        if (state !== "ended") return null;
        if (room.billed === false) return h("p", { class: "notice", role: "status", "data-testid": "billing-outcome", "data-outcome": "not_billed" }, t("pr.notBilled"));
        return room.billed ? h("p", { class: "notice", role: "status", "data-testid": "billing-outcome", "data-outcome": "pending" }, t("pr.payPending")) : null;
      }
    }
  }

  private async admit(id: string, who: string): Promise<void> {
    const room = this.rooms.get(id);
    if (!room) return;
    try {
      room.view = roomView(await this.hub.invoke<RawRoomView>("Admit", id, who));
      banner(this.shell, "action", null);
      this.refresh(id);
      if (this.active !== id && !this.active) await this.openCall(id);
    } catch (error) {
      banner(this.shell, "action", "error", fromHubError(error).message || t("error.unexpected"));
    }
  }

  private async invite(id: string): Promise<void> {
    try {
      showInvitation(await this.hub.invoke<InvitationLink>("Invite", id));
    } catch (error) {
      banner(this.shell, "action", "error", fromHubError(error).message || t("error.unexpected"));
    }
  }

  private async end(id: string): Promise<void> {
    const answer = await askEnd();
    if (!answer) return;
    try {
      await this.hub.invoke("End", id, answer.billable, answer.reason);
      const room = this.rooms.get(id);
      if (room) room.billed = answer.billable;
      this.renderList();
    } catch (error) {
      banner(this.shell, "action", "error", fromHubError(error).message || t("error.unexpected"));
    }
  }

  private readonly callHead = h("div");

  private renderCallHead(): void {
    const room = this.active ? this.rooms.get(this.active) : undefined;
    if (!room) return;
    const waiting = room.view?.participants.filter((p) => p.state === "waiting") ?? [];
    const patientHere = room.view?.participants.some((p) => p.kind === "patient" && p.state !== "left") ?? false;
    replace(this.callHead,
      h("div", { class: "call-head" }, h("h2", {}, this.patientName(room)),
        h("span", { class: "hint" }, t("pr.when", { time: formatTime(new Date(room.appointment.startsAt)), minutes: room.appointment.durationMinutes }))),
      ...waiting.map((p) => h("div", { class: "waiting-strip", role: "status" },
        h("span", {}, t("pr.someoneWaiting", { who: this.nameOf(room, p) })),
        h("button", { type: "button", class: "primary", "data-testid": "admit-in-call", onclick: () => void this.admit(room.appointment.id, p.id) }, t("pr.admit")))),
      !patientHere ? h("p", { class: "hint" }, t("pr.notArrived")) : null,
      this.paymentNotice(room));
  }

  private async openCall(id: string): Promise<void> {
    if (this.active === id) return;
    if (this.active) this.closeCall(false);
    const room = this.rooms.get(id);
    if (!room?.view) return;
    try {
      room.view = roomView(await this.hub.invoke<RawRoomView>("Join", id));
      room.refusal = null;
    } catch (error) {
      room.refusal = fromHubError(error).message || t("pr.roomClosed");
      this.renderList();
      return;
    }
    try {
      this.stream = await openDevices();
    } catch (error) {
      const problem = error instanceof DeviceError ? error.problem : "other";
      banner(this.shell, "devices", "error", h("span", {}, T("strong", `device.problem.${problem}.title`), " ", T("span", `device.problem.${problem}.help`)));
      return;
    }
    banner(this.shell, "devices", null);
    this.active = id;
    const invite = h("button", { type: "button", class: "control", "data-testid": "invite", onclick: () => void this.invite(id) }, T("span", "pr.invite"));
    const end = h("button", { type: "button", class: "control danger", "data-testid": "end", onclick: () => void this.end(id) }, T("span", "pr.end"));
    const share = () => {
      const state = this.call?.mediaState();
      if (state) void this.hub.invoke("SetMediaState", id, state.microphone, state.camera).catch(() => undefined);
    };
    this.call = new CallView(room.view.me, {
      microphone: (on) => {
        this.media?.setMicrophone(on);
        share();
      },
      camera: (on) => {
        this.media?.setCamera(on);
        share();
      },
      leave: () => void this.leaveCall(id),
      audioOnly: async (on) => {
        try {
          await this.hub.invoke("SetAudioOnly", id, on);
          banner(this.shell, "audio-only", null);
        } catch (error) {
          banner(this.shell, "audio-only", "error", fromHubError(error).message || t("error.unexpected"));
          throw error;
        }
      },
      sendChat: async (text) => {
        try {
          await this.hub.invoke("SendChat", id, text);
        } catch (error) {
          banner(this.shell, "chat", "error", fromHubError(error).message || t("chat.failed"));
          throw error;
        }
      },
    }, [invite, end], "neutral");
    this.call.setParticipants(room.view.participants);
    for (const [who, quality] of room.quality) this.call.setQuality(who, quality);
    this.call.showSelf(this.stream);
    this.renderCallHead();
    replace(this.callArea, h("section", { class: "card", "data-testid": "call-panel" }, this.callHead, this.call.element));
    this.renderList();
    this.media = new MediaSession(this.hub, id, room.view.me, this.stream, {
      remoteStreams: (streams) => this.call?.setRemoteStreams(streams),
      connectionState: (state) => {
        if (state === "failed") void this.media?.start();
      },
      quality: (q) => banner(this.shell, "quality", q.poor ? "warning" : null, t("conn.poor")),
      failure: (error) => banner(this.shell, "media", "error", fromHubError(error).message || t("media.failed")),
    });
    try {
      await this.media.start();
    } catch (error) {
      banner(this.shell, "media", "error", fromHubError(error).message || t("media.failed"));
    }
  }

  /** The practitioner steps out: the room is told (they may come back while the consultation goes on). */
  private async leaveCall(id: string): Promise<void> {
    this.closeCall(false);
    try {
      await this.hub.invoke("Leave", id);
    } catch (error) {
      banner(this.shell, "leave", "error", fromHubError(error).message || t("error.unexpected"));
    }
  }

  private closeCall(ended: boolean): void {
    this.media?.close();
    this.media = null;
    stopStream(this.stream);
    this.stream = null;
    this.call = null;
    this.active = null;
    banner(this.shell, "quality", null);
    banner(this.shell, "media", null);
    replace(this.callArea, ended ? h("section", { class: "card", role: "status", "data-testid": "call-ended" }, T("p", "pr.ended")) : null);
    this.renderList();
  }
}

initLanguage();
const shell = mountShell("page.practitioner");
const identity = takeToken();
if (typeof identity === "string") signedOutScreen(shell, identity);
else void new Console(shell, identity).start();
