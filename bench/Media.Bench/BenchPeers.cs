using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>The peers process: 2 x N test peers in N rooms, signaling with the server over stdin/stdout, all
/// published from one 50 Hz pacing loop; reports loss and one-way latency (peer to server to peer). Each pacing tick
/// also sends one datagram to the server's <see cref="WakeProbe"/>.</summary>
internal static class BenchPeers
{
    private const int WarmupSeconds = 2;
    private static readonly byte[] ProbeDatagram = new byte[16];

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        // Console.In's ReadLineAsync blocks its caller; a StreamReader over the raw stdin stream reads asynchronously.
        using var input = new StreamReader(Console.OpenStandardInput());
        using var output = new StreamWriter(Console.OpenStandardOutput());
        var channel = new LineChannel(input, output);
        var peers = new ConcurrentDictionary<(string Room, string Id), WebRtcTestPeer>();
        var answers = new ConcurrentDictionary<(string Room, string Id), TaskCompletionSource<string>>();
        var reoffersAnswered = new ConcurrentDictionary<(string Room, string Id), int>();
        using var stop = new CancellationTokenSource();
        Task reader = ReadAsync(channel, peers, answers, reoffersAnswered, stop.Token);

        var pairs = new List<(WebRtcTestPeer A, WebRtcTestPeer B)>();
        var options = new TestPeerOptions { VideoBitrate = arguments.VideoBitrate, ConsentInterval = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(60) };
        if (arguments.NoTransportCc)
        {
            options.TransportWideCcExtensionId = 0;
            options.RtxPayloadType = 0;
        }

        for (int i = 0; i < arguments.Sessions; i += 10)
        {
            var joins = new List<Task<WebRtcTestPeer>>();
            for (int j = i; j < Math.Min(arguments.Sessions, i + 10); j++)
            {
                string room = "room-" + j.ToString(CultureInfo.InvariantCulture);
                joins.Add(JoinAsync(channel, peers, answers, room, "a", options));
                joins.Add(JoinAsync(channel, peers, answers, room, "b", options));
            }

            WebRtcTestPeer[] joined = await Task.WhenAll(joins).WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            for (int k = 0; k < joined.Length; k += 2)
            {
                pairs.Add((joined[k], joined[k + 1]));
            }
        }

