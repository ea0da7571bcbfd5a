using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Rtp;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>Seeded random corruption of RTP and RTCP input: stamping, RTX unwrapping and NACK reading never throw,
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

    [Fact]
    public void NackReader_RandomBytes_NeverThrow()
    {
        var random = new Random(78);
        byte[] packet = new byte[64];
        int accepted = 0;
        for (int round = 0; round < 5_000; round++)
        {
            random.NextBytes(packet);
            packet[0] = (byte)(0x80 | (random.Next(4) == 0 ? packet[0] & 0x3F : RtcpPacketType.FormatNack));
            packet[1] = RtcpPacketType.TransportFeedback;
            packet[2] = 0;
            packet[3] = (byte)random.Next(0, 16); // length in words - 1, sometimes past the input
            if (GenericNackReader.TryParse(packet.AsSpan(0, random.Next(packet.Length + 1)), out GenericNackReader reader))
            {
                accepted++;
                int lost = 0;
                foreach (ushort _ in reader)
                {
                    lost++;
                }

                Assert.InRange(lost, reader.ItemCount, reader.ItemCount * 17);
            }
        }

        Assert.True(accepted > 0);
    }
}
