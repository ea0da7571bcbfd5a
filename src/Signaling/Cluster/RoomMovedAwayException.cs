namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>A relayed media call reached a node that has handed the room to another node (a drain): the caller routes it
/// again at once, from the placement in PostgreSQL. Never a client's error.</summary>
internal sealed class RoomMovedAwayException(string roomId, string node)
    : Exception($"Room {roomId} has moved away from node {node}.");
