using System.Globalization;
using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The immediate, unannounced hold of a subscriber's video on a low downlink estimate (<see cref="VideoHold"/>):
/// alone, and on traces the shaped browser benchmark recorded from the server (<see cref="BandwidthTrace"/>), replayed
/// through the subscriber's whole send side (<see cref="SubscriberBandwidth"/>, so the constraint is the plane's).</summary>
public sealed class VideoHoldTests
{
    /// <summary>The patient's downlink and uplink at 100 kbit (HTB, pfifo of 30 packets), the practitioner's Chromium
    /// sending about 200 kbps of video when the limit began at about 1.2 s; the recording server announced audio only at
    /// about 4.5 s. 10 s from the first packet.</summary>
    private const string Both100 = "Bwe/Traces/chromium-both-100kbit.bwe.csv";

    /// <summary>See <see cref="RecordedTraceTests"/>: the patient's downlink at 300 kbit, shaped from about 1.5 s.</summary>
    private const string Downlink300 = "Bwe/Traces/chromium-downlink-300kbit.bwe.csv";

    [Fact]
    public void Hold_ConstrainedEstimateUnderTheThreshold_HoldsAtOnce()
    {
        var hold = new VideoHold();

        Assert.True(hold.OnEstimate(VideoHold.HoldBelowBps - 1, constrained: true, nowMicros: 1_000));

        Assert.True(hold.Held);
    }

    [Fact]
    public void Hold_UnconstrainedOrUnknownEstimate_NeverHolds()
    {
        var hold = new VideoHold();

        Assert.False(hold.OnEstimate(50_000, constrained: false, nowMicros: 0));
        Assert.False(hold.OnEstimate(0, constrained: true, nowMicros: 100_000));
        Assert.False(hold.OnEstimate(VideoHold.HoldBelowBps, constrained: true, nowMicros: 200_000));

        Assert.False(hold.Held);
    }

    [Fact]
    public void Hold_EstimateBackOverTheThreshold_ReleasesOnlyAfterTheLeastHoldTime()
    {
        var hold = new VideoHold();
        hold.OnEstimate(80_000, constrained: true, nowMicros: 0);

        Assert.False(hold.OnEstimate(400_000, constrained: true, nowMicros: VideoHold.MinimumHoldMicros - 1));
        Assert.True(hold.Held);
        Assert.True(hold.OnEstimate(400_000, constrained: true, nowMicros: VideoHold.MinimumHoldMicros));
        Assert.False(hold.Held);
    }

    [Fact]
    public void Hold_EstimateStillLowAfterTheLeastHoldTime_KeepsHolding()
    {
        var hold = new VideoHold();
        hold.OnEstimate(80_000, constrained: true, nowMicros: 0);

        Assert.False(hold.OnEstimate(90_000, constrained: true, nowMicros: 5_000_000));

        Assert.True(hold.Held);
    }

    [Fact]
    public void Hold_ConstraintLapsed_Releases()
    {
        var hold = new VideoHold();
        hold.OnEstimate(80_000, constrained: true, nowMicros: 0);

        Assert.True(hold.OnEstimate(80_000, constrained: false, nowMicros: 9_000_000));

        Assert.False(hold.Held);
    }

    [Fact]
    public void ChromiumBoth100Kbit_HoldsVideoWithinASecondOfTheLimit_TwoSecondsBeforeTheAnnouncedPause()
    {
        List<(long Micros, bool Held)> replay = Replay(Both100);

        long first = replay[0].Micros;
        (long Micros, bool Held) held = replay.FirstOrDefault(r => r.Held);
        Assert.True(held.Held, "never held on a 100 kbit downlink");
        double seconds = (held.Micros - first) / 1e6;
        Assert.InRange(seconds, 1.0, 2.5); // the limit began at about 1.2 s; the announced pause came at about 4.5 s
        Assert.All(replay.Where(r => r.Micros - first > 3_000_000), r => Assert.True(r.Held, $"released at {(r.Micros - first) / 1e6:0.00} s"));
    }

    [Fact]
    public void ChromiumDownlink300Kbit_NeverHoldsVideo()
    {
        List<(long Micros, bool Held)> replay = Replay(Downlink300);

        Assert.DoesNotContain(replay, r => r.Held);
    }

    /// <summary>Replays a trace through a subscriber's send side and a hold, as the plane runs them on each feedback.</summary>
    private static List<(long Micros, bool Held)> Replay(string path)
    {
        var downlink = new SubscriberBandwidth();
        var hold = new VideoHold();
        var states = new List<(long, bool)>();
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, path)))
        {
            string[] fields = line.Split(',');
            switch (fields[0])
            {
                case "s":
                    ushort sequence = downlink.OnSending(int.Parse(fields[2], CultureInfo.InvariantCulture), long.Parse(fields[3], CultureInfo.InvariantCulture));
                    Assert.Equal(ushort.Parse(fields[1], CultureInfo.InvariantCulture), sequence);
                    break;
                case "f":
                    long now = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    Assert.True(downlink.OnTransportFeedback(Convert.FromBase64String(fields[2]), now));
                    hold.OnEstimate(downlink.EstimateBps, downlink.IsConstrained, now);
                    states.Add((now, hold.Held));
                    break;
            }
        }

        return states;
    }
}
