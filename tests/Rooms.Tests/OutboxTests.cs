using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>The outbox's consumer contract, on a real PostgreSQL: each entry goes to one consumer, in order per
/// appointment, and a failing handler leaves the entry for the next try.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private ServiceProvider services = null!;
    private string connectionString = "";

    public async Task InitializeAsync() => (services, connectionString) = await RoomsDatabase.StartAsync();

    public async Task DisposeAsync() => await services.DisposeAsync();

    private async Task EnqueueAsync(Guid appointment, string kind, int count = 1)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        for (var i = 0; i < count; i++)
        {
            ConsultationEvent payload = kind == "admitted"
                ? new PatientAdmitted(new AppointmentId(appointment), DateTimeOffset.UtcNow, new("pa"), new("pr"), new Money(2500, "EUR"), new CardPayer("cus", "pm"))
                : new ConsultationEnded(new AppointmentId(appointment), DateTimeOffset.UtcNow, new("pa"), new("pr"), new Money(2500, "EUR"),
                    new ThirdPartyPayer("ins"), null, EndReason.EndedByPractitioner, true, null, TimeSpan.FromSeconds(75));
            await connection.ExecuteAsync(
                "INSERT INTO rooms.outbox (event_id, appointment_id, kind, payload, created_at) VALUES (@e, @a, @k, @p::jsonb, now())",
                new { e = Guid.NewGuid(), a = appointment, k = payload.GetType().Name, p = System.Text.Json.JsonSerializer.Serialize(payload, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)) });
        }
    }

    [Fact]
    public async Task ProcessNext_RoundTripsTheEventWithItsPayer()
    {
        var appointment = Guid.NewGuid();
        await EnqueueAsync(appointment, "ended");
        var outbox = services.GetRequiredService<IConsultationOutbox>();
        ConsultationEvent? seen = null;

        Assert.True(await outbox.ProcessNextAsync((entry, _, _) => { seen = entry.Event; return Task.CompletedTask; }, CancellationToken.None));

        var ended = Assert.IsType<ConsultationEnded>(seen);
        Assert.Equal(new ThirdPartyPayer("ins"), ended.Payer);
        Assert.Equal(TimeSpan.FromSeconds(75), ended.LiveMediaTogether);
        Assert.False(await outbox.ProcessNextAsync((_, _, _) => Task.CompletedTask, CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNext_HandlerThrows_EntryStaysForTheNextTry()
    {
        await EnqueueAsync(Guid.NewGuid(), "ended");
        var outbox = services.GetRequiredService<IConsultationOutbox>();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            outbox.ProcessNextAsync((_, _, _) => throw new InvalidOperationException("crash"), CancellationToken.None));

        Assert.True(await outbox.ProcessNextAsync((_, _, _) => Task.CompletedTask, CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNext_ManyConcurrentConsumers_HandEachEntryToExactlyOneInOrderPerAppointment()
    {
        var appointments = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        foreach (var appointment in appointments)
        {
            await EnqueueAsync(appointment, "admitted");
            await EnqueueAsync(appointment, "ended");
        }
        var outbox = services.GetRequiredService<IConsultationOutbox>();
        var handled = new System.Collections.Concurrent.ConcurrentQueue<(long Seq, Guid Appointment, string Kind)>();

        async Task ConsumeAsync()
        {
            var idle = 0;
            while (idle < 3)
            {
                var worked = await outbox.ProcessNextAsync(async (entry, _, ct) =>
                {
                    await Task.Delay(5, ct);
                    handled.Enqueue((entry.Sequence, entry.Event.AppointmentId.Value, entry.Event.GetType().Name));
                }, CancellationToken.None);
                idle = worked ? 0 : idle + 1;
                if (!worked)
                {
                    await Task.Delay(20);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ConsumeAsync())).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(40, handled.Count);
        Assert.Equal(40, handled.Select(h => h.Seq).Distinct().Count());
        foreach (var appointment in appointments)
        {
            var order = handled.Where(h => h.Appointment == appointment).Select(h => h.Kind).ToList();
            Assert.Equal(["PatientAdmitted", "ConsultationEnded"], order);
        }
    }
}
