import "../shared/styles.css";
import { takeToken, type Identity } from "../shared/auth";
import { h, replace, focusHeading } from "../shared/dom";
import { T, t, initLanguage, formatTime, onLanguageChange } from "../shared/i18n";
import { createHub, participant, roomView, signalR, type Participant, type RawParticipant, type RawRoomView, type RoomView } from "../shared/hub";
import { fromHubError, refusalText, canRetry, isUnauthorized } from "../shared/errors";
import { mountShell, banner, signedOutScreen, type Shell } from "../shared/shell";
import { MediaSession } from "../call/media";
import { CallView, type PauseReason, type QualityLevel } from "../call/callView";
import { openDevices, stopStream } from "../call/devices";
import { deviceCheck } from "./deviceCheck";
import { paymentNotice } from "./payment";
import { endScreen } from "./endScreen";


const resumeKey = "telehealth.resume";

type Phase = "devices" | "joining" | "waiting" | "call" | "left" | "ended";

/** What the hub's Describe gives before the camera is asked for. */
interface AppointmentSummary {
  appointmentId: string;
  startsAt: string;
  durationMinutes: number;
  practitionerName: string | null;
  consultationState: string;
  cancelled: boolean;
}

/** The patient's (or an invited guest's) visit: device check, waiting room, call, end screen. */
class Visit {
  private phase: Phase = "devices";
  private readonly hub: signalR.HubConnection;
  private stream: MediaStream | null = null;
  private media: MediaSession | null = null;
  private call: CallView | null = null;
  private people: Participant[] = [];
  private me = "";
  private captured = false;
  private summary: AppointmentSummary | null = null;

  constructor(
    private readonly shell: Shell,
    private readonly identity: Identity,
    private readonly appointmentId: string,
  ) {
    this.hub = createHub(() => this.identity.token);
    this.wireHub();
  }

  async run(): Promise<void> {
    // Before the camera: is the link good, and has this consultation already ended?
    if (!(await this.describe())) return;
    document.title = t("device.title");
    // After a reload during the visit (same tab), go straight back in with the devices already checked.
    if (sessionStorage.getItem(resumeKey) === this.appointmentId) {
      try {
        this.stream = await openDevices();
      } catch {
        this.stream = null;
      }
    }
    this.stream ??= await deviceCheck(this.shell.main, "device.join");
    sessionStorage.setItem(resumeKey, this.appointmentId);
    await this.join();
  }

  /** False when the page already shows why the person cannot go on (bad link, ended, refused). */
  private async describe(): Promise<boolean> {
    replace(this.shell.main, h("section", { class: "card narrow", "aria-busy": "true" }, T("h1", "visit.joining")));
    try {
      if (this.hub.state === signalR.HubConnectionState.Disconnected) await this.hub.start();
      this.summary = await this.hub.invoke<AppointmentSummary>("Describe", this.appointmentId);
    } catch (error) {
      if (isUnauthorized(error)) {
        signedOutScreen(this.shell, "invalid");
        return false;
      }
      this.refused(error);
      return false;
    }
    if (this.summary.consultationState === "ended") {
      this.ended();
      return false;
    }
    return true;
  }

