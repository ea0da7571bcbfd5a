using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>How the estimator reads feedback: unknown, duplicate and re-reported packets, and malformed input.</summary>
public sealed class SendSideBandwidthEstimatorFeedbackTests
{
    private static byte[] Feedback(ushort baseSequence, params (ushort Sequence, long Arrival)[] received)
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, baseSequence, 0);
        foreach (var (sequence, arrival) in received)
        {
            Assert.True(writer.TryAddReceived(sequence, arrival));
        }

        byte[] buffer = new byte[1500];
        return buffer[..writer.Write(buffer)];
    }

    [Fact]
    public void OnTransportFeedback_NotFeedback_IsRefused()
    {
        var estimator = new SendSideBandwidthEstimator();

        Assert.False(estimator.OnTransportFeedback(new byte[] { 0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2 }, 0));
    }

    [Fact]
    public void OnTransportFeedback_ReceivedPackets_CountTowardsTheAcknowledgedRate()
    {
        var estimator = new SendSideBandwidthEstimator();
        var received = new List<(ushort, long)>();
        for (int i = 0; i < 100; i++)
        {
            estimator.OnPacketSent((ushort)i, 1000, i * 2_000L);
            received.Add(((ushort)i, 10_000 + (i * 2_000L)));
        }

        Assert.True(estimator.OnTransportFeedback(Feedback(0, [.. received]), 300_000));

        // 1000 bytes every 2 ms over the 198 ms the arrivals span: about 4 Mbps.
        Assert.InRange(estimator.AcknowledgedBps, 3_900_000, 4_100_000);
    }

    [Fact]
    public void OnTransportFeedback_SameReportTwice_CountsOnce()
    {
        var estimator = new SendSideBandwidthEstimator();
        var received = new List<(ushort, long)>();
        for (int i = 0; i < 100; i++)
        {
            estimator.OnPacketSent((ushort)i, 1000, i * 2_000L);
            received.Add(((ushort)i, 10_000 + (i * 2_000L)));
        }

        byte[] message = Feedback(0, [.. received]);
        estimator.OnTransportFeedback(message, 300_000);
        long once = estimator.AcknowledgedBps;
        estimator.OnTransportFeedback(message, 350_000);

        Assert.Equal(once, estimator.AcknowledgedBps);
    }

    [Fact]
    public void OnTransportFeedback_UnknownSequences_AreIgnored()
    {
        var estimator = new SendSideBandwidthEstimator();

        Assert.True(estimator.OnTransportFeedback(Feedback(500, (500, 0), (501, 1000)), 0));

        Assert.Equal(0, estimator.AcknowledgedBps);
        Assert.Equal(300_000, estimator.EstimateBps);
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var estimator = new SendSideBandwidthEstimator();
        var builder = new TransportFeedbackBuilder(1);
        byte[] buffer = new byte[1500];
        ushort sequence = 0;
        void Second(long start)
        {
            for (long t = start; t < start + 1_000_000; t += 5_000)
            {
                estimator.OnPacketSent(sequence, 1000, t);
                builder.OnPacket(sequence++, t + 20_000, 2);
                if (builder.IsDue(t))
                {
                    int length = builder.WriteFeedback(t, buffer);
                    estimator.OnTransportFeedback(buffer.AsSpan(0, length), t);
                }
            }
        }

        Second(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Second(1_000_000);

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
