using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The pieces of the delay-based controller (draft-ietf-rmcat-gcc-02 §5.2-§5.5) on hand-made inputs.</summary>
public sealed class DelayBasedChainTests
{
    [Fact]
    public void Groups_PacketsSentWithinFiveMilliseconds_AreOneGroup()
    {
        var groups = new InterGroupDelayVariation();
        Assert.False(groups.TryAdd(0, 50_000, out _));
        Assert.False(groups.TryAdd(4_000, 52_000, out _));
        Assert.False(groups.TryAdd(20_000, 75_000, out _)); // second group starts, first has no predecessor
        Assert.False(groups.TryAdd(22_000, 78_000, out _));

        Assert.True(groups.TryAdd(40_000, 90_000, out GroupDelta delta)); // third group completes the second

        Assert.Equal(18.0, delta.SendDeltaMs);      // 22 - 4
        Assert.Equal(26.0, delta.ArrivalDeltaMs);   // 78 - 52
        Assert.Equal(8.0, delta.DelayVariationMs);
    }

    [Fact]
    public void Groups_BurstReleasedByAQueue_JoinsTheCurrentGroup()
    {
        var groups = new InterGroupDelayVariation();
        groups.TryAdd(0, 100_000, out _);

        // Sent 10 ms later but arrived 1 ms later: negative variation, within the burst time of arrival.
        Assert.False(groups.TryAdd(10_000, 101_000, out _));
        Assert.False(groups.TryAdd(30_000, 130_000, out _));

        Assert.True(groups.TryAdd(60_000, 160_000, out GroupDelta delta));
        Assert.Equal(20.0, delta.SendDeltaMs); // from the burst's last packet (sent at 10 ms)
    }

    [Fact]
    public void Groups_PacketSentBeforeTheCurrentGroup_IsIgnored()
    {
        var groups = new InterGroupDelayVariation();
        groups.TryAdd(10_000, 100_000, out _);

        Assert.False(groups.TryAdd(5_000, 101_000, out _));
        groups.TryAdd(30_000, 120_000, out _);
        Assert.True(groups.TryAdd(50_000, 140_000, out GroupDelta delta));
        Assert.Equal(20.0, delta.ArrivalDeltaMs);
    }

    [Fact]
    public void Trendline_GrowingQueue_GivesAPositiveTrend_SteadyQueue_Zero()
    {
        var growing = new TrendlineEstimator();
        var steady = new TrendlineEstimator();
        for (int i = 1; i <= 40; i++)
        {
            growing.Update(new GroupDelta(33, 36, i * 36));
            steady.Update(new GroupDelta(33, 33, i * 33));
        }

        Assert.True(growing.ModifiedTrend > OveruseDetector.InitialThresholdMs, $"{growing.ModifiedTrend}");
        Assert.Equal(0, steady.ModifiedTrend, 6);
    }

    [Fact]
    public void Detector_TrendAboveThresholdForMoreThanTenMilliseconds_IsOverusing()
    {
        var detector = new OveruseDetector();

        Assert.Equal(BandwidthUsage.Normal, detector.Detect(20, 5, 10, 0));   // timer starts at 2.5 ms
        Assert.Equal(BandwidthUsage.Normal, detector.Detect(21, 5, 10, 5));   // 7.5 ms
        Assert.Equal(BandwidthUsage.Overusing, detector.Detect(22, 5, 10, 10)); // 12.5 ms, still rising
    }

    [Fact]
    public void Detector_FallingTrend_IsNotOverusing()
    {
        var detector = new OveruseDetector();
        detector.Detect(20, 10, 10, 0);

        Assert.Equal(BandwidthUsage.Normal, detector.Detect(19, 10, 10, 10));
    }

    [Fact]
    public void Detector_TrendBelowMinusThreshold_IsUnderusing()
    {
        var detector = new OveruseDetector();

        Assert.Equal(BandwidthUsage.Underusing, detector.Detect(-20, 10, 10, 0));
    }

    [Fact]
    public void Detector_Threshold_RisesFastAndFallsSlowly()
    {
        var detector = new OveruseDetector();
        detector.Detect(0, 10, 10, 0);
        detector.Detect(20, 10, 10, 100); // K_u = 0.01 over 100 ms: γ moves all the way to |m|
        Assert.Equal(20, detector.ThresholdMs, 6);

        detector.Detect(0, 10, 10, 200); // K_d = 0.00018 over 100 ms: 1.8 % of the way down
        Assert.Equal(20 - (0.018 * 20), detector.ThresholdMs, 6);
    }

    [Fact]
    public void Detector_OutlierFarAboveThreshold_DoesNotMoveIt()
    {
        var detector = new OveruseDetector();
        detector.Detect(0, 10, 10, 0);

        detector.Detect(100, 10, 10, 100);

        Assert.Equal(OveruseDetector.InitialThresholdMs, detector.ThresholdMs);
    }

