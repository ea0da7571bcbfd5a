using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;
using Doctolib.Telehealth.Signaling.Cluster;
using Doctolib.Telehealth.Signaling.Http;
using Doctolib.Telehealth.Signaling.Hubs;
using Doctolib.Telehealth.Signaling.Operations;
using Microsoft.AspNetCore.SignalR;
using OpenTelemetry.Metrics;
using Serilog;

namespace Doctolib.Telehealth.Signaling;

/// <summary>The host's own parts: problem details, SignalR (with a Redis backplane when <c>Redis:Configuration</c>
/// is set), health, metrics, and the endpoints.</summary>
public static class SignalingModule
{
    public static WebApplicationBuilder AddSignaling(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.Customize);
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddExceptionHandler<RoomExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        var signalR = services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = 128 * 1024;
            hub.EnableDetailedErrors = false;
            hub.AddFilter<HubErrorFilter>();
        }).AddJsonProtocol(json => json.PayloadSerializerOptions.UseWireEnums());
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.UseWireEnums();
            json.SerializerOptions.Converters.Add(new SafeStringConverter());
        });
        var redis = builder.Configuration["Redis:Configuration"];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("telehealth"));
        }
        services.AddSingleton<HubErrorFilter>();
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<IRoomNotifier, SignalRRoomNotifier>();
        services.AddSingleton<IMediaSignalSink, SignalRMediaSink>();
        services.AddSingleton<Billing.IPaymentNotifier, SignalRPaymentNotifier>();
        services.AddSingleton<InvitationLinks>();
        services.AddSingleton<MediaMeter>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Doctolib.Telehealth.*")
            .AddPrometheusExporter());
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        services.AddCluster(builder.Configuration);
        return builder;
    }

    public static WebApplication UseTelehealthPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders(app.Configuration);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestGuard();
        app.UseSerilogRequestLogging(options => options.GetLevel = (http, _, error) =>
            error is not null || http.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
            : http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/metrics") ? Serilog.Events.LogEventLevel.Debug
            : Serilog.Events.LogEventLevel.Information);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapSignaling(this WebApplication app)
    {
        app.MapHub<ConsultationHub>("/hubs/consultation");
        app.MapAppointments();
        if (app.Services.GetRequiredService<AuthOptions>().DevTokens)
        {
            app.MapDevTokens();
        }
        app.MapOperations();
        app.MapPages();
        return app;
    }
}