  private wireHub(): void {
    const hub = this.hub;
    const mine = (id: string) => id === this.appointmentId;
    hub.on("ParticipantJoined", (id: string, raw: RawParticipant) => mine(id) && this.upsert(participant(raw)));
    hub.on("ParticipantLeft", (id: string, who: string) => {
      if (!mine(id)) return;
      this.people = this.people.map((p) => (p.id === who ? { ...p, state: "left" } : p));
      this.call?.setParticipants(this.people);
    });
    hub.on("WaitingRoomChanged", (id: string, waiting: RawParticipant[]) => {
      if (mine(id)) waiting.map(participant).forEach((p) => this.upsert(p));
    });
    hub.on("Admitted", (id: string, who: string) => {
      if (!mine(id)) return;
      this.people = this.people.map((p) => (p.id === who ? { ...p, admitted: true, state: "admitted" } : p));
      if (who === this.me && this.phase === "waiting") void this.enterCall();
      this.call?.setParticipants(this.people);
    });
    hub.on("ConsultationEnded", (id: string) => mine(id) && this.ended());
    hub.on("Offer", (id: string, sdp: string) => {
      if (mine(id)) void this.media?.acceptServerOffer(sdp);
    });
    // The room's media moved to another server node: a new peer connection, the old one playing until it takes over.
    hub.on("MediaMoved", (id: string) => {
      if (mine(id) && this.phase === "call") void this.media?.move();
    });
    hub.on("ChatMessage", (id: string, from: string, text: string, at: string) => {
      if (mine(id)) this.call?.addChat(from, text, new Date(at));
    });
    hub.on("MediaStateChanged", (id: string, who: string, microphone: boolean, camera: boolean) => {
      if (mine(id)) this.call?.setRemoteMedia(who, microphone, camera);
    });
    hub.on("VideoPaused", (id: string, who: string, reason: PauseReason) => {
      if (mine(id)) this.call?.setVideoPaused(who, reason);
      if (mine(id)) this.media?.onVideoPaused(who, reason);
    });
    hub.on("VideoResumed", (id: string, who: string) => {
      if (mine(id)) this.call?.setVideoPaused(who, null);
      if (mine(id)) this.media?.onVideoPaused(who, null);
    });
    hub.on("ConnectionQualityChanged", (id: string, who: string, quality: QualityLevel) => {
      if (mine(id)) this.call?.setQuality(who, quality);
    });
    hub.on("PaymentStatusChanged", (id: string, status: string, message: string | null, clientSecret: string | null) => {
      if (!mine(id)) return;
      if (status === "captured") this.captured = true;
      paymentNotice(this.shell, status, message, clientSecret,
        { token: this.identity.token, appointmentId: this.appointmentId, forPatient: this.identity.role === "patient" });
      if (status === "captured" && this.phase === "ended") this.showEnd();
    });
    hub.onreconnecting(() => banner(this.shell, "connection", "warning", t("conn.reconnecting")));
    hub.onreconnected(() => void this.rejoin());
    hub.onclose(() => {
      if (this.phase === "ended" || this.phase === "left") return;
      banner(this.shell, "connection", "error", t("conn.lost"),
        h("button", { type: "button", class: "secondary", onclick: () => location.reload() }, T("span", "conn.reload")));
    });
  }

  private upsert(p: Participant): void {
    const index = this.people.findIndex((x) => x.id === p.id);
    if (index >= 0) this.people[index] = p;
    else this.people.push(p);
    this.call?.setParticipants(this.people);
  }

  private async join(): Promise<void> {
    this.phase = "joining";
    replace(this.shell.main, h("section", { class: "card narrow", "aria-busy": "true" }, T("h1", "visit.joining")));
    try {
      if (this.hub.state === signalR.HubConnectionState.Disconnected) await this.hub.start();
      const view = roomView(await this.hub.invoke<RawRoomView>("Join", this.appointmentId));
      this.applyView(view);
    } catch (error) {
      if (isUnauthorized(error)) signedOutScreen(this.shell, "invalid");
      else this.refused(error);
    }
  }

  /** After an automatic reconnect: the server forgot this connection, so join again and renegotiate media. */
  private async rejoin(): Promise<void> {
    try {
      const view = roomView(await this.hub.invoke<RawRoomView>("Join", this.appointmentId));
      banner(this.shell, "connection", null);
      this.applyView(view);
      if (this.phase === "call") await this.media?.start();
    } catch (error) {
      this.refused(error);
    }
  }

  private applyView(view: RoomView): void {
    this.me = view.me;
    this.people = view.participants;
    if (view.consultationState === "ended") {
      this.ended();
    } else if (view.myState === "admitted") {
      if (this.phase !== "call") void this.enterCall();
      else this.call?.setParticipants(this.people);
    } else if (this.phase !== "waiting") {
      this.showWaiting();
    }
  }

  private refused(error: unknown): void {
    const problem = fromHubError(error);
    if (problem.code === "consultation-ended") {
      this.ended();
      return;
    }
    this.phase = "devices";
    const retry = canRetry(problem);
    const titleKey = retry ? "visit.cannotJoin" : "visit.cannotJoinTitle";
    const text = h("p", { class: "problem", "data-testid": "join-problem", "data-code": problem.code ?? "" }, refusalText(problem));
    onLanguageChange(() => { text.textContent = refusalText(problem); });
    replace(this.shell.main, h("section", { class: "card narrow", "aria-labelledby": "refused-title" },
      T("h1", titleKey, { id: "refused-title" }),
      text,
      retry ? h("div", { class: "actions" }, h("button", { type: "button", class: "primary", "data-testid": "try-again", onclick: () => void this.retry() }, T("span", "visit.tryAgain"))) : null));
    document.title = t(titleKey);
    focusHeading(this.shell.main);
  }

  /** Try again after a refusal: the checks before the camera first, then the camera if it is not open yet. */
  private async retry(): Promise<void> {
    if (!this.stream) {
      await this.run();
      return;
    }
    await this.join();
  }

