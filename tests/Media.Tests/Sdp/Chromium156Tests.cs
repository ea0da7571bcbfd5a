using System.Net;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

/// <summary>The same exchange Chromium 156 accepted (see <see cref="Chromium156Captures"/>), replayed offline.</summary>
public sealed class Chromium156Tests
{
    private static readonly SdpFingerprint ServerFingerprint = new("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99");
    private static readonly SdpCandidate[] Candidates =
    [
        SdpCandidateFactory.UdpHost(new IPEndPoint(IPAddress.Loopback, 5081)),
        SdpCandidateFactory.TcpPassiveHost(new IPEndPoint(IPAddress.Loopback, 5081)),
    ];

    private static readonly SdpOutgoingTrack PeerAudio = new("peer/0", SdpMediaKind.Audio, new SdpTrackSsrcs(111111, null, "peercname", "peer-stream", "peer-audio"), "opus");
    private static readonly SdpOutgoingTrack PeerVideo = new("peer/1", SdpMediaKind.Video, new SdpTrackSsrcs(222222, 222223, "peercname", "peer-stream", "peer-video"), "VP8");

    private readonly IceCredentials _ice = IceCredentials.Generate();

    private SdpAnswer Answer() => SdpAnswerBuilder.Build(SdpOffer.Parse(Chromium156Captures.Offer), new SdpAnswerOptions
    {
        IceCredentials = _ice,
        DtlsFingerprint = ServerFingerprint,
        Candidates = Candidates,
    });

    [Fact]
    public void Answer_RealOffer_KeepsOpusVp8AndConstrainedBaselineH264()
    {
        SdpAnswer answer = Answer();

        SdpNegotiatedMedia video = answer.Negotiated.FindMedia("1")!;
        Assert.Equal([96, 108], video.Codecs.Select(c => c.PayloadType));
        Assert.Equal([97, 109], video.Codecs.Select(c => c.RtxPayloadType!.Value));
        Assert.Equal(111, Assert.Single(answer.Negotiated.FindMedia("0")!.Codecs).PayloadType);
        Assert.True(answer.Negotiated.FindMedia("2")!.Rejected);
        Assert.Equal(new SdpTrackSsrcs(2764898856, 3322617026, "0HveFwfmkqyrmIJc", "8a43f60f-4961-499c-802b-87d5a1a95166", "0a4c1c3e-3498-4a0a-874b-31550a5f79ef"), video.RemoteTrack);
    }

    [Fact]
    public void ApplyAnswer_ChromiumAnswerToReoffer_NegotiatesBothForwardedTracks()
    {
        SdpServerOffer offer = SdpServerOfferBuilder.Build(Answer().Negotiated, [PeerAudio, PeerVideo], new SdpServerOfferOptions(_ice, ServerFingerprint, Candidates));

        SdpNegotiatedSession negotiated = SdpServerOfferBuilder.ApplyAnswer(offer.Pending, Chromium156Captures.AnswerToReoffer);

        Assert.Equal(["0", "1", "2", "3", "4"], negotiated.Media.Select(m => m.Mid));
        SdpNegotiatedMedia video = negotiated.FindMedia("4")!;
        Assert.Equal(SdpDirection.SendOnly, video.LocalDirection);
        Assert.Equal(SdpDirection.RecvOnly, video.RemoteDirection);
        Assert.Equal([96, 108], video.Codecs.Select(c => c.PayloadType));
        Assert.Equal(SdpDirection.SendOnly, negotiated.FindMedia("3")!.LocalDirection);
        Assert.Equal(SdpDirection.RecvOnly, negotiated.FindMedia("0")!.LocalDirection);
        Assert.Equal(SdpParser.Parse(Chromium156Captures.AnswerToReoffer).Media[0].IceUfrag, negotiated.RemoteIceUfrag);
    }

    [Fact]
    public void ApplyAnswer_ChromiumAnswerAfterTrackRemoved_MarksItsSectionRejected()
    {
        var options = new SdpServerOfferOptions(_ice, ServerFingerprint, Candidates);
        SdpServerOffer first = SdpServerOfferBuilder.Build(Answer().Negotiated, [PeerAudio, PeerVideo], options);
        SdpNegotiatedSession afterFirst = SdpServerOfferBuilder.ApplyAnswer(first.Pending, Chromium156Captures.AnswerToReoffer);
        SdpServerOffer second = SdpServerOfferBuilder.Build(afterFirst, [PeerAudio], options);

        SdpNegotiatedSession negotiated = SdpServerOfferBuilder.ApplyAnswer(second.Pending, Chromium156Captures.AnswerToSecondReoffer);

        Assert.True(negotiated.FindMedia("4")!.Rejected);
        Assert.False(negotiated.FindMedia("3")!.Rejected);
        Assert.Equal(["0", "1", "3"], SdpParser.Parse(Chromium156Captures.AnswerToSecondReoffer).BundleGroup!.Mids);
    }
}
