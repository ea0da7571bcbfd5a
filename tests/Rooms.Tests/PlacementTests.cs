using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>Where a room's media lives, in <c>rooms.placements</c>: the first placement holds, a move is a compare-and-set
/// on the node, and a move ends each open live-media interval at its last relay mark (what a dead node cannot write).</summary>
public sealed class PlacementTests : IAsyncLifetime
{
    private ServiceProvider services = null!;
    private string connectionString = "";

    private IRoomPlacements Placements => services.GetRequiredService<IRoomPlacements>();

    public async Task InitializeAsync() => (services, connectionString) = await RoomsDatabase.StartAsync(notifier: _ => new NoRoomClients());


    public async Task DisposeAsync() => await services.DisposeAsync();

    private async Task<AppointmentId> ConsultationAsync(string state = "in_progress")
    {
        var id = Guid.NewGuid();
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync(
            """
            INSERT INTO rooms.appointments (id, practitioner_id, patient_id, starts_at, duration_minutes, price_minor, currency, payer, created_at, updated_at)
            VALUES (@id, 'pr', 'pa', now(), 20, 2500, 'EUR', '{"type":"third_party","insurerReference":"x"}', now(), now());
            INSERT INTO rooms.consultations (appointment_id, state, opened_at) VALUES (@id, @state, now());
            INSERT INTO rooms.participants (appointment_id, participant_id, kind, state, admitted) VALUES
                (@id, 'pa', 'patient', 'admitted', true), (@id, 'pr', 'practitioner', 'disconnected', true), (@id, 'g', 'guest', 'waiting', false);
            """, new { id, state });
        return new AppointmentId(id);
    }

    [Fact]
    public async Task Place_Twice_TheFirstPlacementHolds()
    {
        var id = await ConsultationAsync();

        var first = await Placements.PlaceAsync(id, "a", CancellationToken.None);
        var second = await Placements.PlaceAsync(id, "b", CancellationToken.None);

        Assert.Equal("a", first);
        Assert.Equal("a", second);
        Assert.Equal("a", await Placements.NodeOfAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Move_FromTheNodeItIsOn_MovesAndReturnsWhoToRelay_AStaleMoveDoesNothing()
    {
        var id = await ConsultationAsync();
        await Placements.PlaceAsync(id, "a", CancellationToken.None);

        var moved = await Placements.MoveAsync(id, "a", "b", "node_lost", CancellationToken.None);
        var stale = await Placements.MoveAsync(id, "a", "c", "node_lost", CancellationToken.None);

        Assert.NotNull(moved);
        Assert.Equal("b", moved.Node);
        Assert.Equal(["pa", "pr"], moved.Admitted.Order(StringComparer.Ordinal));
        Assert.Null(stale);
        Assert.Equal("b", await Placements.NodeOfAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Move_EndsOpenLiveMediaAtTheLastRelayMark_NotAtTheMove()
    {
        var id = await ConsultationAsync();
        await Placements.PlaceAsync(id, "a", CancellationToken.None);
        var up = DateTime.UtcNow.AddSeconds(-30);
        var mark = up.AddSeconds(20);
        await using (var db = new NpgsqlConnection(connectionString))
        {
            await db.ExecuteAsync(
                """
                INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id) VALUES (@id, @up, 'media_up', 'pa'), (@id, @up, 'media_up', 'pr');
                INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail) VALUES (@id, @mark, 'media_down', 'pr', 'media_stopped');
                INSERT INTO rooms.media_marks (appointment_id, participant_id, last_relayed_at, node_id) VALUES (@id, 'pa', @mark, 'a');
                """, new { id = id.Value, up, mark });
        }

        await Placements.MoveAsync(id, "a", "b", "node_lost", CancellationToken.None);

        await using var check = new NpgsqlConnection(connectionString);
        var downs = (await check.QueryAsync<(string Participant, DateTime At, string Detail)>(
            "SELECT participant_id, at, detail FROM rooms.timeline WHERE appointment_id = @id AND kind = 'media_down' ORDER BY seq", new { id = id.Value })).AsList();
        Assert.Equal(2, downs.Count);
        Assert.Equal(("pa", "node_lost"), (downs[1].Participant, downs[1].Detail));
        Assert.Equal(mark, downs[1].At.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task RoomsOff_ListsOnlyUnendedRoomsOfNodesNotLive()
    {
        var onDead = await ConsultationAsync();
        var onLive = await ConsultationAsync();
        var ended = await ConsultationAsync(state: "ended");
        await Placements.PlaceAsync(onDead, "dead", CancellationToken.None);
        await Placements.PlaceAsync(onLive, "a", CancellationToken.None);
        await Placements.PlaceAsync(ended, "dead", CancellationToken.None);

        var off = await Placements.RoomsOffAsync(["a", "b"], CancellationToken.None);

        Assert.Equal([(onDead, "dead")], off);
    }
}
