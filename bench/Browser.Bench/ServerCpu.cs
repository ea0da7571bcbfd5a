using System.Globalization;

/// <summary>Follows one process's CPU by thread, from /proc/&lt;pid&gt;/task/*/schedstat (ns on the CPU). Threads are
/// read four times a second while <see cref="FollowAsync"/> runs, and a thread that ends keeps its last figure, so a
/// short-lived one (the tiered-compilation worker comes and goes) is counted up to its last read.</summary>
internal sealed class ServerCpu(int pid)
{
    private readonly Dictionary<string, (string Name, long Ns)> _seen = [];
    private readonly Lock _lock = new();

    /// <summary>CPU so far by thread name, in ms.</summary>
    public Dictionary<string, double> Snapshot()
    {
        Read();
        var result = new Dictionary<string, double>();
        lock (_lock)
        {
            foreach (var (name, ns) in _seen.Values)
            {
                result[name] = result.GetValueOrDefault(name) + (ns / 1e6);
            }
        }
        return result;
    }

    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Read();
            await Task.Delay(250, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));

    private void Read()
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return;
        }
        foreach (var task in tasks)
        {
            try
            {
                var ns = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                lock (_lock)
                {
                    _seen[Path.GetFileName(task)] = (name, ns);
                }
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read: its last figure stays.
            }
        }
    }
}
