using System.Collections.Concurrent;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>The rooms a draining node has handed to other nodes while its own sessions of them still relay
/// (make-before-break). From the hand-over on, this node writes nothing for them: no media_up, media_down or relay mark
/// (the move closed their open intervals at the last relay mark, and the new node's sessions open the next ones), and
/// no re-offer or notice to their clients (those belong to the new node's sessions now).</summary>
internal sealed class MovingRooms
{
    private readonly ConcurrentDictionary<string, byte> rooms = new(StringComparer.Ordinal);

    public void Add(string roomId) => rooms[roomId] = 0;

    public bool Contains(string roomId) => !rooms.IsEmpty && rooms.ContainsKey(roomId);

    public IReadOnlyCollection<string> All => [.. rooms.Keys];
}
