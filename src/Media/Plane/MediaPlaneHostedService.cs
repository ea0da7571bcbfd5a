using Microsoft.Extensions.Hosting;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Owns the plane's long-running work (receive loop, event pump, consent and feedback timer) for the
/// host's lifetime.</summary>
internal sealed class MediaPlaneHostedService(MediaPlane plane) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => plane.RunAsync(stoppingToken);
}
