using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>The server-side reading of a publisher's uplink (<see cref="UplinkBacklogDetector"/>), on synthetic sends
/// through a simulated bottleneck like the browser benchmark's: a FIFO at a rate with a 30-packet drop-tail queue
/// (tc HTB + pfifo limit 30). The sender is a browser's: Opus every 20 ms (its RTP timestamp the capture time), video at
/// 30 frames per second in packets of at most 1,200 bytes.</summary>
public sealed class UplinkBacklogDetectorTests
{
    private const long Second = 1_000_000;
    private const int AudioWireBytes = 130;
    private const int VideoPacketBytes = 1_200;

    /// <summary>Behind a serialising link each gap is the later packet's serialisation time; behind a token-bucket
    /// shaper (<paramref name="tokenBucket"/>: tc's HTB, as in the browser benchmark) it is the earlier packet's, the
    /// same link read from the other side of each gap. Both are found.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LinkOrShaperDropsTo100Kbit_UnderVideoAt800Kbps_IsFoundWeakWithin600Milliseconds_AtTheLinkRate(bool tokenBucket)
    {
        var link = new Bottleneck(rateBps: 100_000, fromMicros: 5 * Second, tokenBucket);

        (List<long> fired, long rate) = Run(link, videoBps: 800_000, durationMicros: 6 * Second);

        // Each audio packet queues behind about five video packets (0.48 s at 100 kbit): the second late one, which
        // confirms the first, is the earliest sign.
        Assert.NotEmpty(fired);
        Assert.InRange(fired[0] - (5 * Second), 0, 600_000);
        Assert.InRange(rate, 70_000, 130_000);
    }

    [Fact]
    public void LinkAt500Kbit_QueueingTheVideo_IsNeverWeak()
    {
        var link = new Bottleneck(rateBps: 500_000, fromMicros: 2 * Second);

        (List<long> fired, _) = Run(link, videoBps: 1_500_000, durationMicros: 20 * Second);

        Assert.Empty(fired);
    }

    [Fact]
    public void LinkAt300Kbit_QueueingTheVideo_IsNeverWeak()
    {
        var link = new Bottleneck(rateBps: 300_000, fromMicros: 2 * Second);

        (List<long> fired, _) = Run(link, videoBps: 800_000, durationMicros: 20 * Second);

        Assert.Empty(fired);
    }

    [Fact]
    public void UnlimitedLink_WithSendJitter_IsNeverWeak()
    {
        var link = new Bottleneck(rateBps: 0, fromMicros: 0);

        (List<long> fired, _) = Run(link, videoBps: 800_000, durationMicros: 20 * Second, jitterMicros: 40_000);

        Assert.Empty(fired);
    }

    [Fact]
    public void SenderStalledHalfASecond_ThenSendingItsBacklogAtOnce_IsNotWeak()
    {
        var link = new Bottleneck(rateBps: 0, fromMicros: 0);

        (List<long> fired, _) = Run(link, videoBps: 800_000, durationMicros: 10 * Second, stall: (3 * Second, Second / 2));

        Assert.Empty(fired);
    }

    [Fact]
    public void SenderStalledHalfASecond_EarlyInACallWithVideoAt120Kbps_IsNotWeak()
    {
        var link = new Bottleneck(rateBps: 0, fromMicros: 0);

        (List<long> fired, _) = Run(link, videoBps: 120_000, durationMicros: 10 * Second, stall: (3 * Second, Second / 2));

        Assert.Empty(fired);
    }

    /// <summary>A CPU-starved browser early in a call: its video still at 120 kbps, it falls behind real time for a second
    /// (each packet later than the one before, by up to 430 ms: the audio grows late as behind a queue) and then sends its
    /// backlog. Only the spacing of the arrivals, unrelated to their sizes, tells it from a weak link.</summary>
    [Fact]
    public void SenderSlowedTo70PercentForASecond_EarlyInACallWithVideoAt120Kbps_IsNotWeak()
    {
        var link = new Bottleneck(rateBps: 0, fromMicros: 0);

        (List<long> fired, _) = Run(link, videoBps: 120_000, durationMicros: 10 * Second, slowdown: (3 * Second, Second, 0.7));

        Assert.Empty(fired);
    }

    [Fact]
    public void LinkDropsTo100Kbit_UnderVideoAt120Kbps_IsFoundWeak()
    {
        var link = new Bottleneck(rateBps: 100_000, fromMicros: 3 * Second);

        (List<long> fired, long rate) = Run(link, videoBps: 120_000, durationMicros: 6 * Second);

        Assert.NotEmpty(fired);
        Assert.InRange(rate, 70_000, 130_000);
    }

    [Fact]
    public void AudioOnlySender_QueuedOnA30KbitLink_IsNotWeak_ItHasNoVideoToStop()
    {
        var link = new Bottleneck(rateBps: 30_000, fromMicros: Second);

        (List<long> fired, _) = Run(link, videoBps: 0, durationMicros: 10 * Second);

        Assert.Empty(fired);
    }