  private showWaiting(): void {
    this.phase = "waiting";
    document.title = t("waiting.title");
    const self = h("video", { class: "waiting-self", autoplay: true, muted: true, playsinline: true });
    self.srcObject = this.stream;
    replace(this.shell.main, h("section", { class: "card narrow waiting", "aria-labelledby": "waiting-title", "data-testid": "waiting-room" },
      h("div", { class: "pulse", "aria-hidden": "true" }),
      T("h1", this.identity.role === "guest" ? "waiting.titleGuest" : "waiting.title", { id: "waiting-title" }),
      this.appointmentLine(),
      T("p", "waiting.keepOpen", { class: "lead" }),
      self,
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => void this.leave() }, T("span", "waiting.leave")))));
    focusHeading(this.shell.main);
  }

  private appointmentLine(): HTMLElement | null {
    const summary = this.summary;
    if (!summary) return null;
    const time = formatTime(new Date(summary.startsAt));
    return summary.practitionerName
      ? T("p", "waiting.when", { class: "appointment-line", "data-testid": "waiting-appointment" }, { time, who: summary.practitionerName })
      : T("p", "waiting.whenNoName", { class: "appointment-line", "data-testid": "waiting-appointment" }, { time });
  }

  private async enterCall(): Promise<void> {
    this.phase = "call";
    document.title = t("call.title");
    const stream = this.stream!;
    this.call = new CallView(this.me, {
      microphone: (on) => {
        this.media?.setMicrophone(on);
        this.shareMediaState();
      },
      camera: (on) => {
        this.media?.setCamera(on);
        this.shareMediaState();
      },
      leave: () => void this.leave(),
      audioOnly: async (on) => {
        try {
          await this.hub.invoke("SetAudioOnly", this.appointmentId, on);
          banner(this.shell, "audio-only", null);
        } catch (error) {
          banner(this.shell, "audio-only", "error", fromHubError(error).message || t("error.unexpected"));
          throw error;
        }
      },
      sendChat: async (text) => {
        try {
          await this.hub.invoke("SendChat", this.appointmentId, text);
        } catch (error) {
          banner(this.shell, "chat", "error", fromHubError(error).message || t("chat.failed"));
          throw error;
        }
      },
    });
    this.call.setParticipants(this.people);
    this.call.showSelf(stream);
    replace(this.shell.main, this.call.element);
    this.media = new MediaSession(this.hub, this.appointmentId, this.me, stream, {
      remoteStreams: (streams) => this.call?.setRemoteStreams(streams),
      connectionState: (state) => {
        if (state === "failed") void this.media?.start();
      },
      quality: (q) => banner(this.shell, "quality", q.poor ? "warning" : null, t("conn.poor")),
      failure: (error) => banner(this.shell, "media", "error", fromHubError(error).message || t("media.failed")),
    });
    try {
      await this.media.start();
      banner(this.shell, "media", null);
    } catch (error) {
      banner(this.shell, "media", "error", fromHubError(error).message || t("media.failed"));
    }
  }

  /** Tells the others that the microphone or camera went off or on, so their tile of us shows it. */
  private shareMediaState(): void {
    const state = this.call?.mediaState();
    if (state) void this.hub.invoke("SetMediaState", this.appointmentId, state.microphone, state.camera).catch(() => undefined);
  }

  private async leave(): Promise<void> {
    try {
      await this.hub.invoke("Leave", this.appointmentId);
    } catch {
      // Leaving still happens locally; the server's grace period ends the presence.
    }
    this.stopMedia();
    this.phase = "left";
    replace(this.shell.main, h("section", { class: "card narrow", "aria-labelledby": "left-title", "data-testid": "left-screen" },
      T("h1", "left.title", { id: "left-title" }),
      T("p", "left.body"),
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: () => location.reload() }, T("span", "left.rejoin")))));
    focusHeading(this.shell.main);
  }

  private ended(): void {
    this.phase = "ended";
    sessionStorage.removeItem(resumeKey);
    this.stopMedia();
    banner(this.shell, "quality", null);
    banner(this.shell, "connection", null);
    this.showEnd();
  }

  private showEnd(): void {
    document.title = t("end.title");
    endScreen(this.shell.main, this.identity, this.appointmentId, this.captured);
  }

  private stopMedia(): void {
    this.media?.close();
    this.media = null;
    stopStream(this.stream);
    this.call = null;
  }
}

initLanguage();
const shell = mountShell("page.visit");
const identity = takeToken();
const appointmentId = location.pathname.split("/").filter(Boolean)[1] ?? "";

if (typeof identity === "string") {
  signedOutScreen(shell, identity);
} else if (identity.role === "practitioner") {
  location.replace(`/practitioner#open=${encodeURIComponent(appointmentId)}`);
} else {
  void new Visit(shell, identity, appointmentId).run();
}
