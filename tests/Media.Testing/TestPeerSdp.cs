using System.Globalization;
using System.Net;
using System.Text;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The test peer's side of SDP: a browser-like offer (Opus + VP8, BUNDLE, rtcp-mux), reading the
/// server's answer, and answering the server's re-offers by mirroring them (sendonly becomes recvonly).</summary>
internal static class TestPeerSdp
{
    public const int OpusPayloadType = 111;
    public const int Vp8PayloadType = 96;
    public const int MidExtensionId = 4;
    public const int AbsSendTimeExtensionId = 2;
    public const int TransportWideCcExtensionId = 5;
    public const int RtxPayloadType = 97;
    public const string TransportWideCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public const string AudioMid = "0";
    public const string VideoMid = "1";

    public static string BuildOffer(TestPeerIdentity me, bool audio, bool video)
    {
        var sdp = new StringBuilder(2048);
        sdp.Append("v=0\r\n");
        sdp.Append("o=- ").Append(me.SessionId.ToString(CultureInfo.InvariantCulture)).Append(" 2 IN IP4 127.0.0.1\r\n");
        sdp.Append("s=-\r\nt=0 0\r\n");
        sdp.Append("a=group:BUNDLE");
        if (audio)
        {
            sdp.Append(' ').Append(AudioMid);
        }

        if (video)
        {
            sdp.Append(' ').Append(VideoMid);
        }

        sdp.Append("\r\na=msid-semantic: WMS ").Append(me.StreamId).Append("\r\n");
        if (audio)
        {
            sdp.Append("m=audio 9 UDP/TLS/RTP/SAVPF ").Append(me.AudioPayloadType).Append("\r\n");
            AppendTransport(sdp, me, "actpass");
            sdp.Append("a=mid:").Append(AudioMid).Append("\r\n");
            AppendExtensions(sdp, me);
            sdp.Append("a=sendrecv\r\n");
            sdp.Append("a=msid:").Append(me.StreamId).Append(" audio-").Append(me.StreamId).Append("\r\n");
            sdp.Append("a=rtcp-mux\r\n");
            sdp.Append("a=rtpmap:").Append(me.AudioPayloadType).Append(" opus/48000/2\r\n");
            if (me.TransportWideCcId != 0)
            {
                sdp.Append("a=rtcp-fb:").Append(me.AudioPayloadType).Append(" transport-cc\r\n");
            }

            sdp.Append("a=fmtp:").Append(me.AudioPayloadType).Append(" minptime=10;useinbandfec=1\r\n");
            AppendSsrc(sdp, me.AudioSsrc, me, "audio-");
        }

        if (video)
        {
            sdp.Append("m=video 9 UDP/TLS/RTP/SAVPF ").Append(me.VideoPayloadType);
            if (me.RtxPayloadType != 0)
            {
                sdp.Append(' ').Append(me.RtxPayloadType);
            }

            sdp.Append("\r\n");
            AppendTransport(sdp, me, "actpass");
            sdp.Append("a=mid:").Append(VideoMid).Append("\r\n");
            AppendExtensions(sdp, me);
            sdp.Append("a=sendrecv\r\n");
            sdp.Append("a=msid:").Append(me.StreamId).Append(" video-").Append(me.StreamId).Append("\r\n");
            sdp.Append("a=rtcp-mux\r\na=rtcp-rsize\r\n");
            sdp.Append("a=rtpmap:").Append(me.VideoPayloadType).Append(" VP8/90000\r\n");
            sdp.Append("a=rtcp-fb:").Append(me.VideoPayloadType).Append(" goog-remb\r\n");
            sdp.Append("a=rtcp-fb:").Append(me.VideoPayloadType).Append(" ccm fir\r\n");
            sdp.Append("a=rtcp-fb:").Append(me.VideoPayloadType).Append(" nack\r\n");
            sdp.Append("a=rtcp-fb:").Append(me.VideoPayloadType).Append(" nack pli\r\n");
            if (me.TransportWideCcId != 0)
            {
                sdp.Append("a=rtcp-fb:").Append(me.VideoPayloadType).Append(" transport-cc\r\n");
            }

            if (me.RtxPayloadType != 0)
            {
                sdp.Append("a=rtpmap:").Append(me.RtxPayloadType).Append(" rtx/90000\r\n");
                sdp.Append("a=fmtp:").Append(me.RtxPayloadType).Append(" apt=").Append(me.VideoPayloadType).Append("\r\n");
            }

            AppendVideoSsrcs(sdp, me);
        }

        return sdp.ToString();
    }

