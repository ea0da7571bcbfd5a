using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

public sealed class SdpAnswerBuilderTests
{
    private const string ServerFingerprint = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    private readonly IceCredentials _ice = IceCredentials.Generate();

    private SdpAnswerOptions Options(bool transportCc = false, IReadOnlyDictionary<string, SdpDirection>? directions = null) => new()
    {
        IceCredentials = _ice,
        DtlsFingerprint = new SdpFingerprint("sha-256", ServerFingerprint),
        Candidates =
        [
            new SdpCandidate("1", 1, "udp", 2130706431, "127.0.0.1", 5081, "host"),
            new SdpCandidate("2", 1, "tcp", 1518280447, "127.0.0.1", 5081, "host", TcpType: "passive"),
        ],
        SessionId = "123456789",
        EnableTransportCc = transportCc,
        DirectionByMid = directions,
    };

    private SdpAnswer Answer(SdpAnswerOptions? options = null) => SdpAnswerBuilder.Build(SdpOffer.Parse(ChromeOffer.Text), options ?? Options());

    [Fact]
    public void Build_ChromeOffer_KeepsMlinesMidsAndBundlesAccepted()
    {
        SdpSessionDescription answer = SdpParser.Parse(Answer().Sdp);

        Assert.Equal(["0", "1", "2"], answer.Media.ConvertAll(m => m.Mid!));
        Assert.Equal([SdpMediaKind.Audio, SdpMediaKind.Video, SdpMediaKind.Application], answer.Media.ConvertAll(m => m.Kind));
        Assert.Equal(["0", "1"], answer.BundleGroup!.Mids);
        Assert.True(answer.IceLite);
        Assert.Equal("123456789", answer.Origin.SessionId);
    }

    [Fact]
    public void Build_ChromeOffer_GivesServerTransportInEveryAcceptedSection()
    {
        SdpSessionDescription answer = SdpParser.Parse(Answer().Sdp);

        foreach (SdpMediaSection media in answer.Media.GetRange(0, 2))
        {
            Assert.Equal(5081, media.Port);
            Assert.Equal(_ice.Ufrag, media.IceUfrag);
            Assert.Equal(_ice.Password, media.IcePwd);
            Assert.Equal(new SdpFingerprint("sha-256", ServerFingerprint), media.Fingerprint);
            Assert.Equal(SdpSetupRole.Passive, media.Setup);
            Assert.True(media.RtcpMux);
            Assert.True(media.RtcpRsize);
            Assert.True(media.EndOfCandidates);
            Assert.Equal(2, media.Candidates.Count);
            Assert.Equal("passive", media.Candidates[1].TcpType);
        }
    }

