using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class SimulcastTests
{
    private static readonly SimulcastLayerRate[] Layers = [new(0, 150_000), new(1, 500_000), new(2, 1_500_000)];

    private static byte[] Packet(ushort sequence, uint timestamp, uint ssrc)
    {
        byte[] packet = new byte[16];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        return packet;
    }

    private static (ushort Sequence, uint Timestamp, uint Ssrc) Read(byte[] packet) => (
        BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)),
        BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4)),
        BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)));

    [Fact]
    public void Selector_HighEstimate_GoesUpOnlyAfterTheHoldTime()
    {
        var selector = Started(new SimulcastLayerSelector(upHoldMicros: 2_000_000));

        Assert.Equal(0, selector.OnEstimate(Layers, 3_000_000, 0));
        Assert.Equal(0, selector.OnEstimate(Layers, 3_000_000, 1_999_999));
        Assert.Equal(2, selector.OnEstimate(Layers, 3_000_000, 2_000_000));
    }

    [Fact]
    public void Selector_NotLimited_GoesToTheTopAtOnce()
    {
        var selector = Started(new SimulcastLayerSelector(upHoldMicros: 2_000_000));

        Assert.Equal(2, selector.OnEstimate(Layers, long.MaxValue, 0));
    }

    [Fact]
    public void Selector_UpNeedsTheMargin()
    {
        var selector = Started(new SimulcastLayerSelector(upMargin: 1.15, upHoldMicros: 0));

        Assert.Equal(0, selector.OnEstimate(Layers, 550_000, 0));   // 500 k × 1.15 = 575 k does not fit
        Assert.Equal(1, selector.OnEstimate(Layers, 580_000, 1));
    }

    [Fact]
    public void Selector_BetweenTheMargins_Stays()
    {
        var selector = Started(new SimulcastLayerSelector(upMargin: 1.15, downMargin: 0.95, upHoldMicros: 0));
        selector.OnEstimate(Layers, 600_000, 0);

        Assert.Equal(1, selector.OnEstimate(Layers, 490_000, 1)); // above 475 k: stays on layer 1
        Assert.Equal(0, selector.OnEstimate(Layers, 470_000, 2)); // below: down at once
    }

    [Fact]
    public void Selector_EstimateFallsFar_DropsToTheLayerThatFits()
    {
        var selector = Started(new SimulcastLayerSelector(upHoldMicros: 0));
        selector.OnEstimate(Layers, 5_000_000, 0);

        Assert.Equal(1, selector.OnEstimate(Layers, 1_000_000, 1));
        Assert.Equal(0, selector.OnEstimate(Layers, 100_000, 2)); // nothing fits: the lowest layer
    }

    [Fact]
    public void Selector_RisingEstimateThatKeepsChangingTarget_RestartsTheHold()
    {
        var selector = Started(new SimulcastLayerSelector(upHoldMicros: 1_000_000));
        selector.OnEstimate(Layers, 600_000, 0);         // candidate 1
        selector.OnEstimate(Layers, 2_000_000, 500_000); // candidate 2 from here

        Assert.Equal(0, selector.OnEstimate(Layers, 2_000_000, 1_200_000));
        Assert.Equal(2, selector.OnEstimate(Layers, 2_000_000, 1_500_000));
    }

    [Fact]
    public void Selector_TargetStopsArriving_MovesToWhatFitsAmongTheOthers()
    {
        var selector = Started(new SimulcastLayerSelector(upHoldMicros: 0));
        selector.OnEstimate(Layers, long.MaxValue, 0);
        SimulcastLayerRate[] withoutTop = [Layers[0], Layers[1]];

        Assert.Equal(1, selector.OnEstimate(withoutTop, 5_000_000, 1));
    }

    [Fact]
    public void Selector_RanksLayersByWhatTheCallerPasses_NotBySlot()
    {
        // Firefox may list the full-size layer first: slot 0 is the largest here.
        SimulcastLayerRate[] reversed = [new(2, 150_000), new(1, 500_000), new(0, 1_500_000)];
        var selector = new SimulcastLayerSelector(upHoldMicros: 0);

        Assert.Equal(0, selector.OnEstimate(reversed, long.MaxValue, 0));
        Assert.Equal(2, selector.OnEstimate(reversed, 160_000, 1));
    }

    [Fact]
    public void Selector_SwitchHappensOnlyOnAKeyframeOfTheTarget()
    {
        var selector = new SimulcastLayerSelector(upHoldMicros: 0);
        Assert.False(selector.ShouldForward(0, isKeyframeStart: false, out _)); // nothing before a keyframe
        Assert.True(selector.ShouldForward(0, isKeyframeStart: true, out bool switched));
        Assert.True(switched);
        selector.OnEstimate(Layers, 5_000_000, 0);
        Assert.True(selector.KeyframeWanted);

        Assert.False(selector.ShouldForward(2, isKeyframeStart: false, out _)); // delta frame of the target: not yet
        Assert.False(selector.ShouldForward(1, isKeyframeStart: true, out _));  // keyframe of another layer: no
        Assert.True(selector.ShouldForward(0, isKeyframeStart: false, out _));  // old layer keeps flowing
        Assert.True(selector.ShouldForward(2, isKeyframeStart: true, out switched));

        Assert.True(switched);
        Assert.Equal(2, selector.CurrentLayer);
        Assert.False(selector.KeyframeWanted);
        Assert.False(selector.ShouldForward(0, isKeyframeStart: true, out _));
    }

    [Fact]
    public void Selector_Restart_WaitsForTheTargetsNextKeyframe()
    {
        var selector = new SimulcastLayerSelector(upHoldMicros: 0);
        selector.OnEstimate(Layers, long.MaxValue, 0);
        Assert.True(selector.ShouldForward(2, isKeyframeStart: true, out _));

        selector.Restart();

        Assert.False(selector.ShouldForward(2, isKeyframeStart: false, out _));
        Assert.True(selector.ShouldForward(2, isKeyframeStart: true, out bool switched));
        Assert.True(switched);
    }

    /// <summary>A selector that forwards layer 0 and targets it.</summary>
    private static SimulcastLayerSelector Started(SimulcastLayerSelector selector)
    {
        selector.ShouldForward(0, isKeyframeStart: true, out _);
        return selector;
    }

    [Fact]
    public void Rewriter_AcrossASwitch_KeepsSequenceAndTimestampContinuous()
    {
        var rewriter = new SimulcastRewriter(outputSsrc: 0xABCD, clockRate: 90_000);
        var output = new List<(ushort Sequence, uint Timestamp, uint Ssrc)>();
        for (int i = 0; i < 3; i++)
        {
            byte[] low = Packet((ushort)(65534 + i), 1000 + (uint)(i * 3000), 0x1111);
            Assert.True(rewriter.TryRewrite(low, switched: false, nowMicros: i * 33_333L));
            output.Add(Read(low));
        }

        // Switch at 100 ms to a layer with its own numbering: 33.334 ms after the last packet, 3000 ticks at 90 kHz.
        for (int i = 0; i < 2; i++)
        {
            byte[] high = Packet((ushort)(7000 + i), 500_000 + (uint)(i * 3000), 0x2222);
            Assert.True(rewriter.TryRewrite(high, switched: i == 0, nowMicros: 100_000 + (i * 33_333L)));
            output.Add(Read(high));
        }

        Assert.Equal([65534, 65535, 0, 1, 2], output.Select(p => (int)p.Sequence));
        Assert.Equal([1000u, 4000u, 7000u, 10000u, 13000u], output.Select(p => p.Timestamp));
        Assert.All(output, p => Assert.Equal(0xABCDu, p.Ssrc));
    }

    [Fact]
    public void Rewriter_StragglerFromBeforeTheSwitch_IsDropped()
    {
        var rewriter = new SimulcastRewriter(0xABCD);
        Assert.True(rewriter.TryRewrite(Packet(10, 0, 1), false, 0));
        Assert.True(rewriter.TryRewrite(Packet(500, 0, 2), true, 10_000));

        Assert.False(rewriter.TryRewrite(Packet(499, 0, 2), false, 11_000));
        byte[] next = Packet(501, 0, 2);
        Assert.True(rewriter.TryRewrite(next, false, 12_000));
        Assert.Equal(12, Read(next).Sequence);
    }

    [Fact]
    public void Vp8_KeyframeStart_IsRecognised()
    {
        // X=1 S=1 PID=0; I=1 with a 15-bit picture id; then the payload header with P=0 (key frame).
        Assert.True(KeyframeDetector.IsVp8KeyframeStart(Hex.Parse("90 80 81 23 10 02 00 9d 01 2a")));
        // Same with P=1 (inter frame).
        Assert.False(KeyframeDetector.IsVp8KeyframeStart(Hex.Parse("90 80 81 23 11 02 00")));
        // A continuation packet (S=0).
        Assert.False(KeyframeDetector.IsVp8KeyframeStart(Hex.Parse("80 80 81 23 10 02 00")));
        // No extension byte: S=1, then P=0.
        Assert.True(KeyframeDetector.IsVp8KeyframeStart(Hex.Parse("10 10 02 00")));
    }

    [Fact]
    public void H264_SpsIdrStapAAndFuA_AreRecognised()
    {
        Assert.True(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("67 42 00 1f")));           // SPS
        Assert.True(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("65 88 84")));              // IDR
        Assert.True(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("78 00 02 09 10 00 03 67 42 00"))); // STAP-A: AUD, SPS
        Assert.True(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("7c 85 88")));              // FU-A start of IDR
        Assert.False(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("7c 05 88")));             // FU-A middle
        Assert.False(KeyframeDetector.IsH264KeyframeStart(Hex.Parse("41 9a")));                // non-IDR slice
    }
}
