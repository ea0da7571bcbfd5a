import type { HubConnection } from "@microsoft/signalr";

/**
 * One RTCPeerConnection to the server's SFU. The page offers its camera and microphone; the server answers, then
 * re-offers whenever someone joins or leaves, and the page answers. All negotiation steps run one after another
 * (a queue), so a server offer never races the page's own offer.
 *
 * The server labels forwarded tracks with the stream id the publisher put in its offer. The page writes its
 * participant id there (in the copy it sends, not in its local description), so others can tell whose video it is.
 */
export interface Quality {
  poor: boolean;
  rttMs: number | null;
  lossPercent: number | null;
}

export interface MediaEvents {
  remoteStreams(streams: Map<string, MediaStream>): void;
  connectionState(state: RTCPeerConnectionState): void;
  quality(quality: Quality): void;
  failure(error: unknown): void;
}

/** How long a move keeps the old peer connection playing when the new one receives no video. */
const MOVE_OVERLAP_MS = 6000;
/** A move whose offer the server did not take (the room's new node busy or lost in turn) starts over this often, this
 * many times, before the page leaves the failure banner up. */
const MOVE_RETRY_MS = 1000;
const MOVE_RETRIES = 3;

export class MediaSession {
  pc: RTCPeerConnection | null = null;
  /** The connection a move is replacing, still playing until the new one receives media. */
  private previous: RTCPeerConnection | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly remote = new Map<string, MediaStream>();
  private qualityTimer: number | undefined;
  private lastInbound = { received: 0, lost: 0, bytes: 0, at: 0 };
  private closed = false;
  private videoSendPaused = false;
  private moveRetries = 0;

  constructor(
    private readonly hub: HubConnection,
    private readonly appointmentId: string,
    private readonly myId: string,
    private local: MediaStream,
    private readonly events: MediaEvents,
  ) {
    expose(this);
  }

  /** Starts (or restarts, after a reconnect, reload or network change) the peer connection and offers. */
  start(): Promise<void> {
    return this.enqueue(async () => {
      this.closed = false;
      await this.freshPeer();
    });
  }

  private async freshPeer(): Promise<void> {
    this.teardownPeer();
    const pc = this.newPeer((event) => this.onTrack(event));
    pc.onconnectionstatechange = () => this.events.connectionState(pc.connectionState);
    await this.negotiate(pc);
  }

  /**
   * MediaMoved: the room's media moved to another server node. Make-before-break: a new peer connection offers to the
   * new node while the old one keeps playing; each remote track of the new one replaces the old one at its first
   * packet, and the old connection closes once the new one receives video, or after MOVE_OVERLAP_MS. (Closing first and
   * then offering, the README's contract for any client, works too; this only hides the renegotiation.)
   */
  move(): Promise<void> {
    const old = this.pc;
    if (!old || this.closed) return this.start();
    return this.enqueue(async () => {
      if (this.pc !== old || this.closed) return;
      old.onconnectionstatechange = null;
      old.ontrack = null;
      let retired = false;
      const retire = () => {
        if (retired) return;
        retired = true;
        window.clearTimeout(bound);
        if (this.previous === old) this.previous = null;
        old.close();
        if (this.pc) this.events.connectionState(this.pc.connectionState);
      };
      const bound = window.setTimeout(retire, MOVE_OVERLAP_MS);
      this.previous = old;
      const pc = this.newPeer((event) => {
        if (event.track.kind === "video") event.track.addEventListener("unmute", retire, { once: true });
        if (event.track.muted) event.track.addEventListener("unmute", () => this.onTrack(event), { once: true });
        else this.onTrack(event);
      });
      pc.onconnectionstatechange = () => {
        if (retired || pc.connectionState === "connected") this.events.connectionState(pc.connectionState);
      };
      try {
        await this.negotiate(pc);
      } catch (error) {
        if (!this.startOverLater(pc)) throw error;
      }
    });
  }

