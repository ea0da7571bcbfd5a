using System.Reflection;
using DbUp;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctolib.Telehealth.Rooms;

/// <summary>The Rooms module's public face: registration and the schema migration.</summary>
public static class RoomsModule
{
    /// <summary>Registers appointments, the consultation lifecycle, its supervisor, the timeline and the outbox.
    /// Needs an <see cref="NpgsqlDataSource"/>, a <see cref="TimeProvider"/>, an <see cref="IRoomNotifier"/> and an
    /// <see cref="IMediaPlane"/> from the host.</summary>
    public static IServiceCollection AddRooms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoomsOptions>().Bind(configuration.GetSection(RoomsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoomsOptions>, RoomsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRoomsNode, LoneNode>();
        services.AddSingleton<RoomsMetrics>();
        services.AddSingleton<SupervisorWakeup>();
        services.AddSingleton<ConsultationStore>();
        services.AddSingleton<ConsultationService>();
        services.AddSingleton<IConsultationRooms>(sp => sp.GetRequiredService<ConsultationService>());
        services.AddSingleton<IAppointments, AppointmentStore>();
        services.AddSingleton<IConsultationOutbox, OutboxStore>();
        services.AddSingleton<IConsultationTimeline, TimelineStore>();
        services.AddSingleton<IMediaObserver, MediaTimelineObserver>();
        services.AddSingleton<IRoomPlacements, RoomPlacementStore>();
        services.AddHostedService<ConsultationSupervisor>();
        return services;
    }

    /// <summary>Applies the <c>rooms</c> schema's migrations (DbUp, journal in <c>rooms.schema_versions</c>).</summary>
    public static async Task MigrateRoomsAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Doctolib.Telehealth.Rooms.Migrations");
        // Several nodes may start at once on a new database: one migrates while the others wait on the advisory lock
        // (without it two DbUp runs race on CREATE TABLE and a node fails to start).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(7452002); CREATE SCHEMA IF NOT EXISTS rooms", connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        DbUp.Engine.DatabaseUpgradeResult result;
        try
        {
            result = DeployChanges.To
                .PostgresqlDatabase(dataSource.ConnectionString)
                .JournalToPostgresqlTable("rooms", "schema_versions")
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogTo(logger)
                .Build()
                .PerformUpgrade();
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7452002)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        if (!result.Successful)
        {
            throw new InvalidOperationException($"The rooms schema migration failed at {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
        }
    }
}
