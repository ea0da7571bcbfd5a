using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>When a subscriber's estimate counts as a limit of its path: after a push-back, for a while.</summary>
public sealed class SubscriberBandwidthTests
{
    private const int PacketBytes = 1200;
    private const long SendSpacingMicros = 5_000; // 1,200 B every 5 ms: about 1.9 Mbps

    [Fact]
    public void Constraint_SetByGrowingQueueDelay_LapsesAfterTheHoldWithoutPushBack()
    {
        var bandwidth = new SubscriberBandwidth();
        var feedback = new TransportFeedbackBuilder(senderSsrc: 1);
        byte[] message = new byte[1200];
        long now = 1_000_000;
        long arrivalDelay = 10_000;

        // Two seconds of packets arriving ever later than they were sent (a queue filling behind a bottleneck).
        ushort next = Send(bandwidth, feedback, message, ref now, ref arrivalDelay, packets: 400, delayGrowthMicros: 3_000);
        Assert.True(bandwidth.IsConstrained, $"no push-back seen, estimate {bandwidth.EstimateBps}");

        // Then an empty queue: constant delay. The path stays described as constrained for the hold, then no longer.
        long calmStart = now;
        while (now - calmStart < SubscriberBandwidth.ConstraintHoldMicros / 2)
        {
            next = Send(bandwidth, feedback, message, ref now, ref arrivalDelay, packets: 20, delayGrowthMicros: 0, first: next);
        }
        Assert.True(bandwidth.IsConstrained, "the constraint lapsed before its hold");

        while (now - calmStart < SubscriberBandwidth.ConstraintHoldMicros + 3_000_000)
        {
            next = Send(bandwidth, feedback, message, ref now, ref arrivalDelay, packets: 20, delayGrowthMicros: 0, first: next);
        }
        Assert.False(bandwidth.IsConstrained, "the constraint outlived its hold without any push-back");
    }

    [Fact]
    public void RetransmissionBudget_SpentByABurst_RefillsAtAQuarterOfTheEstimate()
    {
        var bandwidth = new SubscriberBandwidth(); // no feedback yet: the 300 kbps start estimate
        long now = 1_000_000;

        // 250 ms of a quarter of 300 kbps is 2,343 bytes, under the two-packet floor of the depth: two 1,200-byte
        // resends go at once, the third waits.
        Assert.True(bandwidth.TryTakeRetransmission(PacketBytes, now));
        Assert.True(bandwidth.TryTakeRetransmission(PacketBytes, now));
        Assert.False(bandwidth.TryTakeRetransmission(PacketBytes, now));

        // 75 kbps refills 1,200 bytes in 128 ms.
        Assert.False(bandwidth.TryTakeRetransmission(PacketBytes, now + 100_000));
        Assert.True(bandwidth.TryTakeRetransmission(PacketBytes, now + 140_000));
    }

    [Fact]
    public void FeedbackMissing_PacketsSentForASecondWithoutFeedback_IsMissingUntilTheHoldEnds()
    {
        var bandwidth = new SubscriberBandwidth();
        long start = 5_000_000;
        for (long t = start; t < start + SubscriberBandwidth.FeedbackMissingHoldMicros + 500_000; t += 20_000)
        {
            bandwidth.OnSending(PacketBytes, t);
        }

        Assert.False(bandwidth.IsFeedbackMissing(start + SubscriberBandwidth.FeedbackMissingAfterMicros - 1));
        Assert.True(bandwidth.IsFeedbackMissing(start + SubscriberBandwidth.FeedbackMissingAfterMicros));
        Assert.True(bandwidth.IsFeedbackMissing(start + SubscriberBandwidth.FeedbackMissingHoldMicros - 1));
        Assert.False(bandwidth.IsFeedbackMissing(start + SubscriberBandwidth.FeedbackMissingHoldMicros));
    }

    [Fact]
    public void FeedbackMissing_RegularFeedback_NeverMissing_AndNothingSentIsNotMissing()
    {
        var bandwidth = new SubscriberBandwidth();
        Assert.False(bandwidth.IsFeedbackMissing(10_000_000)); // nothing sent, nothing to report

        var feedback = new TransportFeedbackBuilder(senderSsrc: 1);
        byte[] message = new byte[1200];
        long now = 1_000_000;
        long arrivalDelay = 10_000;
        Send(bandwidth, feedback, message, ref now, ref arrivalDelay, packets: 1_000, delayGrowthMicros: 0);

        Assert.False(bandwidth.IsFeedbackMissing(now));
        Assert.False(bandwidth.TakeVideoHeldForMissingFeedback());
    }

    [Fact]
    public void FeedbackMissing_FeedbackArrives_EndsIt_AndTheHeldVideoIsToldOnce()
    {
        var bandwidth = new SubscriberBandwidth();
        var feedback = new TransportFeedbackBuilder(senderSsrc: 1);
        byte[] message = new byte[1200];
        long now = 1_000_000;
        for (int i = 0; i < 100; i++, now += 20_000)
        {
            feedback.OnPacket(bandwidth.OnSending(PacketBytes, now), now + 5_000, mediaSsrc: 2);
        }

        Assert.True(bandwidth.IsFeedbackMissing(now));
        bandwidth.NoteVideoHeldForMissingFeedback();
        int length = feedback.WriteFeedback(now, message);
        Assert.True(bandwidth.OnTransportFeedback(message.AsSpan(0, length), now));

        Assert.False(bandwidth.IsFeedbackMissing(now + 10_000));
        Assert.True(bandwidth.TakeVideoHeldForMissingFeedback());
        Assert.False(bandwidth.TakeVideoHeldForMissingFeedback());
    }

    /// <summary>Sends <paramref name="packets"/> through the estimator, lets them arrive with a delay that grows by
    /// <paramref name="delayGrowthMicros"/> each, and feeds back the feedback messages; returns the next sequence.</summary>
    private static ushort Send(SubscriberBandwidth bandwidth, TransportFeedbackBuilder feedback, byte[] message,
        ref long now, ref long arrivalDelay, int packets, long delayGrowthMicros, ushort first = 0)
    {
        ushort sequence = first;
        for (int i = 0; i < packets; i++)
        {
            sequence = bandwidth.OnSending(PacketBytes, now);
            arrivalDelay += delayGrowthMicros;
            feedback.OnPacket(sequence, now + arrivalDelay, mediaSsrc: 2);
            now += SendSpacingMicros;
            if (feedback.IsDue(now))
            {
                for (int length = feedback.WriteFeedback(now, message); length > 0; length = feedback.WriteFeedback(now, message))
                {
                    bandwidth.OnTransportFeedback(message.AsSpan(0, length), now + arrivalDelay);
                }
            }
        }

        return (ushort)(sequence + 1);
    }
}
