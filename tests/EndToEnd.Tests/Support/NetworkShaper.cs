using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>Which way a limit applies, seen from the browser whose UDP port is matched.</summary>
internal enum ShapedDirection
{
    /// <summary>Packets the browser sends (source port = the browser's port).</summary>
    Uplink,

    /// <summary>Packets the browser receives (destination port = the browser's port).</summary>
    Downlink,
}

/// <summary>One rate limit in force: its HTB class (and filter priority, the same number).</summary>
internal sealed record ShapedLimit(int ClassMinor, int Port, ShapedDirection Direction, int Kbit);

/// <summary>What a limit's class let through and dropped so far (from <c>tc -s class show</c>).</summary>
internal sealed record ShapedCounters(long SentBytes, long SentPackets, long Dropped);

/// <summary>Shapes one browser's uplink or downlink on <c>lo</c> inside the private network namespace: an HTB root whose
/// default class is unlimited, and per limit a class of N kbit with a 30-packet queue and a <c>u32</c> filter on the
/// browser's UDP port (read from getStats). netem does not exist on these machines: a rate limit with a short queue
/// gives delay and loss the way a real bottleneck does (TESTING.md). Shared by the browser tests and bench/Browser.Bench.
/// Refuses to touch any namespace that has an interface other than loopback.</summary>
internal sealed class NetworkShaper : IAsyncDisposable
{
    /// <summary>The queue behind each limit, in packets: short, so the limit drops instead of adding seconds of delay.</summary>
    public const int QueuePackets = 30;

    private readonly List<ShapedLimit> limits = [];
    private int nextMinor = 20;
    private bool disposed;

    private NetworkShaper()
    {
    }

    public IReadOnlyList<ShapedLimit> Limits => limits;

    /// <summary>Puts the HTB root on <c>lo</c> (replacing whatever root qdisc was there).</summary>
    public static async Task<NetworkShaper> StartAsync(CancellationToken cancellationToken)
    {
        RequireLoopbackOnly();
        await TcAsync("qdisc del dev lo root", cancellationToken, ignoreFailure: true);
        await TcAsync("qdisc add dev lo root handle 1: htb default 10", cancellationToken);
        await TcAsync("class add dev lo parent 1: classid 1:10 htb rate 10gbit", cancellationToken);
        return new NetworkShaper();
    }

    /// <summary>Limits the packets from (uplink) or to (downlink) UDP <paramref name="port"/> to <paramref name="kbit"/>.</summary>
    public async Task<ShapedLimit> LimitAsync(int port, ShapedDirection direction, int kbit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kbit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var limit = new ShapedLimit(nextMinor++, port, direction, kbit);
        var rate = kbit.ToString(CultureInfo.InvariantCulture) + "kbit";
        var match = direction == ShapedDirection.Uplink ? "sport" : "dport";
        await TcAsync($"class add dev lo parent 1: classid 1:{limit.ClassMinor} htb rate {rate} ceil {rate}", cancellationToken);
        await TcAsync($"qdisc add dev lo parent 1:{limit.ClassMinor} handle {limit.ClassMinor}: pfifo limit {QueuePackets}", cancellationToken);
        await TcAsync($"filter add dev lo parent 1: protocol ip prio {limit.ClassMinor} u32 match ip protocol 17 0xff " +
                      $"match ip {match} {port} 0xffff flowid 1:{limit.ClassMinor}", cancellationToken);
        limits.Add(limit);
        return limit;
    }

    /// <summary>Lifts one limit: its packets go back to the unlimited default class.</summary>
    public async Task RemoveAsync(ShapedLimit limit, CancellationToken cancellationToken)
    {
        if (!limits.Remove(limit))
        {
            throw new InvalidOperationException($"Limit 1:{limit.ClassMinor} is not in force.");
        }
        await TcAsync($"filter del dev lo parent 1: protocol ip prio {limit.ClassMinor}", cancellationToken);
        await TcAsync($"qdisc del dev lo parent 1:{limit.ClassMinor} handle {limit.ClassMinor}:", cancellationToken);
        await TcAsync($"class del dev lo classid 1:{limit.ClassMinor}", cancellationToken);
    }

    /// <summary>Lifts every limit.</summary>
    public async Task RemoveAllAsync(CancellationToken cancellationToken)
    {
        foreach (var limit in limits.ToArray())
        {
            await RemoveAsync(limit, cancellationToken);
        }
    }

    /// <summary>What the limit's class sent and dropped so far.</summary>
    public static async Task<ShapedCounters> CountersAsync(ShapedLimit limit, CancellationToken cancellationToken)
    {
        var text = await TcAsync($"-s class show dev lo classid 1:{limit.ClassMinor}", cancellationToken);
        // " Sent 123456 bytes 789 pkt (dropped 12, overlimits 34 requeues 0)"
        var words = text.Split([' ', '\n', '(', ')', ','], StringSplitOptions.RemoveEmptyEntries);
        long sentBytes = 0, sentPackets = 0, dropped = 0;
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (words[i] == "Sent" && i + 3 < words.Length)
            {
                sentBytes = long.Parse(words[i + 1], CultureInfo.InvariantCulture);
                sentPackets = long.Parse(words[i + 3], CultureInfo.InvariantCulture);
            }
            else if (words[i] == "dropped")
            {
                dropped = long.Parse(words[i + 1], CultureInfo.InvariantCulture);
            }
        }
        return new ShapedCounters(sentBytes, sentPackets, dropped);
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        limits.Clear();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await TcAsync("qdisc del dev lo root", timeout.Token, ignoreFailure: true);
    }

    private static void RequireLoopbackOnly()
    {
        var others = File.ReadAllLines("/proc/self/net/dev")
            .Skip(2)
            .Select(line => line.Split(':', 2)[0].Trim())
            .Where(name => name.Length > 0 && name != "lo")
            .ToArray();
        if (others.Length > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to shape traffic: this network namespace has interfaces other than loopback ({string.Join(", ", others)}). " +
                "Run inside `unshare -n` (see TESTING.md).");
        }
    }

    private static async Task<string> TcAsync(string arguments, CancellationToken cancellationToken, bool ignoreFailure = false)
    {
        var start = new ProcessStartInfo("tc")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(word);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start tc (Debian package iproute2).");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        var error = await stderr;
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"tc {arguments} failed ({process.ExitCode}): {error.Trim()}");
        }
        return new StringBuilder(output).Append(error).ToString();
    }
}
