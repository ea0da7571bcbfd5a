using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Doctolib.Telehealth.Media.Plane;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>The measured side: a <see cref="MediaPlane"/> on 127.0.0.1 that signals with the peers process over
/// its stdin/stdout and measures its own CPU time, forwarded packets and memory between START and END.</summary>
internal sealed class BenchServer : IMediaSignalSink, IMediaObserver
{
    private readonly ConcurrentDictionary<string, int> _offersPerRoom = new(StringComparer.Ordinal);
    private LineChannel? _channel;
    private MediaPlane? _plane;

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var server = new BenchServer();
        return await server.RunCoreAsync(arguments).ConfigureAwait(false);
    }

    private async Task<int> RunCoreAsync(BenchArguments arguments)
    {
        using var stop = new CancellationTokenSource();
        var options = new MediaOptions { UdpPort = 0, MaxSessions = (arguments.Sessions * 2) + 10, ConsentTimeout = TimeSpan.FromSeconds(30), AsyncReceiveLoop = arguments.AsyncReceive };
        _plane = new MediaPlane(options, this, this, TimeProvider.System, null);
        var latency = new Transport.LatencyHistogram();
        _plane.Socket.ForwardingLatency = latency;
        Task run = _plane.RunAsync(stop.Token);
        Console.WriteLine($"media plane on udp {_plane.LocalEndPoint}; {arguments.Sessions} 1:1 sessions, {arguments.VideoBitrate / 1000} kbps video + 40 kbps audio each way, {arguments.Seconds} s, receive loop {(arguments.AsyncReceive ? "ReceiveFromAsync" : "dedicated thread")}");

        using var probe = new WakeProbe();
        using Process child = StartPeers(arguments with { ProbePort = probe.Port });
        _channel = new LineChannel(child.StandardOutput, child.StandardInput);
        var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = TimeSpan.Zero;
        TimeSpan userStart = TimeSpan.Zero;
        long forwardedStart = 0;
        long receivedStart = 0;
        long started = 0;
        long allocatedStart = 0;
        (long UserUs, long SystemUs) probeCpuStart = default;
        var results = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(arguments.Seconds + 180));
        while (await _channel.ReadAsync(deadline.Token).ConfigureAwait(false) is { } message)
        {
            switch (message.Verb)
            {
                case "OFFER":
                    await OnOfferAsync(message, deadline.Token).ConfigureAwait(false);
                    break;
                case "ANSWER":
                    await _plane.AcceptAnswerAsync(new MediaParticipant(message.Room, message.Participant), message.Sdp!, deadline.Token).ConfigureAwait(false);
                    break;
                case "START":
                    process.Refresh();
                    cpuStart = process.TotalProcessorTime;
                    userStart = process.UserProcessorTime;
                    forwardedStart = _plane.Counters.RtpForwarded;
                    receivedStart = _plane.Counters.RtpReceived;
                    started = Stopwatch.GetTimestamp();
                    allocatedStart = GC.GetTotalAllocatedBytes(precise: false);
                    latency.Reset();
                    probe.Latency.Reset();
                    probeCpuStart = probe.Cpu;
                    break;
                case "END":
                    process.Refresh();
                    (long probeUserUs, long probeSystemUs) = probe.Cpu;
                    double probeUs = probeUserUs - probeCpuStart.UserUs + probeSystemUs - probeCpuStart.SystemUs;
                    double cpuUs = (process.TotalProcessorTime - cpuStart).TotalMicroseconds - probeUs;
                    double userUs = (process.UserProcessorTime - userStart).TotalMicroseconds - (probeUserUs - probeCpuStart.UserUs);
                    double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    long forwarded = _plane.Counters.RtpForwarded - forwardedStart;
                    long received = _plane.Counters.RtpReceived - receivedStart;
                    results.Add(string.Create(CultureInfo.InvariantCulture,
                        $"server: {forwarded} RTP packets forwarded in {seconds:F1} s ({forwarded / seconds:F0} pkt/s), received {received}"));
                    results.Add(string.Create(CultureInfo.InvariantCulture,
                        $"server: process CPU {cpuUs / 1000:F0} ms (the wake probe's {probeUs / 1000:F0} ms left out) = {cpuUs / Math.Max(1, forwarded):F2} us per forwarded packet ({userUs / Math.Max(1, forwarded):F2} user + {(cpuUs - userUs) / Math.Max(1, forwarded):F2} kernel; {cpuUs / 1e6 / seconds * 100:F0} % of one core)"));
                    results.Add(string.Create(CultureInfo.InvariantCulture,
                        $"server: added latency (kernel receive stamp -> forwards handed to sendmmsg), {latency.Count} RTP packets: p50 {latency.Percentile(0.50)} us, p99 {latency.Percentile(0.99)} us, p99.9 {latency.Percentile(0.999)} us"));
                    results.Add(string.Create(CultureInfo.InvariantCulture,
                        $"server: platform share (a bare thread blocked in recvmmsg on its own socket, same load; kernel stamp -> wake), {probe.Latency.Count} probes: p50 {probe.Latency.Percentile(0.50)} us, p99 {probe.Latency.Percentile(0.99)} us, p99.9 {probe.Latency.Percentile(0.999)} us"));
                    results.Add(string.Create(CultureInfo.InvariantCulture,
                        $"server: working set {process.WorkingSet64 / (1024 * 1024)} MiB, GC heap {GC.GetTotalMemory(false) / (1024 * 1024)} MiB, gen0 GCs {GC.CollectionCount(0)}, allocated {(GC.GetTotalAllocatedBytes(precise: false) - allocatedStart) / (double)Math.Max(1, forwarded):F1} bytes per forwarded packet"));
                    break;
                case "RESULT":
                    results.Add("peers: " + message.Line.Substring("RESULT ".Length));
                    break;
                case "DONE":
                    deadline.Cancel();
                    break;
            }

            if (message.Verb == "DONE")
            {
                break;
            }
        }

        var c = _plane.Counters;
        results.Add($"server counters: srtp failures {c.SrtpFailures}, dropped (rtp) {c.RtpDropped}, malformed {c.DroppedMalformed}, unknown source {c.DroppedUnknownSource}, send errors {c.SendErrors}, retransmissions {c.Retransmissions}");
        foreach (string line in results)
        {
            Console.WriteLine(line);
        }

        await child.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
        _plane.Dispose();
        return child.ExitCode;
    }

    private async Task OnOfferAsync(LineChannel.Message message, CancellationToken cancellationToken)
    {
        var participant = new MediaParticipant(message.Room, message.Participant);
        string answer = await _plane!.AcceptOfferAsync(participant, message.Sdp!, cancellationToken).ConfigureAwait(false);
        // Not awaited: the read loop that called this must keep reading while the answer waits for the pipe (see LineChannel).
        _ = _channel!.SendAsync("ANSWER", message.Room, message.Participant, answer, cancellationToken);
        if (_offersPerRoom.AddOrUpdate(message.Room, 1, static (_, n) => n + 1) == 2)
        {
            await _plane.SetAdmittedAsync(message.Room, ["a", "b"], cancellationToken).ConfigureAwait(false);
        }
    }

    private static Process StartPeers(BenchArguments arguments)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this executable to start the peers process.");
        string prefix = Path.GetFileNameWithoutExtension(host) == "dotnet" ? $"\"{typeof(BenchServer).Assembly.Location}\" " : "";
        var start = new ProcessStartInfo(host, prefix + arguments.ToChildArguments())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the peers process.");
    }

    public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) =>
        _channel!.SendAsync("OFFER", participant.RoomId, participant.ParticipantId, offerSdp, cancellationToken);

    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