    /// <summary>Answers a server re-offer: same m-sections, our credentials, DTLS role kept (we are the client),
    /// directions mirrored, and our own SSRCs restated for the sections we send on.</summary>
    public static string BuildAnswer(string offer, TestPeerIdentity me)
    {
        var answer = new StringBuilder(offer.Length + 256);
        string? mid = null;
        bool inMedia = false;
        foreach (string raw in offer.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                FlushOwnSsrc(answer, mid, me);
                inMedia = true;
                mid = null;
                answer.Append(line).Append("\r\n");
                AppendTransport(answer, me, "active");
                continue;
            }

            if (line.StartsWith("a=mid:", StringComparison.Ordinal))
            {
                mid = line.Substring(6);
            }

            if (IsDroppedInAnswer(line))
            {
                continue;
            }

            if (!inMedia && line.StartsWith("o=", StringComparison.Ordinal))
            {
                answer.Append("o=- ").Append(me.SessionId.ToString(CultureInfo.InvariantCulture)).Append(" 3 IN IP4 127.0.0.1\r\n");
                continue;
            }

            answer.Append(line switch
            {
                "a=sendonly" => "a=recvonly",
                "a=recvonly" => "a=sendonly",
                _ => line,
            }).Append("\r\n");
        }

        FlushOwnSsrc(answer, mid, me);
        return answer.ToString();
    }

    /// <summary>The first a=ice-ufrag of a description (for tests that edit offers).</summary>
    public static string ReadIceUfrag(string sdp)
    {
        foreach (string raw in sdp.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))
            {
                return line.Substring(12);
            }
        }

        throw new InvalidOperationException("The SDP has no a=ice-ufrag.");
    }

    /// <summary>Reads what the test peer needs from the server's answer (or re-offer).</summary>
    public static ServerDescription ReadServer(string sdp)
    {
        string? ufrag = null;
        string? pwd = null;
        string? fingerprint = null;
        IPEndPoint? udp = null;
        IPEndPoint? tcp = null;
        foreach (string raw in sdp.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))
            {
                ufrag ??= line.Substring(12);
            }
            else if (line.StartsWith("a=ice-pwd:", StringComparison.Ordinal))
            {
                pwd ??= line.Substring(10);
            }
            else if (line.StartsWith("a=fingerprint:", StringComparison.Ordinal))
            {
                fingerprint ??= line.Substring(14);
            }
            else if (line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                if (parts.Length > 7 && parts[2].Equals("udp", StringComparison.OrdinalIgnoreCase))
                {
                    udp ??= new IPEndPoint(IPAddress.Parse(parts[4]), int.Parse(parts[5], CultureInfo.InvariantCulture));
                }
                else if (parts.Length > 9 && parts[2].Equals("tcp", StringComparison.OrdinalIgnoreCase) && line.Contains("tcptype passive", StringComparison.Ordinal))
                {
                    tcp ??= new IPEndPoint(IPAddress.Parse(parts[4]), int.Parse(parts[5], CultureInfo.InvariantCulture));
                }
            }
        }

        if (ufrag is null || pwd is null || fingerprint is null || udp is null)
        {
            throw new InvalidOperationException("The server's SDP lacks ICE credentials, a fingerprint or a UDP candidate.");
        }

        return new ServerDescription(ufrag, pwd, fingerprint, udp, tcp);
    }

    private static bool IsDroppedInAnswer(string line) =>
        line.StartsWith("a=ice-", StringComparison.Ordinal)
        || line.StartsWith("a=fingerprint:", StringComparison.Ordinal)
        || line.StartsWith("a=setup:", StringComparison.Ordinal)
        || line.StartsWith("a=candidate:", StringComparison.Ordinal)
        || line.StartsWith("a=ssrc", StringComparison.Ordinal)
        || line.StartsWith("a=msid:", StringComparison.Ordinal)
        || line == "a=end-of-candidates"
        || line == "a=ice-lite";

    private static void FlushOwnSsrc(StringBuilder sdp, string? mid, TestPeerIdentity me)
    {
        if (mid == AudioMid)
        {
            sdp.Append("a=msid:").Append(me.StreamId).Append(" audio-").Append(me.StreamId).Append("\r\n");
            AppendSsrc(sdp, me.AudioSsrc, me, "audio-");
        }
        else if (mid == VideoMid)
        {
            sdp.Append("a=msid:").Append(me.StreamId).Append(" video-").Append(me.StreamId).Append("\r\n");
            AppendVideoSsrcs(sdp, me);
        }
    }

    private static void AppendVideoSsrcs(StringBuilder sdp, TestPeerIdentity me)
    {
        if (me.RtxPayloadType != 0)
        {
            sdp.Append("a=ssrc-group:FID ").Append(me.VideoSsrc.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(me.RtxSsrc.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        AppendSsrc(sdp, me.VideoSsrc, me, "video-");
        if (me.RtxPayloadType != 0)
        {
            AppendSsrc(sdp, me.RtxSsrc, me, "video-");
        }
    }

    /// <summary>The a=ssrc-group:FID pairs (RTX SSRC → media SSRC) of a server description.</summary>
    public static Dictionary<uint, uint> ReadRtxSsrcs(string sdp)
    {
        var pairs = new Dictionary<uint, uint>();
        foreach (string raw in sdp.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("a=ssrc-group:FID ", StringComparison.Ordinal))
            {
                string[] parts = line.Substring(17).Split(' ');
                if (parts.Length == 2)
                {
                    pairs[uint.Parse(parts[1], CultureInfo.InvariantCulture)] = uint.Parse(parts[0], CultureInfo.InvariantCulture);
                }
            }
        }

        return pairs;
    }

    private static void AppendTransport(StringBuilder sdp, TestPeerIdentity me, string setup)
    {
        sdp.Append("c=IN IP4 0.0.0.0\r\n");
        sdp.Append("a=ice-ufrag:").Append(me.IceUfrag).Append("\r\n");
        sdp.Append("a=ice-pwd:").Append(me.IcePwd).Append("\r\n");
        sdp.Append("a=ice-options:trickle\r\n");
        sdp.Append("a=fingerprint:").Append(me.Fingerprint).Append("\r\n");
        sdp.Append("a=setup:").Append(setup).Append("\r\n");
    }

    private static void AppendExtensions(StringBuilder sdp, TestPeerIdentity me)
    {
        sdp.Append("a=extmap:").Append(AbsSendTimeExtensionId).Append(" http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n");
        sdp.Append("a=extmap:").Append(MidExtensionId).Append(" urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
        if (me.TransportWideCcId != 0)
        {
            sdp.Append("a=extmap:").Append(me.TransportWideCcId).Append(' ').Append(TransportWideCcUri).Append("\r\n");
        }
    }

    private static void AppendSsrc(StringBuilder sdp, uint ssrc, TestPeerIdentity me, string trackPrefix)
    {
        string s = ssrc.ToString(CultureInfo.InvariantCulture);
        sdp.Append("a=ssrc:").Append(s).Append(" cname:").Append(me.Cname).Append("\r\n");
        sdp.Append("a=ssrc:").Append(s).Append(" msid:").Append(me.StreamId).Append(' ').Append(trackPrefix).Append(me.StreamId).Append("\r\n");
    }
}

/// <summary>What the test peer learned from the server's SDP.</summary>
internal sealed record ServerDescription(string IceUfrag, string IcePwd, string Fingerprint, IPEndPoint UdpCandidate, IPEndPoint? TcpCandidate);

/// <summary>The test peer's own identifiers and credentials that go into its SDP.</summary>
internal sealed record TestPeerIdentity(
    long SessionId, string StreamId, string Cname, string IceUfrag, string IcePwd, string Fingerprint, uint AudioSsrc, uint VideoSsrc,
    int AudioPayloadType = TestPeerSdp.OpusPayloadType, int VideoPayloadType = TestPeerSdp.Vp8PayloadType,
    int TransportWideCcId = TestPeerSdp.TransportWideCcExtensionId, int RtxPayloadType = TestPeerSdp.RtxPayloadType, uint RtxSsrc = 0);
