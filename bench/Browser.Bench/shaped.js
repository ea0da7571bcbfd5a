// Runs in the shaped bench's pages (one page = one participant, one RTCPeerConnection in window.pc).
// shapedRelay() + shapedPublish(): join the appointment through the hub and, once admitted, negotiate with the server
// (its renegotiations included);
// shapedLocal() + shapedOffer/shapedAnswer/shapedAccept: a direct call between two pages, signalled by the bench.
// Every page maps each received track to the sender's stream id (the server relays the publisher's msid), so the bench
// can tell whose video a page receives in a room of three.
window.shaped = { from: {}, streamId: null, pausedAt: [], resumedAt: [] };
// Received tracks are played as a page would: Chromium counts audio samples (totalSamplesReceived, concealedSamples)
// only for audio that is played out.
const onTrack = e => {
  window.shaped.from[e.track.id] = e.streams[0] ? e.streams[0].id : e.track.id;
  const element = document.createElement(e.track.kind === "audio" ? "audio" : "video");
  element.autoplay = true;
  element.muted = e.track.kind === "video";
  element.srcObject = new MediaStream([e.track]);
  document.body.appendChild(element);
  element.play().catch(() => {});
};
const openMedia = async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  window.shaped.streamId = stream.id;
  return stream;
};
// As the project's pages do (call/media.ts onVideoPaused): while the server pauses this page's own video downlink for a
// weak connection, the page stops sending its own video too (encodings inactive), and sends it again on the resume.
const setVideoSending = async (pc, on) => {
  for (const sender of pc.getSenders()) {
    if (!sender.track || sender.track.kind !== "video") continue;
    const parameters = sender.getParameters();
    if (!parameters.encodings || parameters.encodings.length === 0) continue;
    for (const encoding of parameters.encodings) encoding.active = on;
    await sender.setParameters(parameters).catch(() => {});
  }
};
window.shapedRelay = async ({ token, id, me, pauseEvent, resumeEvent, simulcast }) => {
  const c = new signalR.HubConnectionBuilder().withUrl("/hubs/consultation", { accessTokenFactory: () => token })
    .configureLogging(signalR.LogLevel.None).build();
  window.hub = c;
  const pc = new RTCPeerConnection();
  window.pc = pc;
  pc.ontrack = onTrack;
  const stream = await openMedia();
  // 1:1 calls send one video layer, as the visit page does. The three-party run asks for three simulcast layers
  // (all sent only once two others are in the room), which the server supports but the visit page does not send yet.
  for (const t of stream.getTracks()) {
    if (t.kind === "video" && simulcast) pc.addTransceiver(t, { direction: "sendrecv", streams: [stream], sendEncodings: [
      { rid: "q", scaleResolutionDownBy: 4, active: false }, { rid: "h", scaleResolutionDownBy: 2, active: false }, { rid: "f", scaleResolutionDownBy: 1, maxBitrate: 2500000 }] });
    else pc.addTrack(t, stream);
  }
  const updateLayers = async () => {
    const sender = pc.getSenders().find(s => s.track && s.track.kind === "video");
    if (!sender) return;
    const p = sender.getParameters();
    if (!p.encodings || p.encodings.length < 2) return;
    const all = new Set(Object.values(window.shaped.from)).size >= 2;
    let changed = false;
    p.encodings.forEach((e, i) => { const active = all || i === p.encodings.length - 1; if (e.active !== active) { e.active = active; changed = true; } });
    if (changed) await sender.setParameters(p).catch(() => {});
  };
  pc.ontrack = e => { onTrack(e); updateLayers(); };
  c.on("Offer", async (_, sdp) => {
    await pc.setRemoteDescription({ type: "offer", sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await c.invoke("SendAnswer", id, answer.sdp);
  });
  // The server's "video paused / resumed" hub events, once they exist; an event that is never sent costs nothing.
  if (pauseEvent) c.on(pauseEvent, (_, who, reason) => {
    window.shaped.pausedAt.push(performance.now());
    if (who === me) setVideoSending(pc, reason !== "weak_connection");
  });
  if (resumeEvent) c.on(resumeEvent, (_, who) => {
    window.shaped.resumedAt.push(performance.now());
    if (who === me) setVideoSending(pc, true);
  });
  await c.start();
  await c.invoke("Join", id);
  window.shaped.appointment = id;
};
// Sends the page's media: the server takes it only once the participant is admitted.
window.shapedPublish = async () => {
  const offer = await window.pc.createOffer();
  await window.pc.setLocalDescription(offer);
  await window.pc.setRemoteDescription({ type: "answer", sdp: await window.hub.invoke("SendOffer", window.shaped.appointment, offer.sdp) });
};
window.shapedLocal = async () => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  pc.ontrack = onTrack;
  const stream = await openMedia();
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
};
const gathered = pc => new Promise(resolve => {
  if (pc.iceGatheringState === "complete") return resolve();
  const check = () => { if (pc.iceGatheringState === "complete") resolve(); };
  pc.addEventListener("icegatheringstatechange", check);
  setTimeout(resolve, 3000);
});
window.shapedOffer = async () => {
  await window.pc.setLocalDescription(await window.pc.createOffer());
  await gathered(window.pc);
  return window.pc.localDescription.sdp;
};
window.shapedAnswer = async sdp => {
  await window.pc.setRemoteDescription({ type: "offer", sdp });
  await window.pc.setLocalDescription(await window.pc.createAnswer());
  await gathered(window.pc);
  return window.pc.localDescription.sdp;
};
window.shapedAccept = async sdp => window.pc.setRemoteDescription({ type: "answer", sdp });
// One sample: per received video (keyed by the sender's stream id), the audio totals, the selected pair.
window.shapedSample = async () => {
  const stats = await window.pc.getStats();
  const out = { t: performance.now(), video: {}, audio: { packets: 0, concealed: 0, total: 0, lost: 0, fec: 0, jbDelay: 0, jbEmitted: 0, events: 0, bytes: 0 }, localPort: null, rttMs: null, pauses: window.shaped.pausedAt.length, resumes: window.shaped.resumedAt.length };
  let pair = null;
  stats.forEach(r => {
    if (r.type === "transport" && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
    if (r.type !== "inbound-rtp") return;
    if (r.kind === "audio") {
      out.audio.packets += r.packetsReceived ?? 0;
      out.audio.concealed += r.concealedSamples ?? 0;
      out.audio.total += r.totalSamplesReceived ?? 0;
      out.audio.lost += r.packetsLost ?? 0;
      out.audio.fec += r.fecPacketsReceived ?? 0;
      out.audio.jbDelay += r.jitterBufferDelay ?? 0;
      out.audio.jbEmitted += r.jitterBufferEmittedCount ?? 0;
      out.audio.events += r.concealmentEvents ?? 0;
      out.audio.bytes += r.bytesReceived ?? 0;
    } else if (r.kind === "video") {
      const from = window.shaped.from[r.trackIdentifier] ?? r.trackIdentifier ?? r.id;
      out.video[from] = { bytes: r.bytesReceived ?? 0, frames: r.framesDecoded ?? 0, freezes: r.freezeCount ?? 0, w: r.frameWidth ?? 0, h: r.frameHeight ?? 0 };
    }
  });
  if (!pair) stats.forEach(r => { if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") pair = r; });
  // The sending side, for BENCH_SEND: the send-side estimate and, per video encoding, its rid, size, target and
  // what limits it (bandwidth, cpu), so a low received rate can be told apart from a sender that chose to send less.
  const sends = [];
  stats.forEach(r => {
    if (r.type === "outbound-rtp" && r.kind === "video") {
      sends.push(`${r.rid ?? "-"}:${r.frameWidth ?? 0}x${r.frameHeight ?? 0}/${Math.round((r.targetBitrate ?? 0) / 1000)}k/${r.qualityLimitationReason ?? "?"}`);
    }
  });
  out.send = `est ${pair && pair.availableOutgoingBitrate ? Math.round(pair.availableOutgoingBitrate / 1000) + "k" : "-"} ${sends.join(" ")}`;
  if (pair) {
    const local = stats.get(pair.localCandidateId);
    out.localPort = local ? local.port : null;
    out.rttMs = pair.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null;
  }
  return out;
};
