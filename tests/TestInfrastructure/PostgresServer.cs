using System.Diagnostics;
using Npgsql;

namespace Doctolib.Telehealth.TestInfrastructure;

/// <summary>One throwaway PostgreSQL cluster per test process, started from the installed binaries (as the
/// <c>postgres</c> OS user when the tests run as root), listening on 127.0.0.1 and on a unix socket in its own
/// folder. Each test class asks it for a fresh database, so tests never see each other's rows.</summary>
public sealed class PostgresServer
{
    private static readonly Lock Gate = new();
    private static Task<PostgresServer>? starting;
    private readonly string folder;
    private readonly int port;
    private int databases;

    private PostgresServer(string folder, int port)
    {
        this.folder = folder;
        this.port = port;
    }

    /// <summary>Where the cluster's unix socket lives; works from inside a private network namespace too.</summary>
    public string SocketFolder => folder;

    public int Port => port;

    /// <summary>How long the one-time start of the shared cluster may take. It is not part of any test's own time
    /// limit: it happens once per test process, on a machine that may be cold (a fresh CI machine spent over 40 s on
    /// it while the test that came first timed out after its 30 s).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The shared cluster, started on first use and stopped when the test process exits. A caller's
    /// <paramref name="cancellationToken"/> stops its own wait, not the start that other tests share.</summary>
    public static async Task<PostgresServer> GetAsync(CancellationToken cancellationToken = default)
    {
        Task<PostgresServer> start;
        lock (Gate)
        {
            if (starting is null || starting.IsFaulted || starting.IsCanceled)
            {
                starting = Task.Run(StartAsync);
            }
            start = starting;
        }
        return await start.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an empty database and returns its connection string (unix socket, no password).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref databases)}".ToLowerInvariant();
        var admin = ConnectionString("postgres");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = folder,
            Port = port,
            Username = "postgres",
            Database = database,
            Pooling = true,
            MaxPoolSize = 50,
        }.ConnectionString;

    /// <summary>Runs initdb and pg_ctl on the thread pool, away from the test framework's few threads, within
    /// <see cref="StartTimeout"/>; a start that fails or times out says which step took how long.</summary>
    private static async Task<PostgresServer> StartAsync()
    {
        var bin = PostgresBinaries.Find()
            ?? throw new InvalidOperationException(
                "PostgreSQL is not installed: run `apt-get install -y postgresql` (initdb and pg_ctl are needed).");
        using var deadline = new CancellationTokenSource(StartTimeout);
        var steps = new List<string>();
        var clock = Stopwatch.StartNew();
        async Task Step(string name, string file, string[] args, bool asPostgres)
        {
            var started = clock.Elapsed;
            try
            {
                await RunAsync(file, args, asPostgres, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
                steps.Add($"{name} {(clock.Elapsed - started).TotalSeconds:0.0} s (did not finish)");
                throw new InvalidOperationException(
                    $"The test PostgreSQL cluster did not start within {StartTimeout.TotalSeconds:0} s: {string.Join(", ", steps)}. {e.Message}", e);
            }
            steps.Add($"{name} {(clock.Elapsed - started).TotalSeconds:0.0} s");
        }

        var folder = Directory.CreateTempSubdirectory("pgtest.").FullName;
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await Step("chown", "chown", ["-R", "postgres:postgres", folder], asPostgres: false).ConfigureAwait(false);
            await Step("chmod", "chmod", ["0755", folder], asPostgres: false).ConfigureAwait(false);
        }
        var data = Path.Combine(folder, "data");
        await Step("initdb", Path.Combine(bin, "initdb"),
            ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            asPostgres).ConfigureAwait(false);
        var port = FreePorts.Tcp();
        var options = $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=300";
        await Step("pg_ctl start", Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "120", "-o", options, "start"], asPostgres).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAndDelete(bin, folder, asPostgres);
        // Earlier processes' leftovers can be many folders of hundreds of megabytes: removing them is not on the way
        // to the first test.
        _ = Task.Run(DeleteAbandonedClusters);
        return new PostgresServer(folder, port);
    }

    /// <summary>Stops the cluster and removes its folder: each test process's databases take hundreds of megabytes,
    /// and a developer's machine runs many test processes a day.</summary>
    private static void StopAndDelete(string bin, string folder, bool asPostgres)
    {
        var data = Path.Combine(folder, "data");
        var (file, args) = Command(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres);
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (process is null || !process.WaitForExit(10_000) || process.ExitCode != 0)
        {
            return; // a cluster that may still run keeps its folder
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS's temp cleaner
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes the folders of earlier test processes whose cluster no longer runs: a test host that is
    /// killed, or stopped before its exit handler finished, leaves one behind. A folder younger than ten minutes may
    /// belong to a process still running initdb, so it stays.</summary>
    private static void DeleteAbandonedClusters()
    {
        foreach (var candidate in Directory.EnumerateDirectories(Path.GetTempPath(), "pgtest.*"))
        {
            try
            {
                var folder = new DirectoryInfo(candidate);
                if (DateTime.UtcNow - folder.CreationTimeUtc < TimeSpan.FromMinutes(10) || IsRunning(Path.Combine(candidate, "data")))
                {
                    continue;
                }
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsRunning(string data)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (!int.TryParse(firstLine, out var pid))
        {
            return true; // being written: treat as running
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static (string File, string[] Args) Command(string file, string[] args, bool asPostgres) =>
        asPostgres ? ("runuser", ["-u", "postgres", "--", file, .. args]) : (file, args);

    private static async Task RunAsync(string file, string[] args, bool asPostgres, CancellationToken cancellationToken)
    {
        var (exe, argv) = Command(file, args, asPostgres);
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in argv)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }
}
