namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary>Registered before every other hosted service, so the host stops it last: the cluster goes down after the
/// workers that use it have stopped.</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgres cluster) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => cluster.StopAsync(cancellationToken);
}
