using System.Globalization;
using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The estimator replayed on traces recorded from the server in the shaped browser benchmark
/// (<c>Media:BandwidthTraceDirectory</c>, <see cref="BandwidthTrace"/>): every packet the server sent the subscriber and
/// every transport feedback the subscriber's Chromium returned, in their order and with their times.</summary>
public sealed class RecordedTraceTests
{
    /// <summary>The patient's downlink at 300 kbit (HTB, pfifo of 30 packets), the practitioner's Chromium sending about
    /// 580 kbps of video when the limit began; the server then also answered every NACK, so up to 3.6 Mbps went toward
    /// the patient and 80–90 % of it was dropped for four seconds. 12 s from the first packet; the shaping began at
    /// about 1.5 s and the recording server paused the video at about 6 s.</summary>
    private const string Downlink300 = "Bwe/Traces/chromium-downlink-300kbit.bwe.csv";

    [Fact]
    public void ChromiumDownlink300Kbit_OverloadedQueue_EstimateStaysNearTheBottleneckNotUnderThePauseThreshold()
    {
        List<(long Micros, long EstimateBps, long AcknowledgedBps)> estimates = Replay(Downlink300);

        (long Micros, long EstimateBps, long AcknowledgedBps) first = estimates[0];
        var afterShaping = estimates.Where(e => e.Micros - first.Micros >= 3_000_000).ToList();
        Assert.NotEmpty(afterShaping);

        // The recording server's estimator fell to its 30 kbps floor here (loss cut after loss cut while the sender's
        // encoder still overshot); the bottleneck delivered about 280 kbps all along.
        long lowest = afterShaping.Min(e => e.EstimateBps);
        Assert.True(lowest >= 150_000, $"estimate fell to {lowest} bps on a 300 kbit path");

        // And it fits the path: not above what the 300 kbit bottleneck let through while it was full.
        var overloaded = afterShaping.Where(e => e.Micros - first.Micros < 6_000_000).ToList();
        long highest = overloaded.Max(e => e.EstimateBps);
        Assert.True(highest <= 300_000, $"estimate {highest} bps above a 300 kbit bottleneck");
    }

    /// <summary>Replays a trace through the estimator as the server ran it; returns the estimate after each feedback.</summary>
    private static List<(long Micros, long EstimateBps, long AcknowledgedBps)> Replay(string path)
    {
        var estimator = new SendSideBandwidthEstimator();
        var estimates = new List<(long, long, long)>();
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, path)))
        {
            string[] fields = line.Split(',');
            switch (fields[0])
            {
                case "s":
                    estimator.OnPacketSent(ushort.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture),
                        long.Parse(fields[3], CultureInfo.InvariantCulture));
                    break;
                case "f":
                    long now = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    Assert.True(estimator.OnTransportFeedback(Convert.FromBase64String(fields[2]), now));
                    estimates.Add((now, estimator.EstimateBps, estimator.AcknowledgedBps));
                    break;
            }
        }

        return estimates;
    }
}
