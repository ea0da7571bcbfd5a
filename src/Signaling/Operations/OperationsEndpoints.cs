using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Doctolib.Telehealth.Signaling.Operations;

/// <summary><c>/healthz</c> (the process is alive), <c>/readyz</c> (the database answers), <c>/metrics</c> (Prometheus).</summary>
internal static class OperationsEndpoints
{
    public static void MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.Services.GetRequiredService<MediaMeter>();
        app.Services.GetRequiredService<Cluster.NodeMeter>();
    }
}
