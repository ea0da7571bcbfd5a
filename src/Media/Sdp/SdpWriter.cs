using System.Globalization;
using System.Text;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>The server's side of the transport, written into every accepted m-section (BUNDLE, rtcp-mux, ICE-lite).</summary>
internal sealed record SdpServerTransport(
    IceCredentials IceCredentials,
    SdpFingerprint DtlsFingerprint,
    IReadOnlyList<SdpCandidate> Candidates,
    SdpSetupRole Setup);

/// <summary>Writes the server's session descriptions (answers and re-offers) from negotiated m-sections.
/// The project runs with invariant globalization, so interpolated numbers are culture-neutral.</summary>
internal static class SdpWriter
{
    public static string Write(string sessionId, ulong sessionVersion, IReadOnlyList<SdpNegotiatedMedia> media, SdpServerTransport transport)
    {
        var sdp = new StringBuilder(2048);
        Line(sdp, $"v=0");
        Line(sdp, $"o=- {sessionId} {sessionVersion} IN IP4 127.0.0.1");
        Line(sdp, $"s=-");
        Line(sdp, $"t=0 0");
        var bundle = new StringBuilder("a=group:BUNDLE");
        bool sends = false;
        foreach (SdpNegotiatedMedia m in media)
        {
            if (!m.Rejected)
            {
                bundle.Append(' ').Append(m.Mid);
                sends |= m.LocalTrack is not null && m.LocalDirection.Sends();
            }
        }

        sdp.Append(bundle).Append("\r\n");
        Line(sdp, $"a=ice-lite");
        if (sends)
        {
            Line(sdp, $"a=msid-semantic:WMS *");
        }

        foreach (SdpNegotiatedMedia m in media)
        {
            WriteMedia(sdp, m, transport);
        }

        return sdp.ToString();
    }

    private static void WriteMedia(StringBuilder sdp, SdpNegotiatedMedia m, SdpServerTransport transport)
    {
        string mediaToken = m.MediaToken ?? m.Kind.ToSdp();
        if (m.Rejected)
        {
            string formats = m.RejectedFormats is { Count: > 0 } ? string.Join(' ', m.RejectedFormats) : "0";
            Line(sdp, $"m={mediaToken} 0 {m.Protocol} {formats}");
            Line(sdp, $"c=IN IP4 0.0.0.0");
            Line(sdp, $"a=mid:{m.Mid}");
            Line(sdp, $"a=inactive");
            return;
        }

        SdpCandidate? preferred = transport.Candidates.Count > 0 ? transport.Candidates[0] : null;
        var payloadTypes = new StringBuilder();
        foreach (SdpNegotiatedCodec codec in m.Codecs)
        {
            payloadTypes.Append(' ').Append(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
            if (codec.RtxPayloadType is int rtx)
            {
                payloadTypes.Append(' ').Append(rtx.ToString(CultureInfo.InvariantCulture));
            }
        }

        Line(sdp, $"m={mediaToken} {preferred?.Port ?? 9} {m.Protocol}{payloadTypes}");
        string addressType = preferred is not null && preferred.Address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
        Line(sdp, $"c=IN {addressType} {preferred?.Address ?? "0.0.0.0"}");
        foreach (SdpCandidate candidate in transport.Candidates)
        {
            Line(sdp, $"a=candidate:{candidate.ToSdpValue()}");
        }

        Line(sdp, $"a=end-of-candidates");
        Line(sdp, $"a=ice-ufrag:{transport.IceCredentials.Ufrag}");
        Line(sdp, $"a=ice-pwd:{transport.IceCredentials.Password}");
        Line(sdp, $"a=fingerprint:{transport.DtlsFingerprint.Algorithm} {transport.DtlsFingerprint.Value}");
        Line(sdp, $"a=setup:{transport.Setup.ToSdp()}");
        Line(sdp, $"a=mid:{m.Mid}");
        foreach (SdpExtmap extension in m.Extensions)
        {
            Line(sdp, $"a=extmap:{extension.Id} {extension.Uri}");
        }

        Line(sdp, $"a={m.LocalDirection.ToSdp()}");
        if (m.LocalTrack is { } track && m.LocalDirection.Sends())
        {
            Line(sdp, $"a=msid:{track.StreamId ?? "-"} {track.TrackId ?? "-"}");
        }

        Line(sdp, $"a=rtcp-mux");
        if (m.RtcpRsize)
        {
            Line(sdp, $"a=rtcp-rsize");
        }

        foreach (SdpNegotiatedCodec codec in m.Codecs)
        {
            WriteCodec(sdp, codec);
        }

        if (m.LocalTrack is { } sent && m.LocalDirection.Sends())
        {
            WriteSsrcs(sdp, sent);
        }
    }

    private static void WriteCodec(StringBuilder sdp, SdpNegotiatedCodec codec)
    {
        string channels = codec.Channels is int count ? $"/{count}" : string.Empty;
        Line(sdp, $"a=rtpmap:{codec.PayloadType} {codec.Name}/{codec.ClockRate}{channels}");
        foreach (SdpRtcpFeedback feedback in codec.Feedback)
        {
            Line(sdp, feedback.Parameter is null
                ? $"a=rtcp-fb:{codec.PayloadType} {feedback.Type}"
                : $"a=rtcp-fb:{codec.PayloadType} {feedback.Type} {feedback.Parameter}");
        }

        if (codec.Fmtp is not null)
        {
            Line(sdp, $"a=fmtp:{codec.PayloadType} {codec.Fmtp}");
        }

        if (codec.RtxPayloadType is int rtx)
        {
            Line(sdp, $"a=rtpmap:{rtx} rtx/{codec.ClockRate}");
            Line(sdp, $"a=fmtp:{rtx} apt={codec.PayloadType}");
        }
    }

    private static void WriteSsrcs(StringBuilder sdp, SdpTrackSsrcs track)
    {
        if (track.RtxSsrc is uint rtx)
        {
            Line(sdp, $"a=ssrc-group:FID {track.Ssrc} {rtx}");
        }

        WriteSsrc(sdp, track.Ssrc, track);
        if (track.RtxSsrc is uint rtxSsrc)
        {
            WriteSsrc(sdp, rtxSsrc, track);
        }
    }

    private static void WriteSsrc(StringBuilder sdp, uint ssrc, SdpTrackSsrcs track)
    {
        if (track.Cname is not null)
        {
            Line(sdp, $"a=ssrc:{ssrc} cname:{track.Cname}");
        }

        Line(sdp, $"a=ssrc:{ssrc} msid:{track.StreamId ?? "-"} {track.TrackId ?? "-"}");
    }

    private static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");
}
