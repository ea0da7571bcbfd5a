using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Sdp;
using Doctolib.Telehealth.Media.Tests.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The plane's answer to an offer in Firefox ESR's shape (<see cref="FirefoxEsrOffer"/>): its own payload
/// types, extension ids and directions, transport-wide sequence numbers in video only, RTX for each codec.</summary>
public sealed class FirefoxOfferTests
{
    private static readonly SdpSessionDescription Offer = SdpParser.Parse(FirefoxEsrOffer.Offer);
    private static readonly MediaParticipant Patient = new("room-firefox", "patient");

    [Fact]
    public async Task Answer_FirefoxOffer_NegotiatesTransportCcOnVideoWithFirefoxsIdAndLeavesAudioWithoutIt()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        SdpMediaSection audio = answer.Media.Single(m => m.Kind == SdpMediaKind.Audio);
        Assert.Equal(7, video.Extmaps.Single(e => e.Uri == OfferReader.TransportWideCcUri).Id);
        Assert.Contains(new SdpRtcpFeedback(120, "transport-cc", null), video.RtcpFeedbacks);
        Assert.Contains(new SdpRtcpFeedback(120, "goog-remb", null), video.RtcpFeedbacks);
        Assert.DoesNotContain(audio.Extmaps, e => e.Uri == OfferReader.TransportWideCcUri);
        Assert.DoesNotContain(audio.RtcpFeedbacks, f => f.Type == "transport-cc");
        Assert.Equal(7, harness.Plane.FindSession(Patient)!.Uplink!.ExtensionId);
    }

    [Fact]
    public async Task Answer_FirefoxOffer_KeepsFirefoxsExtensionIdsAndLeavesOutTheRecvOnlyOnesItCannotUse()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.Equal([(3, OfferReader.MidUri), (4, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
            (5, "urn:ietf:params:rtp-hdrext:toffset"), (7, OfferReader.TransportWideCcUri)], video.Extmaps.Select(e => (e.Id, e.Uri)));
        Assert.Equal([(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), (3, OfferReader.MidUri)],
            answer.Media.Single(m => m.Kind == SdpMediaKind.Audio).Extmaps.Select(e => (e.Id, e.Uri)));
    }

    [Fact]
    public async Task Answer_FirefoxOffer_AnswersVp8AndMode1H264EachWithItsRtxApt()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.Equal(["120", "124", "126", "127"], video.Formats);
        Assert.Equal("apt=120", video.FindFmtp(124));
        Assert.Equal("apt=126", video.FindFmtp(127));
        Assert.Equal(new SdpRtpMap(124, "rtx", 90000, null), video.FindRtpMap(124));
        Assert.Equal(["109"], answer.Media.Single(m => m.Kind == SdpMediaKind.Audio).Formats);
    }

    [Fact]
    public async Task Answer_FirefoxOffer_PublishesThePrimaryVideoSsrcAndLearnsTheRtxOneFromTheFidGroupAfterTheSsrcLines()
    {
        await using var harness = new PlaneHarness();

        await AnswerAsync(harness);

        PublishedTrack[] tracks = harness.Plane.FindSession(Patient)!.Tracks;
        Assert.Equal([(FirefoxEsrOffer.AudioSsrc, false), (FirefoxEsrOffer.VideoSsrc, true)], tracks.Select(t => (t.Ssrc, t.IsVideo)));
        Assert.Equal(FirefoxEsrOffer.VideoRtxSsrc, tracks[1].PublisherRtxSsrc);
        Assert.Equal(120, tracks[1].OriginalPayloadTypeFor(124));
        Assert.Equal(126, tracks[1].OriginalPayloadTypeFor(127));
        Assert.Equal(0u, tracks[0].PublisherRtxSsrc);
    }

    private static async Task<SdpSessionDescription> AnswerAsync(PlaneHarness harness)
    {
        Assert.Contains(Offer.Media[1].Extmaps, e => e.Id == 6 && e.Direction == SdpDirection.RecvOnly);
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await harness.Plane.AcceptOfferAsync(Patient, FirefoxEsrOffer.Offer, timeout.Token).WaitAsync(timeout.Token);
        return SdpParser.Parse(answer);
    }
}
