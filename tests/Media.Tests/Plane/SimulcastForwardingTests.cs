using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Sdp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>One subscriber's simulcast stream (<see cref="SimulcastForwarding"/>): layers switch only at a keyframe of the
/// target, and the subscriber sees one SSRC with continuous sequence numbers and timestamps; NACKs and sender reports
/// are mapped to the layer forwarded. And the ranking of layers by what they carry (<see cref="SimulcastGroup"/>).</summary>
public sealed class SimulcastForwardingTests
{
    private const uint OutputSsrc = 0xABCD_0001;
    private static readonly SimulcastLayerRate[] Layers = [new(0, 150_000), new(1, 500_000), new(2, 1_500_000)];

    /// <summary>A layer's VP8 packet: S=1 with P=0 for a keyframe start, P=1 for a delta frame; S=0 for a continuation.</summary>
    private static byte[] Vp8(ushort sequence, uint timestamp, uint ssrc, bool keyframe, bool start = true)
    {
        byte[] packet = new byte[20];
        RtpHeader.WriteFixed(packet, marker: false, payloadType: 96, sequence, timestamp, ssrc, hasExtension: false);
        packet[12] = start ? (byte)0x10 : (byte)0x00;
        packet[13] = keyframe ? (byte)0x00 : (byte)0x01;
        return packet;
    }

    private static bool IsKeyframe(byte[] packet) => KeyframeDetector.IsVp8KeyframeStart(packet.AsSpan(12));

