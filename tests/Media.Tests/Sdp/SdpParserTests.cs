using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void Parse_ChromeOffer_ReadsSessionLevel()
    {
        SdpSessionDescription offer = SdpParser.Parse(ChromeOffer.Text);

        Assert.Equal("4611731400430051336", offer.Origin.SessionId);
        Assert.Equal(2UL, offer.Origin.SessionVersion);
        Assert.Equal(["0", "1", "2"], offer.BundleGroup!.Mids);
        Assert.Equal($"WMS {ChromeOffer.StreamId}", offer.MsidSemantic);
        Assert.False(offer.IceLite);
        Assert.Equal(3, offer.Media.Count);
        Assert.Contains(offer.OtherAttributes, a => a.Name == "extmap-allow-mixed");
    }

    [Fact]
    public void Parse_ChromeOffer_ReadsAudioSection()
    {
        SdpMediaSection audio = SdpParser.Parse(ChromeOffer.Text).Media[0];

        Assert.Equal(SdpMediaKind.Audio, audio.Kind);
        Assert.Equal(51234, audio.Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        Assert.Equal("0", audio.Mid);
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        Assert.Equal(ChromeOffer.IceUfrag, audio.IceUfrag);
        Assert.Equal(ChromeOffer.IcePwd, audio.IcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", ChromeOffer.Fingerprint), audio.Fingerprint);
        Assert.Equal(SdpSetupRole.ActPass, audio.Setup);
        Assert.True(audio.RtcpMux);
        Assert.True(audio.RtcpRsize);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), audio.FindRtpMap(111));
        Assert.Equal("minptime=10;useinbandfec=1", audio.FindFmtp(111));
        Assert.Contains(new SdpRtcpFeedback(111, "transport-cc", null), audio.RtcpFeedbacks);
        Assert.Equal(4, audio.Extmaps.Count);
        Assert.Equal(new SdpExtmap(4, null, "urn:ietf:params:rtp-hdrext:sdes:mid", null), audio.Extmaps[3]);
        Assert.Equal([ChromeOffer.AudioSsrc], audio.Ssrcs());
        Assert.Equal(ChromeOffer.Cname, audio.SsrcAttribute(ChromeOffer.AudioSsrc, "cname"));
        Assert.Equal(new SdpMsid(ChromeOffer.StreamId, ChromeOffer.AudioTrackId), Assert.Single(audio.Msids));
        Assert.Equal(2, audio.Candidates.Count);
        Assert.Equal(new SdpCandidate("1467250027", 1, "udp", 2122260223, "127.0.0.1", 51234, "host"), audio.Candidates[0]);
        Assert.Equal("active", audio.Candidates[1].TcpType);
    }

    [Fact]
    public void Parse_ChromeOffer_ReadsVideoSectionWithRtxGroup()
    {
        SdpMediaSection video = SdpParser.Parse(ChromeOffer.Text).Media[1];

        Assert.Equal(SdpMediaKind.Video, video.Kind);
        Assert.Equal(19, video.Formats.Count);
        Assert.Equal("apt=96", video.FindFmtp(97));
        Assert.Equal(5, video.RtcpFeedbacks.FindAll(f => f.PayloadType == 96).Count);
        Assert.Contains(new SdpRtcpFeedback(96, "nack", "pli"), video.RtcpFeedbacks);
        SdpSsrcGroup group = Assert.Single(video.SsrcGroups);
        Assert.Equal("FID", group.Semantics);
        Assert.Equal([ChromeOffer.VideoSsrc, ChromeOffer.VideoRtxSsrc], group.Ssrcs);
        Assert.Equal(11, video.Extmaps.Count);
    }

    [Fact]
    public void Parse_ChromeOffer_ReadsDataChannelSection()
    {
        SdpMediaSection data = SdpParser.Parse(ChromeOffer.Text).Media[2];

        Assert.Equal(SdpMediaKind.Application, data.Kind);
        Assert.Equal(["webrtc-datachannel"], data.Formats);
        Assert.Equal(5000, data.SctpPort);
        Assert.Equal(262144, data.MaxMessageSize);
        Assert.True(data.EndOfCandidates);
        Assert.False(data.IsRtp);
    }

    [Fact]
    public void Parse_SessionLevelIceAndFingerprint_AreTheEffectiveValues()
    {
        string sdp = string.Join("\r\n",
            "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
            $"a=ice-ufrag:{ChromeOffer.IceUfrag}", $"a=ice-pwd:{ChromeOffer.IcePwd}",
            $"a=fingerprint:sha-256 {ChromeOffer.Fingerprint}", "a=setup:actpass",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:a", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "");

        SdpSessionDescription offer = SdpParser.Parse(sdp);

        SdpMediaSection audio = offer.Media[0];
        Assert.Null(audio.IceUfrag);
        Assert.Equal(ChromeOffer.IceUfrag, offer.EffectiveIceUfrag(audio));
        Assert.Equal(ChromeOffer.IcePwd, offer.EffectiveIcePwd(audio));
        Assert.Equal(SdpSetupRole.ActPass, offer.EffectiveSetup(audio));
    }

    [Fact]
    public void Parse_BareLineFeeds_AreAccepted()
    {
        SdpSessionDescription offer = SdpParser.Parse(ChromeOffer.Text.Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.Equal(3, offer.Media.Count);
    }

    [Fact]
    public void Candidate_TcpPassiveWithRelatedAddress_ReadsEveryField()
    {
        Assert.True(SdpCandidate.TryParse("2 1 TCP 1518280447 192.0.2.7 5081 typ srflx raddr 10.0.0.2 rport 40000 tcptype passive generation 0",
            out SdpCandidate? candidate, out _));

        Assert.Equal(new SdpCandidate("2", 1, "tcp", 1518280447, "192.0.2.7", 5081, "srflx", "10.0.0.2", 40000, "passive"), candidate);
    }
}
