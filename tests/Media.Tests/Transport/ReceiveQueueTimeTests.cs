using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Tests.Transport;

/// <summary>The shared UDP socket tells its handler how long each datagram waited in the receive queue (from the
/// kernel's receive stamp), so arrival times reported in transport feedback stay true while the loop is held up.</summary>
public sealed class ReceiveQueueTimeTests
{
    [Fact]
    public async Task BatchReceiveLoop_HeldUpByAHandler_ReportsTheQueuedTimeOfWhatArrivedMeanwhile()
    {
        Assert.True(LinuxBatchIo.IsSupported, "the receive loop with kernel stamps is the Linux x64 one (recvmmsg)");
        using var socket = new UdpMediaSocket(new IPEndPoint(IPAddress.Loopback, 0), new MediaCounters());
        var handler = new HoldingHandler();
        using var stop = new CancellationTokenSource();
        Task loop = socket.StartReceiveThread(handler, stop.Token);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        // The first datagram holds the loop; three more arrive, some time apart, while it is held. The test thread sleeps
        // rather than awaits: a continuation on a starved thread pool (a loaded CI box, many tests starting at once) can
        // come a second late, and a wait of over a second is what the socket reads as a stepped clock and reports as 0.
        sender.SendTo([0], socket.LocalEndPoint);
        Assert.True(handler.Holding.Wait(TimeSpan.FromSeconds(10)), "the loop never read the first datagram");
        var held = System.Diagnostics.Stopwatch.StartNew();
        for (byte i = 1; i <= 3; i++)
        {
            sender.SendTo([i], socket.LocalEndPoint);
            Thread.Sleep(30);
        }

        Thread.Sleep(100);
        handler.Release.Set();
        TimeSpan heldFor = held.Elapsed;
        Assert.True(await WaitAsync(() => handler.Queued.Count == 4), $"handled {handler.Queued.Count} of 4");
        await stop.CancelAsync();
        socket.Dispose();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Dictionary<byte, long> queued = handler.Queued.ToDictionary(p => p.Key, p => p.Value);
        // Each waited for the held loop; the earlier one arrived, the longer it waited.
        Assert.True(queued[1] > queued[2] && queued[2] > queued[3] && queued[3] > 0,
            $"queued µs: {string.Join(", ", queued.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}; datagrams 1 to 3 were sent over the {heldFor.TotalMilliseconds:0} ms before the loop was let go");
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        return condition();
    }

    private sealed class HoldingHandler : IDatagramHandler
    {
        public ManualResetEventSlim Holding { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public ConcurrentDictionary<byte, long> Queued { get; } = new();

        public void OnDatagram(Span<byte> datagram, SocketAddress source, long queuedMicros)
        {
            Queued[datagram[0]] = queuedMicros;
            if (datagram[0] == 0)
            {
                Holding.Set();
                Release.Wait(TimeSpan.FromSeconds(10));
            }
        }
    }
}
