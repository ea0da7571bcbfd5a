using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Finds (and makes) a room's placement: the first media call of a room places it on the least-loaded serving
/// node; a room placed on a dead or draining node is moved (compare-and-set in PostgreSQL), the new node learns who is
/// admitted, and the room's clients get <c>MediaMoved</c> so they start their media over with the new node.</summary>
internal sealed partial class RoomRouter(
    IRoomPlacements placements,
    NodeRegistry registry,
    NodeIdentity node,
    MediaRelay relay,
    AudioOnlyChoices audioOnly,
    PlacementCache cache,
    IHubContext<ConsultationHub, IConsultationClient> hub,
    ILogger<RoomRouter> logger)
{
    /// <summary>The node that carries the room's media. With <paramref name="place"/> false (closing calls) a room with no
    /// placement, or placed on a dead node, gives null: there is nothing there to close. <paramref name="suspect"/> is a
    /// node that just failed to take a call for the room: if it is silent (<see cref="NodeRegistry.IsSilentAsync"/>) it
    /// counts as lost at once, without waiting for its entry to expire. A placement found live is kept in
    /// <see cref="PlacementCache"/> until a move is announced or a call to it fails; <paramref name="suspect"/> (or
    /// <paramref name="fresh"/>) reads it again.</summary>
    public async Task<string?> NodeForAsync(string roomId, bool place, CancellationToken cancellationToken, string? suspect = null, bool fresh = false)
    {
        if (!Guid.TryParse(roomId, out var guid))
        {
            return node.Id;
        }
        if (suspect is not null || fresh)
        {
            cache.Forget(roomId);
        }
        else if (cache.TryGet(roomId, out var cached))
        {
            return cached;
        }
        var version = cache.Version;
        var (found, keep) = await PlacementOfAsync(new AppointmentId(guid), place, suspect, cancellationToken);
        if (found is not null && keep)
        {
            cache.Remember(roomId, found, version);
        }
        return found;
    }

    /// <summary>Drops the room's cached placement: the next call reads it from PostgreSQL.</summary>
    public void Forget(string roomId) => cache.Forget(roomId);

    private async Task<(string? Node, bool Keep)> PlacementOfAsync(AppointmentId id, bool place, string? suspect, CancellationToken cancellationToken)
    {
        var current = await placements.NodeOfAsync(id, cancellationToken);
        if (current is null && !place)
        {
            return (null, false);
        }
        var nodes = await registry.LiveAsync();
        if (suspect is not null && suspect != node.Id && await registry.IsSilentAsync(suspect))
        {
            nodes = [.. nodes.Where(n => n.Id != suspect)];
        }
        var record = current is null ? null : nodes.FirstOrDefault(n => n.Id == current);
        if (record is not null && record.IsServing)
        {
            return (current, true);
        }
        if (record is not null && !place)
        {
            // A closing call may still reach a draining node's sessions; not kept, the room is about to move.
            return (current, false);
        }
        if (!place)
        {
            return (null, false);
        }
        if (current is null)
        {
            var chosen = await placements.PlaceAsync(id, Choose(nodes, exclude: null) ?? node.Id, cancellationToken);
            Placed(logger, id.Value, chosen);
            return (chosen, true);
        }
        return (await MoveAsync(id, current, record is null ? "node_lost" : "moved", nodes, mayStay: false, cancellationToken), false);
    }

    /// <summary>Moves the room off <paramref name="from"/> (or, with <paramref name="mayStay"/>, re-places it, possibly on
    /// the same node after a restart). Returns the node it is on afterwards.</summary>
    public async Task<string> MoveAsync(
        AppointmentId id, string from, string reason, IReadOnlyList<NodeRecord> nodes, bool mayStay, CancellationToken cancellationToken)
    {
        var to = Choose(nodes, exclude: mayStay ? null : from);
        if (to is null)
        {
            NoNodeToMoveTo(logger, id.Value, from);
            return from;
        }
        var move = await placements.MoveAsync(id, from, to, reason, cancellationToken);
        if (move is null)
        {
            return await placements.NodeOfAsync(id, cancellationToken) ?? to;
        }
        Moved(logger, id.Value, from, to, reason);
        try
        {
            await cache.PublishMovedAsync(id.ToString());
        }
        catch (StackExchange.Redis.RedisException)
        {
            // The other nodes learn of it when the old node refuses their next call for the room (RoomMovedAwayException).
        }
        try
        {
            var choices = await audioOnly.OfAsync(id.ToString());
            await relay.CallAsync(to, new MediaRequest(Guid.NewGuid(), node.Id, MediaRequest.Admitted, id.ToString(),
                Participants: move.Admitted, AudioOnlyParticipants: [.. choices.Where(move.Admitted.Contains)]), cancellationToken);
        }
        catch (Exception error) when (error is MediaNodeUnavailableException or StackExchange.Redis.RedisException)
        {
            // The next join or admission sends the admitted set (and the audio-only choices) again.
        }
        await hub.Clients.Group(ConsultationHub.Group(id)).MediaMoved(id.Value);
        return to;
    }

    /// <summary>The least-loaded serving node: fewest media sessions, then least CPU, then id.</summary>
    public static string? Choose(IReadOnlyList<NodeRecord> nodes, string? exclude) =>
        nodes.Where(n => n.IsServing && n.Id != exclude)
            .OrderBy(n => n.Sessions).ThenBy(n => n.Cpu).ThenBy(n => n.Id, StringComparer.Ordinal)
            .FirstOrDefault()?.Id;

    [LoggerMessage(2110, LogLevel.Information, "Room {AppointmentId} placed on node {Node}")]
    private static partial void Placed(ILogger logger, Guid appointmentId, string node);

    [LoggerMessage(2111, LogLevel.Information, "Room {AppointmentId} moved from node {From} to node {To} ({Reason})")]
    private static partial void Moved(ILogger logger, Guid appointmentId, string from, string to, string reason);

    [LoggerMessage(2112, LogLevel.Warning, "Room {AppointmentId} stays on node {From}: no other node is serving")]
    private static partial void NoNodeToMoveTo(ILogger logger, Guid appointmentId, string from);
}
