namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>getStats snippets that work in both Chromium and Firefox (Firefox has no <c>transport</c> stats and marks its
/// pair with <c>selected</c>; older names <c>ipAddress</c>/<c>portNumber</c> are read too). Each takes the name of a
/// window property holding the peer connection, or nothing for the visit page's own (<c>window.__telehealth.pc</c>,
/// else <c>window.pc</c> as the bench pages name theirs).</summary>
internal static class PeerStats
{
    /// <summary>The selected candidate pair: the browser's own UDP port (what the shaper matches), the remote end and
    /// the pair's round-trip time; null until a pair has succeeded.</summary>
    public const string SelectedPair = """
        async (name) => {
          const pc = name ? window[name] : ((window.__telehealth && window.__telehealth.pc) || window.pc);
          if (!pc) return null;
          const stats = await pc.getStats();
          let pair = null;
          stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          if (!pair) stats.forEach(r => { if (r.type === 'candidate-pair' && r.selected) pair = r; });
          if (!pair) stats.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
          if (!pair || pair.state !== 'succeeded') return null;
          const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
          if (!local || !remote) return null;
          return {
            localPort: local.port ?? local.portNumber,
            protocol: local.protocol,
            remote: `${remote.address ?? remote.ipAddress}:${remote.port ?? remote.portNumber}/${remote.protocol}`,
            rttMs: pair.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null,
          };
        }
        """;

    /// <summary>Sums over the inbound streams: video bytes and decoded frames, audio packets and energy (non-zero once
    /// something other than silence was played out); <c>at</c> is the stats' timestamp in ms.</summary>
    public const string Inbound = """
        async (name) => {
          const pc = name ? window[name] : ((window.__telehealth && window.__telehealth.pc) || window.pc);
          const out = { audioPackets: 0, audioEnergy: 0, videoBytes: 0, framesDecoded: 0, videoStreams: 0, at: 0 };
          if (!pc) return out;
          (await pc.getStats()).forEach(r => {
            if (r.type !== 'inbound-rtp') return;
            out.at = Math.max(out.at, r.timestamp);
            if (r.kind === 'audio') { out.audioPackets += r.packetsReceived ?? 0; out.audioEnergy += r.totalAudioEnergy ?? 0; }
            if (r.kind === 'video') {
              out.videoBytes += r.bytesReceived ?? 0;
              out.framesDecoded += r.framesDecoded ?? 0;
              if ((r.framesDecoded ?? 0) > 0) out.videoStreams++;
            }
          });
          return out;
        }
        """;
}
