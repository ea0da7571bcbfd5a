using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>The platform's own share of the added latency: a bare thread in the server process that blocks in the same
/// recvmmsg the media plane uses, on a socket of its own, and does nothing with what it reads. The peers process sends it
/// one datagram per pacing tick, so it sees the same load as the media socket; the kernel-stamp-to-wake latency it records
/// is what any blocking receiver on this machine pays before the server's code runs at all.</summary>
internal sealed class WakeProbe : IDisposable
{
    private const int RusageThread = 1;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _userUs;
    private long _systemUs;

    public WakeProbe()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveTimeout = 250;
        LinuxBatchIo.EnableTimestamps(_socket);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Run) { IsBackground = true, Name = "bench-wake-probe" };
        _thread.Start();
    }

    public int Port { get; }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>The probe thread's own user and system CPU time (µs) as of its last wake, so the bench can leave it
    /// out of the server's.</summary>
    public (long UserUs, long SystemUs) Cpu => (Interlocked.Read(ref _userUs), Interlocked.Read(ref _systemUs));

    private void Run()
    {
        using var receive = new LinuxBatchIo();
        nint fd = _socket.SafeHandle.DangerousGetHandle();
        while (!_stopped)
        {
            int count = receive.Receive(fd, withTimestamps: true);
            if (count <= 0)
            {
                continue;
            }

            long nowNs = LinuxBatchIo.RealtimeNowNs();
            for (int i = 0; i < count; i++)
            {
                long stamp = receive.KernelTimestampNs(i);
                if (stamp > 0)
                {
                    Latency.Record(Math.Max(0, (nowNs - stamp) / 1000));
                }
            }

            RecordOwnCpu();
        }
    }

    private void RecordOwnCpu()
    {
        // struct rusage starts with ru_utime and ru_stime, two struct timevals (seconds, microseconds); 18 longs in all.
        Span<long> usage = stackalloc long[18];
        if (getrusage(RusageThread, ref MemoryMarshal.GetReference(usage)) == 0)
        {
            Interlocked.Exchange(ref _userUs, (usage[0] * 1_000_000) + usage[1]);
            Interlocked.Exchange(ref _systemUs, (usage[2] * 1_000_000) + usage[3]);
        }
    }

    [DllImport("libc")]
    private static extern int getrusage(int who, ref long usage);

    public void Dispose()
    {
        _stopped = true;
        _thread.Join(TimeSpan.FromSeconds(1));
        _socket.Dispose();
    }
}
