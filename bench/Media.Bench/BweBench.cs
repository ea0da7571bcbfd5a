using System.Diagnostics;
using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary><c>--bwe</c>: CPU and allocation per packet of the Media/Bwe parts on the paths they will sit on
/// (stamping a forwarded packet, recording an arrival and writing feedback, the send-side estimator, RTX wrapping,
/// the NACK generator). Single-threaded, in process; prints ns and bytes allocated per packet.</summary>
internal static class BweBench
{
    private const int Packets = 2_000_000;

    public static int Run()
    {
        Console.WriteLine($"Media/Bwe micro-benchmark, {Packets:N0} packets per case, 1,200-byte packets");
        Measure("stamp transport seq (copy + insert)", StampCase());
        Measure("feedback builder (arrival + feedback every 50 ms)", BuilderCase());
        Measure("estimator (sent + feedback every 50 ms)", EstimatorCase());
        Measure("rtx wrap", RtxCase());
        Measure("nack generator (1 % loss, collect every 20 packets)", NackCase());
        return 0;
    }

    private static void Measure(string name, Action<int> perPacket)
    {
        for (int i = 0; i < 100_000; i++)
        {
            perPacket(i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Packets; i++)
        {
            perPacket(i);
        }

        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Packets;
        double bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / Packets;
        Console.WriteLine($"  {name,-52} {ns,8:F1} ns/packet {bytes,6:F2} B/packet");
    }

    private static byte[] MediaPacket()
    {
        byte[] packet = new byte[1200];
        packet[0] = 0x90;
        packet[1] = 96;
        packet[12] = 0xBE;
        packet[13] = 0xDE;
        packet[15] = 1;
        packet[16] = 0x40 | 0; // id 4, one byte (mid)
        packet[17] = (byte)'1';
        return packet;
    }

    private static Action<int> StampCase()
    {
        byte[] source = MediaPacket();
        byte[] destination = new byte[1500];
        return i => TransportWideSequence.TryStamp(source, destination, 5, (ushort)i, out _);
    }

    private static Action<int> BuilderCase()
    {
        var builder = new TransportFeedbackBuilder(1);
        byte[] buffer = new byte[1500];
        return i =>
        {
            long now = i * 1_000L;
            builder.OnPacket((ushort)i, now, 2);
            if (builder.IsDue(now))
            {
                while (builder.WriteFeedback(now, buffer) > 0)
                {
                }
            }
        };
    }

    private static Action<int> EstimatorCase()
    {
        var estimator = new SendSideBandwidthEstimator();
        var builder = new TransportFeedbackBuilder(1);
        byte[] buffer = new byte[1500];
        return i =>
        {
            long now = i * 1_000L;
            estimator.OnPacketSent((ushort)i, 1200, now);
            builder.OnPacket((ushort)i, now + 20_000, 2);
            if (builder.IsDue(now))
            {
                int length;
                while ((length = builder.WriteFeedback(now, buffer)) > 0)
                {
                    estimator.OnTransportFeedback(buffer.AsSpan(0, length), now);
                }
            }
        };
    }

    private static Action<int> RtxCase()
    {
        byte[] source = MediaPacket();
        byte[] destination = new byte[1500];
        return i => RtxPacket.TryWrap(source, destination, 9, (ushort)i, 97, out _);
    }

    private static Action<int> NackCase()
    {
        var nacks = new NackGenerator();
        ushort[] lost = new ushort[64];
        return i =>
        {
            if (i % 100 != 7)
            {
                nacks.OnPacket((ushort)i, i * 1_000L);
            }

            if (i % 20 == 0)
            {
                nacks.Collect(i * 1_000L, 50_000, lost);
            }
        };
    }
}
