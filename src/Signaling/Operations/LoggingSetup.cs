using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Doctolib.Telehealth.Signaling;

/// <summary>Serilog as the sink of Microsoft.Extensions.Logging: readable lines in development, compact JSON
/// otherwise. Each host keeps its own logger (the static one is left alone, so hosts side by side in one process,
/// as in the tests, do not share sinks). ASP.NET Core's own request lines are kept at Warning because they would print query strings (where a
/// SignalR client carries its access token); the request log below prints the path only.</summary>
public static class LoggingSetup
{
    public static WebApplicationBuilder AddTelehealthLogging(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("Npgsql", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogEventLevel.Fatal)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With<ControlCharacterEscaper>();
            if (development)
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
            else
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
        }, preserveStaticLogger: true);
        return builder;
    }
}
