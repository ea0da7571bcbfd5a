using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The estimator on fixed arrival traces (no simulated sender reacting to it): each packet's send time and
/// arrival time are given, the real feedback builder reports them every 50 ms, 20 ms after arrival.</summary>
public sealed class ArrivalTraceTests
{
    private static SendSideBandwidthEstimator Replay(int packets, Func<int, long> send, Func<int, long> arrival, int size = 1200)
    {
        var estimator = new SendSideBandwidthEstimator(new BandwidthEstimatorOptions { StartBps = 1_000_000 });
        var builder = new TransportFeedbackBuilder(1);
        byte[] buffer = new byte[1500];
        long end = arrival(packets - 1) + 100_000;
        int next = 0;
        for (long now = 0; now <= end; now += 1_000)
        {
            while (next < packets && send(next) <= now)
            {
                estimator.OnPacketSent((ushort)next, size, send(next));
                next++;
            }

            for (int i = 0; i < next; i++)
            {
                if (arrival(i) > now - 1_000 && arrival(i) <= now)
                {
                    builder.OnPacket((ushort)i, arrival(i), 2);
                }
            }

            if (builder.IsDue(now))
            {
                int length;
                while ((length = builder.WriteFeedback(now, buffer)) > 0)
                {
                    // 20 ms back to the sender: close enough to hand it over now, the estimator's clock is its own
                    Assert.True(estimator.OnTransportFeedback(buffer.AsSpan(0, length), now + 20_000));
                }
            }
        }

        return estimator;
    }

    [Fact]
    public void QueueGrowingTwoMillisecondsPerPacket_OverusesAndCutsToEightyFivePercentOfReceived()
    {
        // 1,200 bytes every 10 ms (960 kbps) into an 800 kbps bottleneck: one packet leaves every 12 ms.
        SendSideBandwidthEstimator estimator = Replay(300, i => i * 10_000L, i => 20_000 + (i * 12_000L));

        Assert.Equal(BandwidthUsage.Overusing, estimator.Usage);
        Assert.InRange(estimator.AcknowledgedBps, 760_000, 840_000);
        Assert.InRange(estimator.DelayBasedBps, 0.85 * 760_000, 0.85 * 840_000);
    }

    [Fact]
    public void ArrivalsSpacedAsSent_StayNormalAndIncrease()
    {
        SendSideBandwidthEstimator estimator = Replay(300, i => i * 10_000L, i => 20_000 + (i * 10_000L));

        Assert.Equal(BandwidthUsage.Normal, estimator.Usage);
        Assert.True(estimator.EstimateBps > 1_000_000, $"{estimator.EstimateBps}");
    }

    [Fact]
    public void QueueDraining_IsUnderusingAndHolds()
    {
        // Arrivals closer than sends: a queue built earlier empties (10 ms sent, 8 ms apart on arrival).
        SendSideBandwidthEstimator estimator = Replay(150, i => i * 10_000L, i => 400_000 + (i * 8_000L));

        Assert.Equal(BandwidthUsage.Underusing, estimator.Usage);

        // It rose only while the trend window filled (the first 20 groups); 8 % a second over the whole 1.5 s would be 1.12 Mbps.
        Assert.InRange(estimator.DelayBasedBps, 1_000_000, 1_020_000);
    }
}
