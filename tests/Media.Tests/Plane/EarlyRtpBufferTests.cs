using Doctolib.Telehealth.Media.Plane;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Packets that come before the server has its DTLS keys are kept, in order with their arrival times, and
/// handed over once.</summary>
public sealed class EarlyRtpBufferTests
{
    [Fact]
    public void Take_AfterPacketsWereKept_GivesThemInOrderWithTheirArrivalTimes()
    {
        var buffer = new EarlyRtpBuffer();
        Assert.True(buffer.TryAdd([1, 2, 3], arrivalMicros: 1_000));
        Assert.True(buffer.TryAdd([4, 5], arrivalMicros: 1_250));

        Assert.Equal(2, buffer.Take());
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.Packet(0, out long first).ToArray());
        Assert.Equal(1_000, first);
        Assert.Equal(new byte[] { 4, 5 }, buffer.Packet(1, out long second).ToArray());
        Assert.Equal(1_250, second);
    }

    [Fact]
    public void TryAdd_AfterTake_RefusesThePacket()
    {
        var buffer = new EarlyRtpBuffer();
        Assert.True(buffer.TryAdd([1], 0));
        Assert.Equal(1, buffer.Take());

        Assert.False(buffer.TryAdd([2], 10));
        Assert.Equal(1, buffer.Count);
    }

    [Fact]
    public void TryAdd_PastCapacity_RefusesTheRest()
    {
        var buffer = new EarlyRtpBuffer();
        for (int i = 0; i < EarlyRtpBuffer.Capacity; i++)
        {
            Assert.True(buffer.TryAdd([(byte)i], i));
        }

        Assert.False(buffer.TryAdd([0xff], EarlyRtpBuffer.Capacity));
        Assert.Equal(EarlyRtpBuffer.Capacity, buffer.Take());
    }
}
