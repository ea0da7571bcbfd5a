using Doctolib.Telehealth.Signaling.Hosting;
using Serilog;
using Serilog.Extensions.Logging;

namespace Doctolib.Telehealth.Signaling;

/// <summary>The one database: <c>ConnectionStrings:Telehealth</c> when configured, otherwise the embedded cluster,
/// which is stopped after everything else when the server stops.</summary>
public static class DatabaseSetup
{
    public static async Task<WebApplicationBuilder> AddTelehealthDatabaseAsync(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Telehealth");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            using var loggers = new SerilogLoggerFactory(new LoggerConfiguration().WriteTo.Console().CreateLogger(), dispose: true);
            var logger = loggers.CreateLogger("Doctolib.Telehealth.Signaling.EmbeddedPostgres");
            EmbeddedPostgresLog.UsingEmbedded(logger);
            var options = builder.Configuration.GetSection(EmbeddedPostgresOptions.Section).Get<EmbeddedPostgresOptions>() ?? new();
            var cluster = await EmbeddedPostgres.StartAsync(options, logger, CancellationToken.None);
            connectionString = cluster.ConnectionString(options.Database);
            builder.Services.AddSingleton(cluster);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }
        builder.Services.AddNpgsqlDataSource(connectionString);
        return builder;
    }
}
