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

export class MediaSession {
  pc: RTCPeerConnection | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly remote = new Map<string, MediaStream>();
  private qualityTimer: number | undefined;
  private lastInbound = { received: 0, lost: 0, bytes: 0, at: 0 };
  private closed = false;

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
      this.teardownPeer();
      this.closed = false;
      const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
      this.pc = pc;
      expose(this);
      for (const track of this.local.getTracks()) {
        if (track.kind === "video") pc.addTransceiver(track, { direction: "sendrecv", streams: [this.local], sendEncodings: simulcastEncodings() });
        else pc.addTrack(track, this.local);
      }
      pc.ontrack = (event) => this.onTrack(event);
      pc.onconnectionstatechange = () => this.events.connectionState(pc.connectionState);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const answer = await this.hub.invoke<string>("SendOffer", this.appointmentId, this.labelled(offer.sdp ?? ""));
      if (this.pc !== pc) return;
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
      await this.updateLayers();
      this.startQualityWatch();
    });
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
      if (!live) this.remote.delete(key);
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
    const pc = this.pc;
    const sender = pc?.getSenders().find((s) => s.track?.kind === "video");
    if (!pc || !sender) return;
    const parameters = sender.getParameters();
    if (!parameters.encodings || parameters.encodings.length < 2) return;
    const all = this.remote.size >= 2;
    let changed = false;
    parameters.encodings.forEach((encoding, i) => {
      const active = all || i === parameters.encodings.length - 1;
      if (encoding.active !== active) {
        encoding.active = active;
        changed = true;
      }
    });
    if (changed) await sender.setParameters(parameters).catch(() => undefined);
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
function simulcastEncodings(): RTCRtpEncodingParameters[] {
  return [
    { rid: "q", scaleResolutionDownBy: 4, active: false },
    { rid: "h", scaleResolutionDownBy: 2, active: false },
    { rid: "f", scaleResolutionDownBy: 1, maxBitrate: 2_500_000 },
  ];
}

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
