using Doctolib.Telehealth.Rooms.Internal;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>Writing an outbox entry notifies <c>rooms_outbox</c> at commit, so consumers wake without polling; a
/// rolled-back write notifies nobody.</summary>
public sealed class OutboxNotificationTests : IAsyncLifetime
{
    private ServiceProvider services = null!;
    private string connectionString = "";

    public async Task InitializeAsync() => (services, connectionString) = await RoomsDatabase.StartAsync();

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task Enqueue_NotifiesAtCommitOnly()
    {
        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult($"{e.Channel}:{e.Payload}");
        await using (var listen = new NpgsqlCommand($"LISTEN {ConsultationOutboxChannel.Name}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }
        var store = services.GetRequiredService<ConsultationStore>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var rolledBack = new AppointmentId(Guid.NewGuid());
        var committed = new AppointmentId(Guid.NewGuid());

        await using (var db = await Db.BeginAsync(dataSource, CancellationToken.None))
        {
            await store.EnqueueAsync(db, Ended(rolledBack), CancellationToken.None);
        }
        await using (var db = await Db.BeginAsync(dataSource, CancellationToken.None))
        {
            await store.EnqueueAsync(db, Ended(committed), CancellationToken.None);
            await db.CommitAsync(CancellationToken.None);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.Task.IsCompleted)
        {
            await listener.WaitAsync(timeout.Token);
        }

        Assert.Equal($"{ConsultationOutboxChannel.Name}:{committed}", await received.Task);
    }

    private static ConsultationEnded Ended(AppointmentId id) => new(
        id, DateTimeOffset.UtcNow, new("pa"), new("pr"), new Money(2500, "EUR"), new ThirdPartyPayer("ins"), null,
        EndReason.EndedByPractitioner, true, null, TimeSpan.FromSeconds(75));
}