    [Fact]
    public void Build_ChromeOffer_AnswersOpusOnlyWithItsFmtp()
    {
        SdpMediaSection audio = SdpParser.Parse(Answer().Sdp).Media[0];

        Assert.Equal(["111"], audio.Formats);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), Assert.Single(audio.RtpMaps));
        Assert.Equal("minptime=10;useinbandfec=1", audio.FindFmtp(111));
        Assert.Empty(audio.RtcpFeedbacks);
        Assert.Equal([SdpExtensionUris.AbsSendTime, SdpExtensionUris.Mid], audio.Extmaps.ConvertAll(e => e.Uri));
        Assert.Equal([2, 4], audio.Extmaps.ConvertAll(e => e.Id));
        Assert.Equal(SdpDirection.RecvOnly, audio.Direction);
    }

    [Fact]
    public void Build_ChromeOffer_AnswersVp8ThenConstrainedBaselineH264WithRtx()
    {
        SdpMediaSection video = SdpParser.Parse(Answer().Sdp).Media[1];

        Assert.Equal(["96", "97", "109", "114"], video.Formats);
        Assert.Equal("VP8", video.FindRtpMap(96)!.EncodingName);
        Assert.Equal("rtx", video.FindRtpMap(97)!.EncodingName);
        Assert.Equal("apt=96", video.FindFmtp(97));
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.FindFmtp(109));
        Assert.Equal("apt=109", video.FindFmtp(114));
        Assert.Equal(
            [new(96, "goog-remb", null), new(96, "ccm", "fir"), new(96, "nack", null), new(96, "nack", "pli")],
            video.RtcpFeedbacks.FindAll(f => f.PayloadType == 96));
        Assert.DoesNotContain(video.RtcpFeedbacks, f => f.Type == "transport-cc");
        Assert.Equal([SdpExtensionUris.AbsSendTime, SdpExtensionUris.Mid], video.Extmaps.ConvertAll(e => e.Uri));
    }

    [Fact]
    public void Build_TransportCcEnabled_KeepsExtensionAndFeedbackTogether()
    {
        SdpSessionDescription answer = SdpParser.Parse(Answer(Options(transportCc: true)).Sdp);

        Assert.Contains(answer.Media[1].Extmaps, e => e.Id == 3 && e.Uri == SdpExtensionUris.TransportWideCc);
        Assert.Contains(new SdpRtcpFeedback(96, "transport-cc", null), answer.Media[1].RtcpFeedbacks);
        Assert.Contains(new SdpRtcpFeedback(111, "transport-cc", null), answer.Media[0].RtcpFeedbacks);
    }

    [Fact]
    public void Build_DataChannel_IsRejectedWithPortZero()
    {
        SdpMediaSection data = SdpParser.Parse(Answer().Sdp).Media[2];

        Assert.Equal(0, data.Port);
        Assert.Equal("UDP/DTLS/SCTP", data.Protocol);
        Assert.Equal(["webrtc-datachannel"], data.Formats);
        Assert.Equal("2", data.Mid);
    }

    [Fact]
    public void Build_ChromeOffer_NegotiatedStateHoldsCodecsExtensionsAndRemoteSsrcs()
    {
        SdpNegotiatedSession negotiated = Answer().Negotiated;

        Assert.Equal(ChromeOffer.IceUfrag, negotiated.RemoteIceUfrag);
        Assert.Equal(ChromeOffer.IcePwd, negotiated.RemoteIcePwd);
        Assert.Equal(ChromeOffer.Fingerprint, negotiated.RemoteFingerprint.Value);
        SdpNegotiatedMedia video = negotiated.FindMedia("1")!;
        Assert.Equal(SdpMediaOrigin.Participant, video.Origin);
        Assert.Equal(SdpDirection.RecvOnly, video.LocalDirection);
        Assert.Equal(SdpDirection.SendRecv, video.RemoteDirection);
        Assert.Equal(97, video.FindCodec("VP8")!.RtxPayloadType);
        Assert.True(video.FindCodec("VP8")!.HasFeedback("nack", "pli"));
        Assert.Equal(109, video.FindCodec("H264")!.PayloadType);
        Assert.Equal(4, video.FindExtensionId(SdpExtensionUris.Mid));
        Assert.Equal(2, video.FindExtensionId(SdpExtensionUris.AbsSendTime));
        Assert.Null(video.FindExtensionId(SdpExtensionUris.TransportWideCc));
        Assert.Equal(new SdpTrackSsrcs(ChromeOffer.VideoSsrc, ChromeOffer.VideoRtxSsrc, ChromeOffer.Cname, ChromeOffer.StreamId, ChromeOffer.VideoTrackId), video.RemoteTrack);
        Assert.Equal(ChromeOffer.AudioSsrc, negotiated.FindMedia("0")!.RemoteTrack!.Ssrc);
        Assert.True(negotiated.FindMedia("2")!.Rejected);
    }

    [Fact]
    public void Build_PlaneAsksForInactiveOnAudio_AnswersInactive()
    {
        var directions = new Dictionary<string, SdpDirection> { ["0"] = SdpDirection.Inactive };

        SdpSessionDescription answer = SdpParser.Parse(Answer(Options(directions: directions)).Sdp);

        Assert.Equal(SdpDirection.Inactive, answer.Media[0].Direction);
        Assert.Equal(SdpDirection.RecvOnly, answer.Media[1].Direction);
    }

    [Fact]
    public void Build_OfferIsRecvOnly_ServerWithoutTrackAnswersInactive()
    {
        SdpSessionDescription offer = SdpOffer.Parse(ChromeOffer.Text.Replace("a=sendrecv", "a=recvonly", StringComparison.Ordinal));

        SdpAnswer answer = SdpAnswerBuilder.Build(offer, Options());

        Assert.Equal(SdpDirection.Inactive, answer.Negotiated.Media[0].LocalDirection);
        Assert.Null(answer.Negotiated.Media[0].RemoteTrack);
    }

    [Fact]
    public void Build_NoSupportedCodec_ThrowsTypedError()
    {
        string sdp = ChromeOffer.Text
            .Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 speex/48000/2", StringComparison.Ordinal)
            .Replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000", StringComparison.Ordinal)
            .Replace("packetization-mode=1", "packetization-mode=0", StringComparison.Ordinal);

        SdpParseException error = Assert.Throws<SdpParseException>(() => SdpAnswerBuilder.Build(SdpOffer.Parse(sdp), Options()));

        Assert.Contains("no m-section", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IsIceRestart_NewUfragInOffer_IsDetected()
    {
        SdpNegotiatedSession negotiated = Answer().Negotiated;

        Assert.False(SdpOffer.IsIceRestart(SdpOffer.Parse(ChromeOffer.Text), negotiated));
        Assert.True(SdpOffer.IsIceRestart(SdpOffer.Parse(ChromeOffer.Text.Replace(ChromeOffer.IceUfrag, "Abc9", StringComparison.Ordinal)), negotiated));
    }
}
