using System.Buffers.Binary;
using System.Text;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Sdp;
using Doctolib.Telehealth.Media.Tests.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The plane's answer to real simulcast offers (<see cref="SimulcastCaptures"/>), and how it binds the
/// unsignalled layer SSRCs by their RtpStreamId header extension.</summary>
public sealed class SimulcastOfferTests
{
    private static readonly MediaParticipant Patient = new("room-simulcast", "patient");

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task Answer_SimulcastOffer_ReceivesEveryRidInTheOffersOrder(string browser)
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, browser);

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.Equal(["q recv", "h recv", "f recv"], video.OtherAttributes.Where(a => a.Name == "rid").Select(a => a.Value));
        Assert.Equal("recv q;h;f", video.OtherAttributes.Single(a => a.Name == "simulcast").Value);
        Assert.Equal(SdpDirection.RecvOnly, video.Direction);
        Assert.DoesNotContain(answer.Media.Single(m => m.Kind == SdpMediaKind.Audio).OtherAttributes, a => a.Name is "rid" or "simulcast");
    }

    [Fact]
    public async Task Answer_ChromiumSimulcastOffer_AcceptsTheStreamIdExtensionsWithoutADirection()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, "chromium");

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.Contains(video.Extmaps, e => e is { Id: 10, Uri: OfferReader.RtpStreamIdUri, Direction: null });
        Assert.Contains(video.Extmaps, e => e is { Id: 11, Uri: OfferReader.RepairedRtpStreamIdUri, Direction: null });
    }

    [Fact]
    public async Task Answer_FirefoxSimulcastOffer_MirrorsTheSendOnlyStreamIdExtensionsAsRecvOnly()
    {
        await using var harness = new PlaneHarness();

        SdpSessionDescription answer = await AnswerAsync(harness, "firefox");

        SdpMediaSection video = answer.Media.Single(m => m.Kind == SdpMediaKind.Video);
        Assert.Contains(video.Extmaps, e => e is { Id: 9, Uri: OfferReader.RtpStreamIdUri, Direction: SdpDirection.RecvOnly });
        Assert.Contains(video.Extmaps, e => e is { Id: 10, Uri: OfferReader.RepairedRtpStreamIdUri, Direction: SdpDirection.RecvOnly });
        Assert.DoesNotContain(video.Extmaps, e => e.Uri.Contains("dependency-descriptor", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task Offer_Simulcast_PublishesOneVideoTrackOnAServerSsrcWithALayerSlotPerRid(string browser)
    {
        await using var harness = new PlaneHarness();

        await AnswerAsync(harness, browser);

        PublishedTrack video = harness.Plane.FindSession(Patient)!.Tracks.Single(t => t.IsVideo);
        Assert.NotNull(video.Simulcast);
        Assert.Equal(["q", "h", "f"], video.Simulcast.Rids);
        Assert.All(Enumerable.Range(0, 3), slot => Assert.Null(video.Simulcast.Layer(slot)));
    }

    [Fact]
    public async Task Offer_WithoutSimulcast_StillPublishesTheSignalledSsrc()
    {
        await using var harness = new PlaneHarness();
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        await harness.Plane.AcceptOfferAsync(Patient, Chromium156Captures.Offer, timeout.Token).WaitAsync(timeout.Token);

        Assert.All(harness.Plane.FindSession(Patient)!.Tracks, t => Assert.Null(t.Simulcast));
    }

    [Theory]
    [InlineData("chromium", 4, 10, 11)]
    [InlineData("firefox", 3, 9, 10)]
    public async Task Bind_PacketNamingARid_BindsItsSsrcToThatLayerAndARepairedRidToThatLayersRtx(string browser, int midId, int ridId, int repairedId)
    {
        await using var harness = new PlaneHarness();
        await AnswerAsync(harness, browser);
        ParticipantSession session = harness.Plane.FindSession(Patient)!;
        var dispatcher = new PacketDispatcher(harness.Plane);
        PublishedTrack video = session.Tracks.Single(t => t.IsVideo);

        byte[] high = Packet(0x1000_0001, (midId, "1"), (ridId, "f"));
        byte[] low = Packet(0x1000_0002, (midId, "1"), (ridId, "q"));
        byte[] highRtx = Packet(0x1000_0003, (midId, "1"), (repairedId, "f"));
        PublishedTrack? highLayer = Bind(dispatcher, session, high);
        PublishedTrack? lowLayer = Bind(dispatcher, session, low);
        PublishedTrack? fromRtx = Bind(dispatcher, session, highRtx);

        Assert.NotNull(highLayer);
        Assert.NotNull(lowLayer);
        Assert.Null(fromRtx);
        Assert.Equal((0x1000_0001u, 2), (highLayer.Ssrc, highLayer.LayerSlot));
        Assert.Equal((0x1000_0002u, 0), (lowLayer.Ssrc, lowLayer.LayerSlot));
        Assert.Same(video.Simulcast, highLayer.LayerOf);
        Assert.Same(highLayer, session.FindTrack(0x1000_0001));
        Assert.Same(highLayer, session.FindTrackByRtx(0x1000_0003));
        Assert.Null(video.Simulcast!.Layer(1));
    }

    [Fact]
    public async Task Bind_UnknownRidOrOtherMid_BindsNothing()
    {
        await using var harness = new PlaneHarness();
        await AnswerAsync(harness, "chromium");
        ParticipantSession session = harness.Plane.FindSession(Patient)!;
        var dispatcher = new PacketDispatcher(harness.Plane);

        Assert.Null(Bind(dispatcher, session, Packet(0x2000_0001, (4, "1"), (10, "x"))));
        Assert.Null(Bind(dispatcher, session, Packet(0x2000_0002, (4, "0"), (10, "f"))));
        Assert.Null(Bind(dispatcher, session, Packet(0x2000_0003, (4, "1"))));
        Assert.Null(session.FindTrack(0x2000_0002));
    }

    private static PublishedTrack? Bind(PacketDispatcher dispatcher, ParticipantSession session, byte[] packet)
    {
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));
        return dispatcher.BindSimulcast(session, packet, header);
    }

    /// <summary>A VP8 RTP packet with RFC 8285 one-byte header extensions (id, ASCII value).</summary>
    internal static byte[] Packet(uint ssrc, params (int Id, string Value)[] elements)
    {
        int extensionBytes = elements.Sum(e => 1 + e.Value.Length);
        int padded = (extensionBytes + 3) / 4 * 4;
        byte[] packet = new byte[12 + 4 + padded + 4];
        RtpHeader.WriteFixed(packet, marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 1000, ssrc, hasExtension: true);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), RtpHeader.OneByteExtensionProfile);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), (ushort)(padded / 4));
        int at = 16;
        foreach ((int id, string value) in elements)
        {
            packet[at++] = (byte)((id << 4) | (value.Length - 1));
            at += Encoding.ASCII.GetBytes(value, packet.AsSpan(at));
        }

        packet[16 + padded] = 0x10; // VP8: S=1, partition 0
        return packet;
    }

    private static async Task<SdpSessionDescription> AnswerAsync(PlaneHarness harness, string browser)
    {
        string offer = browser == "chromium" ? SimulcastCaptures.ChromiumOffer : SimulcastCaptures.FirefoxOffer;
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        string answer = await harness.Plane.AcceptOfferAsync(Patient, offer, timeout.Token).WaitAsync(timeout.Token);
        return SdpParser.Parse(answer);
    }
}
