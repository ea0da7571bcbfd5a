namespace Doctolib.Telehealth.Rooms;

/// <summary>Which node this process is, given by the host. With <see cref="Shared"/> false (one node, no registry) the
/// start-up sweep touches every participant and every open media interval, as a lone server must; with it true, only
/// this node's (and a dead node's, through <see cref="IRoomPlacements"/>).</summary>
public interface IRoomsNode
{
    string Id { get; }

    bool Shared { get; }
}

/// <summary>Where each room's media lives, recorded in the <c>rooms</c> schema so that every node agrees. A placement is
/// inserted if absent and replaced only by compare-and-set on its node, so two nodes moving one room never both win.</summary>
public interface IRoomPlacements
{
    /// <summary>The node the room is placed on, or null if it has none yet.</summary>
    Task<string?> NodeOfAsync(AppointmentId appointmentId, CancellationToken cancellationToken);

    /// <summary>Places the room on <paramref name="node"/> unless it already has a placement; returns the placement that
    /// holds (this one or the one another node made first).</summary>
    Task<string> PlaceAsync(AppointmentId appointmentId, string node, CancellationToken cancellationToken);

    /// <summary>Moves the room from <paramref name="from"/> to <paramref name="to"/> if it is still on
    /// <paramref name="from"/> (compare-and-set). In the same transaction every live-media interval still open in the
    /// room is ended at its last relay mark with <paramref name="reason"/> (<c>moved</c>, <c>node_lost</c>,
    /// <c>server_restart</c>), so billing counts only what was relayed. Null when another node moved it first.</summary>
    Task<RoomMove?> MoveAsync(AppointmentId appointmentId, string from, string to, string reason, CancellationToken cancellationToken);

    /// <summary>The rooms of consultations not yet ended that are placed on one of <paramref name="nodes"/>.</summary>
    Task<IReadOnlyList<AppointmentId>> RoomsOnAsync(IReadOnlyCollection<string> nodes, CancellationToken cancellationToken);

    /// <summary>The rooms of consultations not yet ended placed on a node outside <paramref name="liveNodes"/>, with it.</summary>
    Task<IReadOnlyList<(AppointmentId Room, string Node)>> RoomsOffAsync(IReadOnlyCollection<string> liveNodes, CancellationToken cancellationToken);

    /// <summary>Participants whose hub connection was on a node outside <paramref name="liveNodes"/> are marked
    /// disconnected (timeline detail <c>node_lost</c>): they get the reconnect grace to come back through a live node.
    /// Returns how many.</summary>
    Task<int> ReleaseParticipantsOffAsync(IReadOnlyCollection<string> liveNodes, CancellationToken cancellationToken);
}

/// <summary>A room that moved: its new node and who the media plane must relay there.</summary>
public sealed record RoomMove(AppointmentId AppointmentId, string Node, IReadOnlyList<string> Admitted);
