using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Sdp;
using Doctolib.Telehealth.Media.Tests.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The plane's answer to the offer Chromium 156 really made (<see cref="Chromium156Captures"/>), read back
/// with our parser; and offers the plane must refuse, each with <see cref="MediaNegotiationException"/> and never
/// quoting the SDP, after which the plane still answers.</summary>
public sealed class ChromiumOfferTests
{
    private const string OfferUfrag = "nNcq";
    private const string OfferPwd = "ZxDx3hMQX1G2lb3jecVezQQL";
    private const string OfferCname = "0HveFwfmkqyrmIJc";
    private const string TransportWideCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private static readonly SdpSessionDescription Offer = SdpParser.Parse(Chromium156Captures.Offer);
    private static readonly MediaParticipant Patient = new("room-chromium", "patient");

    [Fact]
    public async Task Answer_ChromiumOffer_KeepsEveryMidInOrderAndBundlesTheAcceptedOnes()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        Assert.True(answer.IceLite);
        Assert.Equal(Offer.Media.Select(m => m.Mid), answer.Media.Select(m => m.Mid));
        string[] rtpMids = Offer.Media.Where(m => m.Kind is SdpMediaKind.Audio or SdpMediaKind.Video).Select(m => m.Mid!).ToArray();
        Assert.Equal(2, rtpMids.Length);
        Assert.Equal(rtpMids, answer.BundleGroup!.Mids);
        Assert.Equal(rtpMids, answer.Media.Where(m => !m.IsRejected).Select(m => m.Mid));
    }

    [Fact]
    public async Task Answer_ChromiumOffer_RejectsTheDataChannelWithItsOwnProtocolAndFormats()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        SdpMediaSection offered = Offer.Media.Single(m => m.Kind == SdpMediaKind.Application);
        SdpMediaSection data = answer.Media.Single(m => m.Mid == offered.Mid);
        Assert.True(data.IsRejected);
        Assert.Equal(offered.Media, data.Media);
        Assert.Equal(offered.Protocol, data.Protocol);
        Assert.Equal(offered.Formats, data.Formats);
        Assert.Equal(SdpDirection.Inactive, data.Direction);
    }

    [Fact]
    public async Task Answer_ChromiumOffer_GivesTheServersTransportInEveryAcceptedSection()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        ParticipantSession session = harness.Plane.FindSession(Patient)!;
        string[] certificate = DtlsCertificate.Shared.SdpFingerprint.Split(' ');
        var fingerprint = new SdpFingerprint(certificate[0], certificate[1]);
        Assert.Equal("sha-256", fingerprint.Algorithm);
        Assert.NotEqual(OfferUfrag, session.LocalUfrag);
        foreach (SdpMediaSection media in answer.Media.Where(m => !m.IsRejected))
        {
            Assert.True(media.RtcpMux);
            Assert.Equal(SdpSetupRole.Passive, answer.EffectiveSetup(media));
            Assert.Equal(fingerprint, answer.EffectiveFingerprint(media));
            Assert.Equal(session.LocalUfrag, answer.EffectiveIceUfrag(media));
            Assert.Equal(session.LocalPwd, answer.EffectiveIcePwd(media));
        }
    }

    [Fact]
    public async Task Answer_ChromiumOffer_PutsThePlanesUdpAndTcpCandidatesOnTheBundleTag()
    {
        await using var harness = new PlaneHarness(o => o.TcpPort = 0);

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        SdpMediaSection tag = answer.Media.Single(m => m.Mid == answer.BundleGroup!.Mids[0]);
        int udpPort = harness.Plane.LocalEndPoint.Port;
        int tcpPort = harness.Plane.TcpListener!.LocalEndPoint.Port;
        Assert.Equal(udpPort, tag.Port);
        Assert.Equal("IN IP4 127.0.0.1", tag.Connection);
        Assert.True(tag.EndOfCandidates);
        SdpCandidate udp = Assert.Single(tag.Candidates, c => c.Transport == "udp");
        SdpCandidate tcp = Assert.Single(tag.Candidates, c => c.Transport == "tcp");
        Assert.Equal(("127.0.0.1", udpPort, "host", 1), (udp.Address, udp.Port, udp.Type, udp.Component));
        Assert.Equal(("127.0.0.1", tcpPort, "host", "passive"), (tcp.Address, tcp.Port, tcp.Type, tcp.TcpType));
        Assert.True(udp.Priority > tcp.Priority, "browsers must prefer UDP");
    }

    [Fact]
    public async Task Answer_ChromiumOffer_AnswersOpusWithTheOfferedPayloadTypeAndFmtp()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        SdpMediaSection offered = Offer.Media.Single(m => m.Kind == SdpMediaKind.Audio);
        SdpRtpMap opus = offered.RtpMaps.Single(m => m.IsCodec("opus"));
        SdpMediaSection audio = answer.Media.Single(m => m.Mid == offered.Mid);
        Assert.Equal([opus.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)], audio.Formats);
        Assert.Equal(opus, Assert.Single(audio.RtpMaps));
        Assert.Equal(offered.FindFmtp(opus.PayloadType), audio.FindFmtp(opus.PayloadType));
    }

    [Fact]
    public async Task Answer_ChromiumOffer_AnswersVp8AndMode1BaselineH264WithTheOfferedPayloadTypes()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        SdpMediaSection offered = Offer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        SdpMediaSection video = answer.Media.Single(m => m.Mid == offered.Mid);
        int vp8 = offered.RtpMaps.Single(m => m.IsCodec("VP8")).PayloadType;
        int h264 = offered.RtpMaps.Single(m => m.IsCodec("H264") && offered.FindFmtp(m.PayloadType) is { } fmtp
            && fmtp.Contains("packetization-mode=1", StringComparison.Ordinal) && fmtp.Contains("profile-level-id=42e01f", StringComparison.Ordinal)).PayloadType;
        Assert.Equal([vp8, h264], video.RtpMaps.Where(m => !m.IsCodec("rtx")).Select(m => m.PayloadType));
        Assert.Equal(video.RtpMaps.Select(m => m.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)), video.Formats);
        foreach (SdpRtpMap map in video.RtpMaps)
        {
            Assert.Equal(offered.FindRtpMap(map.PayloadType), map);
            Assert.Equal(offered.FindFmtp(map.PayloadType), video.FindFmtp(map.PayloadType));
        }

        Assert.Equal(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"],
            video.RtcpFeedbacks.Where(f => f.PayloadType == vp8).Select(f => f.Parameter is null ? f.Type : f.Type + " " + f.Parameter));
    }

    [Fact]
    public async Task Answer_ChromiumOffer_AnswersRtxWithTheOfferedAptForEachAcceptedVideoCodecOnly()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        // Chromium 156: 97 repairs VP8 (96), 109 repairs mode-1 baseline H.264 (108); its other RTX types repair codecs not taken.
        Assert.Equal([97, 109], video.RtpMaps.Where(m => m.IsCodec("rtx")).Select(m => m.PayloadType));
        Assert.Equal("apt=96", video.FindFmtp(97));
        Assert.Equal("apt=108", video.FindFmtp(109));
        Assert.DoesNotContain(answer.Media.Single(m => m.Kind == SdpMediaKind.Audio).RtpMaps, m => m.IsCodec("rtx"));
    }

    [Fact]
    public async Task Answer_ChromiumOffer_NegotiatesTransportCcOnEveryCodecAndTheSequenceExtensionWithTheBrowsersId()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        foreach (SdpMediaSection media in answer.Media.Where(m => !m.IsRejected))
        {
            SdpMediaSection offered = Offer.Media.Single(m => m.Mid == media.Mid);
            Assert.Contains(media.Extmaps, e => e.Uri == OfferReader.MidUri);
            foreach (SdpExtmap extension in media.Extmaps)
            {
                Assert.Contains(offered.Extmaps, e => e.Id == extension.Id && e.Uri == extension.Uri);
            }

            Assert.Equal(3, media.Extmaps.Single(e => e.Uri == TransportWideCcUri).Id);
            foreach (SdpRtpMap codec in media.RtpMaps.Where(m => !m.IsCodec("rtx")))
            {
                Assert.Contains(new SdpRtcpFeedback(codec.PayloadType, "transport-cc", null), media.RtcpFeedbacks);
            }
        }

        Assert.Equal(3, harness.Plane.FindSession(Patient)!.Uplink!.ExtensionId);
    }

    [Fact]
    public async Task Answer_ChromiumOffer_LearnsThePublishersRtxSsrcFromItsFidGroup()
    {
        await using var harness = new PlaneHarness();

        await AnswerAsync(harness, Chromium156Captures.Offer);

        PublishedTrack video = harness.Plane.FindSession(Patient)!.Tracks.Single(t => t.IsVideo);
        Assert.Equal(3322617026u, video.PublisherRtxSsrc);
        Assert.Equal(96, video.OriginalPayloadTypeFor(97));
        Assert.Equal(108, video.OriginalPayloadTypeFor(109));
        Assert.Equal(RtpRewriteMap.NoPayloadType, video.OriginalPayloadTypeFor(96));
    }

    [Fact]
    public async Task Answer_ChromiumOffer_ReceivesTheParticipantsAudioAndPrimaryVideoSsrc()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);

        Assert.All(answer.Media.Where(m => !m.IsRejected), m => Assert.Equal(SdpDirection.RecvOnly, m.Direction));
        SdpMediaSection offeredVideo = Offer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        SdpSsrcGroup fid = offeredVideo.SsrcGroups.Single(g => g.Semantics == "FID");
        uint audioSsrc = Offer.Media.Single(m => m.Kind == SdpMediaKind.Audio).Ssrcs()[0];
        PublishedTrack[] tracks = harness.Plane.FindSession(Patient)!.Tracks;
        Assert.Equal([(audioSsrc, false), (fid.Ssrcs[0], true)], tracks.Select(t => (t.Ssrc, t.IsVideo)));
        Assert.Equal(offeredVideo.Msids[0].TrackId, tracks[1].TrackId);
    }

    [Fact]
    public async Task Answer_ChromiumOfferThatOnlyReceivesAudio_AnswersItInactiveAndPublishesNoAudio()
    {
        await using var harness = new PlaneHarness();
        string offer = ReplaceFirst(Chromium156Captures.Offer, "a=sendrecv", "a=recvonly");

        SdpSessionDescription answer = await AnswerAsync(harness, offer);

        Assert.Equal(SdpDirection.Inactive, answer.Media[0].Direction);
        Assert.Equal(SdpDirection.RecvOnly, answer.Media[1].Direction);
        Assert.True(Assert.Single(harness.Plane.FindSession(Patient)!.Tracks).IsVideo);
    }

    [Theory]
    [InlineData("a=ice-ufrag:" + OfferUfrag + "\r\n", "", "a=ice-ufrag")]
    [InlineData("a=ice-pwd:" + OfferPwd + "\r\n", "", "a=ice-pwd")]
    [InlineData("a=setup:actpass", "a=setup:passive", "DTLS server")]
    [InlineData("a=fingerprint:sha-256 ", "a=fingerprint:sha-1 ", "sha-256")]
    [InlineData("a=group:BUNDLE 0 1 2\r\n", "", "BUNDLE")]
    [InlineData("a=mid:0\r\n", "", "a=mid")]
    [InlineData(" 9 UDP/", " 0 UDP/", "no usable m-section")]
    [InlineData("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus", "not valid SDP")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF 96 ", "m=video 99999 UDP/TLS/RTP/SAVPF 96 ", "not valid SDP")]
    public async Task AcceptOffer_ChromiumOfferMadeUnacceptable_ThrowsTheTypedErrorWithoutQuotingItThenStillAnswers(
        string original, string replacement, string expected)
    {
        Assert.Contains(original, Chromium156Captures.Offer, StringComparison.Ordinal);
        string offer = Chromium156Captures.Offer.Replace(original, replacement, StringComparison.Ordinal);

        await AssertRefusedThenStillAnswersAsync(offer, expected);
    }

    /// <summary>One edit to one m-section (the first occurrence only) that breaks a rule the plane checks before it
    /// creates a session.</summary>
    [Theory]
    [InlineData("a=rtcp-mux\r\n", "", "m-section 1 (audio) lacks a=rtcp-mux")]
    [InlineData("a=mid:1\r\n", "a=mid:0\r\n", "m-sections 1 and 2 have the same a=mid")]
    [InlineData("a=group:BUNDLE 0 1 2\r\n", "a=group:BUNDLE 0 1 2 3\r\n", "a=group:BUNDLE names a mid (entry 4) that no m-section has")]
    [InlineData("m=audio 9 UDP/TLS/RTP/SAVPF ", "m=audio 9 RTP/AVP ", "m-section 1 (audio) must use UDP/TLS/RTP/SAVPF or TCP/DTLS/RTP/SAVPF")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF ", "m=video 9 RTP/SAVP ", "m-section 2 (video) must use UDP/TLS/RTP/SAVPF or TCP/DTLS/RTP/SAVPF")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF ", "m=video 9 UDP/TLS/RTP/SAVP ", "DTLS-SRTP with RTCP feedback")]
    [InlineData("a=extmap:14 urn:ietf:params:rtp-hdrext:toffset", "a=extmap:2 urn:ietf:params:rtp-hdrext:toffset",
        "m-section 2 (video) has two a=extmap lines with id 2")]
    public async Task AcceptOffer_ChromiumOfferBreakingOneSectionRule_ThrowsTheTypedErrorNamingItThenStillAnswers(
        string original, string replacement, string expected)
    {
        string offer = ReplaceFirst(Chromium156Captures.Offer, original, replacement);

        await AssertRefusedThenStillAnswersAsync(offer, expected);
    }

    [Fact]
    public async Task AcceptOffer_ChromiumOfferWithNoSupportedCodec_ThrowsTheTypedErrorListingWhatIsSupportedThenStillAnswers()
    {
        // Opus at another clock rate, VP8 renamed, and H.264 only in profiles other than 42e01f: nothing the plane decodes.
        string offer = ReplaceFirst(Chromium156Captures.Offer, "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/16000/2");
        offer = ReplaceFirst(offer, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000");
        offer = offer.Replace("profile-level-id=42e01f", "profile-level-id=4d001f", StringComparison.Ordinal);

        MediaNegotiationException error = await AssertRefusedThenStillAnswersAsync(offer, "No audio or video m-section offers a codec the server supports");

        Assert.Contains("Opus", error.Message, StringComparison.Ordinal);
        Assert.Contains("VP8", error.Message, StringComparison.Ordinal);
        Assert.Contains("H.264", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_ChromiumOfferWithAnRtpmapItsMLineDoesNotList_DoesNotNegotiateThatCodec()
    {
        await using var harness = new PlaneHarness();
        // VP8's a=rtpmap (and its RTX) stay, but 96 is no longer a format of the m=video line.
        string offer = ReplaceFirst(Chromium156Captures.Offer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97 ", "m=video 9 UDP/TLS/RTP/SAVPF 97 ");

        SdpSessionDescription answer = await AnswerAsync(harness, offer);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.False(video.IsRejected);
        Assert.Equal(["108", "109"], video.Formats);
        Assert.Null(video.FindRtpMap(96));
    }

    [Fact]
    public async Task Answer_ChromiumOfferOverTcpDtls_AcceptsTheSectionAndEchoesItsProtocol()
    {
        await using var harness = new PlaneHarness();
        string offer = ReplaceFirst(Chromium156Captures.Offer, "m=audio 9 UDP/TLS/RTP/SAVPF ", "m=audio 9 TCP/DTLS/RTP/SAVPF ");

        SdpSessionDescription answer = await AnswerAsync(harness, offer);

        Assert.False(answer.Media[0].IsRejected);
        Assert.Equal("TCP/DTLS/RTP/SAVPF", answer.Media[0].Protocol);
        Assert.Equal("UDP/TLS/RTP/SAVPF", answer.Media[1].Protocol);
    }

    /// <summary>The plane refuses <paramref name="offer"/> with a message containing <paramref name="expected"/> and no
    /// secret of the offer, keeps no session, then answers the real offer.</summary>
    private static async Task<MediaNegotiationException> AssertRefusedThenStillAnswersAsync(string offer, string expected)
    {
        await using var harness = new PlaneHarness();

        MediaNegotiationException error = await Assert.ThrowsAsync<MediaNegotiationException>(() => AnswerAsync(harness, offer));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        foreach (string secret in new[] { OfferUfrag, OfferPwd, OfferCname })
        {
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        }

        Assert.Null(harness.Plane.FindSession(Patient));
        SdpSessionDescription answer = await AnswerAsync(harness, Chromium156Captures.Offer);
        Assert.Equal(2, answer.BundleGroup!.Mids.Count);
        Assert.NotNull(harness.Plane.FindSession(Patient));
        return error;
    }

    private static async Task<SdpSessionDescription> AnswerAsync(PlaneHarness harness, string offer)
    {
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await harness.Plane.AcceptOfferAsync(Patient, offer, timeout.Token).WaitAsync(timeout.Token);
        return SdpParser.Parse(answer);
    }

    internal static string ReplaceFirst(string text, string original, string replacement)
    {
        int index = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(index >= 0);
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + original.Length));
    }
}
