using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Rtp;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>Seeded random corruption of RTP and RTCP input: stamping and RTX unwrapping never throw,
/// and whatever they accept still parses.</summary>
public sealed class PacketInputFuzzTests
{
    [Fact]
    public void StampAndRtx_CorruptedRtp_NeverThrowAndOutputParses()
    {
        var random = new Random(56);
        byte[] output = new byte[256];
        int stamped = 0;
        for (int round = 0; round < 5_000; round++)
        {
            byte[] packet = (byte[])RtpHeaderTests.FullPacket.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                packet[random.Next(packet.Length)] ^= (byte)(1 << random.Next(8));
            }

            ReadOnlySpan<byte> input = packet.AsSpan(0, random.Next(packet.Length + 1));
            if (TransportWideSequence.TryStamp(input, output, random.Next(1, 15), 7, out int written))
            {
                stamped++;
                Assert.True(RtpHeader.TryParse(output.AsSpan(0, written), out _));
            }

            if (RtxPacket.TryUnwrap(input, output, 1, 96, out _, out written))
            {
                Assert.True(RtpHeader.TryParse(output.AsSpan(0, written), out _));
            }
        }

        Assert.True(stamped > 0);
    }
}