    [Fact]
    public void Aimd_Overuse_DecreasesToEightyFivePercentOfReceived()
    {
        var aimd = new AimdRateController(1_000_000, 30_000, 5_000_000);

        long estimate = aimd.Update(BandwidthUsage.Overusing, 600_000, 0, 50_000);

        Assert.Equal(510_000, estimate);
        Assert.Equal(RateControlState.Decrease, aimd.State);
    }

    [Fact]
    public void Aimd_NormalFarFromConvergence_IncreasesEightPercentPerSecond()
    {
        var aimd = new AimdRateController(1_000_000, 30_000, 5_000_000);
        aimd.Update(BandwidthUsage.Normal, 0, 0, 50_000);

        long estimate = aimd.Update(BandwidthUsage.Normal, 0, 1_000_000, 50_000);

        Assert.Equal(1_080_000, estimate);
        Assert.False(aimd.NearConvergence);
    }

    [Fact]
    public void Aimd_AfterADecrease_NormalHoldsThenIncreasesAdditively()
    {
        var aimd = new AimdRateController(1_000_000, 30_000, 5_000_000);
        aimd.Update(BandwidthUsage.Overusing, 500_000, 0, 50_000);

        long held = aimd.Update(BandwidthUsage.Normal, 500_000, 100_000, 50_000);
        Assert.Equal(RateControlState.Hold, aimd.State);
        Assert.Equal(425_000, held);

        long increased = aimd.Update(BandwidthUsage.Normal, 500_000, 200_000, 50_000);
        Assert.Equal(RateControlState.Increase, aimd.State);
        Assert.True(aimd.NearConvergence);
        Assert.InRange(increased - held, 1, 10_000); // about half a packet per response time, not 8 %
    }

    [Fact]
    public void Aimd_Increase_StaysUnderOneAndAHalfTimesTheReceivedRate()
    {
        var aimd = new AimdRateController(1_000_000, 30_000, 5_000_000);
        aimd.Update(BandwidthUsage.Normal, 300_000, 0, 50_000);

        long estimate = aimd.Update(BandwidthUsage.Normal, 300_000, 1_000_000, 50_000);

        Assert.Equal(1_000_000, estimate); // 1.5 × 300 k is below the current estimate: no increase, no cut
    }

    [Fact]
    public void Aimd_Underuse_Holds()
    {
        var aimd = new AimdRateController(1_000_000, 30_000, 5_000_000);

        long estimate = aimd.Update(BandwidthUsage.Underusing, 900_000, 1_000_000, 50_000);

        Assert.Equal(RateControlState.Hold, aimd.State);
        Assert.Equal(1_000_000, estimate);
    }

    [Theory]
    [InlineData(20, 80, 900_000)]  // 20 % loss: × (1 - 0.1)
    [InlineData(1, 99, 1_050_000)] // 1 %: × 1.05
    [InlineData(5, 95, 1_000_000)] // 5 %: hold
    public void LossBased_AppliesTheDraftsThresholds(int lost, int received, long expected)
    {
        var loss = new LossBasedController(1_000_000, intervalMicros: 500_000, minPackets: 20);
        loss.Update(0, 5_000_000, 30_000);
        for (int i = 0; i < lost; i++)
        {
            loss.OnLost();
        }

        for (int i = 0; i < received; i++)
        {
            loss.OnReceived();
        }

        Assert.Equal(expected, loss.Update(500_000, 5_000_000, 30_000));
    }

    [Fact]
    public void LossBased_NeverExceedsTheDelayBasedCeiling()
    {
        var loss = new LossBasedController(1_000_000);

        Assert.Equal(700_000, loss.Update(0, 700_000, 30_000));
    }

    [Theory]
    [InlineData(200_000, 765_000)]   // sent at 4 Mbps, 4 × the estimate then: the cut stops at 0.85 × the 900 kbps that arrived
    [InlineData(1_000_000, 600_000)] // sent at 800 kbps, under the estimate: the draft's cut, 80 % loss × (1 - 0.4)
    public void LossBased_HighLoss_CutsNoLowerThanWhatArrivedOnlyWhileTheSenderOvershoots(long sendSpanMicros, long expected)
    {
        var loss = new LossBasedController(1_000_000, intervalMicros: 500_000, minPackets: 20);
        loss.Update(0, 5_000_000, 30_000);
        for (int i = 0; i < 100; i++)
        {
            loss.NoteSent(1_000, i * sendSpanMicros / 100, estimateAtSendBps: 1_000_000);
            if (i < 80)
            {
                loss.OnLost();
            }
            else
            {
                loss.OnReceived();
            }
        }

        Assert.Equal(expected, loss.Update(500_000, 5_000_000, 30_000, acknowledgedBps: 900_000));
    }
}