  /** After a move's failed negotiation: its new connection would never connect (and never report "failed"), so the
   * page starts its media over, a few times, unless something else replaced that connection meanwhile. False once the
   * retries are spent: the caller reports the failure then. */
  private startOverLater(failed: RTCPeerConnection): boolean {
    if (this.moveRetries >= MOVE_RETRIES) return false;
    this.moveRetries++;
    window.setTimeout(() => {
      if (this.pc !== failed || this.closed) return;
      void this.enqueue(async () => {
        if (this.pc !== failed || this.closed) return;
        try {
          await this.freshPeer();
        } catch (error) {
          if (!this.pc || !this.startOverLater(this.pc)) throw error;
        }
      });
    }, MOVE_RETRY_MS);
    return true;
  }

  private newPeer(ontrack: (event: RTCTrackEvent) => void): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    this.pc = pc;
    expose(this);
    // One video layer: the server forwards simulcast from a client that sends it, but the pages do not yet (under
    // load, three 720p layers per page cost more than a weak guest gains; see the README's media section).
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    pc.ontrack = ontrack;
    return pc;
  }

  private async negotiate(pc: RTCPeerConnection): Promise<void> {
    if (this.videoSendPaused) await this.applyVideoSending(pc);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answer = await this.hub.invoke<string>("SendOffer", this.appointmentId, this.labelled(offer.sdp ?? ""));
    if (this.pc !== pc) return;
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    this.moveRetries = 0;
    await this.applyVideoSending(pc);
    this.startQualityWatch();
  }

  /** The server re-offers when the room's membership changes. */
  acceptServerOffer(sdp: string): Promise<void> {
    return this.enqueue(async () => {
      const pc = this.pc;
      if (!pc || this.closed) return;
      await pc.setRemoteDescription({ type: "offer", sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await this.hub.invoke("SendAnswer", this.appointmentId, this.labelled(answer.sdp ?? ""));
    });
  }

  /** Swaps camera or microphone without renegotiating. */
  async replaceLocal(stream: MediaStream): Promise<void> {
    this.local = stream;
    const pc = this.pc;
    if (!pc) return;
    for (const sender of pc.getSenders()) {
      const kind = sender.track?.kind;
      const next = stream.getTracks().find((t) => t.kind === kind);
      if (next) await sender.replaceTrack(next);
    }
  }

  get localStream(): MediaStream {
    return this.local;
  }

  setMicrophone(on: boolean): void {
    for (const track of this.local.getAudioTracks()) track.enabled = on;
  }

  /**
   * The server paused (reason) or resumed (null) the video it sends a participant. When it is this page's own video
   * downlink, paused for a weak connection, this page's own video sending stops too (encodings inactive: the encoder
   * stops, the sound goes on): a link too weak to receive video is, on the networks patients use, too weak to send it
   * beside the sound, and video filling its queue is what makes the sound break up. Resumed with the video.
   */
  onVideoPaused(who: string, reason: string | null): void {
    if (who !== this.myId) return;
    const paused = reason === "weak_connection";
    if (paused === this.videoSendPaused) return;
    this.videoSendPaused = paused;
    const pc = this.pc;
    if (pc) void this.applyVideoSending(pc);
  }

  private async applyVideoSending(pc: RTCPeerConnection): Promise<void> {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== "video") continue;
      const parameters = sender.getParameters();
      if (!parameters.encodings || parameters.encodings.length === 0) continue;
      // With simulcast encodings, one other participant gets the full-size layer (the last) alone and two or more get
      // all of them. A page whose own downlink is paused for a weak connection sends none.
      const all = this.remote.size >= 2;
      const last = parameters.encodings.length - 1;
      let changed = false;
      parameters.encodings.forEach((encoding, i) => {
        const active = !this.videoSendPaused && (last === 0 || all || i === last);
        if (encoding.active !== active) {
          encoding.active = active;
          changed = true;
        }
      });
      if (!changed) continue;
      try {
        await sender.setParameters(parameters);
      } catch {
        // A sender mid-negotiation refuses new parameters; the next pause or resume sets them again.
      }
    }
  }

  setCamera(on: boolean): void {
    for (const track of this.local.getVideoTracks()) track.enabled = on;
  }

  close(): void {
    this.closed = true;
    this.teardownPeer();
  }

  async stats(): Promise<RTCStatsReport | null> {
    return this.pc ? this.pc.getStats() : null;
  }

  private teardownPeer(): void {
    window.clearInterval(this.qualityTimer);
    this.qualityTimer = undefined;
    if (this.previous) {
      this.previous.close();
      this.previous = null;
    }
    if (this.pc) {
      this.pc.ontrack = null;
      this.pc.onconnectionstatechange = null;
      this.pc.close();
      this.pc = null;
    }
    this.remote.clear();
    this.events.remoteStreams(new Map(this.remote));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch((error) => this.events.failure(error));
    return next;
  }

  private labelled(sdp: string): string {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`{|}~-]{1,64}$/.test(this.myId)) return sdp;
    const own = this.local.id;
    return sdp
      .split("\r\n")
      .map((line) =>
        line.startsWith(`a=msid:${own} `) ? `a=msid:${this.myId} ` + line.slice(`a=msid:${own} `.length)
        : line.startsWith("a=ssrc:") && line.includes(` msid:${own} `) ? line.replace(` msid:${own} `, ` msid:${this.myId} `)
        : line,
      )
      .join("\r\n");
  }

  private onTrack(event: RTCTrackEvent): void {
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    const key = stream.id;
    this.remote.set(key, stream);
    const update = () => {
      const live = stream.getTracks().some((t) => t.readyState === "live");
      // A move's new stream has the same id: the old one's ended tracks must not remove it.
      if (!live && this.remote.get(key) === stream) this.remote.delete(key);
      this.events.remoteStreams(new Map(this.remote));
      void this.updateLayers();
    };
    event.track.addEventListener("ended", update);
    stream.addEventListener("removetrack", update);
    this.events.remoteStreams(new Map(this.remote));
    void this.updateLayers();
  }

  /**
   * Simulcast only where it helps: with one other participant the page sends its full-size layer alone (all the
   * uplink goes to the one picture the other sees, as without simulcast); with two or more it sends every layer, so
   * the server can give a participant on a weak link a smaller one without pulling the others down.
   */
  private async updateLayers(): Promise<void> {
    if (this.pc) await this.applyVideoSending(this.pc);
  }

  /** Every 2 s: loss and round-trip time from getStats; poor above 8 % loss or 500 ms, or when media stalls. */
  private startQualityWatch(): void {
    window.clearInterval(this.qualityTimer);
    this.lastInbound = { received: 0, lost: 0, bytes: 0, at: 0 };
    this.qualityTimer = window.setInterval(() => void this.measure(), 2000);
  }

  private async measure(): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    const report = await pc.getStats();
    let received = 0;
    let lost = 0;
    let bytes = 0;
    let rtt: number | null = null;
    report.forEach((s) => {
      if (s.type === "inbound-rtp") {
        received += s.packetsReceived ?? 0;
        lost += Math.max(0, s.packetsLost ?? 0);
        bytes += s.bytesReceived ?? 0;
      } else if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number") {
        rtt = s.currentRoundTripTime * 1000;
      }
    });
    const previous = this.lastInbound;
    this.lastInbound = { received, lost, bytes, at: Date.now() };
    if (previous.at === 0) return;
    const dReceived = received - previous.received;
    const dLost = lost - previous.lost;
    const loss = dReceived + dLost > 0 ? (100 * dLost) / (dReceived + dLost) : null;
    const stalled = this.remote.size > 0 && bytes === previous.bytes;
    const broken = pc.connectionState === "disconnected" || pc.connectionState === "failed";
    const poor = broken || stalled || (loss !== null && loss > 8) || (rtt !== null && rtt > 500);
    this.events.quality({ poor, rttMs: rtt, lossPercent: loss });
  }
}

/**
 * Three simulcast layers (RFC 8853 rids, lowest first): a quarter, half and full size. The full layer gets the
 * ceiling a single stream has (2.5 Mbps): Chromium would otherwise cap a simulcast layer by its current size's table
 * value (450 kbps once it has scaled 720p down to 480x270), so a 1:1 call, which sends that layer alone, would lose
 * bitrate against a plain stream.
 */

/** The browser tests' hook: the current peer connection and a plain-object view of getStats. */
function expose(session: MediaSession): void {
  const hook = {
    get pc(): RTCPeerConnection | null {
      return session.pc;
    },
    async stats(): Promise<Record<string, unknown>[]> {
      const report = await session.stats();
      const list: Record<string, unknown>[] = [];
      report?.forEach((s) => list.push({ ...s }));
      return list;
    },
  };
  (window as unknown as { __telehealth: typeof hook }).__telehealth = hook;
}
