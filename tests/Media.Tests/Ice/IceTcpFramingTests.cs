using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Tests.Ice;

public sealed class IceTcpFramingTests
{
    [Fact]
    public void Frame_PrefixesBigEndianLength()
    {
        byte[] frame = IceTcpFraming.Frame(new byte[300]);

        Assert.Equal(302, frame.Length);
        Assert.Equal(0x01, frame[0]);
        Assert.Equal(0x2C, frame[1]);
    }

    [Fact]
    public void TryReadFrame_StreamCutAnywhere_ReturnsTheSamePackets()
    {
        var random = new Random(4571);
        var packets = new List<byte[]>();
        var stream = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            byte[] packet = new byte[random.Next(0, 1500)];
            random.NextBytes(packet);
            packets.Add(packet);
            stream.AddRange(IceTcpFraming.Frame(packet));
        }

        var reader = new IceTcpFrameReader();
        var received = new List<byte[]>();
        byte[] all = stream.ToArray();
        int offset = 0;
        while (offset < all.Length)
        {
            int chunk = Math.Min(random.Next(1, 3000), all.Length - offset);
            reader.Append(all.AsSpan(offset, chunk));
            offset += chunk;
            while (reader.TryReadFrame(out ReadOnlySpan<byte> payload))
            {
                received.Add(payload.ToArray());
            }
        }

        Assert.Equal(packets.Count, received.Count);
        for (int i = 0; i < packets.Count; i++)
        {
            Assert.Equal(packets[i], received[i]);
        }

        Assert.Equal(0, reader.BufferedLength);
    }

    [Fact]
    public void TryReadFrame_IncompleteFrame_WaitsForMore()
    {
        var reader = new IceTcpFrameReader();
        reader.Append([0x00, 0x03, 0xAA]);

        Assert.False(reader.TryReadFrame(out _));
        reader.Append([0xBB, 0xCC]);
        Assert.True(reader.TryReadFrame(out ReadOnlySpan<byte> payload));
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, payload.ToArray());
    }
}
