using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

public sealed class SdpServerOfferBuilderTests
{
    private const string ServerFingerprint = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    private static readonly SdpTrackSsrcs PeerAudio = new(111111, null, "peercname", "peer-stream", "peer-audio");
    private static readonly SdpTrackSsrcs PeerVideo = new(222222, 222223, "peercname", "peer-stream", "peer-video");
    private readonly IceCredentials _ice = IceCredentials.Generate();

    private SdpFingerprint Fingerprint => new("sha-256", ServerFingerprint);

    private SdpCandidate[] Candidates => [new SdpCandidate("1", 1, "udp", 2130706431, "127.0.0.1", 5081, "host")];

    private SdpServerOfferOptions OfferOptions => new(_ice, Fingerprint, Candidates);

    private SdpNegotiatedSession Initial(string offer) => SdpAnswerBuilder.Build(SdpOffer.Parse(offer), new SdpAnswerOptions
    {
        IceCredentials = _ice,
        DtlsFingerprint = Fingerprint,
        Candidates = Candidates,
        SessionId = "42",
    }).Negotiated;

    private static SdpOutgoingTrack[] BothPeerTracks =>
    [
        new("peer/0", SdpMediaKind.Audio, PeerAudio, "opus"),
        new("peer/1", SdpMediaKind.Video, PeerVideo, "VP8"),
    ];

    /// <summary>What Chrome answers to a server offer: its own credentials, a=setup:active, mirrored directions.</summary>
    private static string BrowserAnswer(string serverOffer)
    {
        var lines = new List<string>();
        foreach (string line in serverOffer.Split("\r\n"))
        {
            if (line.StartsWith("a=ssrc", StringComparison.Ordinal) || line.StartsWith("a=candidate", StringComparison.Ordinal)
                || line == "a=ice-lite" || line.StartsWith("a=msid", StringComparison.Ordinal))
            {
                continue;
            }

            lines.Add(line switch
            {
                "a=setup:actpass" => "a=setup:active",
                "a=sendonly" => "a=recvonly",
                "a=recvonly" => "a=sendonly",
                _ when line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal) => $"a=ice-ufrag:{ChromeOffer.IceUfrag}",
                _ when line.StartsWith("a=ice-pwd:", StringComparison.Ordinal) => $"a=ice-pwd:{ChromeOffer.IcePwd}",
                _ when line.StartsWith("a=fingerprint:", StringComparison.Ordinal) => $"a=fingerprint:sha-256 {ChromeOffer.Fingerprint}",
                _ => line,
            });
        }