    private static (ushort Sequence, uint Timestamp, uint Ssrc) Read(byte[] packet) => (
        BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)),
        BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4)),
        BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)));

    [Fact]
    public void Switch_UpToAHigherLayer_HappensAtItsKeyframeAndKeepsOneContinuousStream()
    {
        var forwarding = new SimulcastForwarding(OutputSsrc);
        var sent = new List<(ushort Sequence, uint Timestamp, uint Ssrc)>();
        void Offer(int slot, byte[] packet, long micros)
        {
            if (forwarding.TryPrepare(slot, packet, IsKeyframe(packet), micros))
            {
                sent.Add(Read(packet));
            }
        }

        forwarding.OnEstimate(Layers, 200_000, 0); // constrained: the low layer
        Assert.Equal(0, forwarding.KeyframeWantedLayer);
        Offer(0, Vp8(100, 9_000, 0x1111, keyframe: true), 0);
        Offer(0, Vp8(101, 9_000, 0x1111, keyframe: false, start: false), 1_000);
        Offer(2, Vp8(5_000, 700_000, 0x3333, keyframe: false), 2_000); // not the layer forwarded: dropped
        Offer(0, Vp8(102, 12_000, 0x1111, keyframe: false), 33_333);

        forwarding.OnEstimate(Layers, long.MaxValue, 40_000); // the link recovered: the top layer
        Assert.Equal(2, forwarding.KeyframeWantedLayer);
        Offer(2, Vp8(5_001, 703_000, 0x3333, keyframe: false), 50_000); // the target's delta frame: not yet
        Offer(0, Vp8(103, 15_000, 0x1111, keyframe: false), 66_666);    // the old layer flows until the switch
        Offer(2, Vp8(5_002, 706_000, 0x3333, keyframe: true), 100_000); // the target's keyframe: switch here
        Offer(0, Vp8(104, 18_000, 0x1111, keyframe: false), 100_001);   // the old layer is no longer forwarded
        Offer(2, Vp8(5_003, 709_000, 0x3333, keyframe: false), 133_333);

        Assert.Equal(-1, forwarding.KeyframeWantedLayer);
        Assert.Equal(2, forwarding.CurrentLayer);
        Assert.Equal([100, 101, 102, 103, 104, 105], sent.Select(p => (int)p.Sequence));
        Assert.All(sent, p => Assert.Equal(OutputSsrc, p.Ssrc));
        // 33.334 ms after the last low-layer packet at 90 kHz: 3,000 ticks on; then the layer's own spacing.
        Assert.Equal([9_000u, 9_000u, 12_000u, 15_000u, 18_000u, 21_000u], sent.Select(p => p.Timestamp));
    }

    [Fact]
    public void Switch_DownWhenTheEstimateFalls_WaitsForTheLowLayersKeyframe()
    {
        var forwarding = new SimulcastForwarding(OutputSsrc);
        forwarding.OnEstimate(Layers, long.MaxValue, 0);
        Assert.True(forwarding.TryPrepare(2, Vp8(10, 0, 0x3333, keyframe: true), true, 0));

        forwarding.OnEstimate(Layers, 300_000, 1_000);

        Assert.Equal(0, forwarding.TargetLayer);
        Assert.False(forwarding.TryPrepare(0, Vp8(50, 0, 0x1111, keyframe: false), false, 2_000));
        Assert.True(forwarding.TryPrepare(2, Vp8(11, 3_000, 0x3333, keyframe: false), false, 3_000));
        byte[] key = Vp8(51, 3_000, 0x1111, keyframe: true);
        Assert.True(forwarding.TryPrepare(0, key, true, 36_000));
        Assert.Equal((ushort)12, Read(key).Sequence);
        Assert.Equal(0, forwarding.CurrentLayer);
    }

    [Fact]
    public void Nack_AfterASwitch_MapsBackToTheCurrentLayersOwnNumbersAndRefusesWhatCameBefore()
    {
        var forwarding = new SimulcastForwarding(OutputSsrc);
        forwarding.OnEstimate(Layers, 200_000, 0);
        forwarding.TryPrepare(0, Vp8(100, 0, 0x1111, keyframe: true), true, 0);   // out 100
        forwarding.TryPrepare(0, Vp8(101, 0, 0x1111, keyframe: false), false, 1); // out 101
        forwarding.OnEstimate(Layers, long.MaxValue, 2);
        forwarding.TryPrepare(2, Vp8(7_000, 0, 0x3333, keyframe: true), true, 3);  // out 102
        forwarding.TryPrepare(2, Vp8(7_001, 0, 0x3333, keyframe: false), false, 4); // out 103

        Assert.True(forwarding.TryMapBack(103, out int slot, out ushort source));
        Assert.Equal((2, (ushort)7_001), (slot, source));
        Assert.False(forwarding.TryMapBack(101, out _, out _)); // the low layer's: before the switch
        Assert.False(forwarding.TryMapBack(104, out _, out _)); // not sent yet

        byte[] repair = Vp8(7_001, 90, 0x3333, keyframe: false);
        Assert.True(forwarding.TryRewriteRepair(2, repair));
        Assert.Equal(((ushort)103, OutputSsrc), (Read(repair).Sequence, Read(repair).Ssrc));
        Assert.False(forwarding.TryRewriteRepair(0, Vp8(101, 0, 0x1111, keyframe: false)));
    }

    [Fact]
    public void SenderReport_OfTheForwardedLayerOnly_IsMappedToTheOutgoingTimestamps()
    {
        var forwarding = new SimulcastForwarding(OutputSsrc);
        forwarding.OnEstimate(Layers, long.MaxValue, 0);
        forwarding.TryPrepare(2, Vp8(1, 500_000, 0x3333, keyframe: true), true, 0);

        Assert.True(forwarding.TryMapSenderReport(2, 503_000, out uint mapped));
        Assert.Equal(503_000u, mapped); // the first layer keeps its own timestamps
        Assert.False(forwarding.TryMapSenderReport(0, 1_000, out _));
    }

    [Fact]
    public void Restart_AfterAudioOnly_ResumesAtAKeyframeWithoutASequenceGap()
    {
        var forwarding = new SimulcastForwarding(OutputSsrc);
        forwarding.OnEstimate(Layers, long.MaxValue, 0);
        forwarding.TryPrepare(2, Vp8(1, 0, 0x3333, keyframe: true), true, 0); // out 1

        forwarding.Restart();
        Assert.False(forwarding.TryPrepare(2, Vp8(400, 0, 0x3333, keyframe: false), false, 1_000_000));
        byte[] key = Vp8(401, 0, 0x3333, keyframe: true);

        Assert.True(forwarding.TryPrepare(2, key, true, 1_000_001));
        Assert.Equal((ushort)2, Read(key).Sequence);
    }

    [Fact]
    public void Vp8_KeyframeSize_IsRead()
    {
        // S=1, no extension; frame tag 3 bytes (P=0), start code 9d 01 2a, 1280 × 720 little-endian.
        Assert.True(KeyframeDetector.TryReadVp8KeyframeSize(Hex.Parse("10 50 42 00 9d 01 2a 00 05 d0 02"), out int width, out int height));
        Assert.Equal((1280, 720), (width, height));
        Assert.False(KeyframeDetector.TryReadVp8KeyframeSize(Hex.Parse("10 51 42 00 00 00 00 00 05 d0 02"), out _, out _));
    }

    [Fact]
    public async Task Rank_LayersWithKeyframeSizes_AreOrderedBySizeWhateverTheirSlotAndBitrate()
    {
        await using var harness = new PlaneHarness();
        SimulcastGroup group = await GroupAsync(harness);
        PublishedTrack q = Bind(harness, group, 0x10, "q");
        PublishedTrack h = Bind(harness, group, 0x20, "h");
        PublishedTrack f = Bind(harness, group, 0x30, "f");
        (q.LayerPixels, q.LayerBitrateBps) = (1280 * 720, 200_000); // e.g. a browser that lists the layers the other way
        (h.LayerPixels, h.LayerBitrateBps) = (640 * 360, 400_000);
        (f.LayerPixels, f.LayerBitrateBps) = (320 * 180, 100_000);
        var ranked = new SimulcastLayerRate[4];

        int count = group.RankLayers(ranked);

        Assert.Equal([2, 1, 0], ranked[..count].Select(r => r.Slot));
        Assert.True(group.IsLayered);
    }

    [Fact]
    public async Task Rank_WithoutSizes_OrdersByBitrateAndLeavesOutLayersThatStopped()
    {
        await using var harness = new PlaneHarness();
        SimulcastGroup group = await GroupAsync(harness);
        Bind(harness, group, 0x10, "q").LayerBitrateBps = 900_000;
        Bind(harness, group, 0x20, "h").LayerBitrateBps = 0;
        Bind(harness, group, 0x30, "f").LayerBitrateBps = 120_000;
        var ranked = new SimulcastLayerRate[4];

        int count = group.RankLayers(ranked);

        Assert.Equal([(2, 120_000L), (0, 900_000L)], ranked[..count].Select(r => (r.Slot, r.BitrateBps)));
    }

    [Fact]
    public async Task Layered_OnlyOneLayerArriving_IsNotLayered()
    {
        await using var harness = new PlaneHarness();
        SimulcastGroup group = await GroupAsync(harness);
        Bind(harness, group, 0x30, "f").LayerBitrateBps = 1_000_000;

        Assert.False(group.IsLayered);
    }

    private static PublishedTrack Bind(PlaneHarness harness, SimulcastGroup group, uint ssrc, string rid) =>
        group.Bind(group.SlotOf(System.Text.Encoding.ASCII.GetBytes(rid)), ssrc, new RetransmissionBuffer(TimeProvider.System, TimeSpan.FromSeconds(1)));

    private static async Task<SimulcastGroup> GroupAsync(PlaneHarness harness)
    {
        var participant = new MediaParticipant("room-rank", "publisher");
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        await harness.Plane.AcceptOfferAsync(participant, SimulcastCaptures.ChromiumOffer, timeout.Token).WaitAsync(timeout.Token);
        return harness.Plane.FindSession(participant)!.Tracks.Single(t => t.IsVideo).Simulcast!;
    }
}
