using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class ProbeCapAndClockTests
{
    [Fact]
    public void PaddingProbe_IsAnEmptyRtxPacketWithATransportSequence()
    {
        byte[] buffer = new byte[300];

        int length = PaddingProbe.Write(buffer, rtxSsrc: 9, rtxSequence: 3, rtxPayloadType: 97, timestamp: 1000,
            transportSequenceId: 5, transportSequence: 0xBEEF, paddingBytes: 200);

        Assert.Equal(220, length);
        // V=2 P X, PT 97, seq 3, ts 1000, SSRC 9; one-byte block 0xBEDE of 1 word: id 5 len 2 = 0xBEEF, 1 pad byte.
        Assert.Equal(Hex.Parse("b0 61 00 03 00 00 03 e8 00 00 00 09 be de 00 01 51 be ef 00"), buffer[..20]);
        Assert.Equal(200, buffer[length - 1]);
        Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, length), out RtpHeader header));
        Assert.True(RtxPacket.IsPaddingProbe(header));
        Assert.Equal(200, header.PaddingLength);
        Assert.Equal(97, header.PayloadType);
        Assert.True(TransportWideSequence.TryRead(buffer.AsSpan(0, length), header, 5, out ushort sequence));
        Assert.Equal(0xBEEF, sequence);
    }

    [Fact]
    public void PublisherCap_WithoutSimulcast_IsTheWeakestSubscriberLessAudio()
    {
        Assert.Equal(260_000, PublisherBitrateCap.Compute([1_500_000, 300_000, 900_000], simulcast: false, otherMediaBps: 40_000, floorBps: 50_000, fallbackBps: 2_500_000));
    }

    [Fact]
    public void PublisherCap_WithSimulcast_IsTheStrongestSubscriber()
    {
        Assert.Equal(1_460_000, PublisherBitrateCap.Compute([1_500_000, 300_000], simulcast: true, otherMediaBps: 40_000, floorBps: 50_000, fallbackBps: 2_500_000));
    }

    [Fact]
    public void PublisherCap_NoEstimateYet_IsTheFallback_AndNeverUnderTheFloor()
    {
        Assert.Equal(2_500_000, PublisherBitrateCap.Compute([], false, 40_000, 50_000, 2_500_000));
        Assert.Equal(50_000, PublisherBitrateCap.Compute([60_000], false, 40_000, 50_000, 2_500_000));
    }

    [Fact]
    public void Clock_FollowsTheInjectedTimeProvider()
    {
        var time = new FakeTimeProvider();
        long start = BweClock.Micros(time);

        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(50_000, BweClock.Micros(time) - start);
        Assert.Equal(2_500_000, BweClock.ToMicros(25_000_000, 10_000_000));
    }
}