    [Fact]
    public void LinkStaying100Kbit_WhileVideoGoesOn_FiresAgainOnlyEveryRearmInterval()
    {
        var link = new Bottleneck(rateBps: 100_000, fromMicros: Second);

        (List<long> fired, _) = Run(link, videoBps: 800_000, durationMicros: 11 * Second);

        Assert.InRange(fired.Count, 2, 1 + (10 * Second / UplinkBacklogDetector.RearmMicros));
        for (int i = 1; i < fired.Count; i++)
        {
            Assert.True(fired[i] - fired[i - 1] >= UplinkBacklogDetector.RearmMicros);
        }
    }

    [Fact]
    public void FeedingPackets_AllocatesNothing()
    {
        var detector = new UplinkBacklogDetector();
        detector.OnPacket(AudioWireBytes, video: false, 0);
        detector.OnAudio(7, 0, 0);
        Feed(detector, 1, 10_000); // warm up: the methods reach their final (tier-1) code before the count starts
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(detector, 10_000, 100_000);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Feed(UplinkBacklogDetector detector, int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                long at = i * 20_000L;
                detector.OnPacket(VideoPacketBytes, video: true, at);
                detector.OnPacket(AudioWireBytes, video: false, at);
                detector.OnAudio(7, (uint)(i * 960), at + ((i % 50) * 4_000));
            }
        }
    }

    /// <summary>Sends for <paramref name="durationMicros"/> through <paramref name="link"/> and feeds the detector the
    /// arrivals in order; returns when it fired and the rate it measured last.</summary>
    private static (List<long> Fired, long Rate) Run(Bottleneck link, long videoBps, long durationMicros, long jitterMicros = 0,
        (long At, long Length)? stall = null, (long At, long Length, double Speed)? slowdown = null)
    {
        var random = new Random(12);
        var sends = new List<(long At, int Bytes, bool Audio, uint Timestamp)>();
        for (long t = 0, n = 0; t < durationMicros; t += 20_000, n++)
        {
            sends.Add((t + random.NextInt64(0, jitterMicros + 1), AudioWireBytes, true, (uint)(n * 960)));
        }

        long frameBytes = videoBps / 8 / 30;
        for (long t = 0; videoBps > 0 && t < durationMicros; t += Second / 30)
        {
            long at = t + 5_000 + random.NextInt64(0, jitterMicros + 1);
            for (long left = frameBytes, i = 0; left > 0; left -= VideoPacketBytes, i++)
            {
                sends.Add((at + (i * 1_000), (int)Math.Min(left, VideoPacketBytes), false, 0));
            }
        }

        if (stall is { } s)
        {
            for (int i = 0; i < sends.Count; i++)
            {
                if (sends[i].At >= s.At && sends[i].At < s.At + s.Length)
                {
                    sends[i] = sends[i] with { At = s.At + s.Length };
                }
            }
        }

        if (slowdown is { } slow)
        {
            long caughtUp = slow.At + (long)(slow.Length / slow.Speed);
            for (int i = 0; i < sends.Count; i++)
            {
                long at = sends[i].At;
                if (at >= slow.At && at < slow.At + slow.Length)
                {
                    sends[i] = sends[i] with { At = slow.At + (long)((at - slow.At) / slow.Speed) };
                }
                else if (at >= slow.At + slow.Length && at < caughtUp)
                {
                    sends[i] = sends[i] with { At = caughtUp };
                }
            }
        }

        sends.Sort((a, b) => a.At.CompareTo(b.At));
        var detector = new UplinkBacklogDetector();
        var fired = new List<long>();
        foreach ((long arrival, int bytes, bool audio, uint timestamp) in link.Carry(sends))
        {
            detector.OnPacket(bytes, video: !audio, arrival);
            if (audio && detector.OnAudio(7, timestamp, arrival))
            {
                fired.Add(arrival);
            }
        }

        return (fired, detector.LastBacklogRateBps);
    }

    /// <summary>A FIFO with a 30-packet drop-tail queue: unlimited (1 ms of delay) before <c>fromMicros</c> or at rate 0,
    /// then serialising at <c>rateBps</c>; with <c>tokenBucket</c>, a shaper that lets each packet out as soon as the one
    /// before has been paid for, and pays for it after.</summary>
    private sealed class Bottleneck(long rateBps, long fromMicros, bool tokenBucket = false)
    {
        private const int QueueLimit = 30;

        public IEnumerable<(long Arrival, int Bytes, bool Audio, uint Timestamp)> Carry(List<(long At, int Bytes, bool Audio, uint Timestamp)> sends)
        {
            var departures = new Queue<long>();
            long linkFree = 0;
            foreach ((long at, int bytes, bool audio, uint timestamp) in sends)
            {
                if (rateBps == 0 || at < fromMicros)
                {
                    yield return (at + 1_000, bytes, audio, timestamp);
                    continue;
                }

                while (departures.Count > 0 && departures.Peek() <= at)
                {
                    departures.Dequeue();
                }

                if (departures.Count >= QueueLimit)
                {
                    continue; // tail drop
                }

                long start = Math.Max(at, linkFree);
                linkFree = start + (bytes * 8 * Second / rateBps);
                departures.Enqueue(linkFree);
                yield return ((tokenBucket ? start : linkFree) + 1_000, bytes, audio, timestamp);
            }
        }
    }
}
