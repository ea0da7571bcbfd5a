using Dapper;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Rooms.Internal;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>The supervisor on a real PostgreSQL and the real (idle) media plane: it sweeps once as soon as it starts,
/// so what the previous process left past its deadline is handled at start-up, and afterwards when the next deadline
/// comes, not on every interval. Its commands are counted with Npgsql's own tracing.</summary>
public sealed class SupervisorTests : IAsyncLifetime
{
    private ServiceProvider? services;
    private string connectionString = "";
    private MediaPlane? plane;

    public Task InitializeAsync() => StartAsync(interval: "01:00:00");

    /// <summary>Neither interval comes round within a test unless it says so: <paramref name="interval"/> is the
    /// shortest time between sweeps, the longest is <paramref name="rest"/>, an hour unless it says otherwise.</summary>
    private async Task StartAsync(string interval, string grace = "00:00:30", string rest = "01:00:00")
    {
        if (services is not null)
        {
            await DisposeAsync();
            plane = null;
        }
        (services, connectionString) = await RoomsDatabase.StartAsync(
            notifier: _ => new NoRoomClients(),
            media: s => plane ??= new MediaPlane(new MediaOptions { UdpPort = 0 }, new NoSignals(), s.GetRequiredService<IMediaObserver>(), TimeProvider.System, null),
            settings: new Dictionary<string, string?>
            {
                ["Rooms:SupervisorInterval"] = interval,
                ["Rooms:SupervisorRestInterval"] = rest,
                ["Rooms:ReconnectGrace"] = grace,
            });
    }

    public async Task DisposeAsync()
    {
        plane?.Dispose();
        if (services is not null)
        {
            await services.DisposeAsync();
        }
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
        var supervisor = services!.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();

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

    /// <summary>A single node has no other instance whose work it must look for: with nothing timed it sleeps its
    /// safety-net interval, not the 30 s rest interval, which is for several nodes (each look costs a server at rest
    /// about 20 ms of CPU).</summary>
    [Fact]
    public async Task SingleNode_NothingTimed_SleepsTenMinutes_NotTheRestIntervalOfSeveralNodes()
    {
        await StartAsync(interval: "00:00:01", rest: "00:00:30");
        var supervisor = services!.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();

        await supervisor.SweepAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(10), ConsultationSupervisor.SingleNodeRestInterval);
        Assert.Equal(ConsultationSupervisor.SingleNodeRestInterval, supervisor.NextWait());
    }

    [Fact]
    public async Task ConsultationInProgress_WithEveryoneConnected_IsNotSweptOnEveryInterval()
    {
        await StartAsync(interval: "00:00:00.050");
        var id = await InProgressAsync("'admitted', NULL", "'admitted', NULL");
        var supervisor = services!.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();

        await supervisor.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            // Nothing is due before the maximum duration (90 min): no sweep, where one per 50 ms interval was the rule.
            Assert.Equal(0, await CommandsDuringAsync(TimeSpan.FromSeconds(2)));
            Assert.Equal("in_progress", await StateWithinAsync(id, "in_progress", TimeSpan.Zero));
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task DroppedParticipant_IsMarkedLeft_WhenTheirGraceEnds_WithoutAnyWakeUp()
    {
        await StartAsync(interval: "00:00:00.050", grace: "00:00:01");
        var id = await InProgressAsync("'admitted', NULL", "'disconnected', now()");
        var supervisor = services!.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();

        await supervisor.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            string? state;
            await using var connection = new NpgsqlConnection(connectionString);
            do
            {
                await Task.Delay(100);
                state = await connection.ExecuteScalarAsync<string>(
                    "SELECT state FROM rooms.participants WHERE appointment_id = @id AND participant_id = 'pa'", new { id });
            }
            while (state != "left" && DateTimeOffset.UtcNow < deadline);
            Assert.Equal("left", state);
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A consultation in progress with the practitioner ('pr') and the patient ('pa') in the given states
    /// (each "state, disconnected_at").</summary>
    private async Task<Guid> InProgressAsync(string practitioner, string patient)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(
            $$"""
            INSERT INTO rooms.appointments (id, practitioner_id, patient_id, starts_at, duration_minutes, price_minor, currency, payer, created_at, updated_at)
            VALUES (@id, 'pr', 'pa', now(), 20, 2500, 'EUR', '{"type":"third_party","insurerReference":"ins"}', now(), now());
            INSERT INTO rooms.consultations (appointment_id, state, opened_at, admitted_at) VALUES (@id, 'in_progress', now(), now());
            INSERT INTO rooms.participants (appointment_id, participant_id, kind, state, admitted, joined_at, disconnected_at) VALUES
                (@id, 'pr', 'practitioner', {{practitioner.Split(',')[0]}}, true, now(), {{practitioner.Split(',')[1]}}),
                (@id, 'pa', 'patient', {{patient.Split(',')[0]}}, true, now(), {{patient.Split(',')[1]}});
            """, new { id });
        return id;
    }

    /// <summary>Commands the supervisor sent to this test's database over <paramref name="duration"/> (a probe
    /// command of the test's own shows the count is live).</summary>
    private async Task<int> CommandsDuringAsync(TimeSpan duration)
    {
        using var counter = new NpgsqlCommandCounter(connectionString);
        await using (var probe = new NpgsqlConnection(connectionString))
        {
            await probe.ExecuteScalarAsync<int>("SELECT 1");
        }
        await Task.Delay(duration);
        var seen = counter.Commands;
        Assert.True(seen >= 1, "the tracing listener did not see the probe command");
        return seen - 1;
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
}