        return string.Join("\r\n", lines);
    }

    [Fact]
    public void Build_TwoForwardedTracks_AppendsSendOnlySectionsWithNewMids()
    {
        SdpNegotiatedSession current = Initial(ChromeOffer.Text);

        SdpServerOffer offer = SdpServerOfferBuilder.Build(current, BothPeerTracks, OfferOptions);

        SdpSessionDescription parsed = SdpParser.Parse(offer.Sdp);
        Assert.Equal(["0", "1", "2", "3", "4"], parsed.Media.ConvertAll(m => m.Mid!));
        Assert.Equal(["0", "1", "3", "4"], parsed.BundleGroup!.Mids);
        Assert.Equal("42", parsed.Origin.SessionId);
        Assert.Equal(2UL, parsed.Origin.SessionVersion);
        Assert.All(parsed.Media.FindAll(m => m.Port != 0), m => Assert.Equal(SdpSetupRole.ActPass, m.Setup));
        Assert.Equal(SdpDirection.RecvOnly, parsed.Media[0].Direction);
        Assert.Equal(0, parsed.Media[2].Port);

        SdpMediaSection audio = parsed.Media[3];
        Assert.Equal(SdpMediaKind.Audio, audio.Kind);
        Assert.Equal(SdpDirection.SendOnly, audio.Direction);
        Assert.Equal(["111"], audio.Formats);
        Assert.Equal(["111111"], audio.Ssrcs().Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("peercname", audio.SsrcAttribute(111111, "cname"));
        Assert.Equal(new SdpMsid("peer-stream", "peer-audio"), Assert.Single(audio.Msids));

        SdpMediaSection video = parsed.Media[4];
        Assert.Equal(SdpDirection.SendOnly, video.Direction);
        Assert.Equal(["96", "97", "109", "114"], video.Formats);
        Assert.Equal(new SdpSsrcGroup("FID", [222222u, 222223u]), Assert.Single(video.SsrcGroups), new SsrcGroupComparer());
        Assert.Equal([222222u, 222223u], video.Ssrcs());
        Assert.Equal([SdpExtensionUris.AbsSendTime, SdpExtensionUris.Mid], video.Extmaps.ConvertAll(e => e.Uri));
    }

    [Fact]
    public void Build_PublisherUsesH264_PutsH264First()
    {
        SdpNegotiatedSession current = Initial(ChromeOffer.Text);

        SdpServerOffer offer = SdpServerOfferBuilder.Build(current, [new("peer/1", SdpMediaKind.Video, PeerVideo, "H264")], OfferOptions);

        Assert.Equal(["109", "114", "96", "97"], SdpParser.Parse(offer.Sdp).Media[3].Formats);
    }

    [Fact]
    public void ApplyAnswer_BrowserAcceptsAll_GivesNegotiatedSendOnlyMedia()
    {
        SdpServerOffer offer = SdpServerOfferBuilder.Build(Initial(ChromeOffer.Text), BothPeerTracks, OfferOptions);

        SdpNegotiatedSession negotiated = SdpServerOfferBuilder.ApplyAnswer(offer.Pending, BrowserAnswer(offer.Sdp));

        SdpNegotiatedMedia video = negotiated.FindMedia("4")!;
        Assert.Equal(SdpMediaOrigin.Server, video.Origin);
        Assert.Equal("peer/1", video.TrackKey);
        Assert.Equal(SdpDirection.SendOnly, video.LocalDirection);
        Assert.Equal(SdpDirection.RecvOnly, video.RemoteDirection);
        Assert.Equal(PeerVideo, video.LocalTrack);
        Assert.Equal(2UL, negotiated.SessionVersion);
        Assert.Equal(ChromeOffer.IceUfrag, negotiated.RemoteIceUfrag);
    }

    [Fact]
    public void ApplyAnswer_SetupPassive_IsRefused()
    {
        SdpServerOffer offer = SdpServerOfferBuilder.Build(Initial(ChromeOffer.Text), BothPeerTracks, OfferOptions);
        string answer = BrowserAnswer(offer.Sdp).Replace("a=setup:active", "a=setup:passive", StringComparison.Ordinal);

        SdpParseException error = Assert.Throws<SdpParseException>(() => SdpServerOfferBuilder.ApplyAnswer(offer.Pending, answer));

        Assert.Contains("a=setup", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyAnswer_MissingSection_IsRefused()
    {
        SdpServerOffer offer = SdpServerOfferBuilder.Build(Initial(ChromeOffer.Text), BothPeerTracks, OfferOptions);
        string answer = BrowserAnswer(offer.Sdp);
        answer = answer[..answer.IndexOf("m=video 5081 UDP/TLS/RTP/SAVPF 96 97 109 114\r\nc=IN IP4 127.0.0.1\r\na=end-of-candidates\r\na=ice-ufrag", answer.IndexOf("a=mid:3", StringComparison.Ordinal), StringComparison.Ordinal)];

        Assert.Throws<SdpParseException>(() => SdpServerOfferBuilder.ApplyAnswer(offer.Pending, answer));
    }

    [Fact]
    public void Build_TrackRemoved_RetiresItsSectionAndNeverReusesTheMid()
    {
        SdpServerOffer first = SdpServerOfferBuilder.Build(Initial(ChromeOffer.Text), BothPeerTracks, OfferOptions);
        SdpNegotiatedSession afterFirst = SdpServerOfferBuilder.ApplyAnswer(first.Pending, BrowserAnswer(first.Sdp));

        SdpServerOffer second = SdpServerOfferBuilder.Build(afterFirst,
            [BothPeerTracks[0], new("third/1", SdpMediaKind.Video, new SdpTrackSsrcs(333, 334, "c3", "s3", "v3"))], OfferOptions);

        SdpSessionDescription parsed = SdpParser.Parse(second.Sdp);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], parsed.Media.ConvertAll(m => m.Mid!));
        Assert.Equal(0, parsed.Media[4].Port);
        Assert.Equal(SdpDirection.Inactive, parsed.Media[4].Direction);
        Assert.Equal(["0", "1", "3", "5"], parsed.BundleGroup!.Mids);
        Assert.Equal([333u, 334u], parsed.Media[5].Ssrcs());
        Assert.Equal(3UL, parsed.Origin.SessionVersion);
        Assert.Null(second.Pending.FindMedia("4")!.TrackKey);
    }

    [Fact]
    public void Build_AudioOnlyParticipantReceivesVideo_UsesDefaultVp8OnFreePayloadTypes()
    {
        string audioOnly = ChromeOffer.Text[..ChromeOffer.Text.IndexOf("m=video", StringComparison.Ordinal)].Replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0", StringComparison.Ordinal);

        SdpServerOffer offer = SdpServerOfferBuilder.Build(Initial(audioOnly), [BothPeerTracks[1]], OfferOptions);

        SdpMediaSection video = SdpParser.Parse(offer.Sdp).Media[1];
        Assert.Equal(["96", "97"], video.Formats);
        Assert.Equal("VP8", video.FindRtpMap(96)!.EncodingName);
        Assert.Equal("apt=96", video.FindFmtp(97));
        Assert.Equal("1", video.Mid);
    }

    [Fact]
    public void AnswerBuilder_RenegotiationOfferWithPrevious_KeepsServerSectionsSending()
    {
        SdpServerOffer offer = SdpServerOfferBuilder.Build(Initial(ChromeOffer.Text), BothPeerTracks, OfferOptions);
        SdpNegotiatedSession negotiated = SdpServerOfferBuilder.ApplyAnswer(offer.Pending, BrowserAnswer(offer.Sdp));
        string browserReoffer = BrowserAnswer(offer.Sdp)
            .Replace("a=setup:active", "a=setup:actpass", StringComparison.Ordinal)
            .Replace("a=sendonly", "a=sendrecv", StringComparison.Ordinal);

        SdpAnswer answer = SdpAnswerBuilder.Build(SdpOffer.Parse(browserReoffer), new SdpAnswerOptions
        {
            IceCredentials = _ice,
            DtlsFingerprint = Fingerprint,
            Candidates = Candidates,
            Previous = negotiated,
        });

        SdpNegotiatedMedia video = answer.Negotiated.FindMedia("4")!;
        Assert.Equal(SdpMediaOrigin.Server, video.Origin);
        Assert.Equal("peer/1", video.TrackKey);
        Assert.Equal(SdpDirection.SendOnly, video.LocalDirection);
        Assert.Equal(SdpDirection.RecvOnly, answer.Negotiated.FindMedia("1")!.LocalDirection);
        Assert.Equal(3UL, answer.Negotiated.SessionVersion);
        Assert.Equal("42", answer.Negotiated.SessionId);
        Assert.Equal([222222u, 222223u], SdpParser.Parse(answer.Sdp).Media[4].Ssrcs());
    }

    private sealed class SsrcGroupComparer : IEqualityComparer<SdpSsrcGroup>
    {
        public bool Equals(SdpSsrcGroup? x, SdpSsrcGroup? y) =>
            x is not null && y is not null && x.Semantics == y.Semantics && x.Ssrcs.SequenceEqual(y.Ssrcs);

        public int GetHashCode(SdpSsrcGroup obj) => obj.Semantics.GetHashCode(StringComparison.Ordinal);
    }
}
