namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Configuration section <c>Node</c>: this node's place among several (used only with <c>Redis:Configuration</c>,
/// except <see cref="Id"/>, which names the node in metrics in every case).</summary>
internal sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>The node's id; by default the host name and a random suffix, unique per process.</summary>
    public string? Id { get; set; }

    /// <summary>How often the node writes its registry entry (state and load).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A node whose heartbeat stopped this long ago is dead: its rooms are placed again, its participants get
    /// the reconnect grace.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A node whose heartbeat is this old and that no longer listens for relayed media calls (its Redis
    /// connection is gone: the process died) is lost before <see cref="DeadAfter"/>.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a media call relayed to the room's node may take, retries included: a node that does not
    /// listen is asked again every half second (the room is placed again once that node is lost).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>During a drain, the longest this node's sessions of a moved room keep relaying after the hand-over, until
    /// the clients' new peer connections (to the new node) have taken over (make-before-break). The node exits sooner
    /// once every participant it relayed has media up on another node.</summary>
    public TimeSpan MoveOverlap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On SIGTERM, how long the node may take to move its rooms to other nodes before it exits anyway.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
