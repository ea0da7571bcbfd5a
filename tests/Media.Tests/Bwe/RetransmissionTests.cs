using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class RetransmissionTests
{
    private static byte[] Nack(params ushort[] lost)
    {
        byte[] buffer = new byte[256];
        return buffer[..RtcpGenericNack.WriteLost(buffer, 1, 2, lost)];
    }

    private static int Answer(RetransmissionHistory history, byte[] nack, long now, Span<ushort> resend)
    {
        Assert.True(RtcpGenericNack.TryParse(nack, out RtcpGenericNack reader));
        return history.Answer(reader, now, resend);
    }

    [Fact]
    public void History_Nack_AnswersWithTheStoredPackets()
    {
        var history = new RetransmissionHistory();
        for (int i = 0; i < 10; i++)
        {
            history.Store((ushort)(100 + i), [(byte)i, 1, 2], i * 1_000L);
        }

        Span<ushort> resend = stackalloc ushort[16];
        int count = Answer(history, Nack(102, 105, 200), 20_000, resend);

        Assert.Equal([102, 105], resend[..count].ToArray().Select(s => (int)s));
        Assert.True(history.Peek(105, out ReadOnlySpan<byte> packet));
        Assert.Equal(new byte[] { 5, 1, 2 }, packet.ToArray());
    }

    [Fact]
    public void History_OlderThanMaxAge_IsNotResent()
    {
        var history = new RetransmissionHistory(maxAgeMicros: 500_000);
        history.Store(1, [1], 0);

        Assert.False(history.TryTakeForResend(1, 600_000, out _));
    }

    [Fact]
    public void History_OverwrittenByCount_IsNotResent()
    {
        var history = new RetransmissionHistory(capacity: 16);
        history.Store(1, [1], 0);
        history.Store(17, [17], 0);

        Assert.False(history.TryTakeForResend(1, 0, out _));
        Assert.True(history.TryTakeForResend(17, 0, out _));
    }

    [Fact]
    public void History_RepeatedNackWithinTheInterval_IsResentOnce()
    {
        var history = new RetransmissionHistory(minResendIntervalMicros: 10_000);
        history.Store(1, [1], 0);

        Assert.True(history.TryTakeForResend(1, 1_000, out _));
        Assert.False(history.TryTakeForResend(1, 5_000, out _));
        Assert.True(history.TryTakeForResend(1, 11_000, out _));
    }

    [Fact]
    public void History_PacketLargerThanASlot_IsNotStored()
    {
        var history = new RetransmissionHistory(slotBytes: 100);

        Assert.False(history.Store(1, new byte[101], 0));
        Assert.False(history.Peek(1, out _));
    }

    [Fact]
    public void Generator_Gap_NacksTheMissingOnceThenAfterAnRtt()
    {
        var nacks = new NackGenerator(minResendIntervalMicros: 20_000);
        nacks.OnPacket(10, 0);
        nacks.OnPacket(13, 1_000);
        Span<ushort> lost = stackalloc ushort[16];

        Assert.Equal([11, 12], lost[..nacks.Collect(1_000, 50_000, lost)].ToArray().Select(s => (int)s));
        Assert.Equal(0, nacks.Collect(30_000, 50_000, lost));
        Assert.Equal(2, nacks.Collect(51_000, 50_000, lost));
    }

    [Fact]
    public void Generator_LatePacket_LeavesTheList()
    {
        var nacks = new NackGenerator();
        nacks.OnPacket(10, 0);
        nacks.OnPacket(14, 0);
        nacks.OnPacket(12, 1_000);
        Span<ushort> lost = stackalloc ushort[16];

        Assert.Equal([11, 13], lost[..nacks.Collect(1_000, 20_000, lost)].ToArray().Select(s => (int)s));
        Assert.Equal(1, nacks.Recovered);
    }

    [Fact]
    public void Generator_AcrossTheSequenceWrap_NacksTheRightNumbers()
    {
        var nacks = new NackGenerator();
        nacks.OnPacket(65534, 0);
        nacks.OnPacket(1, 0);
        Span<ushort> lost = stackalloc ushort[16];

        Assert.Equal([65535, 0], lost[..nacks.Collect(0, 20_000, lost)].ToArray().Select(s => (int)s));
    }

    [Fact]
    public void Generator_RetryLimit_StopsRequests()
    {
        var nacks = new NackGenerator(maxRetries: 3, maxAgeMicros: 10_000_000);
        nacks.OnPacket(1, 0);
        nacks.OnPacket(3, 0);
        Span<ushort> lost = stackalloc ushort[16];
        int total = 0;
        for (long t = 0; t < 1_000_000; t += 25_000)
        {
            total += nacks.Collect(t, 20_000, lost);
        }

        Assert.Equal(3, total);
        Assert.Equal(0, nacks.MissingCount);
    }

    [Fact]
    public void Generator_TooOld_StopsRequests()
    {
        var nacks = new NackGenerator(maxAgeMicros: 100_000);
        nacks.OnPacket(1, 0);
        nacks.OnPacket(3, 0);
        Span<ushort> lost = stackalloc ushort[16];

        Assert.Equal(0, nacks.Collect(200_000, 20_000, lost));
        Assert.Equal(0, nacks.MissingCount);
    }

    [Fact]
    public void Generator_GapBeyondTheList_AsksForAKeyframeInstead()
    {
        var nacks = new NackGenerator(maxMissing: 64);
        nacks.OnPacket(1, 0);
        nacks.OnPacket(2, 0);
        nacks.OnPacket(500, 0);
        Span<ushort> lost = stackalloc ushort[16];

        Assert.Equal(0, nacks.Collect(0, 20_000, lost));
        Assert.True(nacks.TakeKeyframeRequest());
        Assert.False(nacks.TakeKeyframeRequest());
    }

    [Fact]
    public void Generator_SteadyState_AllocatesNothing()
    {
        var nacks = new NackGenerator();
        ushort[] lost = new ushort[64];
        nacks.OnPacket(0, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < 2000; i++)
        {
            if (i % 10 != 0)
            {
                nacks.OnPacket((ushort)i, i * 1_000L);
            }

            nacks.Collect(i * 1_000L, 20_000, lost);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
