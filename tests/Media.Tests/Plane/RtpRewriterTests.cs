using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Tests.Plane;

public sealed class RtpRewriterTests
{
    [Fact]
    public void TryRewrite_WithMappedPayloadTypeAndExtensions_RenumbersAndBlanksTheMid()
    {
        // V=2, X=1, marker + PT 96, seq 1, ts 0, SSRC 0x11223344, one-byte extensions: id 4 (mid "0"), id 2 (3 bytes).
        byte[] packet =
        [
            0x90, 0x80 | 96, 0, 1, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44,
            0xBE, 0xDE, 0, 2, 0x40, (byte)'0', 0x22, 1, 2, 3, 0, 0,
            0xAA, 0xBB,
        ];
        var map = new RtpRewriteMap();
        map.MapPayloadType(96, 100);
        map.MapExtension(4, 0);
        map.MapExtension(2, 3);

        Assert.True(RtpRewriter.TryRewrite(packet, map));

        Assert.Equal(0x80 | 100, packet[1]);
        Assert.Equal([0, 0], packet[16..18]);
        Assert.Equal(0x32, packet[18]);
        Assert.Equal([1, 2, 3], packet[19..22]);
        Assert.Equal([0xAA, 0xBB], packet[24..26]);
    }

    [Fact]
    public void TryRewrite_PayloadTypeTheReceiverLacks_RefusesThePacket()
    {
        byte[] packet = [0x80, 97, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 9];
        var map = new RtpRewriteMap();
        map.MapPayloadType(96, 96);

        Assert.False(RtpRewriter.TryRewrite(packet, map));
    }

    [Fact]
    public void TryRewrite_ExtensionLengthPastTheEnd_LeavesPayloadAlone()
    {
        byte[] packet = [0x90, 96, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 0xBE, 0xDE, 0, 9, 0x40, 1];
        var map = new RtpRewriteMap();
        map.MapPayloadType(96, 96);
        map.MapExtension(4, 0);

        Assert.False(RtpRewriter.TryRewrite(packet, map));
        Assert.Equal(0x40, packet[16]);
    }

    [Fact]
    public void RetransmissionBuffer_KeepsOneSecond_AndForgetsOlderPackets()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var buffer = new RetransmissionBuffer(time, TimeSpan.FromSeconds(1));
        buffer.Store(10, [1, 2, 3]);
        byte[] copy = new byte[1500];

        Assert.Equal(3, buffer.TryCopy(10, copy));
        Assert.Equal(0, buffer.TryCopy(11, copy));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, buffer.TryCopy(10, copy));
    }
}
