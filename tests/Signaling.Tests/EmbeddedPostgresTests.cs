using Doctolib.Telehealth.Signaling.Hosting;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task Embedded_StartedTwiceOnTheSameFolder_KeepsItsDataAndStopsCleanly()
    {
        var folder = Directory.CreateTempSubdirectory("embedded-pg.").FullName;
        var options = new EmbeddedPostgresOptions { DataDirectory = folder, Port = FreePorts.Tcp(), Database = "telehealth" };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var first = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, timeout.Token);
        await ExecuteAsync(first, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        await first.StopAsync(timeout.Token);
        var second = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, timeout.Token);
        try
        {
            Assert.Equal(42, await ExecuteAsync(second, "SELECT v FROM kept"));
        }
        finally
        {
            await second.StopAsync(timeout.Token);
        }
        Assert.False(File.Exists(Path.Combine(folder, "data", "postmaster.pid")));
    }

    [Fact]
    public async Task Embedded_WithoutPostgresInstalled_SaysWhatToInstall()
    {
        var options = new EmbeddedPostgresOptions { DataDirectory = Directory.CreateTempSubdirectory("embedded-pg.").FullName };

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() =>
            EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None, installRoot: "/nonexistent/postgresql"));

        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static async Task<object?> ExecuteAsync(EmbeddedPostgres cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("telehealth") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
