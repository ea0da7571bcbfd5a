import { h, replace } from "../shared/dom";
import { T, t, formatTime, onLanguageChange } from "../shared/i18n";
import type { Participant } from "../shared/hub";

export interface CallActions {
  microphone(on: boolean): void;
  camera(on: boolean): void;
  /** "Audio only": asks the server to stop (or restart) sending video to this participant. */
  audioOnly(on: boolean): Promise<void>;
  leave(): void;
  sendChat(text: string): Promise<void>;
}

/**
 * The call screen: the other person large, oneself small, the controls under the video and the chat beside it
 * (under it on a phone). Extra controls (the practitioner's "End consultation") are passed in.
 */
/** Why the server stopped sending video to a participant (the hub's VideoPaused reason). */
export type PauseReason = "weak_connection" | "audio_only_chosen";
export type QualityLevel = "good" | "fair" | "poor";

export class CallView {
  readonly element: HTMLElement;
  private readonly stage = h("div", { class: "stage", "data-testid": "remote-stage" });
  private readonly selfVideo = h("video", { class: "self-video", autoplay: true, muted: true, playsinline: true, "data-testid": "self-video" });
  private readonly chatLog = h("ol", { class: "chat-log", "aria-live": "polite", "data-testid": "chat-log" });
  private readonly chatInput = h("input", { id: "chat-input", type: "text", maxlength: 2000, autocomplete: "off", "data-testid": "chat-input" });
  private readonly micButton: HTMLButtonElement;
  private readonly camButton: HTMLButtonElement;
  private readonly audioOnlyButton: HTMLButtonElement;
  private readonly notices = h("div", { class: "link-notices", role: "status", "aria-live": "polite", "data-testid": "link-notices" });
  private audioOnly = false;
  private readonly paused = new Map<string, PauseReason>();
  private readonly quality = new Map<string, QualityLevel>();
  private micOn = true;
  private camOn = true;
  private streams = new Map<string, MediaStream>();
  private people: Participant[] = [];
  private readonly empty = T("p", "call.alone", { class: "stage-empty" });
  private readonly elapsed = h("time", { class: "elapsed", "data-testid": "elapsed", "aria-live": "off" }, "0:00");
  private readonly startedAt = Date.now();
  private readonly remoteMedia = new Map<string, { microphone: boolean; camera: boolean }>();

  constructor(
    private readonly me: string,
    private readonly actions: CallActions,
    extraControls: HTMLElement[] = [],
    leaveStyle: "danger" | "neutral" = "danger",
  ) {
    this.micButton = h("button", { type: "button", class: "control", "aria-pressed": "false", "data-testid": "mute", onclick: () => this.toggleMic() });
    this.camButton = h("button", { type: "button", class: "control", "aria-pressed": "false", "data-testid": "camera", onclick: () => this.toggleCam() });
    this.audioOnlyButton = h("button", { type: "button", class: "control", "aria-pressed": "false", "data-testid": "audio-only", onclick: () => void this.toggleAudioOnly() });
    const leave = h("button", { type: "button", class: leaveStyle === "danger" ? "control danger" : "control", "data-testid": "leave", onclick: () => actions.leave() }, T("span", "call.leave"));
    const form = h("form", { class: "chat-form", onsubmit: (e) => void this.submitChat(e) },
      T("label", "chat.label", { for: "chat-input", class: "chat-label" }),
      this.chatInput,
      h("button", { type: "submit", class: "secondary", "data-testid": "chat-send" }, T("span", "chat.send")));
    this.element = h("section", { class: "call", "aria-labelledby": "call-title" },
      h("div", { class: "call-title" }, T("h1", "call.heading", { id: "call-title" }),
        h("span", { class: "elapsed-wrap" }, T("span", "call.elapsed", { class: "visually-hidden" }), this.elapsed)),
      h("div", { class: "call-main" },
        h("div", { class: "video-area" }, this.stage, h("div", { class: "self" }, this.selfVideo, T("span", "call.you", { class: "tile-label" }))),
        this.notices,
        h("div", { class: "controls", role: "toolbar", "aria-label": t("call.controls") }, this.micButton, this.camButton, this.audioOnlyButton, ...extraControls, leave)),
      h("aside", { class: "chat", "aria-labelledby": "chat-title" }, T("h3", "chat.title", { id: "chat-title" }), this.chatLog, form));
    this.renderButtons();
    this.renderStage();
    const tick = window.setInterval(() => {
      if (!this.element.isConnected && this.elapsed.textContent !== "0:00") {
        window.clearInterval(tick);
        return;
      }
      this.elapsed.textContent = elapsedText(Date.now() - this.startedAt);
    }, 1000);
    onLanguageChange(() => {
      this.renderButtons();
      this.renderStage();
      this.renderNotices();
    });
  }

  /** The server stopped (reason) or restarted (null) sending video to a participant: this one or another. */
  setVideoPaused(id: string, reason: PauseReason | null): void {
    if (reason) this.paused.set(id, reason);
    else this.paused.delete(id);
    if (id === this.me) {
      this.audioOnly = reason === "audio_only_chosen";
      // The last frame would stay on screen, frozen: dim it so the picture is not taken for live video.
      this.stage.classList.toggle("video-paused", reason !== null);
      this.renderButtons();
    }
    this.renderNotices();
  }

  /** A participant's connection quality, as the server measured it. */
  setQuality(id: string, quality: QualityLevel): void {
    this.quality.set(id, quality);
    this.renderStage();
  }

  showSelf(stream: MediaStream): void {
    this.selfVideo.srcObject = stream;
  }

  setParticipants(people: Participant[]): void {
    this.people = people;
    this.renderStage();
  }

