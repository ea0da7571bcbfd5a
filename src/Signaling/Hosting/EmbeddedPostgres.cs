using System.Diagnostics;
using Npgsql;

namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary>A private PostgreSQL cluster run from the installed binaries: created on first start (initdb), started
/// with the server, stopped when the server stops. When the process runs as root the cluster runs as the
/// <c>postgres</c> OS user, since PostgreSQL refuses to run as root.</summary>
internal sealed partial class EmbeddedPostgres(string folder, string binaries, int port, bool asPostgres, ILogger logger) : IAsyncDisposable
{
    private int stopped;

    private string Data => Path.Combine(folder, "data");

    /// <summary>The unix socket folder; a connection string with <c>Host=</c> this folder uses it.</summary>
    public string SocketFolder => folder;

    public int Port => port;

    public static async Task<EmbeddedPostgres> StartAsync(
        EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken, string installRoot = "/usr/lib/postgresql")
    {
        var binaries = FindBinaries(installRoot) ?? throw new EmbeddedPostgresException(
            "PostgreSQL is not installed: install it with `sudo apt-get install -y postgresql` (the server needs its initdb and pg_ctl), " +
            "or set ConnectionStrings__Telehealth to use an existing database.");
        var folder = options.ResolveDataDirectory();
        var asPostgres = Environment.UserName == "root";
        var server = new EmbeddedPostgres(folder, binaries, options.Port, asPostgres, logger);
        await server.InitialiseAsync(cancellationToken);
        await server.StartClusterAsync(cancellationToken);
        await server.CreateDatabaseAsync(options.Database, cancellationToken);
        return server;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = folder,
        Port = port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }
        EmbeddedPostgresLog.Stopping(logger, folder);
        await RunAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "-t", "30", "stop"], cancellationToken, throwOnError: false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        if (asPostgres)
        {
            await RunRootAsync("chown", ["postgres:postgres", folder], cancellationToken);
            await RunRootAsync("chmod", ["0755", folder], cancellationToken);
        }
        if (File.Exists(Path.Combine(Data, "PG_VERSION")))
        {
            return;
        }
        EmbeddedPostgresLog.Creating(logger, folder);
        await RunAsync("initdb", ["-D", Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], cancellationToken);
    }

    private async Task StartClusterAsync(CancellationToken cancellationToken)
    {
        if (await RunAsync("pg_ctl", ["-D", Data, "status"], cancellationToken, throwOnError: false) == 0)
        {
            EmbeddedPostgresLog.StaleCluster(logger, folder);
            await RunAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"], cancellationToken, throwOnError: false);
        }
        var settings = $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200";
        await RunAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "60", "-o", settings, "start"], cancellationToken);
        EmbeddedPostgresLog.Started(logger, folder, port);
    }

    private async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string? FindBinaries(string installRoot)
    {
        if (!Directory.Exists(installRoot))
        {
            return null;
        }
        return Directory.GetDirectories(installRoot)
            .Select(v => Path.Combine(v, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault();
    }

    private Task<int> RunAsync(string tool, string[] args, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var file = Path.Combine(binaries, tool);
        return asPostgres
            ? ExecAsync("runuser", ["-u", "postgres", "--", file, .. args], throwOnError, cancellationToken)
            : ExecAsync(file, args, throwOnError, cancellationToken);
    }

    private static Task<int> RunRootAsync(string file, string[] args, CancellationToken cancellationToken) =>
        ExecAsync(file, args, throwOnError: true, cancellationToken);

    private static async Task<int> ExecAsync(string file, string[] args, bool throwOnError, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new EmbeddedPostgresException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
        return process.ExitCode;
    }
}

/// <summary>The embedded cluster could not be created or started; the message says what to do.</summary>
internal sealed class EmbeddedPostgresException(string message) : Exception(message);
