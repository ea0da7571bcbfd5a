using Dapper;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Rooms.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>The supervisor on a real PostgreSQL and the real (idle) media plane: it sweeps once as soon as it starts,
/// so what the previous process left past its deadline is handled at start-up, not after the supervisor's interval.</summary>
public sealed class SupervisorTests : IAsyncLifetime
{
    private ServiceProvider services = null!;
    private string connectionString = "";
    private MediaPlane? plane;

    public async Task InitializeAsync() =>
        (services, connectionString) = await RoomsDatabase.StartAsync(
            notifier: _ => new NoClients(),
            media: s => plane ??= new MediaPlane(new MediaOptions { UdpPort = 0 }, new NoSignals(), s.GetRequiredService<IMediaObserver>(), TimeProvider.System, null),
            settings: new Dictionary<string, string?>
            {
                // Neither interval comes round within the test: only the sweep at start can end the consultation.
                ["Rooms:SupervisorInterval"] = "01:00:00",
                ["Rooms:SupervisorRestInterval"] = "01:00:00",
            });

    public async Task DisposeAsync()
    {
        plane?.Dispose();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task Start_EndsAConsultationPastItsMaximumDuration_AtOnce_NotAtTheNextInterval()
    {
        var id = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO rooms.appointments (id, practitioner_id, patient_id, starts_at, duration_minutes, price_minor, currency, payer, created_at, updated_at)
                VALUES (@id, 'pr', 'pa', now() - interval '3 hours', 20, 2500, 'EUR', '{"type":"third_party","insurerReference":"ins"}', now(), now());
                INSERT INTO rooms.consultations (appointment_id, state, opened_at, admitted_at)
                VALUES (@id, 'in_progress', now() - interval '3 hours', now() - interval '3 hours');
                """, new { id });
        }
        var supervisor = services.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();

        await supervisor.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("ended", await StateWithinAsync(id, "ended", TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
        }
    }

    private async Task<string> StateWithinAsync(Guid id, string wanted, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        await using var connection = new NpgsqlConnection(connectionString);
        while (true)
        {
            var state = await connection.ExecuteScalarAsync<string>("SELECT state FROM rooms.consultations WHERE appointment_id = @id", new { id });
            if (state == wanted || DateTimeOffset.UtcNow > deadline)
            {
                return state!;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The signaling layer's notifications; no hub client is connected here.</summary>
    private sealed class NoClients : IRoomNotifier
    {
        public Task ParticipantJoinedAsync(AppointmentId appointmentId, ParticipantView participant, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ParticipantLeftAsync(AppointmentId appointmentId, PersonId participantId, DepartureReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WaitingRoomChangedAsync(AppointmentId appointmentId, IReadOnlyList<ParticipantView> waiting, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AdmittedAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ConsultationEndedAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>No participant has a session, so the plane sends no offer.</summary>
    private sealed class NoSignals : IMediaSignalSink
    {
        public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
