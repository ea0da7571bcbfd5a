using System.Globalization;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>Command line of the benchmark: <c>--sessions N --seconds S [--video-bitrate BPS] [--async-receive]
/// [--no-transport-cc]</c> (the last makes the peers offer neither transport-cc nor RTX, as before issue 12);
/// <c>--peers</c> marks the child process that runs the test peers, <c>--probe-port</c> tells it where the
/// server's <see cref="WakeProbe"/> listens.</summary>
internal sealed record BenchArguments(int Sessions, int Seconds, int VideoBitrate, bool PeersProcess, bool AsyncReceive, int ProbePort = 0,
    bool NoTransportCc = false)
{
    public static BenchArguments Parse(string[] args)
    {
        int sessions = 50;
        int seconds = 20;
        int bitrate = 1_500_000;
        bool peers = false;
        bool asyncReceive = false;
        int probePort = 0;
        bool noTransportCc = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sessions":
                    sessions = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--video-bitrate":
                    bitrate = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--async-receive":
                    asyncReceive = true;
                    break;
                case "--probe-port":
                    probePort = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--no-transport-cc":
                    noTransportCc = true;
                    break;
                case "--peers":
                    peers = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument {args[i]}. Use --sessions N --seconds S [--video-bitrate BPS] [--async-receive] [--no-transport-cc].");
            }
        }

        return new BenchArguments(sessions, seconds, bitrate, peers, asyncReceive, probePort, noTransportCc);
    }

    public string ToChildArguments() => string.Create(CultureInfo.InvariantCulture,
        $"--peers --sessions {Sessions} --seconds {Seconds} --video-bitrate {VideoBitrate} --probe-port {ProbePort}{(NoTransportCc ? " --no-transport-cc" : "")}");
}
