using System.Diagnostics;
using Npgsql;

namespace Doctolib.Telehealth.TestInfrastructure;

/// <summary>One throwaway PostgreSQL cluster per test process, started from the installed binaries (as the
/// <c>postgres</c> OS user when the tests run as root), listening on 127.0.0.1 and on a unix socket in its own
/// folder. Each test class asks it for a fresh database, so tests never see each other's rows.</summary>
public sealed class PostgresServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? shared;
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

    /// <summary>The shared cluster, started on first use and stopped when the test process exits.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            shared ??= await StartAsync();
            return shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database and returns its connection string (unix socket, no password).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref databases)}".ToLowerInvariant();
        var admin = ConnectionString("postgres");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
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

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = PostgresBinaries.Find()
            ?? throw new InvalidOperationException(
                "PostgreSQL is not installed: run `apt-get install -y postgresql` (initdb and pg_ctl are needed).");
        DeleteAbandonedClusters();
        var folder = Directory.CreateTempSubdirectory("pgtest.").FullName;
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false);
            await RunAsync("chmod", ["0755", folder], asPostgres: false);
        }
        var data = Path.Combine(folder, "data");
        await RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            asPostgres);
        var port = FreePorts.Tcp();
        var options = $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=300";
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(folder, "log"), "-w", "-t", "30", "-o", options, "start"], asPostgres);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAndDelete(bin, folder, asPostgres);
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

    private static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        var (exe, argv) = Command(file, args, asPostgres);
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in argv)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}");
        }
    }
}
