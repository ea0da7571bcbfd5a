using Dapper;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Media.Plane;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>An admission on a real PostgreSQL and the real media plane: the patient offers as soon as it hears
/// <c>Admitted</c>, so the media plane must know of the admission before that event goes out.</summary>
public sealed class AdmissionOrderTests : IAsyncLifetime
{
    private readonly AdmittedRecorder notifier = new();
    private ServiceProvider services = null!;
    private string connectionString = "";
    private MediaPlane? plane;

    public async Task InitializeAsync()
    {
        (services, connectionString) = await RoomsDatabase.StartAsync(
            notifier: _ => notifier,
            media: s => plane ??= new MediaPlane(new MediaOptions { UdpPort = 0 }, new NoSignals(), s.GetRequiredService<IMediaObserver>(), TimeProvider.System, null));
        notifier.Plane = () => plane!;
    }

    public async Task DisposeAsync()
    {
        plane?.Dispose();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task Admit_TheMediaPlaneHasThePatientAdmitted_BeforeTheAdmittedEventGoesOut()
    {
        var id = new AppointmentId(Guid.NewGuid());
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO rooms.appointments (id, practitioner_id, patient_id, starts_at, duration_minutes, price_minor, currency, payer, created_at, updated_at)
                VALUES (@id, 'pr', 'pa', now(), 20, 2500, 'EUR', '{"type":"third_party","insurerReference":"ins"}', now(), now());
                """, new { id = id.Value });
        }
        var rooms = services.GetRequiredService<IConsultationRooms>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var practitioner = new Caller(new PersonId("pr"), CallerRole.Practitioner);
        await rooms.JoinAsync(id, practitioner, "connection-pr", timeout.Token);
        await rooms.JoinAsync(id, new Caller(new PersonId("pa"), CallerRole.Patient), "connection-pa", timeout.Token);

        await rooms.AdmitAsync(id, practitioner, new PersonId("pa"), timeout.Token);

        var (who, admittedThen) = Assert.Single(notifier.Admitted);
        Assert.Equal("pa", who);
        Assert.Equal(["pa", "pr"], admittedThen.Order(StringComparer.Ordinal));
    }

    /// <summary>At each Admitted event, the room's admitted set as the media plane has it at that moment.</summary>
    private sealed class AdmittedRecorder : IRoomNotifier
    {
        public Func<MediaPlane> Plane { get; set; } = null!;

        public List<(string Who, string[] AdmittedThen)> Admitted { get; } = [];

        public Task AdmittedAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken)
        {
            Admitted.Add((participantId.Value, Plane().Negotiator.AdmittedIn(appointmentId.ToString())));
            return Task.CompletedTask;
        }

        public Task ParticipantJoinedAsync(AppointmentId appointmentId, ParticipantView participant, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ParticipantLeftAsync(AppointmentId appointmentId, PersonId participantId, DepartureReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WaitingRoomChangedAsync(AppointmentId appointmentId, IReadOnlyList<ParticipantView> waiting, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ConsultationEndedAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
