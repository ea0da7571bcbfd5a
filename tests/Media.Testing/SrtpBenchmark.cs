using System.Diagnostics;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>A micro-benchmark of the SRTP hot path, for a health page or a quick check on a new machine.</summary>
internal static class SrtpBenchmark
{
    /// <summary>Measures protect + unprotect of one RTP packet of <paramref name="packetSize"/> bytes (header
    /// included) and returns microseconds per packet (both operations together). Runs on the calling thread.</summary>
    public static double MeasureMicrosecondsPerPacket(SrtpProfile profile, int packetSize = 1200, int iterations = 20_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetSize, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        int k = SrtpProfileInfo.MasterKeyLength(profile);
        int s = SrtpProfileInfo.MasterSaltLength(profile);
        byte[] material = RandomNumberGenerator.GetBytes(2 * (k + s));
        using var sender = new SrtpSession(SrtpKeys.FromDtlsExport(profile, material, localIsDtlsClient: true));
        using var receiver = new SrtpSession(SrtpKeys.FromDtlsExport(profile, material, localIsDtlsClient: false));
        byte[] plain = new byte[packetSize];
        RandomNumberGenerator.Fill(plain);
        plain[0] = 0x80;
        plain[1] = 96;
        byte[] wire = new byte[packetSize + sender.RtpOverhead];
        byte[] back = new byte[wire.Length];

        int warmup = Math.Min(iterations, 1000);
        RunLoop(sender, receiver, plain, wire, back, 0, warmup);
        long started = Stopwatch.GetTimestamp();
        RunLoop(sender, receiver, plain, wire, back, warmup, iterations);
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations;
    }

    private static void RunLoop(SrtpSession sender, SrtpSession receiver, byte[] plain, byte[] wire, byte[] back, int first, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ushort sequence = (ushort)(first + i);
            plain[2] = (byte)(sequence >> 8);
            plain[3] = (byte)sequence;
            if (!sender.TryProtectRtp(plain, wire, out int written)
                || receiver.TryUnprotectRtp(wire.AsSpan(0, written), back, out _) != SrtpUnprotectResult.Ok)
            {
                throw new InvalidOperationException("SRTP round trip failed during the benchmark.");
            }
        }
    }
}
