using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>A fresh database of the shared test cluster, migrated, with the Rooms module on it. The notifier and the
/// media plane belong to other modules: unless a test gives its own, any use of them throws.</summary>
internal static class RoomsDatabase
{
    public static async Task<(ServiceProvider Services, string ConnectionString)> StartAsync(
        Func<IServiceProvider, IRoomNotifier>? notifier = null, Func<IServiceProvider, IMediaPlane>? media = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("rooms");
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddNpgsqlDataSource(connectionString)
            .AddSingleton(notifier ?? (_ => throw new InvalidOperationException("not used here")))
            .AddSingleton(media ?? (_ => throw new InvalidOperationException("not used here")))
            .AddRooms(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build())
            .BuildServiceProvider();
        await services.MigrateRoomsAsync(CancellationToken.None);
        return (services, connectionString);
    }
}

/// <summary>The signaling layer's notifications, for tests where no hub client is connected.</summary>
internal sealed class NoRoomClients : IRoomNotifier
{
    public Task ParticipantJoinedAsync(AppointmentId appointmentId, ParticipantView participant, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ParticipantLeftAsync(AppointmentId appointmentId, PersonId participantId, DepartureReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WaitingRoomChangedAsync(AppointmentId appointmentId, IReadOnlyList<ParticipantView> waiting, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AdmittedAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ConsultationEndedAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>For a media plane where no participant has a session: it sends no offer.</summary>
internal sealed class NoSignals : IMediaSignalSink
{
    public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) => Task.CompletedTask;
}
