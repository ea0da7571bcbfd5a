using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Testing;
using Xunit.Abstractions;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

public sealed class SrtpPerformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void ProtectAndUnprotect_SteadyState_AllocateNothingPerPacket(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtp(0, 0x42, 1188);
            byte[] wire = new byte[plain.Length + 16];
            byte[] back = new byte[wire.Length];
            Assert.Equal(100, RoundTrips(sender, receiver, plain, wire, back, 0, 100));

            long before = GC.GetAllocatedBytesForCurrentThread();
            int delivered = RoundTrips(sender, receiver, plain, wire, back, 100, 1000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(1000, delivered);
            Assert.Equal(0, allocated);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Benchmark_1200BytePackets_RunsAndReportsPositiveCost(SrtpProfile profile)
    {
        double micros = SrtpBenchmark.MeasureMicrosecondsPerPacket(profile, 1200, 5000);
        output.WriteLine($"{profile}: {micros:F2} µs per protect+unprotect of a 1,200-byte packet");
        Assert.InRange(micros, 0.01, 1000);
    }

    private static int RoundTrips(SrtpSession sender, SrtpSession receiver, byte[] plain, byte[] wire, byte[] back, int first, int count)
    {
        int delivered = 0;
        for (int i = first; i < first + count; i++)
        {
            plain[2] = (byte)(i >> 8);
            plain[3] = (byte)i;
            if (sender.TryProtectRtp(plain, wire, out int written)
                && receiver.TryUnprotectRtp(wire.AsSpan(0, written), back, out _) == SrtpUnprotectResult.Ok)
            {
                delivered++;
            }
        }

        return delivered;
    }
}
