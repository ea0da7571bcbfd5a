using Npgsql;

namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary>Registered before every other hosted service, so the host stops it last: the cluster goes down after the
/// workers that use it have stopped. The idle pooled connections are closed first, while the server still answers.</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgres cluster, NpgsqlDataSource dataSource) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        dataSource.Clear();
        return cluster.StopAsync(cancellationToken);
    }
}
