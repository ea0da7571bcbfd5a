using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtpExtensionValuesTests
{
    [Fact]
    public void ReadersAndMid_OnTheFullPacket()
    {
        byte[] packet = RtpHeaderTests.FullPacket;
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));

        Assert.True(RtpExtensionValues.TryReadAbsSendTime(packet, header, 3, out uint absSendTime));
        Assert.Equal(0x010203u, absSendTime);
        Assert.False(RtpExtensionValues.TryReadTransportSequence(packet, header, 3, out _));
        Assert.True(RtpExtensionValues.TryFindMid(packet, header, 4, out ReadOnlySpan<byte> mid));
        Assert.True(RtpExtensionValues.MidEquals(mid, "1"));
        Assert.False(RtpExtensionValues.MidEquals(mid, "10"));
        Assert.Equal("1", RtpExtensionValues.MidToString(mid));
    }

    [Fact]
    public void WriteAbsSendTime_OneAndAHalfSeconds_Is6Point18FixedPoint()
    {
        byte[] value = new byte[3];

        RtpExtensionValues.WriteAbsSendTime(value, TimeSpan.FromSeconds(1.5));

        Assert.Equal(new byte[] { 0x06, 0x00, 0x00 }, value);
    }
}
