using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtcpTransportFeedbackTests
{
    private static RtcpTransportFeedback RoundTrip(RtcpTransportFeedback feedback)
    {
        byte[] buffer = new byte[2048];
        Assert.True(feedback.TryWrite(buffer, out int written));
        Assert.Equal(0, written % 4);
        Assert.True(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, written)));
        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out RtcpTransportFeedback? parsed));
        return parsed;
    }

    [Fact]
    public void TryParse_HandBuiltPacket_ReadsRunLengthAndDeltas()
    {
        // base 100, 3 statuses, reference 1 (64 ms), fb count 5; run-length chunk: 3 x "small delta";
        // deltas 4, 8, 0 (x 250 us); one padding byte.
        byte[] packet = Hex.Parse("af cd 00 06 00 00 00 01 00 00 00 02 00 64 00 03 00 00 01 05 20 03 04 08 00 00 00 03");

        Assert.True(RtcpTransportFeedback.TryParse(packet, out RtcpTransportFeedback? feedback));

        Assert.Equal(100, feedback.BaseSequence);
        Assert.Equal(5, feedback.FeedbackCount);
        Assert.Equal([65_000L, 67_000L, 67_000L], feedback.ArrivalMicros.Select(a => a!.Value));
    }

    [Fact]
    public void TryWrite_MixedLossAndDeltas_RoundTrips()
    {
        long?[] arrivals = [1_000_000, null, 1_000_250, 1_010_000, null, null, 999_000, 1_100_000, 1_100_000, null];
        var feedback = new RtcpTransportFeedback(1, 2, 65530, 9, arrivals);

        RtcpTransportFeedback parsed = RoundTrip(feedback);

        Assert.Equal(65530, parsed.BaseSequence);
        Assert.Equal(9, parsed.FeedbackCount);
        Assert.Equal(arrivals.Length, parsed.ArrivalMicros.Count);
        for (int i = 0; i < arrivals.Length; i++)
        {
            Assert.Equal(arrivals[i] is null, parsed.ArrivalMicros[i] is null);
        }

        // Differences between received packets survive (times are multiples of 250 us here).
        Assert.Equal(250L, parsed.ArrivalMicros[2] - parsed.ArrivalMicros[0]);
        Assert.Equal(-1000L, parsed.ArrivalMicros[6] - parsed.ArrivalMicros[0]);
        Assert.Equal(100_000L, parsed.ArrivalMicros[7] - parsed.ArrivalMicros[0]);
    }

    [Fact]
    public void TryWrite_LongRunOfReceivedPackets_UsesFewBytes()
    {
        var arrivals = new long?[500];
        for (int i = 0; i < arrivals.Length; i++)
        {
            arrivals[i] = 5_000_000 + (i * 1000);
        }

        byte[] buffer = new byte[2048];
        Assert.True(new RtcpTransportFeedback(1, 2, 0, 0, arrivals).TryWrite(buffer, out int written));

        Assert.True(written <= 20 + 2 + 500 + 3);
        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out RtcpTransportFeedback? parsed));
        Assert.Equal(499_000L, parsed.ArrivalMicros[499] - parsed.ArrivalMicros[0]);
    }

    [Fact]
    public void TryWrite_GapTooLargeForADelta_Fails()
    {
        var feedback = new RtcpTransportFeedback(1, 2, 0, 0, [0, 20_000_000]);

        Assert.False(feedback.TryWrite(new byte[256], out _));
    }

    [Fact]
    public void TryParse_RandomBytesAfterValidHeader_NeverThrows()
    {
        var random = new Random(15);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = 0x8F;
            buffer[1] = 205;
            buffer[2] = 0;
            buffer[3] = (byte)random.Next(4, 16);
            RtcpTransportFeedback.TryParse(buffer, out _);
        }

        Assert.False(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, 8), out _));
    }
}
