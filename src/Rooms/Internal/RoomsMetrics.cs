using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The Rooms meter: rooms open, participants connected and consultations by state (gauges read from the
/// last snapshot the supervisor took), plus join and departure counters.</summary>
internal sealed class RoomsMetrics
{
    public const string MeterName = "Doctolib.Telehealth.Rooms";
    private static readonly string[] States =
        [WireFormat.Text(ConsultationState.Open), WireFormat.Text(ConsultationState.InProgress), WireFormat.Text(ConsultationState.Ended)];
    private readonly NpgsqlDataSource dataSource;
    private readonly Counter<long> joins;
    private readonly Counter<long> departures;
    private volatile Snapshot snapshot = new(0, 0, 0, new Dictionary<string, long>());

    public RoomsMetrics(IMeterFactory meters, NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        var meter = meters.Create(MeterName);
        joins = meter.CreateCounter<long>("telehealth.participant.joins", description: "Participants who joined a room");
        departures = meter.CreateCounter<long>("telehealth.participant.departures", description: "Participants who left or dropped");
        meter.CreateObservableGauge("telehealth.rooms.open", () => snapshot.RoomsOpen, description: "Rooms open or in progress");
        meter.CreateObservableGauge("telehealth.participants.connected", () => snapshot.Connected, description: "Participants connected to a room");
        meter.CreateObservableGauge("telehealth.consultations", ObserveStates, description: "Consultations by state");
    }

    public void ParticipantConnected() => joins.Add(1);

    public void ParticipantDisconnected() => departures.Add(1);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var states = (await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(
            "SELECT state, count(*) FROM rooms.consultations GROUP BY state", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.State, r => r.Count);
        var (connected, disconnected) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            "SELECT count(*) FILTER (WHERE state IN ('waiting', 'admitted')), count(*) FILTER (WHERE state = 'disconnected') FROM rooms.participants",
            cancellationToken: cancellationToken));
        snapshot = new Snapshot(states.GetValueOrDefault(States[0]) + states.GetValueOrDefault(States[1]), connected, disconnected, states);
    }

    private IEnumerable<Measurement<long>> ObserveStates()
    {
        var current = snapshot;
        foreach (var state in States)
        {
            yield return new Measurement<long>(current.ByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state));
        }
    }

    private sealed record Snapshot(long RoomsOpen, long Connected, long Disconnected, IReadOnlyDictionary<string, long> ByState);
}