        var ready = Stopwatch.StartNew();
        while (reoffersAnswered.Count < peers.Count && ready.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        await Task.Delay(500).ConfigureAwait(false);
        WebRtcTestPeer[] all = [.. peers.Values];
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(new IPEndPoint(IPAddress.Loopback, arguments.ProbePort));
        await PaceAsync(all, WarmupSeconds, probe).ConfigureAwait(false);
        Snapshot before = Snapshot.Take(pairs);
        await channel.SendLineAsync("START", CancellationToken.None).ConfigureAwait(false);
        await PaceAsync(all, arguments.Seconds, probe).ConfigureAwait(false);
        await channel.SendLineAsync("END", CancellationToken.None).ConfigureAwait(false);
        await Task.Delay(1000).ConfigureAwait(false);
        Snapshot after = Snapshot.Take(pairs);

        long sent = after.Sent - before.Sent;
        long received = after.Received - before.Received;
        int[] latencies = Latencies(pairs);
        Array.Sort(latencies);
        await channel.SendLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"RESULT measured window: sent {sent} RTP packets, received {received}, lost {Math.Max(0, sent - received)} ({100.0 * Math.Max(0, sent - received) / Math.Max(1, sent):F3} %); re-offered peers {reoffersAnswered.Count}/{peers.Count}"),
            CancellationToken.None).ConfigureAwait(false);
        await channel.SendLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"RESULT latency peer->server->peer over loopback (includes both peers' socket and SRTP work): p50 {Percentile(latencies, 0.50)} us, p99 {Percentile(latencies, 0.99)} us, max {(latencies.Length == 0 ? 0 : latencies[^1])} us over {latencies.Length} packets"),
            CancellationToken.None).ConfigureAwait(false);
        await channel.SendLineAsync("DONE", CancellationToken.None).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (WebRtcTestPeer peer in all)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }

        return received > 0 ? 0 : 1;
    }

    private static async Task<WebRtcTestPeer> JoinAsync(LineChannel channel, ConcurrentDictionary<(string, string), WebRtcTestPeer> peers,
        ConcurrentDictionary<(string, string), TaskCompletionSource<string>> answers, string room, string id, TestPeerOptions options)
    {
        WebRtcTestPeer peer = WebRtcTestPeer.Create(room + "-" + id, options);
        peers[(room, id)] = peer;
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        answers[(room, id)] = answer;
        await channel.SendAsync("OFFER", room, id, peer.CreateOffer(), CancellationToken.None).ConfigureAwait(false);
        string sdp = await answer.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        await peer.ConnectAsync(sdp, CancellationToken.None).ConfigureAwait(false);
        return peer;
    }

    private static async Task ReadAsync(LineChannel channel, ConcurrentDictionary<(string, string), WebRtcTestPeer> peers,
        ConcurrentDictionary<(string, string), TaskCompletionSource<string>> answers, ConcurrentDictionary<(string, string), int> reoffers,
        CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                var key = (message.Room, message.Participant);
                if (message.Verb == "ANSWER" && answers.TryGetValue(key, out TaskCompletionSource<string>? answer))
                {
                    answer.TrySetResult(message.Sdp!);
                }
                else if (message.Verb == "OFFER" && peers.TryGetValue(key, out WebRtcTestPeer? peer))
                {
                    // Not awaited: this loop must keep reading while the answer waits for the pipe (see LineChannel).
                    _ = channel.SendAsync("ANSWER", message.Room, message.Participant, peer.AnswerOffer(message.Sdp!), cancellationToken);
                    reoffers.AddOrUpdate(key, 1, static (_, n) => n + 1);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends exactly seconds x 50 ticks from every peer, each peer at its own phase within the 20 ms tick
    /// (as independent browsers would be), catching up ticks the machine delayed.</summary>
    private static async Task PaceAsync(WebRtcTestPeer[] peers, int seconds, Socket probe)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        long start = Stopwatch.GetTimestamp();
        long tick = Stopwatch.Frequency / WebRtcTestPeer.TicksPerSecond;
        long total = (long)seconds * WebRtcTestPeer.TicksPerSecond;
        long[] sent = new long[peers.Length];
        long remaining = total * peers.Length;
        while (remaining > 0 && await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            long elapsed = Stopwatch.GetTimestamp() - start;
            probe.Send(ProbeDatagram);
            for (int i = 0; i < peers.Length; i++)
            {
                long phase = tick * i / peers.Length;
                long due = elapsed < phase ? 0 : Math.Min(total, 1 + ((elapsed - phase) / tick));
                for (; sent[i] < due; sent[i]++)
                {
                    peers[i].SendTick();
                    remaining--;
                }
            }
        }
    }

    private static int[] Latencies(List<(WebRtcTestPeer A, WebRtcTestPeer B)> pairs)
    {
        var all = new List<int>();
        foreach ((WebRtcTestPeer a, WebRtcTestPeer b) in pairs)
        {
            foreach (ReceivedStream stream in a.Streams)
            {
                all.AddRange(stream.LatencySamples());
            }

            foreach (ReceivedStream stream in b.Streams)
            {
                all.AddRange(stream.LatencySamples());
            }
        }

        return all.ToArray();
    }

    private static int Percentile(int[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>Packets sent by every peer and received by its counterpart, at one moment.</summary>
    private readonly record struct Snapshot(long Sent, long Received)
    {
        public static Snapshot Take(List<(WebRtcTestPeer A, WebRtcTestPeer B)> pairs)
        {
            long sent = 0;
            long received = 0;
            foreach ((WebRtcTestPeer a, WebRtcTestPeer b) in pairs)
            {
                sent += a.AudioPacketsSent + a.VideoPacketsSent + b.AudioPacketsSent + b.VideoPacketsSent;
                received += Count(b, a) + Count(a, b);
            }

            return new Snapshot(sent, received);
        }

        private static long Count(WebRtcTestPeer receiver, WebRtcTestPeer publisher) =>
            (receiver.Stream(publisher.AudioSsrc)?.Packets ?? 0) + (receiver.Stream(publisher.VideoSsrc)?.Packets ?? 0);
    }
}
