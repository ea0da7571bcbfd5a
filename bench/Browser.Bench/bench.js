// Runs in the bench's pages. relay(): join the appointment through the hub and negotiate with the server (a patient
// once the practitioner has admitted them);
// direct(): two peer connections in one page, on loopback. Both expose window.pc (the receiving side).
window.benchStats = async () => {
  let video = null;
  (await window.pc.getStats()).forEach(r => {
    if (r.type === "inbound-rtp" && r.kind === "video") {
      video = { bytes: r.bytesReceived, t: r.timestamp, w: r.frameWidth ?? 0, h: r.frameHeight ?? 0, decoded: r.framesDecoded ?? 0 };
    }
  });
  return video;
};
// The sending side's view, for BENCH_TIMELINE: its send-side estimate (the selected pair's availableOutgoingBitrate),
// the encoder's target and what it sends.
window.benchSenderStats = async () => {
  const out = { t: 0, available: 0, target: 0, bytes: 0, w: 0 };
  (await window.sendPc.getStats()).forEach(r => {
    if (r.type === "candidate-pair" && r.nominated && r.availableOutgoingBitrate) out.available = r.availableOutgoingBitrate;
    if (r.type === "outbound-rtp" && r.kind === "video") {
      out.t = r.timestamp; out.target += r.targetBitrate ?? 0; out.bytes += r.bytesSent + (r.headerBytesSent ?? 0); out.w = Math.max(out.w, r.frameWidth ?? 0);
    }
  });
  return out;
};
window.benchRelay = async ({ token, id, me, waitForAdmission }) => {
  const c = new signalR.HubConnectionBuilder().withUrl("/hubs/consultation", { accessTokenFactory: () => token })
    .configureLogging(signalR.LogLevel.None).build();
  window.hub = c;
  const pc = new RTCPeerConnection();
  window.pc = pc;
  window.sendPc = pc;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
  // Every negotiation step runs after the previous one, as in the web client: a server offer that arrives while the
  // page's own offer is pending must wait for its answer.
  let queue = Promise.resolve();
  const enqueue = step => (queue = queue.then(step, step));
  c.on("Offer", (_, sdp) => enqueue(async () => {
    await pc.setRemoteDescription({ type: "offer", sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await c.invoke("SendAnswer", id, answer.sdp);
  }));
  const negotiate = () => enqueue(async () => {
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await pc.setRemoteDescription({ type: "answer", sdp: await c.invoke("SendOffer", id, offer.sdp) });
  });
  // A patient waits in the waiting room and sends media only once admitted (the server refuses it before).
  let admitted = false;
  c.on("Admitted", (_, who) => {
    if (who === me && !admitted) {
      admitted = true;
      negotiate();
    }
  });
  await c.start();
  await c.invoke("Join", id);
  if (!waitForAdmission) await negotiate();
};
window.benchDirect = async () => {
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  window.pc = b;
  window.sendPc = a;
  a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
  const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  for (const t of s.getTracks()) a.addTrack(t, s);
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
};