  /** The microphone and camera state of this participant's own controls, to share with the others. */
  mediaState(): { microphone: boolean; camera: boolean } {
    return { microphone: this.micOn, camera: this.camOn };
  }

  /** Another participant turned their microphone or camera off or on: their tile shows it. */
  setRemoteMedia(id: string, microphone: boolean, camera: boolean): void {
    this.remoteMedia.set(id, { microphone, camera });
    this.renderStage();
  }

  setRemoteStreams(streams: Map<string, MediaStream>): void {
    this.streams = streams;
    this.renderStage();
  }

  addChat(from: string, text: string, at: Date): void {
    const mine = from === this.me;
    const who = mine ? t("chat.me") : this.nameOf(from);
    this.chatLog.append(h("li", { class: mine ? "mine" : "theirs" },
      h("span", { class: "chat-meta" }, `${who} · ${formatTime(at)}`),
      h("span", { class: "chat-text" }, text)));
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
  }

  private async submitChat(event: Event): Promise<void> {
    event.preventDefault();
    const text = this.chatInput.value.trim();
    if (!text) return;
    this.chatInput.value = "";
    try {
      await this.actions.sendChat(text);
    } catch {
      this.chatInput.value = text;
    }
  }

  private toggleMic(): void {
    this.micOn = !this.micOn;
    this.actions.microphone(this.micOn);
    this.renderButtons();
  }

  private async toggleAudioOnly(): Promise<void> {
    const next = !this.audioOnly;
    this.audioOnly = next;
    this.renderButtons();
    try {
      await this.actions.audioOnly(next);
    } catch {
      this.audioOnly = !next;
      this.renderButtons();
    }
  }

  private toggleCam(): void {
    this.camOn = !this.camOn;
    this.actions.camera(this.camOn);
    this.selfVideo.classList.toggle("off", !this.camOn);
    this.renderButtons();
  }

  private renderButtons(): void {
    this.micButton.textContent = this.micOn ? t("call.mute") : t("call.unmute");
    this.micButton.setAttribute("aria-pressed", String(!this.micOn));
    this.camButton.textContent = this.camOn ? t("call.cameraOff") : t("call.cameraOn");
    this.camButton.setAttribute("aria-pressed", String(!this.camOn));
    this.audioOnlyButton.textContent = this.audioOnly ? t("call.backToVideo") : t("call.audioOnly");
    this.audioOnlyButton.setAttribute("aria-pressed", String(this.audioOnly));
  }

  /** In words: video paused to this participant (and why), or to another one (so we know they do not see us). */
  private renderNotices(): void {
    const items: HTMLElement[] = [];
    for (const [id, reason] of this.paused) {
      const mine = id === this.me;
      const key = mine ? (reason === "weak_connection" ? "link.selfWeak" : "link.selfChosen")
        : reason === "weak_connection" ? "link.otherWeak" : "link.otherChosen";
      items.push(h("p", { class: `notice ${reason === "weak_connection" ? "amber" : ""}`, "data-testid": "video-paused-notice",
        "data-participant": mine ? "me" : id, "data-reason": reason }, t(key, { who: this.nameOf(id) })));
    }
    replace(this.notices, ...items);
  }

  private nameOf(id: string): string {
    const kind = this.people.find((p) => p.id === id)?.kind;
    return kind ? t(`role.${kind}`) : t("role.participant");
  }

  /** One tile per remote stream; the practitioner (or else the first) is the large one. */
  private renderStage(): void {
    const entries = [...this.streams.entries()];
    if (entries.length === 0) {
      replace(this.stage, this.empty);
      return;
    }
    const rank = (id: string) => ({ practitioner: 0, patient: 1, guest: 2 })[this.people.find((p) => p.id === id)?.kind ?? "guest"];
    entries.sort((a, b) => rank(a[0]) - rank(b[0]));
    const existing = new Map<string, HTMLElement>();
    this.stage.querySelectorAll<HTMLElement>(".tile").forEach((tile) => existing.set(tile.dataset.stream ?? "", tile));
    const tiles = entries.map(([id, stream], index) => {
      let tile = existing.get(id);
      if (!tile) {
        const video = h("video", { autoplay: true, playsinline: true, "data-testid": "remote-video" });
        video.srcObject = stream;
        tile = h("div", { class: "tile", "data-stream": id }, video, h("span", { class: "tile-label" }));
      }
      tile.classList.toggle("main", index === 0);
      tile.querySelector(".tile-label")!.textContent = this.nameOf(id);
      const media = this.remoteMedia.get(id) ?? { microphone: true, camera: true };
      tile.classList.toggle("camera-off", !media.camera);
      tile.querySelector(".tile-signs")?.remove();
      tile.querySelector(".tile-quality")?.remove();
      if (!media.microphone || !media.camera) {
        tile.append(h("span", { class: "tile-signs", role: "status", "data-testid": "remote-media-state" },
          !media.camera ? h("span", { class: "sign", "data-sign": "camera-off" }, t("remote.cameraOff")) : null,
          !media.microphone ? h("span", { class: "sign", "data-sign": "mic-off" }, t("remote.micOff")) : null));
      }
      const quality = this.quality.get(id);
      if (quality) {
        tile.append(h("span", { class: `tile-quality quality-${quality}`, role: "status", "data-testid": "remote-quality", "data-quality": quality },
          t("quality.label", { quality: t(`quality.${quality}`) })));
      }
      return tile;
    });
    this.stage.classList.toggle("many", tiles.length > 1);
    replace(this.stage, ...tiles);
    // Moving a video element in the page pauses it; start every tile again.
    this.stage.querySelectorAll("video").forEach((v) => void v.play().catch(() => undefined));
  }
}

/** "4:05" or "1:02:09". */
function elapsedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
