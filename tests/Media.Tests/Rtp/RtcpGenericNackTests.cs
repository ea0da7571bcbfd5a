using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

/// <summary>RFC 4585 §6.2.1 Generic NACK as a list of lost sequence numbers: PID names a lost packet, bit i of BLP
/// names PID + i + 1.</summary>
public sealed class RtcpGenericNackTests
{
    private static List<int> Lost(ReadOnlySpan<byte> packet)
    {
        Assert.True(RtcpGenericNack.TryParse(packet, out RtcpGenericNack nack));
        var lost = new List<int>();
        foreach (ushort sequence in nack)
        {
            lost.Add(sequence);
        }

        return lost;
    }

    [Fact]
    public void Enumerator_PidAndBitmask_YieldsEveryLostSequence()
    {
        // PID 100, BLP 0x0005 (bits 0 and 2); PID 65535, BLP 0x8000 (bit 15 -> 65535 + 16 = 15).
        byte[] nack = Hex.Parse("81 cd 00 04 00 00 00 01 00 00 00 02 00 64 00 05 ff ff 80 00");

        Assert.Equal([100, 101, 103, 65535, 15], Lost(nack));
        Assert.True(RtcpGenericNack.TryParse(nack, out RtcpGenericNack parsed));
        Assert.Equal(2u, parsed.MediaSsrc);
        Assert.Equal(2, parsed.ItemCount);
    }

    [Fact]
    public void WriteLost_PacksRunsIntoPidAndBitmask()
    {
        byte[] buffer = new byte[64];

        int length = RtcpGenericNack.WriteLost(buffer, 1, 2, [100, 101, 103, 120, 65535, 0]);

        Assert.Equal(Hex.Parse("81 cd 00 05 00 00 00 01 00 00 00 02 00 64 00 05 00 78 00 00 ff ff 00 01"), buffer[..length]);
    }

    [Fact]
    public void WriteLost_Output_ReadsBackAsTheSameItemsAndSequences()
    {
        byte[] buffer = new byte[256];
        ushort[] lost = [5, 6, 7, 22, 23, 40];

        int length = RtcpGenericNack.WriteLost(buffer, 1, 2, lost);

        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, length), out RtcpGenericNack parsed));
        var expanded = new List<ushort>();
        for (int i = 0; i < parsed.ItemCount; i++)
        {
            RtcpNackItem item = parsed.GetItem(i);
            expanded.Add(item.PacketId);
            for (int bit = 0; bit < 16; bit++)
            {
                if ((item.LostBitmask & (1 << bit)) != 0)
                {
                    expanded.Add((ushort)(item.PacketId + bit + 1));
                }
            }
        }

        Assert.Equal(lost, expanded);
        Assert.Equal(lost.Select(s => (int)s), Lost(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void WriteLost_NothingLost_WritesNothing()
    {
        Assert.Equal(0, RtcpGenericNack.WriteLost(new byte[64], 1, 2, []));
    }

    [Fact]
    public void WriteLost_BufferTooSmall_WritesNothing()
    {
        Assert.Equal(0, RtcpGenericNack.WriteLost(new byte[RtcpGenericNack.MaxLength(1) - 1], 1, 2, [7]));
        Assert.Equal(0, RtcpGenericNack.WriteLost(new byte[RtcpGenericNack.MaxLength(1)], 1, 2, [7, 100]));
        Assert.Equal(RtcpGenericNack.MaxLength(2), RtcpGenericNack.WriteLost(new byte[RtcpGenericNack.MaxLength(2)], 1, 2, [7, 100]));
    }

    [Fact]
    public void TryParse_OtherFeedback_IsRejected()
    {
        byte[] pli = Hex.Parse("81 ce 00 02 00 00 00 01 00 00 00 02");

        Assert.False(RtcpGenericNack.TryParse(pli, out _));
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrowsAndYieldsOneToSeventeenPerItem()
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
            if (RtcpGenericNack.TryParse(packet.AsSpan(0, random.Next(packet.Length + 1)), out RtcpGenericNack reader))
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
