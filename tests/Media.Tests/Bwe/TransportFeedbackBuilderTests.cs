using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class TransportFeedbackBuilderTests
{
    private const uint MediaSsrc = 0x1234;

    private static List<(int Count, List<TransportPacketStatus> Statuses)> Drain(TransportFeedbackBuilder builder, long now)
    {
        var messages = new List<(int, List<TransportPacketStatus>)>();
        byte[] buffer = new byte[1500];
        int length;
        while ((length = builder.WriteFeedback(now, buffer)) > 0)
        {
            Assert.True(TransportFeedbackReader.TryParse(buffer.AsSpan(0, length), out TransportFeedbackReader reader));
            Assert.Equal(MediaSsrc, reader.MediaSsrc);
            var statuses = new List<TransportPacketStatus>();
            foreach (TransportPacketStatus status in reader)
            {
                statuses.Add(status);
            }

            messages.Add((reader.FeedbackPacketCount, statuses));
        }

        return messages;
    }

    [Fact]
    public void WriteFeedback_InOrderPackets_ReportsEachWithItsArrival()
    {
        var builder = new TransportFeedbackBuilder(senderSsrc: 1);
        for (int i = 0; i < 10; i++)
        {
            builder.OnPacket((ushort)(500 + i), 1_000_000 + (i * 5_000), MediaSsrc);
        }

        var messages = Drain(builder, 1_050_000);

        var (count, statuses) = Assert.Single(messages);
        Assert.Equal(0, count);
        Assert.Equal(Enumerable.Range(500, 10), statuses.Select(s => (int)s.Sequence));
        Assert.All(statuses, s => Assert.True(s.Received));
        Assert.Equal(45_000, statuses[^1].ArrivalMicros - statuses[0].ArrivalMicros);
        Assert.False(builder.HasPending);
    }

    [Fact]
    public void WriteFeedback_LostPackets_AreReportedNotReceived()
    {
        var builder = new TransportFeedbackBuilder(1);
        builder.OnPacket(1, 0, MediaSsrc);
        builder.OnPacket(4, 1_000, MediaSsrc);

        var statuses = Assert.Single(Drain(builder, 0)).Statuses;

        Assert.Equal([true, false, false, true], statuses.Select(s => s.Received));
    }

    [Fact]
    public void WriteFeedback_PacketAfterItWasReportedLost_IsReportedAgainAsReceived()
    {
        var builder = new TransportFeedbackBuilder(1);
        builder.OnPacket(10, 0, MediaSsrc);
        builder.OnPacket(12, 2_000, MediaSsrc);
        var first = Assert.Single(Drain(builder, 0)).Statuses;
        Assert.False(first[1].Received);

        builder.OnPacket(11, 3_000, MediaSsrc);
        builder.OnPacket(13, 4_000, MediaSsrc);
        var (count, second) = Assert.Single(Drain(builder, 60_000));

        Assert.Equal(1, count);
        Assert.Equal([11, 12, 13], second.Select(s => (int)s.Sequence));
        Assert.All(second, s => Assert.True(s.Received));
        Assert.Equal(-1_000, second[1].ArrivalMicros - second[0].ArrivalMicros); // 12 arrived before 11
    }

    [Fact]
    public void OnPacket_Duplicate_KeepsTheFirstArrival()
    {
        var builder = new TransportFeedbackBuilder(1);
        builder.OnPacket(1, 0, MediaSsrc);
        builder.OnPacket(2, 1_000, MediaSsrc);
        builder.OnPacket(2, 9_000, MediaSsrc);

        var statuses = Assert.Single(Drain(builder, 0)).Statuses;

        Assert.Equal(2, statuses.Count);
        Assert.Equal(1_000, statuses[1].ArrivalMicros - statuses[0].ArrivalMicros);
    }

    [Fact]
    public void WriteFeedback_SequenceWrap_IsOneContinuousRange()
    {
        var builder = new TransportFeedbackBuilder(1);
        for (int i = 0; i < 6; i++)
        {
            builder.OnPacket((ushort)(65533 + i), i * 1_000, MediaSsrc);
        }

        var statuses = Assert.Single(Drain(builder, 0)).Statuses;

        Assert.Equal([65533, 65534, 65535, 0, 1, 2], statuses.Select(s => (int)s.Sequence));
    }

    [Fact]
    public void WriteFeedback_ArrivalGapBeyondDeltaRange_StartsANewMessage()
    {
        var builder = new TransportFeedbackBuilder(1);
        builder.OnPacket(1, 0, MediaSsrc);
        builder.OnPacket(2, 10_000_000, MediaSsrc); // 10 s later: more than a 16-bit delta of 250 µs

        var messages = Drain(builder, 10_000_000);

        Assert.Equal(2, messages.Count);
        Assert.Equal([0, 1], messages.Select(m => m.Count));
        Assert.Equal(1, messages[0].Statuses.Single().Sequence);
        Assert.Equal(2, messages[1].Statuses.Single().Sequence);
    }

    [Fact]
    public void WriteFeedback_RangeLargerThanOneMessage_IsSplitWithoutGapsOrOverlap()
    {
        var builder = new TransportFeedbackBuilder(1, capacity: 4096, maxMessageBytes: 300);
        for (int i = 0; i < 1000; i++)
        {
            builder.OnPacket((ushort)i, i % 2 == 0 ? 0 : 80_000, MediaSsrc); // every delta is large
        }

        var messages = Drain(builder, 0);

        Assert.True(messages.Count > 1);
        var sequences = messages.SelectMany(m => m.Statuses).Select(s => (int)s.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), sequences);
        Assert.Equal(Enumerable.Range(0, messages.Count), messages.Select(m => m.Count));
    }

    [Fact]
    public void IsDue_FollowsTheInterval()
    {
        var builder = new TransportFeedbackBuilder(1, intervalMicros: 50_000);
        Assert.False(builder.IsDue(0));

        builder.OnPacket(1, 0, MediaSsrc);
        Assert.True(builder.IsDue(0));
        Drain(builder, 0);

        builder.OnPacket(2, 10_000, MediaSsrc);
        Assert.False(builder.IsDue(49_999));
        Assert.True(builder.IsDue(50_000));
    }

    [Fact]
    public void OnPacket_FarBehindTheWindow_IsIgnored()
    {
        var builder = new TransportFeedbackBuilder(1, capacity: 16);
        for (int i = 100; i < 120; i++)
        {
            builder.OnPacket((ushort)i, i * 1_000L, MediaSsrc);
        }

        Drain(builder, 0);
        builder.OnPacket(50, 200_000, MediaSsrc);

        Assert.False(builder.HasPending);
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var builder = new TransportFeedbackBuilder(1);
        byte[] buffer = new byte[1500];
        for (int i = 0; i < 100; i++)
        {
            builder.OnPacket((ushort)i, i * 1_000L, MediaSsrc);
        }

        builder.WriteFeedback(0, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100; i < 300; i++)
        {
            builder.OnPacket((ushort)i, i * 1_000L, MediaSsrc);
            if (i % 50 == 0)
            {
                builder.WriteFeedback(i * 1_000L, buffer);
            }
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
